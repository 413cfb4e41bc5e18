/**
 * `POST /invoices/import` on the local AWS through HTTP (202 at once, then polled at its Location):
 * open items of an earlier ledger become invoices (readable, listable, payable by number), the books
 * stay balanced, a bad item writes nothing (400 for its form at once, the lookups' refusal after the
 * 202), the same call twice writes once, and 10,000 items import after one call (timed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, uniqueId, type ApiDriver, type BodyOf } from './support/api-driver';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;

beforeAll(async () => {
  stack = await startTestStack();
  api = stack.api;
});

afterAll(async () => {
  await stack?.stop();
});

interface ImportAnswer {
  importId: string;
  imported: number;
  totals: Record<string, { items: number; total: string; balance: string }>;
  invoices: { number: string; invoiceId: string }[] | null;
}

async function createCustomer(currency = 'EUR') {
  const customerId = uniqueId('legacy');
  // The storefront's customer (its imported invoices are then the storefront's too), with finance's terms.
  const response = await api.registerCustomer(customerId, { name: 'Alt & Co <KG>', email: `${customerId}@example.com`, currency, creditLimit: '1000000.00', paymentTermsDays: 30 });
  expect(response.status).toBe(201);
  return customerId;
}

interface ImportView extends ImportAnswer {
  status: 'processing' | 'completed' | 'failed';
  total: number;
  processed: number;
  progress: string;
  problems: { field: string; problem: string }[];
}

/**
 * POST /invoices/import and, when it was accepted (202), polls GET /invoices/import/{importId} (its
 * Location) until the import completed or failed: the status and headers of the POST, the import as it ended.
 */
async function importItems(body: unknown, headers: Record<string, string> = {}) {
  // some bodies are outside the declared type on purpose: the client sends them, the server judges
  const accepted = await api.op<'postInvoicesImport', ImportView & { error?: unknown }>('postInvoicesImport', { body: body as BodyOf<'postInvoicesImport'> }, { as: 'finance', headers });
  if (accepted.status !== 202) return accepted;
  expect(accepted.headers.get('location')).toBe(`/invoices/import/${accepted.body.importId}`);
  const done = await api.waitFor('the import to finish', () => api.op<'getInvoicesImportImportId', ImportView>('getInvoicesImportImportId', { path: { importId: accepted.body.importId } }), (r) => r.body.status !== 'processing', 240_000);
  return { ...accepted, body: done.body };
}

/** The outcome of an import, without its times and attempts. */
const outcome = (view: ImportView) => ({ importId: view.importId, status: view.status, imported: view.imported, totals: view.totals, invoices: view.invoices });

async function expectBalanced() {
  const check = await api.ledgerCheck();
  expect(check.problems).toEqual([]);
  expect(check.balanced).toBe(true);
}

describe('POST /invoices/import', () => {
  it('imports three open items: readable, listed for the customer, books balanced; a retry writes nothing twice', async () => {
    const customerId = await createCustomer();
    const tag = uniqueId('A').toUpperCase();
    const body = [
      { number: `${tag}-1`, customerId, currency: 'EUR', total: '1190.00', balance: '1190.00', issueDate: '2026-10-01', dueDate: '2099-12-31' },
      { number: `${tag}-2`, customerId, currency: 'EUR', total: '500.00', balance: '120.50', issueDate: '2026-09-01', dueDate: '2099-10-01' },
      { number: `${tag}-3`, customerId, currency: 'EUR', total: '99.99', balance: '99.99', issueDate: '2020-01-01', dueDate: '2020-01-31' },
    ];

    const first = await importItems(body, { 'Idempotency-Key': `${tag}-key` });

    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'completed', progress: '3/3', imported: 3, totals: { EUR: { items: 3, total: '1789.99', balance: '1410.49' } } });
    const ids = first.body.invoices!.map((i) => i.invoiceId);
    const [open, partly, overdue] = await Promise.all(ids.map((id) => api.op('getInvoicesInvoiceId', { path: { invoiceId: id } })));
    expect(open!.body).toMatchObject({ number: `${tag}-1`, customerId, orderId: null, source: 'import', total: '1190.00', paid: '0.00', balance: '1190.00', status: 'OPEN', dueDate: '2099-12-31' });
    expect(String(open!.body.rfReference)).toMatch(/^RF\d{2}[A-Z0-9]+$/);
    expect(partly!.body).toMatchObject({ status: 'PARTIALLY_PAID', paid: '379.50', balance: '120.50' });
    expect(overdue!.body).toMatchObject({ status: 'OVERDUE', overdueSince: expect.stringMatching(/^2020-01-31T23:00:00/) });

    const listed = await api.op<'getInvoices', { items: { invoiceId: string }[] }>('getInvoices', { query: { customerId } });
    expect(listed.body.items.map((i) => i.invoiceId).sort()).toEqual([...ids].sort());
    await expectBalanced();

    // The same call again (with and without the key): the same import, nothing doubled.
    const replay = await importItems(body, { 'Idempotency-Key': `${tag}-key` });
    const again = await importItems(body);
    expect(replay.status).toBe(202);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(again.status).toBe(202);
    expect(outcome(again.body)).toEqual(outcome(first.body));
    expect((await api.op<'getInvoices', { items: unknown[] }>('getInvoices', { query: { customerId } })).body.items).toHaveLength(3);
    expect((await api.op('getCustomersCustomerId', { path: { customerId } })).body).toMatchObject({ openBalance: '1410.49', overdueBalance: '99.99' });
    await expectBalanced();

    // An imported invoice is paid quoting its number.
    const payment = await api.op('postPayments', { body: { amount: '120.50', currency: 'EUR', reference: `${tag}-2`, valueDate: '2026-11-26', providerPaymentId: uniqueId('psp') } });
    expect(payment.status).toBe(201);
    expect(payment.body).toMatchObject({ status: 'applied', allocations: [{ invoiceId: ids[1], amount: '120.50' }] });
    expect((await api.op('getInvoicesInvoiceId', { path: { invoiceId: ids[1]! } })).body).toMatchObject({ status: 'PAID', balance: '0.00', paid: '500.00' });
    await expectBalanced();

    // Importing one of them again under another call is refused with its place (by the import, after the 202).
    const dup = await importItems([{ ...body[0], number: `${tag}-4` }, body[1]]);
    expect(dup.status).toBe(202);
    expect(dup.body).toMatchObject({ status: 'failed', problems: [{ field: 'items[1].number', problem: expect.stringContaining('is already the number of invoice') }] });
    expect((await api.op<'getInvoices', { items: unknown[] }>('getInvoices', { query: { customerId } })).body.items).toHaveLength(3);
  });

  it('refuses a request with a bad item, naming items[i].field, and writes nothing', async () => {
    const customerId = await createCustomer();
    const tag = uniqueId('B').toUpperCase();
    const good = { number: `${tag}-1`, customerId, currency: 'EUR', total: '10.00', balance: '10.00', issueDate: '2026-10-01', dueDate: '2026-12-01' };

    // Problems of form: 400 at once.
    const response = await importItems([good, { ...good, number: `${tag}-2`, dueDate: '2026-09-30' }, { ...good, number: `${tag}-5`, balance: '10.001' }]);
    // Problems the lookups find (an unknown customer, another currency): the import fails after the 202, naming them.
    const looked = await importItems([good, { ...good, number: `${tag}-3`, customerId: 'nobody-registered' }, { ...good, number: `${tag}-4`, currency: 'USD' }]);

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      error: {
        code: 'VALIDATION_FAILED',
        details: [
          { field: 'items[1].dueDate', problem: 'must be on or after issueDate' },
          { field: 'items[2].balance', problem: expect.stringContaining('more than the 2 decimals EUR allows') },
        ],
      },
    });
    expect(looked.status).toBe(202);
    expect(looked.body).toMatchObject({
      status: 'failed',
      processed: 0,
      problems: [
        { field: 'items[1].customerId', problem: expect.stringContaining('register the customers') },
        { field: 'items[2].currency', problem: `is USD, but customer ${customerId} is invoiced in EUR` },
      ],
    });
    expect((await api.op<'getInvoices', { items: unknown[] }>('getInvoices', { query: { customerId } })).body.items).toEqual([]);
    expect((await importItems({ items: [good] })).status).toBe(400);
    expect((await api.op('postInvoicesImport', { body: [good] })).status).toBe(403);
    await expectBalanced();
  });

  it('imports 10,000 open items in one call, and the books stay balanced', async () => {
    const customers = await Promise.all(Array.from({ length: 20 }, () => createCustomer()));
    const tag = uniqueId('BULK').toUpperCase();
    let expectedMinor = 0;
    const body = Array.from({ length: 10_000 }, (_, i) => {
      const balanceMinor = 1_000 + ((i * 7919) % 500_000);
      expectedMinor += balanceMinor;
      const day = String(1 + (i % 28)).padStart(2, '0');
      return {
        number: `${tag}-${String(i + 1).padStart(5, '0')}`,
        customerId: customers[i % customers.length]!,
        currency: 'EUR',
        total: ((balanceMinor + (i % 3) * 1_000) / 100).toFixed(2),
        balance: (balanceMinor / 100).toFixed(2),
        issueDate: `2026-0${1 + (i % 9)}-${day}`,
        dueDate: `2026-1${i % 3}-${day}`,
      };
    });

    // One call answers 202 at once; the import runs in its state machine (an attempt that runs out
    // of time is continued by the next), and its progress shows meanwhile.
    const started = performance.now();
    const accepted = await api.op<'postInvoicesImport', ImportView>('postInvoicesImport', { body }, { as: 'finance', headers: { 'Idempotency-Key': `${tag}-key` } });
    const acceptedSeconds = (performance.now() - started) / 1000;
    const seen = new Set<string>();
    const done = await api.waitFor(
      'the import of 10,000 items',
      async () => {
        const r = await api.op<'getInvoicesImportImportId', ImportView>('getInvoicesImportImportId', { path: { importId: accepted.body.importId } });
        seen.add(r.body.progress);
        return r;
      },
      (r) => r.body.status !== 'processing',
      300_000,
    );
    const response = { ...accepted, body: done.body };
    const seconds = (performance.now() - started) / 1000;
    // eslint-disable-next-line no-console
    console.log(`[invoice-import] 10,000 open items: 202 after ${acceptedSeconds.toFixed(1)} s, imported after ${seconds.toFixed(1)} s (${Math.round(10_000 / seconds)} items/s); progress seen: ${[...seen].join(', ')}`);

    expect(accepted.status).toBe(202);
    expect(acceptedSeconds).toBeLessThan(29);
    expect(response.body).toMatchObject({ status: 'completed', imported: 10_000, invoices: null, totals: { EUR: { items: 10_000, balance: (expectedMinor / 100).toFixed(2) } } });
    const listed = await api.op<'getInvoices', { items: { number: string }[] }>('getInvoices', { query: { customerId: customers[3], limit: 200 } });
    expect(listed.body.items.length).toBe(200);
    const checkStarted = performance.now();
    await expectBalanced();
    // eslint-disable-next-line no-console
    console.log(`[invoice-import] ledger check after the import: ${((performance.now() - checkStarted) / 1000).toFixed(1)} s`);

    const again = await importItems(body);
    expect(again.status).toBe(202);
    expect(outcome(again.body)).toEqual(outcome(response.body));
  });
});
