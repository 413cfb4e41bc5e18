/**
 * Time. Everything that reads "now" reads a {@link Clock}; calendar dates (due dates, "today") are
 * read in the business time zone. Instants are UTC ISO 8601 strings; dates are `YYYY-MM-DD`.
 */
import { TZDate } from '@date-fns/tz';
import { addDays, format, parseISO, isValid, differenceInCalendarDays } from 'date-fns';

export interface Clock {
  now(): Date;
}

/** The system clock. In the local runtime the process' `Date` is the one movable local clock. */
export const systemClock: Clock = { now: () => new Date() };

const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function isCalendarDate(text: unknown): text is string {
  return typeof text === 'string' && CALENDAR_DATE.test(text) && isValid(parseISO(text)) && format(parseISO(text), 'yyyy-MM-dd') === text;
}

/** The calendar date of `instant` in `timeZone`. */
export function calendarDateIn(instant: Date, timeZone: string): string {
  return format(new TZDate(instant.getTime(), timeZone), 'yyyy-MM-dd');
}

/** `date` plus `days` calendar days. */
export function addCalendarDays(date: string, days: number): string {
  return format(addDays(parseISO(date), days), 'yyyy-MM-dd');
}

/** Whole calendar days from `from` to `to` (positive when `to` is later). */
export function calendarDaysBetween(from: string, to: string): number {
  return differenceInCalendarDays(parseISO(to), parseISO(from));
}

/** The instant a calendar date begins (midnight) in `timeZone`. */
export function startOfDateIn(date: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d, 0, 0, 0, timeZone).getTime());
}

/** True when `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone.length === 0) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}
