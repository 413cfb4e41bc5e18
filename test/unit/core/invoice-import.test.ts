/**
 * Bulk import of open items: the pure rules (every validation rule with its place, status and
 * overdue derivation, the opening-balance journal), the use case over an in-memory import store
 * (all or nothing, idempotent, one winner per number, resume after a crash, payment of an imported
 * item) and the handler's HTTP answers.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors';
import {
  importedInvoice,
  importedInvoiceId,
  importIdFor,
  importRefusal,
  importResult,
  lookupProblems,
  MAX_IMPORT_ITEMS,
  parseImport,
  type ImportEntry,
  type ImportItem,
  type TakenBy,
} from '../../../lambdas/core/invoices/import';
import { rfReferenceFor } from '../../../lambdas/core/invoices/invoice';
import { ImportLeaseLostError, type ImportConflict, type ImportRecord, type InvoiceImportStore } from '../../../lambdas/core/ports';
import type { Customer } from '../../../lambdas/core/customers/customer';
import { importInvoices, IMPORT_LEASE_MS, ImportNotFinishedError, type ImportInvoicesDeps } from '../../../lambdas/core/invoices/import-invoices';
import { ledgerCheck } from '../../../lambdas/core/reports/ledger-check';
import { recordPayment } from '../../../lambdas/core/payments/record-payment';
import { apiEvent, bodyOf, errorOf, lambdaContext, stubHandlerEnvironment } from '../../support/api-events';
import { InMemoryIdempotencyStore, inMemoryWorld, type InMemoryTables, type InMemoryWorld, type TestClock } from '../../support/in-memory';
import { SHOP, aCustomer } from '../../support/builders';
import { InMemoryFiles, InMemoryImportProgress, InMemoryStarter } from '../../support/in-memory-uploads';
import { importView } from '../../../lambdas/core/invoices/import-processing';

const rules = { invoiceNumberPrefix: 'INV', now: new Date('2026-03-02T09:00:00Z'), businessTimeZone: 'Europe/Berlin' };

function item(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { number: 'OLD-2025-0001', customerId: 'C-1', currency: 'EUR', total: '119.00', balance: '119.00', issueDate: '2026-02-01', dueDate: '2026-03-03', ...overrides };
}

/** Items numbered OLD-2025-0001, OLD-2025-0002, ... */
function items(count: number, overrides: (i: number) => Record<string, unknown> = () => ({})): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => item({ number: `OLD-2025-${String(i + 1).padStart(4, '0')}`, ...overrides(i) }));
}

function problemsOf(body: unknown, r = rules) {
  return parseImport(body, r).problems;
}

function refusalOf(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('parseImport: the body', () => {
  it('reads valid items into minor units with their RF reference and deterministic invoice id', () => {
    const parsed = parseImport([item({ total: '1234.5', balance: '1000' })], rules);

    expect(parsed.problems).toEqual([]);
    expect(parsed.items).toEqual([
      {
        index: 0,
        number: 'OLD-2025-0001',
        rfReference: rfReferenceFor('OLD-2025-0001'),
        invoiceId: importedInvoiceId('OLD-2025-0001'),
        customerId: 'C-1',
        currency: 'EUR',
        totalMinor: 123_450,
        balanceMinor: 100_000,
        issueDate: '2026-02-01',
        dueDate: '2026-03-03',
      },
    ]);
    expect(importedInvoiceId('OLD-2025-0001')).toMatch(/^imp-[0-9a-f]{24}$/);
    expect(importedInvoiceId('OLD-2025-0001')).toBe(importedInvoiceId('OLD-2025-0001'));
  });

  it.each([
    ['an object', { number: 'X' }],
    ['null', null],
    ['a string', 'items'],
  ])('refuses %s: the body is the array of items', (_, body) => {
    const error = refusalOf(() => parseImport(body, rules));
    expect(error.problems).toEqual([{ field: '(body)', problem: expect.stringContaining('must be a JSON array of open items') }]);
  });

  it('says to send the array itself when given { items: [...] }', () => {
    const error = refusalOf(() => parseImport({ items: [item()] }, rules));
    expect(error.problems[0]?.problem).toContain('send the items array itself');
  });

  it('refuses an empty array', () => {
    expect(refusalOf(() => parseImport([], rules)).problems).toEqual([{ field: '(body)', problem: 'must hold at least one open item' }]);
  });

  it(`refuses more than ${MAX_IMPORT_ITEMS} items, saying the limit`, () => {
    const error = refusalOf(() => parseImport(items(MAX_IMPORT_ITEMS + 1), rules));
    expect(error.problems).toEqual([{ field: '(body)', problem: `holds 10001 items; at most 10000 items can be imported in one call (split the import)` }]);
  });

  it('accepts exactly 10,000 items', () => {
    const parsed = parseImport(items(MAX_IMPORT_ITEMS), rules);
    expect(parsed.problems).toEqual([]);
    expect(parsed.items).toHaveLength(MAX_IMPORT_ITEMS);
  });
});

describe('parseImport: every rule names its place', () => {
  const at17 = (overrides: Record<string, unknown>) => problemsOf(items(20, (i) => (i === 17 ? overrides : {})));

  it('dueDate before issueDate: items[17].dueDate', () => {
    expect(at17({ issueDate: '2026-02-10', dueDate: '2026-02-09' })).toEqual([{ field: 'items[17].dueDate', problem: 'must be on or after issueDate' }]);
  });

  it('accepts dueDate equal to issueDate', () => {
    expect(at17({ issueDate: '2026-02-10', dueDate: '2026-02-10' })).toEqual([]);
  });

  it.each([
    [{ number: '' }, 'items[17].number', 'must not be empty'],
    [{ number: 'N'.repeat(41) }, 'items[17].number', 'must be at most 40 characters'],
    [{ number: ' OLD-1' }, 'items[17].number', 'must not start or end with white space'],
    [{ number: 'OLD\t1' }, 'items[17].number', 'must not contain control characters'],
    [{ number: '---' }, 'items[17].number', expect.stringContaining('must contain a letter or digit')],
    [{ number: 17 }, 'items[17].number', 'must be a string, not the number 17'],
    [{ customerId: 'no spaces allowed' }, 'items[17].customerId', expect.stringContaining('must be 1-64 letters')],
    [{ currency: 'EURO' }, 'items[17].currency', 'must be an ISO 4217 currency code such as EUR'],
    [{ currency: 'XAU' }, 'items[17].currency', 'must be an ISO 4217 currency code such as EUR'],
    [{ total: '1,000.00' }, 'items[17].total', 'must be a decimal string such as "1234.50"'],
    [{ total: 1000 }, 'items[17].total', 'must be a string, not the number 1000'],
    [{ total: '10.001', balance: '10.00' }, 'items[17].total', '"10.001" has more than the 2 decimals EUR allows'],
    [{ balance: '0.001' }, 'items[17].balance', '"0.001" has more than the 2 decimals EUR allows'],
    [{ currency: 'JPY', total: '1000.5', balance: '1000' }, 'items[17].total', '"1000.5" has more than the 0 decimals JPY allows'],
    [{ total: '0.00', balance: '0.00' }, 'items[17].total', 'must be greater than zero'],
    [{ total: '-5.00', balance: '1.00' }, 'items[17].total', 'must be greater than zero'],
    [{ balance: '0' }, 'items[17].balance', 'must be greater than zero (only open items are imported)'],
    [{ balance: '119.01' }, 'items[17].balance', 'must not exceed total'],
    [{ issueDate: '2026-02-30' }, 'items[17].issueDate', 'must be a calendar date YYYY-MM-DD'],
    [{ dueDate: '03/03/2026' }, 'items[17].dueDate', 'must be a calendar date YYYY-MM-DD'],
    [{ dueDate: undefined }, 'items[17].dueDate', 'is required'],
    [{ note: 'x' }, 'items[17].note', 'unknown field: note'],
  ])('%j gives %s: %s', (overrides, field, problem) => {
    expect(at17(overrides)).toContainEqual({ field, problem });
  });

  it('refuses an item that is not an object at its place', () => {
    expect(problemsOf([item(), 'OLD-1'])).toEqual([{ field: 'items[1]', problem: 'must be an object, not the string "OLD-1"' }]);
  });

  it('accepts the currency decimals: KWD 3, JPY 0', () => {
    expect(problemsOf([item({ currency: 'KWD', total: '10.125', balance: '0.005' }), item({ number: 'OLD-2', currency: 'JPY', total: '5000', balance: '5000' })])).toEqual([]);
  });

  it('refuses a number used twice in the call, naming both places', () => {
    expect(problemsOf([item({ number: 'A-1' }), item({ number: 'B-1' }), item({ number: 'A-1' })])).toEqual([{ field: 'items[2].number', problem: 'repeats items[0].number' }]);
  });

  it('refuses two numbers that give the same RF reference (payers could not tell them apart)', () => {
    expect(problemsOf([item({ number: 'A-1' }), item({ number: 'a1' })])).toEqual([
      { field: 'items[1].number', problem: `gives the same RF creditor reference ${rfReferenceFor('A-1')} as items[0].number (A-1); payers could not tell them apart` },
    ]);
  });

  it("refuses numbers of the product's own series from this year on, accepts earlier years", () => {
    expect(problemsOf([item({ number: 'INV-2026-000123' }), item({ number: 'inv2027000001' }), item({ number: 'INV-2025-000123' })])).toEqual([
      { field: 'items[0].number', problem: expect.stringContaining('is in the series INV-2026 the product issues its own numbers from') },
      { field: 'items[1].number', problem: expect.stringContaining('is in the series INV-2027') },
    ]);
  });

  it('reports every problem of every item, not only the first', () => {
    const problems = problemsOf([item({ total: 'x', dueDate: '2026-13-01' }), item({ number: 'OLD-2' }), item({ number: 'OLD-3', balance: '500.00' })]);
    expect(problems.map((p) => p.field)).toEqual(['items[0].total', 'items[0].dueDate', 'items[2].balance']);
  });

  it('keeps the keys of items with other problems, so lookups report their problems too', () => {
    const parsed = parseImport([item({ dueDate: '2026-01-01' })], rules);
    expect(parsed.items).toEqual([]);
    expect(parsed.keys).toEqual([{ index: 0, number: 'OLD-2025-0001', rfReference: rfReferenceFor('OLD-2025-0001'), customerId: 'C-1', currency: 'EUR' }]);
  });
});

describe('lookupProblems', () => {
  const keys = parseImport([item(), item({ number: 'OLD-2', customerId: 'C-2' }), item({ number: 'OLD-3', customerId: 'C-3', currency: 'USD' })], rules).keys;
  const customers = new Map<string, Customer>([
    ['C-1', aCustomer()],
    ['C-3', aCustomer({ customerId: 'C-3', currency: 'EUR' })],
  ]);
  const none = new Map<string, TakenBy[]>();

  it('needs the customers registered first, in the item currency', () => {
    expect(lookupProblems(keys, { customers, numbers: none, rfReferences: none }, 'import-1')).toEqual([
      { field: 'items[1].customerId', problem: 'no customer C-2 exists; register the customers (PUT /customers/{customerId}) before importing their open items' },
      { field: 'items[2].currency', problem: 'is USD, but customer C-3 is invoiced in EUR' },
    ]);
  });

  it('refuses numbers and RF references of existing invoices, except those of the same import', () => {
    const numbers = new Map<string, TakenBy[]>([
      ['OLD-2025-0001', [{ invoiceId: 'O-9-I1', importId: null }]],
      ['OLD-3', [{ invoiceId: importedInvoiceId('OLD-3'), importId: 'import-1' }]],
    ]);
    const rfReferences = new Map<string, TakenBy[]>([[rfReferenceFor('OLD-2'), [{ invoiceId: 'imp-x', importId: 'import-0' }]]]);
    const all = new Map([...customers, ['C-2', aCustomer({ customerId: 'C-2' })], ['C-3', aCustomer({ customerId: 'C-3', currency: 'USD' })]]);
    expect(lookupProblems(keys, { customers: all, numbers, rfReferences }, 'import-1')).toEqual([
      { field: 'items[0].number', problem: 'is already the number of invoice O-9-I1' },
      { field: 'items[1].number', problem: `gives the RF creditor reference ${rfReferenceFor('OLD-2')}, which invoice imp-x has already (import import-0)` },
    ]);
  });
});

describe('importRefusal', () => {
  it('sorts problems by place and lists at most 1,000, counting the rest', () => {
    const problems = Array.from({ length: 1500 }, (_, i) => ({ field: `items[${1499 - i}].total`, problem: 'x' }));
    const error = importRefusal(problems);
    expect(error.problems).toHaveLength(1001);
    expect(error.problems[0]?.field).toBe('items[0].total');
    expect(error.problems[999]?.field).toBe('items[999].total');
    expect(error.problems[1000]).toEqual({ field: '(body)', problem: 'and 500 more problems not listed here' });
    expect(error.message).toBe('1500 problems in the items (the first 1000 listed in details), the first: items[0].total: x; items[1].total: x; items[2].total: x; items[3].total: x; items[4].total: x');
    expect(error.message.length).toBeLessThan(1000);
  });
});

describe('importedInvoice', () => {
  const customer = aCustomer({ customerId: 'C-1', name: 'Acme Retail GmbH' });
  const parsedItem = (overrides: Record<string, unknown>): ImportItem => parseImport([item(overrides)], rules).items[0]!;
  const build = (overrides: Record<string, unknown>, now = rules.now) => importedInvoice(parsedItem(overrides), customer, 'import-1', now, 'Europe/Berlin');

  it('an item not yet due is OPEN; paid is total minus balance', () => {
    const { invoice } = build({ total: '119.00', balance: '119.00', dueDate: '2026-03-02' });
    expect(invoice).toMatchObject({
      invoiceId: importedInvoiceId('OLD-2025-0001'),
      number: 'OLD-2025-0001',
      rfReference: rfReferenceFor('OLD-2025-0001'),
      orderId: null,
      source: 'import',
      customerId: 'C-1',
      customerName: 'Acme Retail GmbH',
      currency: 'EUR',
      lines: [],
      totalMinor: 11_900,
      paidMinor: 0,
      balanceMinor: 11_900,
      status: 'OPEN',
      issueDate: '2026-02-01',
      dueDate: '2026-03-02',
      overdueAt: '2026-03-02T23:00:00.000Z',
      overdueSince: null,
      issuedAt: '2026-01-31T23:00:00.000Z',
      sentAt: null,
      allocations: [],
      dunning: { level: 0, blockedUntil: null, history: [] },
    });
    expect(invoice.history).toEqual([{ status: 'OPEN', at: '2026-03-02T09:00:00.000Z', note: 'imported as an open item (import-1): total 119.00, balance 119.00' }]);
  });

  it('a partly paid item not yet due is PARTIALLY_PAID', () => {
    expect(build({ total: '119.00', balance: '19.00' }).invoice).toMatchObject({ paidMinor: 10_000, balanceMinor: 1_900, status: 'PARTIALLY_PAID' });
  });

  it('an item whose due date has passed is OVERDUE since the start of the next day in the business time zone', () => {
    const { invoice } = build({ dueDate: '2026-02-27', balance: '19.00' });
    expect(invoice).toMatchObject({ status: 'OVERDUE', overdueSince: '2026-02-27T23:00:00.000Z', overdueAt: '2026-02-27T23:00:00.000Z', paidMinor: 10_000 });
  });

  it('turns OVERDUE exactly at the start of the day after the due date (summer time)', () => {
    const due = { issueDate: '2026-06-01', dueDate: '2026-06-30' };
    expect(build(due, new Date('2026-06-30T21:59:59.999Z')).invoice.status).toBe('OPEN');
    expect(build(due, new Date('2026-06-30T22:00:00.000Z')).invoice).toMatchObject({ status: 'OVERDUE', overdueSince: '2026-06-30T22:00:00.000Z' });
  });

  it('posts a balanced opening-balance journal: receivables debited with the balance, opening-balance credited', () => {
    const { journal } = build({ total: '119.00', balance: '19.00' });
    const invoiceId = importedInvoiceId('OLD-2025-0001');
    expect(journal).toEqual({
      journalId: `opening-${invoiceId}`,
      event: 'OpeningBalanceImported',
      postedAt: '2026-03-02T09:00:00.000Z',
      currency: 'EUR',
      lines: [
        { account: 'receivables', side: 'debit', amount: { minor: 1_900, currency: 'EUR' }, reference: invoiceId },
        { account: 'opening-balance', side: 'credit', amount: { minor: 1_900, currency: 'EUR' }, reference: invoiceId },
      ],
    });
  });
});

describe('importIdFor and importResult', () => {
  const parsed = (body: unknown[]) => parseImport(body, rules).items;

  it('the same items give the same import id, whatever the spelling of amounts; other items another', () => {
    expect(importIdFor(parsed([item({ total: '119.0' })]))).toBe(importIdFor(parsed([item({ total: '119.00' })])));
    expect(importIdFor(parsed([item()]))).toMatch(/^import-[0-9a-f]{32}$/);
    expect(importIdFor(parsed([item({ balance: '118.00' })]))).not.toBe(importIdFor(parsed([item()])));
    expect(importIdFor(parsed(items(2)))).not.toBe(importIdFor(parsed(items(2).reverse())));
  });

  it('lists every number with its invoice id up to 2,000 items, with totals per currency', () => {
    const result = importResult('import-1', parsed([item(), item({ number: 'OLD-2', balance: '100.00' }), item({ number: 'OLD-3', currency: 'JPY', total: '500', balance: '500' })]));
    expect(result).toEqual({
      importId: 'import-1',
      imported: 3,
      totals: { EUR: { items: 2, total: '238.00', balance: '219.00' }, JPY: { items: 1, total: '500', balance: '500' } },
      invoices: [
        { number: 'OLD-2025-0001', invoiceId: importedInvoiceId('OLD-2025-0001') },
        { number: 'OLD-2', invoiceId: importedInvoiceId('OLD-2') },
        { number: 'OLD-3', invoiceId: importedInvoiceId('OLD-3') },
      ],
    });
  });

  it('gives only the totals above 2,000 items (the answer must fit the Idempotency table)', () => {
    expect(importResult('import-1', parsed(items(2000))).invoices).toHaveLength(2000);
    const large = importResult('import-1', parsed(items(2001)));
    expect(large).toMatchObject({ imported: 2001, invoices: null, totals: { EUR: { items: 2001, total: '238119.00', balance: '238119.00' } } });
  });
});

/**
 * The import store in memory over the same tables as the other fakes, with the adapter's
 * semantics: reservations per number and RF reference, writes checked against the attempt that
 * holds the import, rollback only of invoices unchanged since written. Faults can be injected.
 */
class InMemoryImportStore implements InvoiceImportStore {
  readonly records = new Map<string, ImportRecord>();
  readonly reservations = new Map<string, { owner: string; invoiceId: string; number: string }>();
  readonly writtenBy = new Map<string, string>();
  /** Throws after this many invoices of the next `write` (a failure part way). */
  failWriteAfter: number | undefined;
  /** The next rollBack throws (the process died before it could clean up). */
  crashRollBack = false;
  /** After this many invoices of the next `write`, the clock jumps (the call is slow). */
  slowWrite: { afterEntries: number; advanceMs: number } | undefined;
  readonly calls: string[] = [];

  constructor(
    private readonly t: InMemoryTables,
    private readonly clock: TestClock,
  ) {}

  async getImport(importId: string) {
    await this.t.tick();
    const record = this.records.get(importId);
    return record ? { ...record } : undefined;
  }

  async findCustomers(customerIds: readonly string[]) {
    await this.t.tick();
    return new Map(customerIds.flatMap((id) => (this.t.customers.has(id) ? [[id, structuredClone(this.t.customers.get(id)!)] as const] : [])));
  }

  async findTaken(numberValues: readonly string[], rfValues: readonly string[]) {
    await this.t.tick();
    const numbers = new Map<string, TakenBy[]>();
    const rfReferences = new Map<string, TakenBy[]>();
    const wanted = { numbers: new Set(numberValues), rf: new Set(rfValues) };
    for (const invoice of this.t.invoices.values()) {
      const taken = { invoiceId: invoice.invoiceId, importId: this.writtenBy.get(invoice.invoiceId) ?? null };
      if (wanted.numbers.has(invoice.number)) numbers.set(invoice.number, [...(numbers.get(invoice.number) ?? []), taken]);
      if (wanted.rf.has(invoice.rfReference)) rfReferences.set(invoice.rfReference, [...(rfReferences.get(invoice.rfReference) ?? []), taken]);
    }
    return { numbers, rfReferences };
  }

  async claim(record: ImportRecord, replacing?: Pick<ImportRecord, 'attemptId' | 'state'>) {
    await this.t.tick();
    const current = this.records.get(record.importId);
    if (replacing ? current?.attemptId !== replacing.attemptId || current?.state !== replacing.state : current) return false;
    this.records.set(record.importId, { ...record });
    return true;
  }

  async reserve(record: Pick<ImportRecord, 'importId' | 'attemptId' | 'leaseUntil'>, keys: readonly { index: number; number: string; rfReference: string; invoiceId: string }[]) {
    this.calls.push('reserve');
    const conflicts: ImportConflict[] = [];
    for (const k of keys) {
      await this.t.tick();
      this.assertHolds(record);
      const id = `rf-reference#${k.rfReference}`;
      const held = this.reservations.get(id);
      if (held && held.owner !== record.importId) conflicts.push({ index: k.index, key: held.number === k.number ? 'number' : 'rfReference', heldBy: { invoiceId: held.invoiceId, importId: held.owner } });
      else this.reservations.set(id, { owner: record.importId, invoiceId: k.invoiceId, number: k.number });
    }
    if (conflicts.length === 0) this.records.set(record.importId, { ...this.records.get(record.importId)!, reservedAt: this.clock.now().toISOString() });
    return conflicts;
  }

  async write(record: Pick<ImportRecord, 'importId' | 'attemptId' | 'leaseUntil'>, entries: readonly ImportEntry[], options: { resuming: boolean; onWritten?: (invoices: number) => void }) {
    this.calls.push('write');
    let written = 0;
    for (const { invoice, journal } of entries) {
      await this.t.tick();
      this.assertHolds(record);
      if (this.slowWrite && written === this.slowWrite.afterEntries) {
        this.clock.advanceMs(this.slowWrite.advanceMs);
        this.slowWrite = undefined;
      }
      // As the adapter: no write in the last 5 s of the lease.
      if (this.clock.now().getTime() > Date.parse(record.leaseUntil) - 5_000) throw new ImportLeaseLostError(record.importId);
      if (options.resuming && this.writtenBy.get(invoice.invoiceId) === record.importId) {
        options.onWritten?.(1);
        continue;
      }
      if (this.failWriteAfter !== undefined && written >= this.failWriteAfter) {
        this.failWriteAfter = undefined;
        throw new Error('DynamoDB is unavailable');
      }
      if (this.t.invoices.has(invoice.invoiceId) || this.t.hasJournal(journal.journalId)) throw new Error(`invoice ${invoice.invoiceId} exists`);
      this.t.invoices.set(invoice.invoiceId, structuredClone(invoice));
      this.writtenBy.set(invoice.invoiceId, record.importId);
      this.t.post(journal);
      written++;
      options.onWritten?.(1);
    }
  }

  async complete(record: Pick<ImportRecord, 'importId' | 'attemptId'>, at: string) {
    await this.t.tick();
    this.assertHolds(record);
    this.records.set(record.importId, { ...this.records.get(record.importId)!, state: 'COMPLETED', updatedAt: at });
  }

  async rollBack(record: Pick<ImportRecord, 'importId' | 'attemptId'>, entries: readonly ImportEntry[], reason: string, at: string) {
    await this.t.tick();
    if (this.crashRollBack) {
      this.crashRollBack = false;
      throw new Error('the process died');
    }
    this.assertHolds(record);
    const leftBehind: string[] = [];
    for (const { invoice, journal } of entries) {
      const stored = this.t.invoices.get(invoice.invoiceId);
      if (!stored || this.writtenBy.get(invoice.invoiceId) !== record.importId) continue;
      if (stored.balanceMinor !== invoice.balanceMinor || stored.paidMinor !== invoice.paidMinor) {
        leftBehind.push(invoice.invoiceId);
        continue;
      }
      this.t.invoices.delete(invoice.invoiceId);
      this.writtenBy.delete(invoice.invoiceId);
      for (let i = this.t.ledger.length - 1; i >= 0; i--) if (this.t.ledger[i]!.journalId === journal.journalId) this.t.ledger.splice(i, 1);
    }
    for (const { invoice } of entries.filter((e) => !leftBehind.includes(e.invoice.invoiceId))) {
      const id = `rf-reference#${invoice.rfReference}`;
      if (this.reservations.get(id)?.owner === record.importId) this.reservations.delete(id);
    }
    const current = this.records.get(record.importId)!;
    this.records.set(record.importId, leftBehind.length ? { ...current, leaseUntil: at, reservedAt: null, reason } : { ...current, state: 'ROLLED_BACK', updatedAt: at, reason });
    return { leftBehind };
  }

  private assertHolds(record: Pick<ImportRecord, 'importId' | 'attemptId'>) {
    const current = this.records.get(record.importId);
    if (current?.attemptId !== record.attemptId || current.state !== 'PENDING') throw new ImportLeaseLostError(record.importId);
  }
}

describe('importInvoices', () => {
  let world: InMemoryWorld;
  let store: InMemoryImportStore;
  let deps: ImportInvoicesDeps;

  beforeEach(() => {
    world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    world.customers.seed(aCustomer({ customerId: 'C-1' }));
    world.customers.seed(aCustomer({ customerId: 'C-2', currency: 'USD' }));
    store = new InMemoryImportStore(world.tables, world.clock);
    deps = { imports: store, clock: world.clock, newId: world.deps.newId, settings: world.deps.settings };
  });

  const three = () => [
    item({ number: 'OLD-1', total: '100.00', balance: '100.00', dueDate: '2026-03-31' }),
    item({ number: 'OLD-2', total: '200.00', balance: '50.00', dueDate: '2026-02-15' }),
    item({ number: 'OLD-3', customerId: 'C-2', currency: 'USD', total: '300.00', balance: '300.00', dueDate: '2026-04-01' }),
  ];

  const nothingWritten = () => {
    expect(world.tables.invoices.size).toBe(0);
    expect(world.tables.ledger).toEqual([]);
    expect(store.reservations.size).toBe(0);
  };

  it('writes every item as an invoice with its opening-balance journal; the books stay balanced', async () => {
    const { created, result } = await importInvoices(deps, three());

    expect(created).toBe(true);
    expect(result).toMatchObject({ imported: 3, invoices: [{ number: 'OLD-1' }, { number: 'OLD-2' }, { number: 'OLD-3' }] });
    const stored = [...world.tables.invoices.values()];
    expect(stored.map((i) => [i.number, i.status, i.balanceMinor, i.paidMinor])).toEqual([
      ['OLD-1', 'OPEN', 10_000, 0],
      ['OLD-2', 'OVERDUE', 5_000, 15_000],
      ['OLD-3', 'OPEN', 30_000, 0],
    ]);
    expect(store.records.get(result.importId)).toMatchObject({ state: 'COMPLETED', itemCount: 3 });
    expect(await ledgerCheck(world.deps)).toMatchObject({ balanced: true, receivablesControl: { EUR: '150.00', USD: '300.00' }, openItemsTotal: { EUR: '150.00', USD: '300.00' } });
  });

  it('refuses a request with one bad item naming items[i].field, and writes nothing', async () => {
    const body = [...three(), item({ number: 'OLD-4', customerId: 'C-404' }), item({ number: 'OLD-5', dueDate: '2026-01-01' })];

    const error = await importInvoices(deps, body).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual([
      { field: 'items[3].customerId', problem: expect.stringContaining('no customer C-404 exists; register the customers') },
      { field: 'items[4].dueDate', problem: 'must be on or after issueDate' },
    ]);
    nothingWritten();
    expect(store.records.size).toBe(0);
  });

  it('answers the same call again with the same result and writes nothing twice', async () => {
    const first = await importInvoices(deps, three());
    world.clock.advanceDays(1);
    const again = await importInvoices(deps, three());

    expect(again).toEqual({ created: false, result: first.result });
    expect(world.tables.invoices.size).toBe(3);
    expect(world.tables.ledger).toHaveLength(6);
  });

  it('refuses numbers that are invoices already (another import) with their place', async () => {
    await importInvoices(deps, three());

    const error = await importInvoices(deps, [item({ number: 'NEW-1' }), item({ number: 'OLD-2' })]).catch((e: unknown) => e);

    expect((error as ValidationError).problems).toEqual([{ field: 'items[1].number', problem: expect.stringMatching(/^is already the number of invoice imp-[0-9a-f]{24} \(import import-/) }]);
    expect(world.tables.invoices.size).toBe(3);
  });

  it('lets only one of two concurrent imports of the same number win; the other leaves nothing', async () => {
    const a = [item({ number: 'A-1' }), item({ number: 'SHARED-1' })];
    const b = [item({ number: 'B-1' }), item({ number: 'B-2' }), item({ number: 'SHARED-1' })];

    const results = await Promise.allSettled([importInvoices(deps, a), importInvoices(deps, b)]);

    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(ValidationError);
    expect((lost[0]!.reason as ValidationError).problems[0]?.field).toMatch(/^items\[\d\]\.number$/);
    expect([...world.tables.invoices.values()].filter((i) => i.number === 'SHARED-1')).toHaveLength(1);
    expect(world.tables.invoices.size).toBe(won[0] === results[0] ? 2 : 3);
    expect((await ledgerCheck(world.deps)).balanced).toBe(true);
  });

  it('removes what it wrote when a write fails part way, and a retry then imports everything', async () => {
    store.failWriteAfter = 2;

    await expect(importInvoices(deps, three())).rejects.toThrow('DynamoDB is unavailable');

    nothingWritten();
    const [record] = [...store.records.values()];
    expect(record).toMatchObject({ state: 'ROLLED_BACK', reason: 'failed part way: DynamoDB is unavailable' });

    const retry = await importInvoices(deps, three());
    expect(retry).toMatchObject({ created: true, result: { importId: record!.importId, imported: 3 } });
    expect(world.tables.invoices.size).toBe(3);
    expect((await ledgerCheck(world.deps)).balanced).toBe(true);
  });

  it('after a crash part way asks to retry while the lease runs, then a retry finishes the import without doubling', async () => {
    store.failWriteAfter = 1;
    store.crashRollBack = true;
    await expect(importInvoices(deps, three())).rejects.toThrow(AggregateError);
    expect(world.tables.invoices.size).toBe(1);

    const busy = await importInvoices(deps, three()).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(ImportNotFinishedError);
    expect(busy).toMatchObject({ retryAfterSeconds: IMPORT_LEASE_MS / 1000 });

    world.clock.advanceMs(IMPORT_LEASE_MS + 1);
    const resumed = await importInvoices(deps, three());
    expect(resumed).toMatchObject({ created: true, result: { imported: 3 } });
    expect(world.tables.invoices.size).toBe(3);
    expect(world.tables.ledger).toHaveLength(6);
    expect((await ledgerCheck(world.deps)).balanced).toBe(true);
  });

  it('a call that runs out of time part way keeps what it wrote; the retry goes on from there without reserving again', async () => {
    store.slowWrite = { afterEntries: 2, advanceMs: IMPORT_LEASE_MS - 4_000 };

    const stopped = await importInvoices(deps, three()).catch((e: unknown) => e);

    expect(stopped).toBeInstanceOf(ImportNotFinishedError);
    expect((stopped as ImportNotFinishedError).message).toContain('ran out of time part way');
    expect(world.tables.invoices.size).toBe(2);
    expect((await ledgerCheck(world.deps)).balanced).toBe(true);
    expect(store.calls).toEqual(['reserve', 'write']);

    world.clock.advanceMs((stopped as ImportNotFinishedError).retryAfterSeconds * 1000);
    const finished = await importInvoices(deps, three());

    expect(finished).toMatchObject({ created: true, result: { imported: 3 } });
    expect(store.calls).toEqual(['reserve', 'write', 'write']);
    expect(world.tables.invoices.size).toBe(3);
    expect(world.tables.ledger).toHaveLength(6);
    expect([...store.records.values()][0]).toMatchObject({ state: 'COMPLETED' });
  });

  it('an attempt that lost its lease stops, and the import stays with the attempt that took it over', async () => {
    const body = three();
    const parsed = parseImport(body, { ...rules, now: world.clock.now() });
    const importId = importIdFor(parsed.items);
    store.records.set(importId, { importId, state: 'PENDING', attemptId: 'other', reservedAt: null, leaseUntil: '2026-03-02T09:00:00.000Z', itemCount: 3, createdAt: '2026-03-02T08:58:00.000Z', updatedAt: '2026-03-02T08:58:00.000Z', reason: null });
    // The old attempt comes back after the new one took over: its writes are refused.
    const entries = parsed.items.map((i) => importedInvoice(i, aCustomer(), importId, world.clock.now(), 'Europe/Berlin'));
    const resumed = await importInvoices(deps, body);
    expect(resumed.created).toBe(true);
    await expect(store.write({ importId, attemptId: 'other', leaseUntil: '2026-03-02T10:00:00.000Z' }, entries, { resuming: true })).rejects.toBeInstanceOf(ImportLeaseLostError);
  });

  it('an imported invoice can be paid quoting its number: PAID, and the books stay balanced', async () => {
    const { result } = await importInvoices(deps, three());
    const invoiceId = result.invoices![1]!.invoiceId;

    const payment = (await recordPayment(world.deps, SHOP, { amount: '50.00', currency: 'EUR', reference: 'OLD-2', valueDate: '2026-03-02', providerPaymentId: 'psp-old-2' })).payment;

    expect(payment).toMatchObject({ status: 'applied', allocations: [{ invoiceId, invoiceNumber: 'OLD-2', amount: '50.00' }] });
    expect(world.tables.invoices.get(invoiceId)).toMatchObject({ status: 'PAID', balanceMinor: 0, paidMinor: 20_000 });
    expect(await ledgerCheck(world.deps)).toMatchObject({ balanced: true, receivablesControl: { EUR: '100.00', USD: '300.00' } });
  });

  it('does not roll back an invoice a payment changed meanwhile; it reports it and stays resumable', async () => {
    const { result } = await importInvoices(deps, three());
    const entries = parseImport(three(), rules).items.map((i) => importedInvoice(i, aCustomer(), result.importId, world.clock.now(), 'Europe/Berlin'));
    await recordPayment(world.deps, SHOP, { amount: '10.00', currency: 'EUR', reference: 'OLD-1', valueDate: '2026-03-02', providerPaymentId: 'psp-old-1' });
    store.records.set(result.importId, { ...store.records.get(result.importId)!, state: 'PENDING', attemptId: 'a' });

    const { leftBehind } = await store.rollBack({ importId: result.importId, attemptId: 'a' }, entries, 'test', '2026-03-02T10:00:00.000Z');

    expect(leftBehind).toEqual([result.invoices![0]!.invoiceId]);
    expect([...world.tables.invoices.values()].map((i) => i.number)).toEqual(['OLD-1']);
    expect((await ledgerCheck(world.deps)).balanced).toBe(true);
  });
});

describe('POST /invoices/import handler and the InvoiceImport step', () => {
  let module: typeof import('../../../lambdas/handlers/api/import-invoices');
  let step: typeof import('../../../lambdas/handlers/steps/import-open-items');
  let world: InMemoryWorld;
  let idempotency: InMemoryIdempotencyStore;
  let store: InMemoryImportStore;
  let files: InMemoryFiles;
  let starter: InMemoryStarter;
  let progress: InMemoryImportProgress;

  beforeAll(async () => {
    stubHandlerEnvironment();
    vi.stubEnv('IMPORTS_TABLE', 'test-imports');
    vi.stubEnv('UPLOADS_BUCKET', 'test-uploads');
    vi.stubEnv('INVOICE_IMPORT_STATE_MACHINE_ARN', 'arn:aws:states:eu-west-1:000000000000:stateMachine:test-InvoiceImport');
    module = await import('../../../lambdas/handlers/api/import-invoices');
    step = await import('../../../lambdas/handlers/steps/import-open-items');
  });

  afterAll(() => {
    vi.unstubAllEnvs();
  });

  beforeEach(() => {
    world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    world.customers.seed(aCustomer({ customerId: 'C-1' }));
    idempotency = new InMemoryIdempotencyStore();
    store = new InMemoryImportStore(world.tables, world.clock);
    files = new InMemoryFiles();
    starter = new InMemoryStarter();
    progress = new InMemoryImportProgress();
  });

  const post = (body: unknown, idempotencyKey?: string) =>
    module.makeHandler({ progress, files, processing: starter, clock: world.clock, settings: world.deps.settings }, { idempotency: { store: idempotency.asIdempotencyStore(), clock: world.clock } })(
      apiEvent('POST', '/invoices/import', { body, role: 'finance', ...(idempotencyKey ? { idempotencyKey } : {}) }),
      lambdaContext,
    );
  /** The ImportOpenItems step of the last execution started. */
  const runStep = () => step.makeHandler({ imports: store, progress, files, clock: world.clock, newId: world.deps.newId, settings: world.deps.settings })(starter.started.at(-1)!.input, lambdaContext);

  it('answers 202 with the import id and where to poll, and starts the import; the step imports it; the same key replays the 202', async () => {
    const first = await post([item({ number: 'OLD-1' }), item({ number: 'OLD-2' })], 'import-key-1');
    const replay = await post([item({ number: 'OLD-1' }), item({ number: 'OLD-2' })], 'import-key-1');
    const { importId } = bodyOf<{ importId: string }>(first);
    const outcome = await runStep();

    expect(first.statusCode).toBe(202);
    expect(first.headers?.location).toBe(`/invoices/import/${importId}`);
    expect(bodyOf(first)).toMatchObject({ importId: expect.stringMatching(/^import-/), status: 'processing', total: 2, processed: 0, progress: '0/2', poll: `GET /invoices/import/${importId}` });
    expect(starter.started).toEqual([{ name: `${importId}-1`, input: { importId, objectKey: `imports/received/${importId}.json` } }]);
    expect(JSON.parse(files.objects.get(`imports/received/${importId}.json`)!)).toHaveLength(2);
    expect(replay.statusCode).toBe(202);
    expect(replay.headers?.['idempotent-replayed']).toBe('true');
    expect(outcome).toEqual({ outcome: 'imported', retryAfterSeconds: 0 });
    expect(importView((await progress.get(importId))!)).toEqual(
      expect.objectContaining({
        status: 'completed',
        progress: '2/2',
        imported: 2,
        totals: { EUR: { items: 2, total: '238.00', balance: '238.00' } },
        invoices: [
          { number: 'OLD-1', invoiceId: importedInvoiceId('OLD-1') },
          { number: 'OLD-2', invoiceId: importedInvoiceId('OLD-2') },
        ],
      }),
    );
    expect(world.tables.invoices.size).toBe(2);
  });

  it('the step answers unfinished with the seconds to wait when its time runs out, and the next attempt continues where it stopped', async () => {
    store.slowWrite = { afterEntries: 1, advanceMs: IMPORT_LEASE_MS - 4_000 };
    const { importId } = bodyOf<{ importId: string }>(await post([item({ number: 'OLD-1' }), item({ number: 'OLD-2' })]));

    const stopped = await runStep();
    const between = await progress.get(importId);
    world.clock.advanceMs(stopped.retryAfterSeconds * 1000);
    const continued = await runStep();

    expect(stopped.outcome).toBe('unfinished');
    expect(stopped.retryAfterSeconds).toBeGreaterThan(0);
    expect(between).toMatchObject({ status: 'processing', processed: 1 });
    expect(continued).toEqual({ outcome: 'imported', retryAfterSeconds: 0 });
    expect(await progress.get(importId)).toMatchObject({ status: 'completed', processed: 2 });
    expect(world.tables.invoices.size).toBe(2);
  });

  it('ends refused, naming items[i].field, when the lookups refuse items; nothing written, and the problems fit one item', async () => {
    const { importId } = bodyOf<{ importId: string }>(await post(items(MAX_IMPORT_ITEMS, () => ({ customerId: 'never-registered-customer-with-a-long-id' }))));

    const outcome = await runStep();
    const shown = importView((await progress.get(importId))!);

    expect(outcome).toEqual({ outcome: 'refused', retryAfterSeconds: 0 });
    expect(shown).toMatchObject({ status: 'failed', processed: 0 });
    expect(shown.problems).toHaveLength(1001);
    expect(shown.problems[0]).toMatchObject({ field: 'items[0].customerId' });
    expect(Buffer.byteLength(JSON.stringify(shown))).toBeLessThan(300_000);
    expect(world.tables.invoices.size).toBe(0);
  });

  it('the same items again are the same import: another attempt that finds it done, nothing written twice', async () => {
    const first = bodyOf<{ importId: string }>(await post([item({ number: 'OLD-1' })]));
    await runStep();
    const again = await post([item({ number: 'OLD-1' })]);
    await runStep();

    expect(bodyOf(again)).toMatchObject({ importId: first.importId, attempts: 2 });
    expect(starter.started.map((s) => s.name)).toEqual([`${first.importId}-1`, `${first.importId}-2`]);
    expect(await progress.get(first.importId)).toMatchObject({ status: 'completed', result: { imported: 1 } });
    expect(world.tables.invoices.size).toBe(1);
  });

  it('starts a JSON file uploaded to S3 by its uploadId; 400 naming uploadId when it is not JSON or not there', async () => {
    const uploadId = 'up-2b6f3a52-7c1e-4d59-9a43-2f0f0c1d2e3f';
    const missing = await post({ uploadId });
    files.objects.set(`imports/uploads/${uploadId}`, 'number;customer');
    const notJson = await post({ uploadId });
    files.objects.set(`imports/uploads/${uploadId}`, JSON.stringify([item({ number: 'OLD-9' })]));
    const started = await post({ uploadId });
    await runStep();

    expect(errorOf(missing).details[0]).toMatchObject({ field: 'uploadId', problem: expect.stringContaining('has no file') });
    expect(errorOf(notJson).details[0]).toMatchObject({ field: 'uploadId', problem: expect.stringContaining('not JSON') });
    expect(started.statusCode).toBe(202);
    const { importId } = bodyOf<{ importId: string }>(started);
    expect(starter.started[0]!.input).toEqual({ importId, objectKey: `imports/received/${importId}.json` });
    expect(files.objects.get(`imports/received/${importId}.json`)).toBe(JSON.stringify([item({ number: 'OLD-9' })]));
    expect(world.tables.invoices.size).toBe(1);
  });

  it('answers 400 naming items[i].field, 400 for a body that is not an array and 400 saying the limit; nothing kept or started', async () => {
    const bad = await post([item({ number: 'OLD-1' }), item({ number: 'OLD-2', balance: '500.00' })]);
    const notArray = await post({ items: [item()] });
    const tooMany = await post(items(MAX_IMPORT_ITEMS + 1));

    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad)).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ field: 'items[1].balance', problem: 'must not exceed total' }] });
    expect(notArray.statusCode).toBe(400);
    expect(errorOf(notArray).details[0]?.field).toBe('(body)');
    expect(tooMany.statusCode).toBe(400);
    expect(errorOf(tooMany).message).toContain('at most 10000 items');
    expect(world.tables.invoices.size).toBe(0);
    expect(files.objects.size).toBe(0);
    expect(starter.started).toHaveLength(0);
  });
});
