/**
 * Accounting periods: calendar months in the business time zone (`2026-11`). Finance closes them in
 * order; once a period is closed no journal may be dated in it. The closed periods are always a
 * prefix of time (every month up to `closedThrough`), because a period can only be closed when no
 * earlier period is open. So one value, `closedThrough`, says where every posting may be dated.
 *
 * A journal whose date falls in a closed period is booked on the first day of the next open period
 * (midnight in the business time zone), and keeps its own date as `originalPostedAt`
 * ({@link datedInOpenPeriod}). The posting writer applies this to every posting and guards it in the
 * posting's transaction (`adapters/dynamodb/ledger-periods.ts`).
 */
import * as z from 'zod';
import { calendarDateIn, startOfDateIn } from '../time/clock';
import { ConflictError, ValidationError } from '../errors';
import type { Journal } from './ledger';

/** The body of `POST /ledger/periods/{period}/close`: nothing (an empty object or none); any field is refused, naming it. */
export const closePeriodRequest = z.strictObject({});

/** A period: `YYYY-MM`. */
export type Period = string;

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isPeriod(text: unknown): text is Period {
  return typeof text === 'string' && PERIOD.test(text);
}

/** The period (month in `timeZone`) an instant falls in. */
export function periodOf(instant: string | Date, timeZone: string): Period {
  return calendarDateIn(typeof instant === 'string' ? new Date(instant) : instant, timeZone).slice(0, 7);
}

/** The period after `period`. */
export function nextPeriod(period: Period): Period {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** The first and last calendar day of a period. */
export function periodDays(period: Period): { first: string; last: string } {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { first: `${period}-01`, last: `${period}-${String(days).padStart(2, '0')}` };
}

/** The instant a period begins: midnight of its first day in `timeZone`. */
export function periodStart(period: Period, timeZone: string): Date {
  return startOfDateIn(`${period}-01`, timeZone);
}

/** A closed period, as `GET /ledger/periods` shows it. */
export interface ClosedPeriod {
  readonly period: Period;
  readonly closedAt: string;
  readonly closedBy: string;
}

/** What is closed: every period up to `closedThrough` (null: none), and when each was closed. */
export interface PeriodState {
  readonly closedThrough: Period | null;
  readonly closed: readonly ClosedPeriod[];
}

export const NO_PERIOD_CLOSED: PeriodState = { closedThrough: null, closed: [] };

/** True when `period` is closed. */
export function isClosed(state: Pick<PeriodState, 'closedThrough'>, period: Period): boolean {
  return state.closedThrough !== null && period <= state.closedThrough;
}

/**
 * The journal as it may be written: unchanged when its date is in an open period, else dated at the
 * start of the first open period with its own date kept as `originalPostedAt`.
 */
export function datedInOpenPeriod(journal: Journal, closedThrough: Period | null, timeZone: string): Journal {
  if (closedThrough === null || periodOf(journal.postedAt, timeZone) > closedThrough) return journal;
  return { ...journal, postedAt: periodStart(nextPeriod(closedThrough), timeZone).toISOString(), originalPostedAt: journal.originalPostedAt ?? journal.postedAt };
}

/**
 * Checks that `period` may be closed now (`today` in the business time zone):
 * - it is a month `YYYY-MM` (else 400 naming `period`);
 * - it has begun (a future month: 409 `PERIOD_NOT_STARTED`) and reached its last day (409 `PERIOD_NOT_ENDING`);
 * - it is not closed already (409 `PERIOD_ALREADY_CLOSED`);
 * - no earlier period is open: the next period after the last closed one, or, when none was closed,
 *   no journal is dated before it (409 `EARLIER_PERIOD_OPEN` naming the earlier period).
 *
 * The current month may be closed from its last day on (a soft close at the end of the month): what
 * is posted in it afterwards is booked on the first day of the next month. Not earlier: a journal
 * dated in a month whose last day is more than an hour away can then never meet a close, so its
 * writer needs no guard ({@link mayMeetAClose}), and most postings touch no shared item.
 */
export function checkClose(state: PeriodState, period: string, today: string, earliestPostedPeriod: Period | null): asserts period is Period {
  if (!isPeriod(period)) throw ValidationError.of('period', 'must be a month YYYY-MM, such as 2026-11');
  if (period > today.slice(0, 7)) throw new ConflictError(`Period ${period} has not begun (today is ${today}): only a period that has begun can be closed`, 'PERIOD_NOT_STARTED');
  if (isClosed(state, period)) throw new ConflictError(`Period ${period} is closed already (closed through ${state.closedThrough})`, 'PERIOD_ALREADY_CLOSED');
  if (state.closedThrough !== null) {
    const next = nextPeriod(state.closedThrough);
    if (period !== next) throw new ConflictError(`Period ${next} is still open: close it before ${period}`, 'EARLIER_PERIOD_OPEN');
  } else if (earliestPostedPeriod !== null && earliestPostedPeriod < period) {
    throw new ConflictError(`Period ${earliestPostedPeriod} has postings and is still open: close it before ${period}`, 'EARLIER_PERIOD_OPEN');
  }
  const { last } = periodDays(period);
  if (today < last) throw new ConflictError(`Period ${period} can be closed from its last day, ${last} (today is ${today})`, 'PERIOD_NOT_ENDING');
}

/** The periods as `GET /ledger/periods` lists them: the closed ones, then the open ones through the current month. */
export function periodList(state: PeriodState, today: string, earliestPostedPeriod: Period | null) {
  const current = today.slice(0, 7);
  const open: Period[] = [];
  let p = state.closedThrough !== null ? nextPeriod(state.closedThrough) : (earliestPostedPeriod !== null && earliestPostedPeriod < current ? earliestPostedPeriod : current);
  for (; p <= current && open.length < 240; p = nextPeriod(p)) open.push(p);
  return {
    closedThrough: state.closedThrough,
    periods: [
      ...state.closed.map((c) => ({ period: c.period, status: 'CLOSED' as const, closedAt: c.closedAt, closedBy: c.closedBy })),
      ...open.map((period) => ({ period, status: 'OPEN' as const, closedAt: null, closedBy: null })),
    ],
  };
}

/** How close to a period's last day a writer starts guarding its journals against a close (longer than any transaction takes). */
export const CLOSE_GUARD_MARGIN_MS = 60 * 60 * 1000;

/**
 * True when a journal dated `postedAt` may fall in a period that is closed, or closed before the
 * writer's transaction commits: its period's last day (from which it can be closed) begins within
 * {@link CLOSE_GUARD_MARGIN_MS} of `now`, or has begun. A journal dated earlier in the current month
 * (the usual case) cannot.
 */
export function mayMeetAClose(postedAt: string, now: Date, timeZone: string): boolean {
  const closableFrom = startOfDateIn(periodDays(periodOf(postedAt, timeZone)).last, timeZone);
  return closableFrom.getTime() <= now.getTime() + CLOSE_GUARD_MARGIN_MS;
}
