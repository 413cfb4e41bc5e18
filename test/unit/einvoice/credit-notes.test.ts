/**
 * Credit notes through their handlers: `POST /invoices/{invoiceId}/credit-notes` (whole invoice,
 * some lines, an amount; Idempotency-Key), own gapless numbers, balanced journals through the one
 * credit transition, the rest of a paid invoice as on-account credit, `GET /credit-notes/{id}`,
 * `/document` and `/einvoice`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiEvent, bodyOf, errorOf, lambdaContext, stubHandlerEnvironment } from '../../support/api-events';
import { InMemoryCreditNoteStore, InMemoryIdempotencyStore, inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { germanBuyer, invoicesFor, testSeller } from '../../support/einvoice-cases';

let create: typeof import('../../../lambdas/handlers/api/create-credit-note');
let read: typeof import('../../../lambdas/handlers/api/get-credit-note');

beforeAll(async () => {
  stubHandlerEnvironment();
  create = await import('../../../lambdas/handlers/api/create-credit-note');
  read = await import('../../../lambdas/handlers/api/get-credit-note');
});
afterAll(() => {
  vi.unstubAllEnvs();
});

let world: InMemoryWorld;
let idempotency: InMemoryIdempotencyStore;

beforeEach(async () => {
  world = inMemoryWorld({ start: '2026-03-05T09:00:00Z', settings: { seller: testSeller } });
  idempotency = new InMemoryIdempotencyStore();
  const customer = germanBuyer({ customerId: 'C-DE' });
  await world.customers.put(customer);
  const invoice = invoicesFor(customer, {
    lines: [
      { sku: 'BOOK-7', quantity: 3, unitPrice: '24.95', taxRate: '7' },
      { sku: 'LAMP-19', quantity: 1, unitPrice: '89.00', taxRate: '19' },
    ],
  }).invoices[0]!;
  world.tables.invoices.set('I-1', { ...invoice, invoiceId: 'I-1' });
});

const deps = () => ({ ...world.deps, creditNotes: new InMemoryCreditNoteStore(world.tables) });
const post = (invoiceId: string, body: unknown, key?: string) =>
  create.makeHandler(deps(), { idempotency: { store: idempotency.asIdempotencyStore(), clock: world.clock } })(
    apiEvent('POST', `/invoices/${invoiceId}/credit-notes`, { body, role: 'finance', pathParameters: { invoiceId }, ...(key ? { idempotencyKey: key } : {}) }),
    lambdaContext,
  );
const get = (path: string, query?: Record<string, string>, headers?: Record<string, string>) =>
  read.makeHandler(deps())(apiEvent('GET', path, { pathParameters: { creditNoteId: path.split('/')[2]! }, role: 'finance', ...(query ? { query } : {}), ...(headers ? { headers } : {}) }), lambdaContext);

const ledgerBalanced = () => {
  const perJournal = new Map<string, number>();
  for (const row of world.tables.ledger) perJournal.set(row.journalId, (perJournal.get(row.journalId) ?? 0) + (row.side === 'debit' ? row.amountMinor : -row.amountMinor));
  return [...perJournal.values()].every((v) => v === 0);
};

describe('credit notes', () => {
  it('credits some lines with its own number, reduces the balance, posts a balanced journal, and answers a retry with the same credit note', async () => {
    // Act
    const first = await post('I-1', { reason: 'damaged', lines: [{ sku: 'BOOK-7', quantity: 2 }] }, 'k-1');
    const again = await post('I-1', { reason: 'damaged', lines: [{ sku: 'BOOK-7', quantity: 2 }] }, 'k-1');

    // Assess: 2 x 24.95 = 49.90 net, 7 % = 3.493 -> 3.49
    expect(first.statusCode).toBe(201);
    const note = bodyOf<{ creditNoteId: string; number: string; total: string; typeCode: string; invoiceNumber: string }>(first);
    expect(note).toMatchObject({ number: 'CN-2026-000001', typeCode: '381', total: '53.39', invoiceNumber: expect.stringMatching(/^INV-2026-/) });
    expect(bodyOf(again)).toEqual(bodyOf(first));
    expect(world.tables.creditNotes.size).toBe(1);
    const invoice = world.tables.invoices.get('I-1')!;
    expect(invoice.balanceMinor).toBe(invoice.totalMinor - 5_339);
    expect(world.tables.ledger.filter((r) => r.journalId === `credit-note-${note.creditNoteId}`).map((r) => [r.account, r.side, r.amountMinor])).toEqual([
      ['revenue', 'debit', 4_990],
      ['tax-payable', 'debit', 349],
      ['receivables', 'credit', 5_339],
    ]);
    expect(ledgerBalanced()).toBe(true);
  });

  it('numbers credit notes without gaps, refuses more than is left (400 naming the field), and credits the rest of the invoice', async () => {
    const a = bodyOf<{ number: string }>(await post('I-1', { reason: 'r', lines: [{ sku: 'LAMP-19', quantity: 1 }] }));
    const tooMany = await post('I-1', { reason: 'r', lines: [{ sku: 'LAMP-19', quantity: 1 }] });
    const unknown = await post('I-1', { reason: 'r', lines: [{ sku: 'NOPE', quantity: 1 }] });
    const both = await post('I-1', { reason: 'r', lines: [{ sku: 'BOOK-7', quantity: 1 }], amount: '1.00' });
    const rest = bodyOf<{ number: string; lines: { sku: string; quantity: number }[] }>(await post('I-1', { reason: 'the rest' }));

    expect(a.number).toBe('CN-2026-000001');
    expect(tooMany.statusCode).toBe(400);
    expect(errorOf(tooMany).details).toEqual([{ field: 'lines[0].quantity', problem: 'must be at most 0, the quantity of LAMP-19 not yet credited' }]);
    expect(errorOf(unknown).details[0]?.field).toBe('lines[0].sku');
    expect(errorOf(both).details[0]?.field).toBe('amount');
    expect(rest).toMatchObject({ number: 'CN-2026-000002', lines: [{ sku: 'BOOK-7', quantity: 3 }] });
    expect(world.tables.invoices.get('I-1')).toMatchObject({ balanceMinor: 0, status: 'CREDITED' });
    expect(ledgerBalanced()).toBe(true);
  });

  it('credits an amount over the VAT rates; on a paid invoice the credit becomes on-account credit', async () => {
    const invoice = world.tables.invoices.get('I-1')!;
    world.tables.invoices.set('I-1', { ...invoice, paidMinor: invoice.totalMinor, balanceMinor: 0, status: 'PAID' });

    const response = await post('I-1', { reason: 'goodwill', amount: '20.00' });

    expect(response.statusCode).toBe(201);
    const note = bodyOf<{ total: string; onAccountCredit: string; vatBreakdown: { rate: string }[] }>(response);
    expect(note).toMatchObject({ total: '20.00', onAccountCredit: '20.00' });
    expect(note.vatBreakdown.map((r) => r.rate)).toEqual(['7', '19']);
    expect((await world.customers.get('C-DE'))!.onAccountCreditMinor).toBe(2_000);
    expect(ledgerBalanced()).toBe(true);
  });

  it('answers GET /credit-notes/{id}, its document (PDF, HTML) and its e-invoice (UBL CreditNote, CII 381)', async () => {
    const { creditNoteId } = bodyOf<{ creditNoteId: string }>(await post('I-1', { reason: 'damaged', lines: [{ sku: 'BOOK-7', quantity: 1 }] }));

    const json = await get(`/credit-notes/${creditNoteId}`);
    const pdf = await get(`/credit-notes/${creditNoteId}/document`);
    const html = await get(`/credit-notes/${creditNoteId}/document`, undefined, { Accept: 'text/html' });
    const ubl = await get(`/credit-notes/${creditNoteId}/einvoice`, { format: 'ubl' });
    const cii = await get(`/credit-notes/${creditNoteId}/einvoice`, { format: 'cii' });
    const missing = await get('/credit-notes/nope');

    expect(bodyOf(json)).toMatchObject({ creditNoteId, number: 'CN-2026-000001' });
    expect(pdf.headers?.['content-type']).toBe('application/pdf');
    expect(Buffer.from(pdf.body, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(html.body).toContain('Credit note CN-2026-000001');
    expect(html.body).toMatch(/Corrects invoice/);
    expect(ubl.body).toMatch(/<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/);
    expect(ubl.body).toMatch(/<cbc:CreditNoteTypeCode>381<\/cbc:CreditNoteTypeCode>/);
    expect(ubl.body).toMatch(/<cac:InvoiceDocumentReference>\s*<cbc:ID>INV-2026-/);
    expect(cii.body).toMatch(/<ram:TypeCode>381<\/ram:TypeCode>/);
    expect(missing.statusCode).toBe(404);
  });
});
