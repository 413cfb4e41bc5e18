/**
 * Remittance advices through HTTP on the local AWS (issue 15): invoices issued through the order
 * lifecycle; an advice posted to POST /remittances/advices (CSV), then a camt.054 with one transfer
 * without any reference splits exactly over the advised invoices with a deduction kept open; the
 * other order (the statement first: the line waits unapplied; the advice after applies it); a bad
 * advice is a 400 naming the field and row and keeps nothing; the same advice twice applies
 * nothing twice; the ledger check holds after every step.
 */
import { randomUUID } from 'node:crypto';
import PDFDocument from 'pdfkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

interface Invoice {
  invoiceId: string;
  number: string;
  orderId: string;
  balance: string;
  status: string;
}

interface Advice {
  adviceId: string;
  status: string;
  usedBy: { paymentId: string; statementId: string | null; lineId: string | null } | null;
  refusedReason: string | null;
}

interface Problem {
  error: { code: string; message: string; details: { field: string; problem: string; location?: { row?: number } }[] };
}

async function customer(name: string) {
  const customerId = uniqueId('adv');
  const response = await api.registerCustomer(customerId, { name, email: `${customerId}@example.com`, currency: 'EUR', creditLimit: '100000.00', paymentTermsDays: 30 });
  expect(response.status).toBe(201);
  return customerId;
}

/** An order of one line at `amount`, shipped, invoiced and emailed: its invoice. */
async function invoiceFor(customerId: string, amount: string): Promise<Invoice> {
  const placed = await api.op('postOrders', { body: { customerId, currency: 'EUR', lines: [{ sku: 'ITEM', quantity: 1, unitPrice: amount }] } });
  expect(placed.status).toBe(202);
  const orderId = String(placed.body.orderId);
  await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
  expect((await api.op('postOrdersOrderIdShipments', { path: { orderId }, body: { carrier: 'DHL' } })).status).toBe(202);
  const order = await api.waitForOrderStatus(orderId, 'INVOICED');
  const invoiceId = String(order.body.invoiceId);
  const invoice = await api.waitFor('the invoice to be emailed', () => api.op<'getInvoicesInvoiceId', Invoice & { sentAt: string | null }>('getInvoicesInvoiceId', { path: { invoiceId } }), (r) => r.status === 200 && r.body.sentAt !== null);
  return { ...invoice.body, orderId };
}

async function invoice(i: Invoice) {
  return (await api.op<'getInvoicesInvoiceId', Invoice>('getInvoicesInvoiceId', { path: { invoiceId: i.invoiceId } })).body;
}

/** A camt.054.001.08 with one credit entry: a transfer without any reference (only an unrelated text). */
function camt054(notificationId: string, p: { id: string; amount: string; payer: string; iban: string }): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>${notificationId}</MsgId><CreDtTm>2026-03-12T18:00:00+01:00</CreDtTm></GrpHdr>
    <Ntfctn>
      <Id>${notificationId}-1</Id>
      <CreDtTm>2026-03-12T18:00:00+01:00</CreDtTm>
      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Ntry>
        <Amt Ccy="EUR">${p.amount}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-03-12</Dt></BookgDt>
        <ValDt><Dt>2026-03-12</Dt></ValDt>
        <NtryDtls>
          <TxDtls>
            <Refs><AcctSvcrRef>${p.id}</AcctSvcrRef><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
            <Amt Ccy="EUR">${p.amount}</Amt>
            <CdtDbtInd>CRDT</CdtDbtInd>
            <RltdPties>
              <Dbtr><Pty><Nm>${p.payer}</Nm></Pty></Dbtr>
              <DbtrAcct><Id><IBAN>${p.iban}</IBAN></Id></DbtrAcct>
            </RltdPties>
            <RmtInf><Ustrd>see remittance advice</Ustrd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
`;
}

interface Line {
  lineId: string;
  status: string;
  allocations: { invoiceId: string; amount: string }[];
  unappliedAmount: string;
  paymentId: string;
  reasons: string[];
}

async function postRaw<T>(path: string, body: string | Blob, contentType: string, key: string = randomUUID()) {
  // raw: files (bank statements, advices) as the body with their own content type; the client sends JSON bodies only
  const response = await fetch(`${api.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'x-api-key': stack.local.apiKeys.finance, 'content-type': contentType, 'idempotency-key': key },
    body,
    signal: AbortSignal.timeout(120_000),
  });
  return { status: response.status, body: (await response.json()) as T, location: response.headers.get('location') };
}

/** POST /remittances and poll until the statement is processed. */
async function uploadStatement(file: string) {
  const accepted = await postRaw<{ statementId: string }>('/remittances', file, 'application/xml');
  expect(accepted.status).toBe(202);
  const done = await api.waitFor('the statement processed', () => api.get<{ status: string; lines: Line[] }>(accepted.location!), (r) => r.body.status === 'completed' || r.body.status === 'failed', 120_000);
  expect(done.body.status).toBe('completed');
  return { statementId: accepted.body.statementId, lines: done.body.lines };
}

const postAdvice = (csv: string, key?: string) => postRaw<Advice & Problem>('/remittances/advices', csv, 'text/csv', key);

async function expectBalancedBooks() {
  const check = await api.ledgerCheck();
  expect(check.problems).toEqual([]);
  expect(check.balanced).toBe(true);
}

const HEADER = 'payer_name,payer_account,payment_amount,currency,payment_date,invoice_number,paid_amount,deduction_amount,reason_code,note';

describe('remittance advices through POST /remittances/advices', () => {
  it('splits a transfer without references over the advised invoices, whichever comes first, once', async () => {
    // Prepare: two customers (their names unlike the payers'), four invoices
    const [northwind, contoso] = await Promise.all(['Northwind Traders AG', 'Contoso Retail SE'].map(customer));
    const [n1, n2, c1, c2] = await Promise.all([invoiceFor(northwind!, '100.00'), invoiceFor(northwind!, '50.00'), invoiceFor(contoso!, '80.00'), invoiceFor(contoso!, '20.00')]);
    await expectBalancedBooks();
    const listedBefore = (await api.op<'getRemittancesAdvices', { items: Advice[] }>('getRemittancesAdvices', { query: { limit: 200 } })).body.items.length;

    // Act: a bad advice (the paid amounts do not add up; then a bad currency on row 2)
    const unbalanced = await postAdvice(`${HEADER}\nShared Services Zeta,,145.00,EUR,2026-03-11,${n1!.number},100.00,,,\n,,,,,${n2!.number},44.00,5.00,01,\n`);
    const badCurrency = await postAdvice(`${HEADER}\nShared Services Zeta,,145.00,EURO,2026-03-11,${n1!.number},100.00,,,\n`);
    const noReason = await postAdvice(`${HEADER}\nShared Services Zeta,,145.00,EUR,2026-03-11,${n1!.number},100.00,,,\n,,,,,${n2!.number},45.00,5.00,,\n`);

    // Assess: 400 naming the field (and row), nothing kept
    expect(unbalanced.status).toBe(400);
    expect(unbalanced.body.error.details[0]!.field).toBe('paid_amount');
    expect(badCurrency.status).toBe(400);
    expect(badCurrency.body.error.details[0]).toMatchObject({ field: 'currency', location: { row: 2 } });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details[0]).toMatchObject({ field: 'reason_code', location: { row: 3 } });
    expect((await api.op<'getRemittancesAdvices', { items: Advice[] }>('getRemittancesAdvices', { query: { limit: 200 } })).body.items.length).toBe(listedBefore);

    // Act: the advice first (145.00 = 100.00 + 45.00, 5.00 deducted from the second invoice: pricing error), then the transfer
    const adviceCsv = `${HEADER}\nShared Services Zeta,,145.00,EUR,2026-03-11,${n1!.number},100.00,,,\n,,,,,${n2!.number},45.00,5.00,01,price as agreed\n`;
    const advice = await postAdvice(adviceCsv);
    expect(advice.status).toBe(201);
    expect(advice.body.status).toBe('waiting');
    expect(advice.location).toBe(`/remittances/advices/${advice.body.adviceId}`);
    const first = await uploadStatement(camt054(uniqueId('NTF'), { id: 'TX-ADV-1', amount: '145.00', payer: 'Shared Services Zeta', iban: 'FR7630006000011234567890189' }));

    // Assess: split exactly as advised, the deduction kept open on the second invoice
    expect(first.lines).toHaveLength(1);
    expect(first.lines[0]).toMatchObject({ status: 'applied', unappliedAmount: '0.00' });
    expect(first.lines[0]!.allocations.map((a) => [a.invoiceId, a.amount])).toEqual([
      [n1!.invoiceId, '100.00'],
      [n2!.invoiceId, '45.00'],
    ]);
    expect(await invoice(n1!)).toMatchObject({ status: 'PAID', balance: '0.00' });
    expect((await invoice(n2!)).balance).toBe('5.00');
    const used = await api.op<'getRemittancesAdvicesAdviceId', Advice>('getRemittancesAdvicesAdviceId', { path: { adviceId: advice.body.adviceId } });
    expect(used.body).toMatchObject({ status: 'used', usedBy: { statementId: first.statementId, lineId: 'TX-ADV-1', paymentId: first.lines[0]!.paymentId } });
    await expectBalancedBooks();

    // Act: the same advice again
    const again = await postAdvice(adviceCsv);

    // Assess: the same advice, used, nothing applied twice
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ adviceId: advice.body.adviceId, status: 'used' });
    expect((await invoice(n2!)).balance).toBe('5.00');
    await expectBalancedBooks();

    // Act: the other order: the transfer first (no reference, unknown payer: unapplied)
    const second = await uploadStatement(camt054(uniqueId('NTF'), { id: 'TX-ADV-2', amount: '100.00', payer: 'Payables Hub Omega', iban: 'NL91ABNA0417164300' }));
    expect(second.lines[0]).toMatchObject({ status: 'unapplied', unappliedAmount: '100.00' });
    const paymentId = second.lines[0]!.paymentId;
    expect((await api.op<'getPaymentsUnapplied', { items: { paymentId: string }[] }>('getPaymentsUnapplied', { query: { limit: 200 } })).body.items.some((p) => p.paymentId === paymentId)).toBe(true);
    const late = `payer_name,payer_account,payment_amount,currency,payment_date,invoice_number,paid_amount\nPayables Hub Omega,NL91ABNA0417164300,100.00,EUR,2026-03-12,${c1!.number},80.00\n,,,,,${c2!.number},20.00\n`;
    const key = randomUUID();
    const lateAdvice = await postAdvice(late, key);

    // Assess: applied at once over the advised invoices through the manual path
    expect(lateAdvice.status).toBe(201);
    expect(lateAdvice.body).toMatchObject({ status: 'used', usedBy: { paymentId, statementId: second.statementId, lineId: 'TX-ADV-2' } });
    expect(await invoice(c1!)).toMatchObject({ status: 'PAID', balance: '0.00' });
    expect(await invoice(c2!)).toMatchObject({ status: 'PAID', balance: '0.00' });
    expect((await api.op<'getPaymentsUnapplied', { items: { paymentId: string }[] }>('getPaymentsUnapplied', { query: { limit: 200 } })).body.items.some((p) => p.paymentId === paymentId)).toBe(false);
    await api.waitForOrderStatus(c1!.orderId, 'COMPLETED');
    await expectBalancedBooks();

    // Act: the late advice again (a retry with the same key, and a new request)
    const retried = await postAdvice(late, key);
    const resent = await postAdvice(late);

    // Assess: nothing applied twice
    expect(retried.status).toBe(201);
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ adviceId: lateAdvice.body.adviceId, status: 'used' });
    expect(await invoice(c1!)).toMatchObject({ balance: '0.00' });
    const listed = (await api.op<'getRemittancesAdvices', { items: Advice[] }>('getRemittancesAdvices', { query: { limit: 200 } })).body.items;
    expect(listed.filter((a) => [advice.body.adviceId, lateAdvice.body.adviceId].includes(a.adviceId)).map((a) => a.status)).toEqual(['used', 'used']);
    await expectBalancedBooks();
  });

  it('takes a PDF advice (application/pdf) and splits the transfer it announces', async () => {
    // Prepare
    const kappa = await customer('Kappa Components KG');
    const [k1, k2] = await Promise.all([invoiceFor(kappa, '60.00'), invoiceFor(kappa, '40.00')]);
    const pdf = await advicePdf([
      ['payer_name', 'payment_amount', 'currency', 'payment_date', 'invoice_number', 'paid_amount', 'deduction_amount', 'reason_code'],
      ['Remote Payer Kappa', '90.00', 'EUR', '2026-03-10', k1!.number, '60.00', '', ''],
      ['', '', '', '', k2!.number, '30.00', '10.00', '06'],
    ]);

    // Act
    const advice = await postRaw<Advice>('/remittances/advices', new Blob([new Uint8Array(pdf)]), 'application/pdf');
    const statement = await uploadStatement(camt054(uniqueId('NTF'), { id: 'TX-PDF-1', amount: '90.00', payer: 'Remote Payer Kappa', iban: 'BE68539007547034' }));

    // Assess
    expect(advice.status).toBe(201);
    expect(advice.body).toMatchObject({ format: 'pdf', status: 'waiting' });
    expect(statement.lines[0]!.allocations.map((a) => [a.invoiceId, a.amount])).toEqual([
      [k1!.invoiceId, '60.00'],
      [k2!.invoiceId, '30.00'],
    ]);
    expect((await invoice(k2!)).balance).toBe('10.00');
    expect((await api.op<'getRemittancesAdvicesAdviceId', Advice>('getRemittancesAdvicesAdviceId', { path: { adviceId: advice.body.adviceId } })).body).toMatchObject({ status: 'used', usedBy: { lineId: 'TX-PDF-1' } });
    await expectBalancedBooks();
  });
});

/** A PDF advice: a letterhead, then the table (made with pdfkit, as test/unit/cash-application/remittance-advice.test.ts does). */
function advicePdf(rows: readonly string[][]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', layout: 'landscape', margin: 30, info: { CreationDate: new Date(0) } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.fontSize(14).text('Remote Payer Kappa - remittance advice', 30, 30);
    doc.fontSize(5);
    rows.forEach((row, r) => row.forEach((cell, c) => doc.text(cell, 30 + c * 72, 80 + r * 16, { lineBreak: false })));
    doc.end();
  });
}
