/**
 * Journals to the ERP on the local AWS, through the HTTP API and the clock: a month of real postings
 * (invoices, a credit note, payments, a dunning compensation, a write-off), exported as CSV and as a
 * DATEV Buchungsstapel whose totals equal the ledger check; the month closed; a payment made after
 * the close is booked on the first day of the next month with its own date kept; and the closed
 * month's exports are the same bytes before and after. Prints the exports' figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { startTestStack, uniqueId, type ApiDriver } from './support/api-driver';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;

beforeAll(async () => {
  stack = await startTestStack();
  api = stack.api;
});

afterAll(async () => {
  await stack?.stop();
});

type Invoice = { invoiceId: string; number: string; balance: string; status: string; dueDate: string; dunning: { level: number; chargesInvoiceId?: string } };

/** Moves the one clock; everything due on the way happens first (a move of months fires hundreds of daily timers, so it may take minutes on a busy machine). */
async function moveTo(instant: string) {
  const moved = await fetch(`${stack.local.url}/_local/clock`, {
    method: 'POST',
    headers: { 'x-api-key': stack.local.apiKeys.finance, 'content-type': 'application/json' },
    body: JSON.stringify({ to: instant }),
    signal: AbortSignal.timeout(540_000),
  });
  expect(moved.status, await moved.clone().text()).toBe(200);
}

async function invoiceFor(customerId: string, lines: { sku: string; quantity: number; unitPrice: string }[]): Promise<Invoice> {
  const order = await api.op('postOrders', { body: { customerId, currency: 'EUR', lines } });
  expect(order.status).toBe(202);
  const orderId = String(order.body.orderId);
  await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
  expect((await api.op('postOrdersOrderIdShipments', { path: { orderId }, body: { carrier: 'DHL' } })).status).toBe(202);
  const invoiced = await api.waitForOrderStatus(orderId, 'INVOICED');
  const invoiceId = String(invoiced.body.invoiceId);
  return (await api.waitFor('the invoice to be emailed', () => api.op<'getInvoicesInvoiceId', Invoice & { sentAt: string | null }>('getInvoicesInvoiceId', { path: { invoiceId } }), (r) => r.status === 200 && r.body.sentAt !== null)).body;
}

/** The export as the bytes the API sent (the DATEV file is Windows-1252, not UTF-8). */
async function exportOf(from: string, to: string, format: 'csv' | 'datev') {
  const response = await stack.api.op('getLedgerJournals', { query: { from, to, format } }, { parseAs: 'arrayBuffer' });
  const body: unknown = response.body;
  const bytes = body instanceof ArrayBuffer ? Buffer.from(body) : Buffer.from(JSON.stringify(body));
  return { status: response.status, contentType: response.headers.get('content-type'), bytes };
}

const cents = (amount: string) => Math.round(Number(amount.replace(',', '.')) * 100);

/** Debits, credits and the receivables balance of a CSV export. */
function csvTotals(bytes: Buffer) {
  const rows = parse(bytes.toString('utf8'), { columns: true }) as Record<string, string>[];
  const debit = rows.reduce((a, r) => a + cents(r.debit || '0'), 0);
  const credit = rows.reduce((a, r) => a + cents(r.credit || '0'), 0);
  const receivables = rows.filter((r) => r.account === 'receivables').reduce((a, r) => a + cents(r.debit || '0') - cents(r.credit || '0'), 0);
  return { rows, debit, credit, receivables };
}

/** The total Umsatz and the balance of the receivables account (1410) of a DATEV export. */
function datevTotals(bytes: Buffer) {
  const records = iconv.decode(bytes, 'win1252').split('\r\n').slice(2, -1).map((r) => r.split(';'));
  let umsatz = 0;
  let receivables = 0;
  for (const r of records) {
    const amount = cents(r[0]!);
    umsatz += amount;
    const debitOnKonto = r[1] === '"S"';
    if (r[6] === '1410') receivables += debitOnKonto ? amount : -amount;
    if (r[7] === '1410') receivables += debitOnKonto ? -amount : amount;
  }
  return { records, umsatz, receivables };
}

describe('journals of a month to the ERP', () => {
  it('exports a month as CSV and DATEV with the ledger check totals, closes it, moves a late payment to the next month, and exports the closed month the same every time', async () => {
    await moveTo('2027-03-01T09:00:00Z');
    const customerId = uniqueId('journals');
    // Under the EU Late Payment Directive: the first reminder charges 40 EUR compensation (a dunning charge).
    const registered = await api.registerCustomer(customerId, { name: 'Journal Müller & Söhne KG', email: `${customerId}@example.com`, currency: 'EUR', creditLimit: '100000.00', paymentTermsDays: 7, dunningPolicyId: 'eu-late-payment', locale: 'de' });
    expect(registered.status).toBe(201);

    const overdue = await invoiceFor(customerId, [{ sku: 'DESK-1', quantity: 1, unitPrice: '1000.00' }]);
    const paid = await invoiceFor(customerId, [{ sku: 'CHAIR-2', quantity: 1, unitPrice: '300.00' }]);
    const credited = await invoiceFor(customerId, [{ sku: 'BOOK-7', quantity: 2, unitPrice: '100.00' }]);

    // A payment in full, a credit note for one book and the rest paid.
    expect((await api.op('postPayments', { body: { amount: '300.00', currency: 'EUR', reference: paid.number, valueDate: '2027-03-02', providerPaymentId: uniqueId('psp') } })).status).toBe(201);
    const note = await api.op<'postInvoicesInvoiceIdCreditNotes', { creditNoteId: string }>('postInvoicesInvoiceIdCreditNotes', { path: { invoiceId: credited.invoiceId }, body: { reason: 'one damaged', lines: [{ sku: 'BOOK-7', quantity: 1 }] } }, { as: 'finance' });
    expect(note.status, JSON.stringify(note.body)).toBe(201);
    const creditNote = (await api.op<'getCreditNotesCreditNoteId', { number: string; total: string }>('getCreditNotesCreditNoteId', { path: { creditNoteId: note.body.creditNoteId } })).body;
    const rest = (await api.op<'getInvoicesInvoiceId', Invoice>('getInvoicesInvoiceId', { path: { invoiceId: credited.invoiceId } })).body.balance;
    expect((await api.op('postPayments', { body: { amount: rest, currency: 'EUR', reference: credited.number, valueDate: '2027-03-03', providerPaymentId: uniqueId('psp') } })).status).toBe(201);

    // Three days past due the daily run reminds and charges the compensation; finance then writes the invoice off.
    await moveTo('2027-03-12T08:00:00Z');
    const dunned = (await api.op<'getInvoicesInvoiceId', Invoice>('getInvoicesInvoiceId', { path: { invoiceId: overdue.invoiceId } })).body;
    expect(dunned.dunning).toMatchObject({ level: 1, chargesInvoiceId: `${overdue.invoiceId}-C` });
    const written = await api.op('postInvoicesInvoiceIdWriteOff', { path: { invoiceId: overdue.invoiceId }, body: { reason: 'customer insolvent' } }, { as: 'finance' });
    expect(written.status, JSON.stringify(written.body)).toBe(200);
    const check = await api.ledgerCheck() as unknown as { balanced: boolean; debits: Record<string, string>; credits: Record<string, string>; receivablesControl: Record<string, string> };
    expect(check.balanced).toBe(true);

    // The month's exports: every line, traceable, with the ledger check's totals.
    const csv = await exportOf('2027-03-01', '2027-03-31', 'csv');
    expect(csv.status).toBe(200);
    expect(csv.contentType).toBe('text/csv; charset=utf-8');
    const fromCsv = csvTotals(csv.bytes);
    expect(fromCsv.debit).toBe(cents(check.debits.EUR!));
    expect(fromCsv.credit).toBe(cents(check.credits.EUR!));
    expect(fromCsv.receivables).toBe(cents(check.receivablesControl.EUR!));
    const sources = new Set(fromCsv.rows.map((r) => `${r.event} ${r.sourceType} ${r.documentNumber}`));
    expect(sources).toContain(`InvoiceIssued invoice ${overdue.number}`);
    expect(sources).toContain(`CreditNoteIssued credit-note ${creditNote.number}`);
    expect(sources).toContain(`PaymentReceived payment ${paid.number}`);
    expect(sources).toContain(`DunningChargesPosted charge ${overdue.number}`);
    expect(sources).toContain(`InvoiceWrittenOff invoice ${overdue.number}`);
    expect(fromCsv.rows.filter((r) => r.sourceType === 'charge').every((r) => r.sourceId === `${overdue.invoiceId}-C`)).toBe(true);

    const datev = await exportOf('2027-03-01', '2027-03-31', 'datev');
    expect(datev.status).toBe(200);
    expect(datev.contentType).toBe('text/csv; charset=windows-1252');
    const fromDatev = datevTotals(datev.bytes);
    expect(fromDatev.umsatz).toBe(cents(check.debits.EUR!));
    expect(fromDatev.receivables).toBe(cents(check.receivablesControl.EUR!));
    const header = iconv.decode(datev.bytes, 'win1252').split('\r\n')[0]!.split(';');
    expect(header.slice(0, 5)).toEqual(['"EXTF"', '700', '21', '"Buchungsstapel"', '13']);
    expect(header.slice(14, 16)).toEqual(['20270301', '20270331']);
    expect(header[20]).toBe('0'); // the month is still open
    expect(fromDatev.records.map((r) => r[10])).toContain(`"${creditNote.number}"`);

    // Close March on its last afternoon: a close needs an Idempotency-Key, and the key answers the same again.
    await moveTo('2027-03-31T12:00:00Z');
    expect((await api.op('postLedgerPeriodsPeriodClose', { path: { period: '2027-03' }, body: {} }, { as: 'finance', noIdempotencyKey: true })).status).toBe(428);
    expect((await api.op('postLedgerPeriodsPeriodClose', { path: { period: '2027-04' }, body: {} }, { as: 'finance' })).body).toMatchObject({ error: { code: 'PERIOD_NOT_STARTED' } });
    const key = { 'Idempotency-Key': uniqueId('close') };
    const closed = await api.op('postLedgerPeriodsPeriodClose', { path: { period: '2027-03' }, body: {} }, { as: 'finance', headers: key });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body).toMatchObject({ period: '2027-03', status: 'CLOSED', closedAt: expect.stringMatching(/^2027-03-31T12:00:/), postingsNowDatedFrom: '2027-04-01' });
    expect((await api.op('postLedgerPeriodsPeriodClose', { path: { period: '2027-03' }, body: {} }, { as: 'finance', headers: key })).body).toEqual(closed.body);
    expect((await api.op('postLedgerPeriodsPeriodClose', { path: { period: '2027-03' }, body: {} }, { as: 'finance' })).body).toMatchObject({ error: { code: 'PERIOD_ALREADY_CLOSED' } });
    const closedCsv = await exportOf('2027-03-01', '2027-03-31', 'csv');
    const closedDatev = await exportOf('2027-03-01', '2027-03-31', 'datev');
    expect(iconv.decode(closedDatev.bytes, 'win1252').split('\r\n')[0]!.split(';')[20]).toBe('1'); // Festschreibung
    const published = await api.waitFor('PeriodClosed.v1 published', () => api.get<{ items: { 'detail-type': string; detail: { data: { period: string } } }[] }>('/_local/events', 'finance'), (r) => r.body.items.some((e) => e['detail-type'] === 'PeriodClosed.v1'));
    expect(published.body.items.find((e) => e['detail-type'] === 'PeriodClosed.v1')?.detail.data.period).toBe('2027-03');

    // A payment on the afternoon of the 31st, after the close: booked on 1 April, its own date kept.
    const late = await invoiceFor(customerId, [{ sku: 'LAMP-3', quantity: 1, unitPrice: '80.00' }]);
    await moveTo('2027-03-31T14:00:00Z');
    expect((await api.op('postPayments', { body: { amount: '80.00', currency: 'EUR', reference: late.number, valueDate: '2027-03-31', providerPaymentId: uniqueId('psp') } })).status).toBe(201);
    await moveTo('2027-04-02T08:00:00Z');
    const april = csvTotals((await exportOf('2027-04-01', '2027-04-30', 'csv')).bytes);
    const moved = april.rows.filter((r) => r.documentNumber === late.number);
    expect(moved.length).toBeGreaterThanOrEqual(4); // the invoice and its payment
    expect(moved.every((r) => r.bookingDate === '2027-04-01' && r.originalDate === '2027-03-31')).toBe(true);
    const aprilDatev = iconv.decode((await exportOf('2027-04-01', '2027-04-30', 'datev')).bytes, 'win1252');
    expect(aprilDatev).toContain(`0104;"${late.number}"`);
    expect(aprilDatev).toContain('"Ursprungsdatum";"2027-03-31"');
    expect((await api.ledgerCheck()).balanced).toBe(true);

    // April may not be skipped: closing May while April is open is a 409 naming April.
    await moveTo('2027-05-03T08:00:00Z');
    const skipped = await api.op('postLedgerPeriodsPeriodClose', { path: { period: '2027-05' }, body: {} }, { as: 'finance' });
    expect(skipped.status).toBe(409);
    expect(skipped.body).toMatchObject({ error: { code: 'EARLIER_PERIOD_OPEN', message: expect.stringContaining('2027-04') } });
    const periods = await api.op<'getLedgerPeriods', { closedThrough: string; periods: { period: string; status: string }[] }>('getLedgerPeriods');
    expect(periods.body.closedThrough).toBe('2027-03');
    expect(periods.body.periods.map((p) => `${p.period} ${p.status}`)).toEqual(['2027-03 CLOSED', '2027-04 OPEN', '2027-05 OPEN']);

    // The closed month's exports, after later postings, are the same bytes.
    const again = { csv: await exportOf('2027-03-01', '2027-03-31', 'csv'), datev: await exportOf('2027-03-01', '2027-03-31', 'datev') };
    expect(again.csv.bytes.equals(closedCsv.bytes)).toBe(true);
    expect(again.datev.bytes.equals(closedDatev.bytes)).toBe(true);
    expect(closedCsv.bytes.equals(csv.bytes)).toBe(true);

    // Bad input: a 400 naming the field, no 5xx; storefronts may not read the journals.
    const bad = await api.op('getLedgerJournals', { query: { from: '2027-03-31', to: '2027-03-01', format: 'csv' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: { details: [{ field: 'to' }] } });
    expect((await api.op('getLedgerJournals', { query: { from: '2027-03-01', to: '2027-03-31', format: 'csv' } }, { as: 'storefront' })).status).toBe(403);

    console.log(`journals: March ${fromCsv.rows.length} lines, ${fromDatev.records.length} DATEV bookings, debits ${check.debits.EUR} = credits ${check.credits.EUR}, receivables ${check.receivablesControl.EUR}; closed-month re-exports identical (${closedCsv.bytes.length} and ${closedDatev.bytes.length} bytes)`);
    if (process.env.JOURNALS_SAMPLE_DIR) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(`${process.env.JOURNALS_SAMPLE_DIR}/journals-2027-03.csv`, closedCsv.bytes);
      writeFileSync(`${process.env.JOURNALS_SAMPLE_DIR}/EXTF_Buchungsstapel_2027-03.csv`, closedDatev.bytes);
      writeFileSync(`${process.env.JOURNALS_SAMPLE_DIR}/journals-2027-04.csv`, (await exportOf('2027-04-01', '2027-04-30', 'csv')).bytes);
      writeFileSync(`${process.env.JOURNALS_SAMPLE_DIR}/periods.json`, JSON.stringify({ close: closed.body, periods: periods.body }, null, 2));
    }
  }, 1_500_000);
});
