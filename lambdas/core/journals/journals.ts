/**
 * Journals to the ERP (finance): `GET /ledger/journals?from=&to=&format=csv|datev` exports the journal
 * lines booked in a date range; `GET /ledger/periods` lists the periods; `POST
 * /ledger/periods/{period}/close` closes one (`ledger/periods.ts` says which may be closed, and how a
 * posting dated in a closed period is booked). An export of closed periods only is the same, byte for
 * byte, every time: its lines can no longer change, and its DATEV "erzeugt am" is the close's time.
 */
import { ValidationError } from '../errors';
import { parseWith } from '../validation';
import { retryOnConflict } from '../kernel/retry';
import type { Clock } from '../time/clock';
import { addCalendarDays, calendarDateIn, isCalendarDate, startOfDateIn } from '../time/clock';
import type { DomainEvent, EventOf } from '../events/catalogue';
import { eventIdFor } from '../events/events';
import { checkClose, closePeriodRequest, isClosed, nextPeriod, periodList, periodOf, type Period, type PeriodState } from '../ledger/periods';
import type { DatevSettings } from './datev-settings';
import { datevBuchungsstapel, documentIdsOf, fiscalYearStart, journalCsv, type JournalDocuments, type LedgerLineRecord } from './journal-export';

/** The stored journal lines, read for exports. */
export interface JournalLineReader {
  /** Every journal line booked at or after `from` and before `to` (instants). */
  linesBetween(from: Date, to: Date): Promise<LedgerLineRecord[]>;
  /** The documents (invoice and credit note numbers, payment references) of these ids. */
  documents(ids: { invoiceIds: readonly string[]; creditNoteIds: readonly string[]; paymentIds: readonly string[] }): Promise<JournalDocuments>;
  /** The booking instant of the earliest journal line (null: none). */
  earliestPostedAt(): Promise<string | null>;
}

/** The period record (`adapters/dynamodb/ledger-periods.ts`). */
export interface PeriodStore {
  read(): Promise<PeriodState>;
  /**
   * Closes `period` if the closed periods are still `expected` (else `ConcurrentUpdateError`),
   * with its event in the outbox in the same transaction.
   */
  close(expected: PeriodState, closed: PeriodState, event: DomainEvent): Promise<void>;
}

export interface JournalDeps {
  readonly journals: JournalLineReader;
  readonly periods: PeriodStore;
  readonly clock: Clock;
  readonly settings: { readonly businessTimeZone: string; readonly datev: DatevSettings };
}

export interface JournalExport {
  readonly body: string | Uint8Array;
  readonly contentType: string;
  readonly fileName: string;
}

/** Exports the journal lines booked from `from` to `to` (calendar dates in the business time zone, both included). */
export async function exportJournals(deps: JournalDeps, query: Readonly<Record<string, string | undefined>>): Promise<JournalExport> {
  const { from, to, format } = query;
  const problems: { field: string; problem: string }[] = [];
  if (!isCalendarDate(from)) problems.push({ field: 'from', problem: 'is required: a calendar date YYYY-MM-DD' });
  if (!isCalendarDate(to)) problems.push({ field: 'to', problem: 'is required: a calendar date YYYY-MM-DD' });
  if (format !== 'csv' && format !== 'datev') problems.push({ field: 'format', problem: 'is required: csv or datev' });
  if (problems.length) throw new ValidationError(problems);
  if (to! < from!) throw ValidationError.of('to', `must not be before from (${from})`);
  const { businessTimeZone: timeZone, datev } = deps.settings;
  if (format === 'datev' && fiscalYearStart(from!, datev.fiscalYearStartMonth) !== fiscalYearStart(to!, datev.fiscalYearStartMonth)) {
    throw ValidationError.of('to', `must be in the fiscal year of from (a DATEV batch holds one fiscal year, which begins ${fiscalYearStart(from!, datev.fiscalYearStartMonth)})`);
  }
  const lines = await deps.journals.linesBetween(startOfDateIn(from!, timeZone), startOfDateIn(addCalendarDays(to!, 1), timeZone));
  const docs = await deps.journals.documents(documentIdsOf(lines));
  if (format === 'csv') {
    return { body: journalCsv(lines, docs, timeZone), contentType: 'text/csv; charset=utf-8', fileName: `journals_${from}_${to}.csv` };
  }
  const state = await deps.periods.read();
  const closedOnly = isClosed(state, to!.slice(0, 7));
  // Closed periods only: made when the last of them was closed, so every export of them is the same.
  const closedAt = closedOnly ? state.closed.filter((c) => c.period >= from!.slice(0, 7) && c.period <= to!.slice(0, 7)).map((c) => c.closedAt).sort().pop() : undefined;
  const createdAt = closedAt ? new Date(closedAt) : deps.clock.now();
  const body = datevBuchungsstapel(lines, docs, datev, { from: from!, to: to!, createdAt, closed: closedOnly }, timeZone);
  return { body, contentType: 'text/csv; charset=windows-1252', fileName: `EXTF_Buchungsstapel_${from}_${to}.csv` };
}

/** The periods: the closed ones (when, by whom), then the open ones through the current month. */
export async function listPeriods(deps: Pick<JournalDeps, 'journals' | 'periods' | 'clock' | 'settings'>) {
  const state = await deps.periods.read();
  const today = calendarDateIn(deps.clock.now(), deps.settings.businessTimeZone);
  const earliest = state.closedThrough === null ? await deps.journals.earliestPostedAt() : null;
  return periodList(state, today, earliest ? periodOf(earliest, deps.settings.businessTimeZone) : null);
}

/**
 * Closes `period` (409 when it has not begun, is closed already, or an earlier one is open), and
 * reports `PeriodClosed.v1`. From then on no journal is dated in it: the posting writer books a
 * posting dated in it on the first day of the next open period.
 */
export async function closePeriod(deps: Pick<JournalDeps, 'journals' | 'periods' | 'clock' | 'settings'>, period: string, closedBy: string, body: unknown = {}) {
  parseWith(closePeriodRequest, body ?? {});
  // Closed meanwhile by another call: read again (then it is closed already, or the next one may be).
  return await retryOnConflict(() => closeOnce(deps, period, closedBy), { attempts: 3 });
}

async function closeOnce(deps: Pick<JournalDeps, 'journals' | 'periods' | 'clock' | 'settings'>, period: string, closedBy: string) {
  const state = await deps.periods.read();
  const now = deps.clock.now();
  const timeZone = deps.settings.businessTimeZone;
  const earliest = state.closedThrough === null ? await deps.journals.earliestPostedAt() : null;
  checkClose(state, period, calendarDateIn(now, timeZone), earliest ? periodOf(earliest, timeZone) : null);
  const closedAt = now.toISOString();
  const closed: PeriodState = { closedThrough: period, closed: [...state.closed, { period, closedAt, closedBy }] };
  await deps.periods.close(state, closed, periodClosed(period, closedAt, closedBy, nextPeriod(period)));
  return { period, status: 'CLOSED' as const, closedAt, closedBy, postingsNowDatedFrom: `${nextPeriod(period)}-01` };
}

function periodClosed(period: Period, closedAt: string, closedBy: string, next: Period): EventOf<'PeriodClosed.v1'> {
  return {
    eventId: eventIdFor('PeriodClosed.v1', period),
    eventType: 'PeriodClosed.v1',
    occurredAt: closedAt,
    customerId: null,
    ownerId: null,
    data: { period, closedAt, closedBy, nextOpenPeriod: next },
  };
}
