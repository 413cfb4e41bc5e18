/**
 * The TARGET2 (T2) calendar, on which SEPA direct debits settle: every day is a business day except
 * Saturdays, Sundays, New Year's Day, Good Friday, Easter Monday, 1 May (Labour Day), 25 and 26
 * December (ECB, "TARGET2 closing days"). Dates are calendar dates `YYYY-MM-DD`; nothing here
 * reads a clock.
 *
 * Lead times: since November 2016 the SEPA Core and B2B rulebooks both require the collection to
 * reach the debtor bank one inter-bank business day before the due date (D-1), for first and
 * recurring collections alike; banks add their own cut-off, so the lead time is a setting
 * ({@link LeadTimes}) whose default is that one day.
 */
import { addCalendarDays } from '../time/clock';
import type { MandateScheme } from './mandate';

/** Easter Sunday of a Gregorian year (anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The TARGET2 closing days of a year that fall on weekdays or weekends alike (the holidays). */
export function target2Holidays(year: number): string[] {
  const easter = easterSunday(year);
  return [`${year}-01-01`, addCalendarDays(easter, -2), addCalendarDays(easter, 1), `${year}-05-01`, `${year}-12-25`, `${year}-12-26`];
}

function weekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export function isTarget2BusinessDay(date: string): boolean {
  const day = weekday(date);
  if (day === 0 || day === 6) return false;
  return !target2Holidays(Number(date.slice(0, 4))).includes(date);
}

/** The first TARGET2 business day on or after `date`. */
export function businessDayOnOrAfter(date: string): string {
  let d = date;
  while (!isTarget2BusinessDay(d)) d = addCalendarDays(d, 1);
  return d;
}

/** `date` plus `days` TARGET2 business days (`days` ≥ 0; 0 gives `date` itself when it is one, else the next). */
export function addBusinessDays(date: string, days: number): string {
  if (!Number.isInteger(days) || days < 0) throw new Error(`A number of business days must be a whole number ≥ 0, not ${days}`);
  let d = businessDayOnOrAfter(date);
  for (let i = 0; i < days; i++) d = businessDayOnOrAfter(addCalendarDays(d, 1));
  return d;
}

/** TARGET2 business days the file must be handed to the bank before the collection date, per scheme. */
export type LeadTimes = Readonly<Record<MandateScheme, number>>;

/** The rulebooks' D-1 for Core and B2B. */
export const RULEBOOK_LEAD_TIMES: LeadTimes = { CORE: 1, B2B: 1 };

/**
 * The earliest collection date of a file handed to the bank on `submittedOn` for the scheme:
 * the lead time in business days after the submission day (a submission on a closing day counts
 * from the next business day).
 */
export function earliestCollectionDate(submittedOn: string, scheme: MandateScheme, leadTimes: LeadTimes = RULEBOOK_LEAD_TIMES): string {
  return addBusinessDays(submittedOn, leadTimes[scheme]);
}

/**
 * The day an invoice due on `dueDate` is collected: its due date when that is a business day,
 * else the next business day, but never before the earliest date a file handed in today reaches.
 */
export function collectionDateFor(dueDate: string, earliest: string): string {
  const onDue = businessDayOnOrAfter(dueDate);
  return onDue > earliest ? onDue : earliest;
}
