/**
 * `POST /invoices/import`: open items of an earlier ledger become invoices here, all or nothing.
 *
 * The import's id is a hash of its items, so the same call sent again is the same import: a
 * completed one answers its first result again; one that stopped part way (its time ran out, or
 * the function crashed) is taken over once its lease ended and finished where it stopped (or, if its
 * items are no longer valid, removed); one that is still running is to be retried shortly.
 * Nothing is written for a request with any bad item.
 */
import {
  importedInvoice,
  importIdFor,
  importRefusal,
  importResult,
  lookupProblems,
  mayBeIssuedHere,
  parseImport,
  type ImportEntry,
  type ImportItem,
  type ImportResult,
} from './import';
import type { FieldProblem } from '../errors';
import { ImportLeaseLostError, type ImportConflict, type ImportRecord, type InvoiceImportStore } from '../ports';
import type { CoreDeps } from '../deps';

/**
 * How long an attempt holds an import, from the start of the call. It starts no write in the last
 * seconds of it (see the store), and it is shorter than the function may run (60 s), so an attempt
 * that runs out of time still answers, and its retry can take over right after.
 */
export const IMPORT_LEASE_MS = 45_000;

/**
 * The import is not finished yet and the same call should be sent again after `retryAfterSeconds`:
 * another call is writing it, or this call ran out of time part way (the retry continues where it
 * stopped). Not a refusal: nothing about the request is wrong.
 */
export class ImportNotFinishedError extends Error {
  constructor(
    readonly importId: string,
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(message);
    this.name = 'ImportNotFinishedError';
  }
}

export type ImportInvoicesDeps = Pick<CoreDeps, 'clock' | 'newId' | 'settings'> & { readonly imports: InvoiceImportStore };

/**
 * Validates every item (with lookups of customers, numbers and RF references), then writes the
 * invoices and their opening-balance journals. Returns the result, and whether this call wrote it.
 *
 * @throws ValidationError naming `items[i].field` for every problem; nothing is written.
 * @throws ImportNotFinishedError while another call writes the same import, or when this call ran
 *   out of time part way: send the same call again.
 */
export async function importInvoices(deps: ImportInvoicesDeps, body: unknown, options: { onWritten?: (invoices: number) => void } = {}): Promise<{ created: boolean; result: ImportResult }> {
  const { businessTimeZone, invoiceNumberPrefix } = deps.settings;
  const started = deps.clock.now();
  const parsed = parseImport(body, { invoiceNumberPrefix, now: started, businessTimeZone });
  const importId = parsed.problems.length === 0 ? importIdFor(parsed.items) : undefined;

  const previous = importId ? await deps.imports.getImport(importId) : undefined;
  if (importId && previous?.state === 'COMPLETED') return { created: false, result: importResult(importId, parsed.items) };
  if (previous?.state === 'PENDING' && Date.parse(previous.leaseUntil) > deps.clock.now().getTime()) throw inProgress(previous, deps.clock.now());

  const [customers, taken] = await Promise.all([
    deps.imports.findCustomers([...new Set(parsed.keys.map((k) => k.customerId))]),
    deps.imports.findTaken(
      parsed.keys.map((k) => k.number),
      parsed.keys.filter((k) => mayBeIssuedHere(k.rfReference, invoiceNumberPrefix)).map((k) => k.rfReference),
    ),
  ]);
  const problems = [...parsed.problems, ...lookupProblems(parsed.keys, { customers, numbers: taken.numbers, rfReferences: taken.rfReferences }, importId ?? '')];
  if (problems.length > 0 && !importId) throw importRefusal(problems);

  const now = deps.clock.now();
  const at = now.toISOString();
  const entries = problems.length > 0 ? [] : parsed.items.map((item) => importedInvoice(item, customers.get(item.customerId)!, importId!, now, businessTimeZone));
  const record: ImportRecord = {
    importId: importId!,
    state: 'PENDING',
    attemptId: deps.newId(),
    leaseUntil: new Date(started.getTime() + IMPORT_LEASE_MS).toISOString(),
    itemCount: parsed.items.length,
    createdAt: previous?.createdAt ?? at,
    updatedAt: at,
    reason: null,
    // Reservations of an unfinished attempt are still held (a rollback that kept some clears this).
    reservedAt: previous?.state === 'PENDING' ? (previous.reservedAt ?? null) : null,
  };

  if (problems.length > 0) {
    // A crashed attempt of this import left part of it behind, and its items are no longer valid: remove it.
    if (previous?.state === 'PENDING') {
      await claimOrExplain(deps, record, previous);
      await deps.imports.rollBack(record, parsed.items.map((item) => placeholderEntry(item, importId!, now, businessTimeZone)), 'its items were refused when it was retried', at);
    }
    throw importRefusal(problems);
  }

  const claimed = await claimOrExplain(deps, record, previous);
  if (claimed.completed) return { created: false, result: importResult(record.importId, parsed.items) };

  const conflicts = await writeAllOrNothing(deps, record, parsed.items, entries, previous?.state === 'PENDING', options.onWritten);
  if (conflicts.length > 0) throw importRefusal(conflicts.map((c) => conflictProblem(c, parsed.items)));
  return { created: true, result: importResult(record.importId, parsed.items) };
}

/** Claims the import; when another call claimed it first, says whether that one completed it. */
async function claimOrExplain(deps: ImportInvoicesDeps, record: ImportRecord, previous: ImportRecord | undefined): Promise<{ completed: boolean }> {
  if (await deps.imports.claim(record, previous)) return { completed: false };
  const current = await deps.imports.getImport(record.importId);
  if (current?.state === 'COMPLETED') return { completed: true };
  throw inProgress(current ?? record, deps.clock.now());
}

/**
 * Reserves, writes and completes; on any failure removes what this import wrote. Returns the
 * reservation conflicts (after removing everything) so the caller can name the items.
 */
async function writeAllOrNothing(
  deps: ImportInvoicesDeps,
  record: ImportRecord,
  items: readonly ImportItem[],
  entries: readonly ImportEntry[],
  resuming: boolean,
  onWritten?: (invoices: number) => void,
): Promise<ImportConflict[]> {
  try {
    if (!record.reservedAt) {
      const conflicts = await deps.imports.reserve(record, items);
      if (conflicts.length > 0) {
        await deps.imports.rollBack(record, entries, `${conflicts.length} numbers or RF references are held by other imports`, deps.clock.now().toISOString());
        return conflicts;
      }
    }
    await deps.imports.write(record, entries, { resuming, ...(onWritten ? { onWritten } : {}) });
    await deps.imports.complete(record, deps.clock.now().toISOString());
    return [];
  } catch (error) {
    // Out of time: what is written stays, for the retry to go on from (or to remove).
    if (error instanceof ImportLeaseLostError) {
      const seconds = Math.max(1, Math.ceil((Date.parse(record.leaseUntil) - deps.clock.now().getTime()) / 1000));
      throw new ImportNotFinishedError(record.importId, seconds, `Import ${record.importId} ran out of time part way; send the same call again in ${seconds} s to continue where it stopped`);
    }
    try {
      await deps.imports.rollBack(record, entries, `failed part way: ${error instanceof Error ? error.message : String(error)}`, deps.clock.now().toISOString());
    } catch (rollBackError) {
      // The import stays PENDING; a retry of the call after its lease finishes or removes it.
      throw new AggregateError([error, rollBackError], `Import ${record.importId} failed part way and could not be removed yet; retry the call`);
    }
    throw error;
  }
}

/** The entry of an item whose invoice may exist from a crashed attempt: the rollback needs its keys and journal. */
function placeholderEntry(item: ImportItem, importId: string, now: Date, businessTimeZone: string): ImportEntry {
  return importedInvoice(item, { customerId: item.customerId, name: '' }, importId, now, businessTimeZone);
}

function conflictProblem(conflict: ImportConflict, items: readonly ImportItem[]): FieldProblem {
  const item = items.find((i) => i.index === conflict.index);
  const holder = `${conflict.heldBy.invoiceId ? `invoice ${conflict.heldBy.invoiceId} of ` : ''}import ${conflict.heldBy.importId ?? 'unknown'}`;
  return conflict.key === 'number'
    ? { field: `items[${conflict.index}].number`, problem: `is already taken by ${holder}` }
    : { field: `items[${conflict.index}].number`, problem: `gives the RF creditor reference ${item?.rfReference ?? ''}, which ${holder} holds already` };
}

function inProgress(record: Pick<ImportRecord, 'importId' | 'leaseUntil'>, now: Date): ImportNotFinishedError {
  const seconds = Math.max(1, Math.ceil((Date.parse(record.leaseUntil) - now.getTime()) / 1000));
  return new ImportNotFinishedError(record.importId, seconds, `Import ${record.importId} of the same items is being written by another call; send the call again in ${seconds} s`);
}
