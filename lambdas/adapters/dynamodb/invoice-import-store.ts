/**
 * Bulk imports of open items on DynamoDB. A transaction holds at most 100 items, so an import of
 * up to 10,000 open items is written in chunks, all or nothing by design:
 *
 * 1. the import record (Imports table, `importId`) is claimed by one attempt with a lease;
 * 2. every item's RF reference is reserved with a uniqueness item in the Imports table
 *    (`rf-reference#<reference>`, conditional on not being held by another import). One number has
 *    one RF reference, so this also keeps numbers unique among imports (the byNumber index is not
 *    unique): conflicts show here, before anything the rest of the product reads exists;
 * 3. the invoices (conditional on their id being new) are written with their journal lines;
 * 4. the record is marked COMPLETED.
 *
 * Chunks run in parallel and touch disjoint items (a check of the import record in every chunk
 * would make them conflict with each other). Instead an attempt starts no transaction once its
 * lease is about to run out, and a retry takes over only after the lease ran out, so two attempts
 * never write at once; the state changes of the record itself are conditional on the attempt. A
 * failure part way is undone by {@link DynamoInvoiceImportStore.rollBack}; a crash is finished by
 * a retry of the call.
 */
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type ScanCommandOutput,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Customer } from '../../core/customers/customer';
import { systemClock, type Clock } from '../../core/time/clock';
import type { ImportEntry, TakenBy } from '../../core/invoices/import';
import { ImportLeaseLostError, type ImportConflict, type ImportRecord, type InvoiceImportStore } from '../../core/ports';
import { cancellationCodes, isConditionalCheckFailed } from './document-client';
import { batchGet } from './batch';
import { forEachLimit } from '../../core/kernel/concurrency';
import { retry } from '../../core/kernel/retry';
import { INVOICE_INDEX, invoicesByIndex } from './invoice-item';
import { journalPuts } from './ledger-items';

export interface InvoiceImportTables {
  readonly imports: string;
  readonly invoices: string;
  readonly ledger: string;
  readonly customers: string;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type ImportKey = Pick<ImportRecord, 'importId' | 'attemptId' | 'leaseUntil'>;

/** Most items in one transaction (DynamoDB's limit). */
const MAX_TRANSACTION_ITEMS = 100;
/** Transactions in flight at once. */
const TRANSACTION_CONCURRENCY = 8;
/** Index queries in flight at once. */
const QUERY_CONCURRENCY = 32;
/** From this many lookups on, the byNumber index is scanned instead of queried (when it is small enough). */
const SCAN_FROM_LOOKUPS = 200;
/** The scan is given up (and numbers queried) once it read this many index items per lookup. */
const SCAN_BUDGET_FACTOR = 4;
const SCAN_SEGMENTS = 4;
/** Tries of a transaction refused for a transient reason (conflict with another transaction, throttling). */
const TRANSIENT_ATTEMPTS = 6;
/** No transaction starts later than this before the lease ends (room for the ones in flight to end). */
const LEASE_SAFETY_MS = 5_000;

/** The key of the item reserving an RF reference (and so the number it is made from) for one import. */
export const rfReservation = (rfReference: string) => `rf-reference#${rfReference}`;

export class DynamoInvoiceImportStore implements InvoiceImportStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: InvoiceImportTables,
    private readonly clock: Clock = systemClock,
  ) {}

  async getImport(importId: string): Promise<ImportRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tables.imports, Key: { importId }, ConsistentRead: true }));
    if (!Item || Item.kind !== 'import') return undefined;
    const { kind: _kind, ...record } = Item;
    return record as ImportRecord;
  }

  async findCustomers(customerIds: readonly string[]): Promise<Map<string, Customer>> {
    const items = await batchGet(this.db, this.tables.customers, customerIds.map((customerId) => ({ customerId })));
    return new Map(items.map((c) => [String(c.customerId), c as unknown as Customer]));
  }

  /**
   * Many lookups against a table that is not much larger are read in one parallel scan of the
   * byNumber index (a few requests instead of one query per number); once the scan passes
   * {@link SCAN_BUDGET_FACTOR} items per lookup it stops and each number is queried instead.
   */
  async findTaken(numberValues: readonly string[], rfValues: readonly string[]): Promise<{ numbers: Map<string, TakenBy[]>; rfReferences: Map<string, TakenBy[]> }> {
    const wanted = { numbers: new Set(numberValues), rfReferences: new Set(rfValues) };
    const lookups = wanted.numbers.size + wanted.rfReferences.size;
    if (lookups >= SCAN_FROM_LOOKUPS) {
      const scanned = await this.scanNumbers(wanted, lookups * SCAN_BUDGET_FACTOR);
      if (scanned) return scanned;
    }
    const numbers = new Map<string, TakenBy[]>();
    const rfReferences = new Map<string, TakenBy[]>();
    const queries = [
      ...[...wanted.numbers].map((value) => ({ index: INVOICE_INDEX.byNumber, attribute: 'number', value, into: numbers })),
      ...[...wanted.rfReferences].map((value) => ({ index: INVOICE_INDEX.byRfReference, attribute: 'rfReference', value, into: rfReferences })),
    ];
    await forEachLimit(queries, QUERY_CONCURRENCY, async ({ index, attribute, value, into }) => {
      const items = await invoicesByIndex(this.db, this.tables.invoices, { name: index, attribute, value }, ['invoiceId', 'importId']);
      if (items.length) into.set(value, items.map(takenBy));
    });
    return { numbers, rfReferences };
  }

  /** The scan of {@link findTaken}; undefined when the index holds more than `budget` items. */
  private async scanNumbers(wanted: { numbers: Set<string>; rfReferences: Set<string> }, budget: number) {
    const numbers = new Map<string, TakenBy[]>();
    const rfReferences = new Map<string, TakenBy[]>();
    let seen = 0;
    const segments = Array.from({ length: SCAN_SEGMENTS }, (_, i) => i);
    await forEachLimit(segments, SCAN_SEGMENTS, async (segment) => {
      let start: Record<string, unknown> | undefined;
      do {
        if (seen > budget) return;
        const page: ScanCommandOutput = await this.db.send(
          new ScanCommand({
            TableName: this.tables.invoices,
            IndexName: INVOICE_INDEX.byNumber,
            Segment: segment,
            TotalSegments: SCAN_SEGMENTS,
            ProjectionExpression: '#n, rfReference, invoiceId, importId',
            ExpressionAttributeNames: { '#n': 'number' },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) {
          seen++;
          const number = String(item.number);
          const rf = String(item.rfReference);
          if (wanted.numbers.has(number)) numbers.set(number, [...(numbers.get(number) ?? []), takenBy(item)]);
          if (wanted.rfReferences.has(rf)) rfReferences.set(rf, [...(rfReferences.get(rf) ?? []), takenBy(item)]);
        }
        start = page.LastEvaluatedKey;
      } while (start);
    });
    return seen > budget ? undefined : { numbers, rfReferences };
  }

  async claim(record: ImportRecord, replacing?: Pick<ImportRecord, 'attemptId' | 'state'>): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tables.imports,
          Item: { ...record, kind: 'import' },
          ...(replacing
            ? {
                ConditionExpression: 'attemptId = :previous AND #state = :previousState',
                ExpressionAttributeNames: { '#state': 'state' },
                ExpressionAttributeValues: { ':previous': replacing.attemptId, ':previousState': replacing.state },
              }
            : { ConditionExpression: 'attribute_not_exists(importId)' }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async reserve(record: ImportKey, keys: readonly { index: number; number: string; rfReference: string; invoiceId: string }[]): Promise<ImportConflict[]> {
    const conflicts: ImportConflict[] = [];
    await forEachLimit(chunk(keys, MAX_TRANSACTION_ITEMS), TRANSACTION_CONCURRENCY, async (part) => {
      const items: TransactItem[] = part.map((k) => ({
        Put: {
          TableName: this.tables.imports,
          Item: { importId: rfReservation(k.rfReference), kind: 'reservation', ownerImportId: record.importId, invoiceId: k.invoiceId, number: k.number },
          ConditionExpression: 'attribute_not_exists(importId) OR ownerImportId = :owner',
          ExpressionAttributeValues: { ':owner': record.importId },
        },
      }));
      const codes = await this.transact(record, items);
      if (!codes) return;
      const refused = part.filter((_, i) => codes[i] === 'ConditionalCheckFailed');
      if (refused.length === 0) throw new Error(`Reserving the numbers of import ${record.importId} was refused: ${codes.join(', ')}`);
      for (const k of refused) {
        const { Item } = await this.db.send(new GetCommand({ TableName: this.tables.imports, Key: { importId: rfReservation(k.rfReference) }, ConsistentRead: true }));
        const owner = typeof Item?.ownerImportId === 'string' ? Item.ownerImportId : null;
        if (owner === record.importId) continue;
        const heldBy = { invoiceId: typeof Item?.invoiceId === 'string' ? Item.invoiceId : null, importId: owner };
        conflicts.push({ index: k.index, key: Item?.number === k.number ? 'number' : 'rfReference', heldBy });
      }
    });
    if (conflicts.length === 0) await this.finish(record, { reservedAt: this.clock.now().toISOString() });
    return conflicts.sort((a, b) => a.index - b.index);
  }

  async write(record: ImportKey, entries: readonly ImportEntry[], options: { resuming: boolean; onWritten?: (invoices: number) => void }): Promise<void> {
    let pending = entries;
    if (options.resuming) {
      const stored = await this.storedInvoices(entries);
      const foreign = [...stored.values()].filter((s) => s.importId !== record.importId);
      if (foreign.length > 0) throw new Error(`Invoices ${foreign.map((f) => f.invoiceId).join(', ')} exist and are not of import ${record.importId}`);
      pending = entries.filter((e) => !stored.has(e.invoice.invoiceId));
      options.onWritten?.(entries.length - pending.length);
    }
    const groups = pack(
      pending.map((e) => [
        {
          Put: {
            TableName: this.tables.invoices,
            Item: { ...e.invoice, importId: record.importId },
            ConditionExpression: 'attribute_not_exists(invoiceId)',
          },
        },
        ...journalPuts(this.tables.ledger, e.journal),
      ]),
    );
    await forEachLimit(groups, TRANSACTION_CONCURRENCY, async (items) => {
      const codes = await this.transact(record, items);
      if (codes) throw new Error(`Writing invoices of import ${record.importId} was refused: ${codes.join(', ')}`);
      options.onWritten?.(items.filter((item) => item.Put?.TableName === this.tables.invoices).length);
    });
  }

  async complete(record: ImportKey, at: string): Promise<void> {
    await this.finish(record, { state: 'COMPLETED', updatedAt: at });
  }

  async rollBack(record: ImportKey, entries: readonly ImportEntry[], reason: string, at: string): Promise<{ leftBehind: string[] }> {
    const stored = await this.storedInvoices(entries);
    const own = entries.filter((e) => stored.get(e.invoice.invoiceId)?.importId === record.importId);
    const leftBehind: string[] = [];
    const removal = (e: ImportEntry): TransactItem[] => [
      {
        Delete: {
          TableName: this.tables.invoices,
          Key: { invoiceId: e.invoice.invoiceId },
          // Only with the balance it was written with: once a payment (or a write-off) moved it, the
          // ledger refers to it and dropping it would unbalance the books.
          ConditionExpression: 'importId = :import AND balanceMinor = :balance AND paidMinor = :paid',
          ExpressionAttributeValues: { ':import': record.importId, ':balance': e.invoice.balanceMinor, ':paid': e.invoice.paidMinor },
        },
      },
      ...journalPuts(this.tables.ledger, e.journal).map((p) => ({ Delete: { TableName: this.tables.ledger, Key: { pk: p.Put.Item.pk, sk: p.Put.Item.sk } } })),
    ];
    const groups = packWith(own, (e) => removal(e));
    await forEachLimit(groups, TRANSACTION_CONCURRENCY, async ({ members, items }) => {
      if (!(await this.transact(record, items))) return;
      // One of them changed: remove the others one by one, keep the changed ones.
      for (const e of members) {
        if (await this.transact(record, removal(e))) leftBehind.push(e.invoice.invoiceId);
      }
    });
    const kept = new Set(leftBehind);
    const reservationIds = entries
      .filter((e) => !kept.has(e.invoice.invoiceId))
      .map((e) => rfReservation(e.invoice.rfReference));
    const held = await batchGet(this.db, this.tables.imports, reservationIds.map((importId) => ({ importId })), { attributes: ['importId', 'ownerImportId'] });
    const mine = held.filter((h) => h.ownerImportId === record.importId).map((h) => String(h.importId));
    await forEachLimit(chunk(mine, MAX_TRANSACTION_ITEMS), TRANSACTION_CONCURRENCY, async (part) => {
      const codes = await this.transact(
        record,
        part.map((importId) => ({
          Delete: { TableName: this.tables.imports, Key: { importId }, ConditionExpression: 'ownerImportId = :owner', ExpressionAttributeValues: { ':owner': record.importId } },
        })),
      );
      if (codes) throw new Error(`Releasing the numbers of import ${record.importId} was refused: ${codes.join(', ')}`);
    });
    if (leftBehind.length === 0) {
      await this.finish(record, { state: 'ROLLED_BACK', updatedAt: at, reason });
    } else {
      // Stays PENDING with its lease ended: a retry of the call may finish the import.
      await this.finish(record, { state: 'PENDING', updatedAt: at, leaseUntil: at, reservedAt: null, reason: `${reason}; ${leftBehind.length} invoices changed since they were written and were kept: ${leftBehind.slice(0, 20).join(', ')}` });
    }
    return { leftBehind };
  }

  /**
   * Runs one transaction while `record`'s lease lasts, retrying transient refusals. Returns
   * undefined when it was written, or the refusal codes of its items; throws
   * {@link ImportLeaseLostError} when the lease is (nearly) over.
   */
  private async transact(record: ImportKey, items: readonly TransactItem[]): Promise<string[] | undefined> {
    const transient = (error: unknown) => {
      const codes = cancellationCodes(error);
      if (codes?.includes('ConditionalCheckFailed')) return false;
      return codes ? codes.includes('TransactionConflict') || codes.includes('ThrottlingError') || codes.includes('ProvisionedThroughputExceeded') : isThrottling(error);
    };
    try {
      await retry(
        async () => {
          if (this.clock.now().getTime() > Date.parse(record.leaseUntil) - LEASE_SAFETY_MS) throw new ImportLeaseLostError(record.importId);
          await this.db.send(new TransactWriteCommand({ TransactItems: [...items] }));
        },
        { attempts: TRANSIENT_ATTEMPTS, baseDelayMs: 50, retryOn: transient },
      );
      return undefined;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes) return codes;
      throw error;
    }
  }


  private async finish(record: ImportKey, fields: Record<string, unknown>): Promise<void> {
    const entries = Object.entries(fields);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tables.imports,
          Key: { importId: record.importId },
          UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
          ConditionExpression: 'attemptId = :attempt AND #state = :pending',
          ExpressionAttributeNames: { ...Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k])), '#state': 'state' },
          ExpressionAttributeValues: { ...Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])), ':attempt': record.attemptId, ':pending': 'PENDING' },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new ImportLeaseLostError(record.importId);
      throw error;
    }
  }

  /** The stored invoices among the entries' ids, with the import that wrote each. */
  private async storedInvoices(entries: readonly ImportEntry[]): Promise<Map<string, { invoiceId: string; importId: string | null }>> {
    const items = await batchGet(
      this.db,
      this.tables.invoices,
      entries.map((e) => ({ invoiceId: e.invoice.invoiceId })),
      { attributes: ['invoiceId', 'importId'] },
    );
    return new Map(items.map((i) => [String(i.invoiceId), { invoiceId: String(i.invoiceId), importId: typeof i.importId === 'string' ? i.importId : null }]));
  }

  /** BatchGet of any number of keys (100 a request, unprocessed keys asked again), consistent reads. */

}

function takenBy(item: Record<string, unknown>): TakenBy {
  return { invoiceId: String(item.invoiceId), importId: typeof item.importId === 'string' ? item.importId : null };
}

function isThrottling(error: unknown): boolean {
  const name = (error as { name?: string })?.name ?? '';
  return name === 'ThrottlingException' || name === 'ProvisionedThroughputExceededException' || name === 'RequestLimitExceeded';
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += size) parts.push(items.slice(i, i + size));
  return parts;
}

/** Packs groups of transaction items (one group per invoice) into transactions, never splitting a group. */
function pack(groups: readonly (readonly TransactItem[])[]): TransactItem[][] {
  return packWith(groups, (g) => g).map((p) => p.items);
}

function packWith<T>(members: readonly T[], itemsOf: (member: T) => readonly TransactItem[]): { members: T[]; items: TransactItem[] }[] {
  const limit = MAX_TRANSACTION_ITEMS;
  const packed: { members: T[]; items: TransactItem[] }[] = [];
  let current: { members: T[]; items: TransactItem[] } = { members: [], items: [] };
  for (const member of members) {
    const items = itemsOf(member);
    if (items.length > limit) throw new Error(`A group of ${items.length} transaction items does not fit one transaction`);
    if (current.items.length + items.length > limit) {
      packed.push(current);
      current = { members: [], items: [] };
    }
    current.members.push(member);
    current.items.push(...items);
  }
  if (current.items.length > 0) packed.push(current);
  return packed;
}

