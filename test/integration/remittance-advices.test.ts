/**
 * Remittance advices through HTTP on the local AWS (issue 15): invoices issued through the order
 * lifecycle; an advice posted to POST /remittances/advices (CSV), then a camt.054 with one transfer
 * without any reference splits exactly over the advised invoices with a deduction kept open; the
 * other order (the statement first: the line waits unapplied; the advice after applies it); a bad
 * advice is a 400 naming the field and row and keeps nothing; the same advice twice applies
 * nothing twice; the ledger check holds after every step. Deductions by reason code with the
 * transfer first: an AJ within the short-payment tolerance written off, a 57 above it and a 04
 * dispute kept open, shown on the advice; and both orders give the same invoices and journals.
 */
import { randomUUID } from 'node:crypto';
import PDFDocument from 'pdfkit';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, uniqueId, type ApiDriver } from './support/api-driver';
import { routeContracts } from '../../lambdas/shared/api-contract';

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
  paid: string;
  status: string;
  issueDate: string;
}

interface Deduction {
  invoiceId: string;
  invoiceNumber: string;
  amount: string;
  reasonCode: string;
  reasonName: string;
  booking: 'write-off' | 'kept-open';
  why: string | null;
}

interface Advice {
  adviceId: string;
  status: string;
  usedBy: { paymentId: string; statementId: string | null; lineId: string | null; deductions: Deduction[] } | null;
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
function invoiceFor(customerId: string, amount: string): Promise<Invoice> {
  return api.emailedInvoice<Invoice>(customerId, amount);
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

/** An advice paying three invoices of 200.00, 100.00 and 50.00 with 331.00: 4.00 AJ (within 5.00 and 2 %), 10.00 57 (above 5.00), 5.00 04 (a dispute). */
function deductingAdvice(payer: string, iban: string, [i1, i2, i3]: Invoice[]): string {
  return `${HEADER}\n${payer},${iban},331.00,EUR,2026-03-11,${i1!.number},196.00,4.00,AJ,early payment\n,,,,,${i2!.number},90.00,10.00,57,volume\n,,,,,${i3!.number},45.00,5.00,04,two chairs broken\n`;
}

/** The journal lines of the invoices' fiscal year (`GET /ledger/journals?format=csv`), each with its account, reason code, reference and net (debit - credit, minor units). */
async function journalLines(year: string) {
  const response = await api.op('getLedgerJournals', { query: { from: `${year}-01-01`, to: `${year}-12-31`, format: 'csv' } }, { parseAs: 'arrayBuffer' });
  expect(response.status).toBe(200);
  const rows = parse(Buffer.from(response.body as unknown as ArrayBuffer).toString('utf8'), { columns: true }) as Record<string, string>[];
  const cents = (text: string) => (text === '' ? 0 : Math.round(Number(text) * 100));
  return rows.map((r) => ({ account: r.account!, reasonCode: r.reasonCode ?? '', reference: r.reference!, net: cents(r.debit!) - cents(r.credit!) }));
}

/** What the ledger holds for one open item or payment: the net of each account (and reason code), accounts at zero left out. */
function ledgerOf(lines: Awaited<ReturnType<typeof journalLines>>, reference: string) {
  const net = new Map<string, number>();
  for (const l of lines.filter((x) => x.reference === reference)) net.set(`${l.account} ${l.reasonCode}`.trim(), (net.get(`${l.account} ${l.reasonCode}`.trim()) ?? 0) + l.net);
  return Object.fromEntries([...net].filter(([, v]) => v !== 0).sort(([a], [b]) => a.localeCompare(b)));
}

const EXPECTED_INVOICES = [
  { balance: '0.00', paid: '196.00', status: 'PAID' },
  { balance: '10.00', paid: '90.00', status: 'PARTIALLY_PAID' },
  { balance: '5.00', paid: '45.00', status: 'PARTIALLY_PAID' },
];

const states = async (invoices: Invoice[]) => Promise.all(invoices.map(async (i) => {
  const { balance, paid, status } = await invoice(i);
  return { balance, paid, status };
}));

describe('remittance advice deductions by reason code (X12 426)', () => {
  it('the transfer first: an AJ within tolerance is written off with the application, a 57 above it and a 04 dispute stay open; once', async () => {
    // Prepare: three invoices; the transfer without reference waits unapplied
    const sigma = await customer('Lambda Fittings GmbH');
    const invoices = await Promise.all([invoiceFor(sigma, '200.00'), invoiceFor(sigma, '100.00'), invoiceFor(sigma, '50.00')]);
    const [a1, a2, a3] = invoices as [Invoice, Invoice, Invoice];
    const iban = 'DE75512108001245126199';
    const statement = await uploadStatement(camt054(uniqueId('NTF'), { id: 'TX-DED-1', amount: '331.00', payer: 'Payables Hub Sigma', iban }));
    expect(statement.lines[0]).toMatchObject({ status: 'unapplied', unappliedAmount: '331.00' });
    const paymentId = statement.lines[0]!.paymentId;
    await expectBalancedBooks();

    // Act: the advice after its transfer
    const csv = deductingAdvice('Payables Hub Sigma', iban, invoices);
    const key = randomUUID();
    const advice = await postAdvice(csv, key);

    // Assess: applied as advised, the AJ written off (X12-AJ), the 57 and the 04 kept open with their reasons
    expect(advice.status).toBe(201);
    expect(advice.body).toMatchObject({ status: 'used', usedBy: { paymentId, statementId: statement.statementId, lineId: 'TX-DED-1' } });
    const expected = [
      { invoiceId: a1.invoiceId, invoiceNumber: a1.number, amount: '4.00', reasonCode: 'AJ', reasonName: 'Early Payment Allowance', booking: 'write-off', why: `${a1.number}: 4.00 EUR deducted, X12 AJ Early Payment Allowance: written off (agreed terms, within tolerance)` },
      { invoiceId: a2.invoiceId, invoiceNumber: a2.number, amount: '10.00', reasonCode: '57', reasonName: 'Volume Discount Taken', booking: 'kept-open', why: `${a2.number}: 10.00 EUR deducted, X12 57 Volume Discount Taken: kept open (above the write-off tolerance)` },
      { invoiceId: a3.invoiceId, invoiceNumber: a3.number, amount: '5.00', reasonCode: '04', reasonName: 'Item Not Accepted - Damaged', booking: 'kept-open', why: `${a3.number}: 5.00 EUR deducted, X12 04 Item Not Accepted - Damaged: kept open for finance to credit or chase` },
    ];
    expect(advice.body.usedBy!.deductions).toEqual(expected);
    const shown = (await api.op<'getRemittancesAdvicesAdviceId', Advice>('getRemittancesAdvicesAdviceId', { path: { adviceId: advice.body.adviceId } })).body;
    expect(shown.usedBy!.deductions).toEqual(expected);
    const fits = routeContracts['GET /remittances/advices/{adviceId}']!.response.schema.safeParse(shown);
    expect(fits.success, JSON.stringify(fits.error?.issues ?? [])).toBe(true);
    expect(await states(invoices)).toEqual(EXPECTED_INVOICES);
    const a3History = (await api.op<'getInvoicesInvoiceId', { history: { note?: string }[] }>('getInvoicesInvoiceId', { path: { invoiceId: a3.invoiceId } })).body.history;
    expect(a3History.some((h) => h.note?.includes('X12 04 Item Not Accepted - Damaged: kept open'))).toBe(true);
    const lines = await journalLines(a1.issueDate.slice(0, 4));
    expect(ledgerOf(lines, a1.invoiceId)).toMatchObject({ 'write-off X12-AJ': 400, 'receivables X12-AJ': -400 });
    expect(ledgerOf(lines, a2.invoiceId)).not.toHaveProperty('write-off X12-57');
    expect(lines.filter((l) => l.account === 'write-off' && [a2.invoiceId, a3.invoiceId].includes(l.reference))).toEqual([]);
    await api.waitForOrderStatus(a1.orderId, 'COMPLETED');
    await expectBalancedBooks();

    // Act: the same advice twice more (a retry with its key, and a new request)
    const retried = await postAdvice(csv, key);
    const resent = await postAdvice(csv);

    // Assess: nothing applied or written off twice
    expect(retried.status).toBe(201);
    expect(resent.status).toBe(200);
    expect(resent.body).toMatchObject({ adviceId: advice.body.adviceId, status: 'used' });
    expect(await states(invoices)).toEqual(EXPECTED_INVOICES);
    const after = await journalLines(a1.issueDate.slice(0, 4));
    expect(ledgerOf(after, a1.invoiceId)).toEqual(ledgerOf(lines, a1.invoiceId));
    expect(after.filter((l) => l.account === 'write-off' && l.reference === a1.invoiceId).reduce((s, l) => s + l.net, 0)).toBe(400);
    await expectBalancedBooks();
  });

  it('gives the same invoices, journals and deductions whichever comes first, the advice or its transfer', async () => {
    // Prepare: two customers with the same three invoices each
    const [tau, upsilon] = await Promise.all(['Mu Hardware Oy', 'Nu Supplies BV'].map(customer));
    const adviceFirst = await Promise.all([invoiceFor(tau!, '200.00'), invoiceFor(tau!, '100.00'), invoiceFor(tau!, '50.00')]);
    const transferFirst = await Promise.all([invoiceFor(upsilon!, '200.00'), invoiceFor(upsilon!, '100.00'), invoiceFor(upsilon!, '50.00')]);
    await expectBalancedBooks();

    // Act: the advice first, then its transfer
    const early = await postAdvice(deductingAdvice('Payables Hub Tau', 'AT611904300234573201', adviceFirst));
    expect(early.body.status).toBe('waiting');
    const first = await uploadStatement(camt054(uniqueId('NTF'), { id: 'TX-ORD-1', amount: '331.00', payer: 'Payables Hub Tau', iban: 'AT611904300234573201' }));
    expect(first.lines[0]).toMatchObject({ status: 'applied', unappliedAmount: '0.00' });
    await expectBalancedBooks();

    // Act: the transfer first, then its advice
    const second = await uploadStatement(camt054(uniqueId('NTF'), { id: 'TX-ORD-2', amount: '331.00', payer: 'Payables Hub Upsilon', iban: 'CH9300762011623852957' }));
    expect(second.lines[0]).toMatchObject({ status: 'unapplied' });
    const late = await postAdvice(deductingAdvice('Payables Hub Upsilon', 'CH9300762011623852957', transferFirst));
    expect(late.body.status).toBe('used');
    await expectBalancedBooks();

    // Assess: the same invoice states, the same journal lines per invoice and for the payment, the same deductions
    expect(await states(adviceFirst)).toEqual(EXPECTED_INVOICES);
    expect(await states(transferFirst)).toEqual(EXPECTED_INVOICES);
    const lines = await journalLines(adviceFirst[0]!.issueDate.slice(0, 4));
    const ledgerA = adviceFirst.map((i) => ledgerOf(lines, i.invoiceId));
    const ledgerB = transferFirst.map((i) => ledgerOf(lines, i.invoiceId));
    expect(ledgerB).toEqual(ledgerA);
    expect(ledgerA[0]).toMatchObject({ 'write-off X12-AJ': 400 });
    expect(ledgerOf(lines, second.lines[0]!.paymentId)).toEqual(ledgerOf(lines, first.lines[0]!.paymentId));
    expect(ledgerOf(lines, first.lines[0]!.paymentId)).toEqual({ cash: 33_100 });
    const deductionsOf = async (adviceId: string) =>
      (await api.op<'getRemittancesAdvicesAdviceId', Advice>('getRemittancesAdvicesAdviceId', { path: { adviceId } })).body.usedBy!.deductions.map((d) => [d.amount, d.reasonCode, d.booking]);
    expect(await deductionsOf(late.body.adviceId)).toEqual(await deductionsOf(early.body.adviceId));
    expect(await deductionsOf(early.body.adviceId)).toEqual([
      ['4.00', 'AJ', 'write-off'],
      ['10.00', '57', 'kept-open'],
      ['5.00', '04', 'kept-open'],
    ]);
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
