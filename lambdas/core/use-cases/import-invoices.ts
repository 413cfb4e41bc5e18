/**
 * `POST /invoices/import`: open items of an earlier ledger become invoices here, all or nothing.
 *
 * The import's id is a hash of its items, so the same call sent again is the same import: a
 * completed one answers its first result again, one that crashed part way is taken over once its
 * lease ran out and finished (or, if its items are no longer valid, removed), and one that is still
 * running answers 409. Nothing is written for a request with any bad item.
 */
import { ConflictError } from '../errors';
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
} from '../invoices/import';
import type { FieldProblem } from '../errors';
import { ImportLeaseLostError, type ImportConflict, type ImportRecord, type InvoiceImportStore } from '../ports';
import type { CoreDeps } from './deps';

/** How long an attempt holds an import before a retry may take it over (longer than the function may run). */
export const IMPORT_LEASE_MS = 90_000;

export type ImportInvoicesDeps = Pick<CoreDeps, 'clock' | 'newId' | 'settings'> & { readonly imports: InvoiceImportStore };

/**
 * Validates every item (with lookups of customers, numbers and RF references), then writes the
 * invoices and their opening-balance journals. Returns the result, and whether this call wrote it.
 *
 * @throws ValidationError naming `items[i].field` for every problem; nothing is written.
 * @throws ConflictError (IMPORT_IN_PROGRESS) while another call of the same import is writing it.
 */
export async function importInvoices(deps: ImportInvoicesDeps, body: unknown): Promise<{ created: boolean; result: ImportResult }> {
  const { businessTimeZone, invoiceNumberPrefix } = deps.settings;
  const parsed = parseImport(body, { invoiceNumberPrefix, now: deps.clock.now(), businessTimeZone });
  const importId = parsed.problems.length === 0 ? importIdFor(parsed.items) : undefined;

  const previous = importId ? await deps.imports.getImport(importId) : undefined;
  if (importId && previous?.state === 'COMPLETED') return { created: false, result: importResult(importId, parsed.items) };
  if (previous?.state === 'PENDING' && Date.parse(previous.leaseUntil) > deps.clock.now().getTime()) throw inProgress(previous.importId);

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
    leaseUntil: new Date(now.getTime() + IMPORT_LEASE_MS).toISOString(),
    itemCount: parsed.items.length,
    createdAt: previous?.createdAt ?? at,
    updatedAt: at,
    reason: null,
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

  const conflicts = await writeAllOrNothing(deps, record, parsed.items, entries, previous?.state === 'PENDING', at);
  if (conflicts.length > 0) throw importRefusal(conflicts.map((c) => conflictProblem(c, parsed.items)));
  return { created: true, result: importResult(record.importId, parsed.items) };
}

/** Claims the import; when another call claimed it first, says whether that one completed it. */
async function claimOrExplain(deps: ImportInvoicesDeps, record: ImportRecord, previous: ImportRecord | undefined): Promise<{ completed: boolean }> {
  if (await deps.imports.claim(record, previous)) return { completed: false };
  const now = await deps.imports.getImport(record.importId);
  if (now?.state === 'COMPLETED') return { completed: true };
  throw inProgress(record.importId);
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
  at: string,
): Promise<ImportConflict[]> {
  try {
    const conflicts = await deps.imports.reserve(record, items);
    if (conflicts.length > 0) {
      await deps.imports.rollBack(record, entries, `${conflicts.length} numbers or RF references are held by other imports`, at);
      return conflicts;
    }
    await deps.imports.write(record, entries, { resuming });
    await deps.imports.complete(record, deps.clock.now().toISOString());
    return [];
  } catch (error) {
    // Out of time (or another attempt took over): the import stays as it is for a retry to finish or remove.
    if (error instanceof ImportLeaseLostError) {
      throw new ConflictError(`Import ${record.importId} ran out of time before it was complete; send the same call again to finish it`, 'IMPORT_INCOMPLETE');
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

function inProgress(importId: string): ConflictError {
  return new ConflictError(`Import ${importId} of the same items is being written by another call; retry shortly`, 'IMPORT_IN_PROGRESS');
}
