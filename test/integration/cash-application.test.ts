/**
 * Cash application through HTTP on the local AWS (issue 5, "Applying"): invoices issued through the
 * order lifecycle are paid by a camt.054 notification built from their real numbers and RF
 * references, uploaded with POST /remittances (202, then polled at its Location until processed);
 * the lines are applied (RF reference, loosely written number, combined, partial, overpayment), the unknown payer lands on the worklist and is applied by hand (and known next
 * time), orders complete, uploading the statement again applies nothing twice, a corrupt file
 * writes nothing, and the ledger check holds after every step.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, uniqueId, type ApiDriver } from './support/api-driver';
import { statementIdFor } from '../../lambdas/core/cash-application/application';

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
  rfReference: string;
  orderId: string;
  total: string;
  balance: string;
  status: string;
}

async function customer(name: string) {
  const customerId = uniqueId('cash');
  const response = await api.registerCustomer(customerId, { name, email: `${customerId}@example.com`, currency: 'EUR', creditLimit: '100000.00', paymentTermsDays: 30 });
  expect(response.status).toBe(201);
  return customerId;
}

/** An order of one line at `amount`, shipped, invoiced and emailed: its invoice. */
function invoiceFor(customerId: string, amount: string): Promise<Invoice> {
  return api.emailedInvoice<Invoice>(customerId, amount);
}

interface Payment {
  id: string;
  amount: string;
  payer: string;
  iban: string;
  structured?: string[];
  text?: string;
}

/** A camt.054.001.08 credit notification with one entry per payment (hand-built, like test/fixtures/bank). */
function camt054(notificationId: string, payments: readonly Payment[]): string {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const entries = payments
    .map(
      (p) => `
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
              <Dbtr><Pty><Nm>${escape(p.payer)}</Nm></Pty></Dbtr>
              <DbtrAcct><Id><IBAN>${p.iban}</IBAN></Id></DbtrAcct>
            </RltdPties>
            <RmtInf>${p.text ? `<Ustrd>${escape(p.text)}</Ustrd>` : ''}${(p.structured ?? []).map((r) => `<Strd><CdtrRefInf><Ref>${r}</Ref></CdtrRefInf></Strd>`).join('')}</RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>${notificationId}</MsgId><CreDtTm>2026-03-12T18:00:00+01:00</CreDtTm></GrpHdr>
    <Ntfctn>
      <Id>${notificationId}-1</Id>
      <CreDtTm>2026-03-12T18:00:00+01:00</CreDtTm>
      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>${entries}
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
`;
}

/** POST /remittances with the file as the raw body, as a bank export would be sent: the answer (202, or a refusal). */
async function post<T = Record<string, unknown>>(file: string, contentType = 'application/xml') {
  // raw: a bank file as the body with its own content type; the client sends JSON bodies only (the contract declares POST /remittances as JSON)
  const response = await fetch(`${api.baseUrl}/remittances`, {
    method: 'POST',
    // The upload moves money: it carries an Idempotency-Key (one per upload; the statement's lines are once-only whatever the key).
    headers: { 'x-api-key': stack.local.apiKeys.finance, 'content-type': contentType, 'idempotency-key': randomUUID() },
    body: file,
    signal: AbortSignal.timeout(120_000),
  });
  return { status: response.status, body: (await response.json()) as T, location: response.headers.get('location') };
}

/**
 * Uploads the file and, when it was accepted (202), polls GET /remittances/{id} (its Location)
 * until the statement is processed: the status of the POST and the statement as processed.
 */
async function upload<T extends { statementId?: string } = StatementBody>(file: string, contentType = 'application/xml') {
  const accepted = await post<T & { status: string }>(file, contentType);
  if (accepted.status !== 202) return { status: accepted.status, body: accepted.body };
  expect(accepted.body.status).toBe('processing');
  expect(accepted.location).toBe(`/remittances/${accepted.body.statementId}`);
  const done = await api.waitFor('the statement processed', () => api.get<T & { status: string }>(accepted.location!), (r) => r.body.status === 'completed' || r.body.status === 'failed', 120_000);
  // Whether the statement was received before is said by the 202.
  return { status: accepted.status, body: { ...done.body, seenBefore: (accepted.body as { seenBefore?: boolean }).seenBefore } };
}

async function expectBalancedBooks() {
  const check = await api.ledgerCheck();
  expect(check.problems).toEqual([]);
  expect(check.balanced).toBe(true);
}

interface Line {
  lineId: string;
  status: string;
  customerId: string | null;
  allocations: { invoiceId: string; invoiceNumber: string; amount: string }[];
  onAccountAmount: string;
  unappliedAmount: string;
  confidence: number;
  reasons: string[];
  paymentId: string;
  alreadyRecorded?: boolean;
  recordedIn: string;
}
interface StatementBody {
  statementId: string;
  seenBefore: boolean;
  status: string;
  total: number;
  processed: number;
  progress: string;
  counts: Record<string, number>;
  lastUpload: { newlyRecorded: number; alreadyRecorded: number };
  uploads: number;
  lines: Line[];
}

describe('a camt.054 notification applied through POST /remittances', () => {
  it('applies, settles, lists the unknown payer for finance, applies it by hand, and applies nothing twice', async () => {
    // Prepare: five customers and their invoices, issued through the order lifecycle
    const [acme, globex, initech, hooli, umbrella] = await Promise.all(['ACME Industries GmbH', 'Globex SARL', 'Initech BV', 'Hooli Inc.', 'Umbrella Corp'].map(customer));
    const [a1, a2, b1, b2, c1, d1, e1, e2] = await Promise.all([
      invoiceFor(acme!, '100.00'),
      invoiceFor(acme!, '250.00'),
      invoiceFor(globex!, '300.00'),
      invoiceFor(globex!, '200.00'),
      invoiceFor(initech!, '1000.00'),
      invoiceFor(hooli!, '500.00'),
      invoiceFor(umbrella!, '77.77'),
      invoiceFor(umbrella!, '33.33'),
    ]);
    await expectBalancedBooks();
    const [prefix, year, sequence] = a2!.number.split('-');
    const loose = `Rechnung ${prefix!.toLowerCase()} ${year} ${Number(sequence)} vielen Dank`;
    const statement = camt054(uniqueId('NTF'), [
      { id: 'TX-RF', amount: '100.00', payer: 'ACME Industries GmbH', iban: 'DE44500105175407324931', structured: [a1!.rfReference] },
      { id: 'TX-LOOSE', amount: '250.00', payer: 'ACME Industries GmbH', iban: 'DE44500105175407324931', text: loose },
      { id: 'TX-COMBINED', amount: '500.00', payer: 'Globex SARL', iban: 'FR1420041010050500013M02606', text: `${b1!.number} ${b2!.number}` },
      { id: 'TX-PARTIAL', amount: '400.00', payer: 'Initech BV', iban: 'NL39RABO0300065264', structured: [c1!.rfReference] },
      { id: 'TX-OVER', amount: '550.00', payer: 'Hooli Inc.', iban: 'NL91ABNA0417164300', text: `Invoice ${d1!.number}` },
      { id: 'TX-UNKNOWN', amount: '77.77', payer: 'Umbrella Corp Treasury', iban: 'GB29NWBK60161331926819', text: 'March' },
    ]);

    // Act: upload the notification (202 at once), poll until it is processed
    const first = await upload<StatementBody>(statement);

    // Assess: each line as the issue expects it
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'completed', total: 6, processed: 6, progress: '6/6', counts: { applied: 5, suggested: 0, unapplied: 1 } });
    expect(first.body).toMatchObject({ seenBefore: false, lastUpload: { newlyRecorded: 6, alreadyRecorded: 0 } });
    const line = (id: string) => first.body.lines.find((l) => l.lineId === id)!;
    expect(line('TX-RF')).toMatchObject({ status: 'applied', customerId: acme, allocations: [{ invoiceId: a1!.invoiceId, amount: '100.00' }] });
    expect(line('TX-RF').confidence).toBeGreaterThanOrEqual(0.95);
    expect(line('TX-LOOSE')).toMatchObject({ status: 'applied', allocations: [{ invoiceId: a2!.invoiceId, amount: '250.00' }] });
    expect(line('TX-LOOSE').reasons.join(' ')).toContain(`quoted as "${prefix!.toLowerCase()} ${year} ${Number(sequence)}"`);
    expect(line('TX-COMBINED').allocations.map((a) => [a.invoiceId, a.amount]).sort()).toEqual([[b1!.invoiceId, '300.00'], [b2!.invoiceId, '200.00']].sort());
    expect(line('TX-PARTIAL')).toMatchObject({ status: 'applied', allocations: [{ invoiceId: c1!.invoiceId, amount: '400.00' }] });
    expect(line('TX-OVER')).toMatchObject({ status: 'applied', allocations: [{ invoiceId: d1!.invoiceId, amount: '500.00' }], onAccountAmount: '50.00' });
    expect(line('TX-UNKNOWN')).toMatchObject({ status: 'unapplied', customerId: null, unappliedAmount: '77.77' });
    await expectBalancedBooks();

    // ... the invoices and the orders
    const invoice = async (i: Invoice) => (await api.op<'getInvoicesInvoiceId', Invoice>('getInvoicesInvoiceId', { path: { invoiceId: i.invoiceId } })).body;
    expect((await Promise.all([a1!, a2!, b1!, b2!, d1!].map(invoice))).map((i) => i.status)).toEqual(['PAID', 'PAID', 'PAID', 'PAID', 'PAID']);
    expect(await invoice(c1!)).toMatchObject({ status: 'PARTIALLY_PAID', balance: '600.00' });
    await Promise.all([a1!, a2!, b1!, b2!, d1!].map((i) => api.waitForOrderStatus(i.orderId, 'COMPLETED')));
    expect(await api.orderStatus(c1!.orderId)).toBe('INVOICED');
    expect((await api.op('getCustomersCustomerId', { path: { customerId: hooli! } })).body).toMatchObject({ onAccountCredit: '50.00', openBalance: '0.00' });

    // ... GET /remittances/{id} shows the same
    const shown = await api.op<'getRemittancesStatementId', StatementBody>('getRemittancesStatementId', { path: { statementId: first.body.statementId } });
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ statementId: first.body.statementId, status: 'completed', progress: '6/6' });
    expect(shown.body.lines.map((l) => [l.lineId, l.status])).toEqual(first.body.lines.map((l) => [l.lineId, l.status]));
    expect((await api.op('getRemittancesStatementId', { path: { statementId: first.body.statementId } }, { as: 'storefront' })).status).toBe(403);

    // The unknown payer is on the worklist
    const unknown = line('TX-UNKNOWN').paymentId;
    const worklist = await api.op<'getPaymentsUnapplied', { items: { paymentId: string; unappliedAmount: string; payerAccount: string; suggestion: { status: string; reasons: string[] } }[] }>('getPaymentsUnapplied', { query: { limit: 200 } });
    expect(worklist.status).toBe(200);
    const listed = worklist.body.items.find((p) => p.paymentId === unknown);
    expect(listed).toMatchObject({ unappliedAmount: '77.77', payerAccount: 'GB29NWBK60161331926819', suggestion: { status: 'unapplied' } });
    expect(listed!.suggestion.reasons.length).toBeGreaterThan(0);

    // Act: finance applies it by hand
    const over = await api.op<'postPaymentsPaymentIdApply', { error: { details: { field: string }[] } }>('postPaymentsPaymentIdApply', { path: { paymentId: unknown }, body: { allocations: [{ invoiceId: e1!.invoiceId, amount: '77.78' }] } }, { as: 'finance' });
    const applied = await api.op('postPaymentsPaymentIdApply', { path: { paymentId: unknown }, body: { allocations: [{ invoiceId: e1!.invoiceId, amount: '77.77' }] } }, { as: 'finance' });

    // Assess
    expect(over.status).toBe(400);
    expect(over.body.error.details[0]!.field).toBe('allocations[0].amount');
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ status: 'applied', unappliedAmount: '0.00', customerId: umbrella });
    expect(await invoice(e1!)).toMatchObject({ status: 'PAID', balance: '0.00' });
    await api.waitForOrderStatus(e1!.orderId, 'COMPLETED');
    expect((await api.op<'getPaymentsUnapplied', { items: { paymentId: string }[] }>('getPaymentsUnapplied', { query: { limit: 200 } })).body.items.some((p) => p.paymentId === unknown)).toBe(false);
    expect((await api.op('postPaymentsPaymentIdApply', { path: { paymentId: unknown }, body: { allocations: [{ invoiceId: e2!.invoiceId, amount: '1.00' }] } }, { as: 'finance' })).status).toBe(409);
    await expectBalancedBooks();

    // Act: the same statement again
    const balancesBefore = await Promise.all([a1!, a2!, b1!, b2!, c1!, d1!, e1!].map(async (i) => (await invoice(i)).balance));
    const again = await upload<StatementBody>(statement, 'text/plain');

    // Assess: nothing applied twice
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ statementId: first.body.statementId, status: 'completed', uploads: 2, lastUpload: { newlyRecorded: 0, alreadyRecorded: 6 } });
    expect(again.body.lines.map((l) => l.paymentId)).toEqual(first.body.lines.map((l) => l.paymentId));
    expect(await Promise.all([a1!, a2!, b1!, b2!, c1!, d1!, e1!].map(async (i) => (await invoice(i)).balance))).toEqual(balancesBefore);
    expect((await api.op('getCustomersCustomerId', { path: { customerId: hooli! } })).body).toMatchObject({ onAccountCredit: '50.00' });
    expect(again.body.seenBefore).toBe(true);
    await expectBalancedBooks();

    // Act: the bank's re-export of the notification (another creation time, CRLF line endings): other bytes, the same statement
    const reexported = statement.replace(/<CreDtTm>[^<]*<\/CreDtTm>/g, '<CreDtTm>2026-03-13T07:15:00+01:00</CreDtTm>').replace(/\n/g, '\r\n');
    expect(reexported).not.toBe(statement);
    const reexport = await upload<StatementBody>(reexported);

    // Assess: recognised by its message and notification ids, nothing applied twice
    expect(reexport.status).toBe(202);
    expect(reexport.body).toMatchObject({ statementId: first.body.statementId, seenBefore: true, status: 'completed', lastUpload: { newlyRecorded: 0, alreadyRecorded: 6 } });
    expect(reexport.body.lines.map((l) => l.paymentId)).toEqual(first.body.lines.map((l) => l.paymentId));
    expect(await Promise.all([a1!, a2!, b1!, b2!, c1!, d1!, e1!].map(async (i) => (await invoice(i)).balance))).toEqual(balancesBefore);
    await expectBalancedBooks();

    // The payer finance identified is known next time: their next payment, without reference, applies by itself
    const next = await upload<StatementBody>(camt054(uniqueId('NTF'), [{ id: 'TX-KNOWN', amount: '33.33', payer: 'Umbrella Corp Treasury', iban: 'GB29 NWBK 6016 1331 9268 19' }]));
    expect(next.status).toBe(202);
    expect(next.body.lines[0]).toMatchObject({ status: 'applied', customerId: umbrella, allocations: [{ invoiceId: e2!.invoiceId, amount: '33.33' }] });
    await api.waitForOrderStatus(e2!.orderId, 'COMPLETED');
    await expectBalancedBooks();

    // Act: another notification that overlaps the first: the overpayment again, and a new payment
    const overlapping = await upload<StatementBody>(
      camt054(uniqueId('NTF'), [
        { id: 'TX-NEW', amount: '5.00', payer: 'Somebody Else', iban: 'NL91ABNA0417164300', text: 'tip' },
        { id: 'TX-OVER', amount: '550.00', payer: 'Hooli Inc.', iban: 'NL91ABNA0417164300', text: `Invoice ${d1!.number}` },
      ]),
    );

    // Assess: the known line is shown as recorded by the first notification; only the new one moves money
    expect(overlapping.status).toBe(202);
    expect(overlapping.body).toMatchObject({ seenBefore: false, lastUpload: { newlyRecorded: 1, alreadyRecorded: 1 } });
    expect(overlapping.body.lines.map((l) => [l.lineId, l.recordedIn === first.body.statementId])).toEqual([
      ['TX-NEW', false],
      ['TX-OVER', true],
    ]);
    expect(overlapping.body.lines[1]!.paymentId).toBe(line('TX-OVER').paymentId);
    expect((await api.op('getCustomersCustomerId', { path: { customerId: hooli! } })).body).toMatchObject({ onAccountCredit: '50.00', openBalance: '0.00' });
    await expectBalancedBooks();
  });

  it('rejects a corrupt file with the place of the problem and writes nothing', async () => {
    // Prepare
    const before = await api.ledgerCheck();
    const worklistBefore = (await api.op<'getPaymentsUnapplied', { items: unknown[] }>('getPaymentsUnapplied', { query: { limit: 200 } })).body.items.length;
    const corrupt = camt054('NTF-BROKEN', [{ id: 'TX-1', amount: '12.345', payer: 'Somebody', iban: 'DE44500105175407324931', text: 'x' }]);

    // Act
    const response = await post<{ error: { code: string; message: string; details: { field: string; problem: string; location?: { path?: string } }[] } }>(corrupt);

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.details[0]!.field).toBe('(body)');
    expect(response.body.error.details[0]!.location?.path).toMatch(/Ntry/);
    expect(response.body.error.message).toMatch(/12\.345/);
    expect((await api.op('getRemittancesStatementId', { path: { statementId: statementIdFor(corrupt) } })).status).toBe(404);
    expect((await api.op<'getPaymentsUnapplied', { items: unknown[] }>('getPaymentsUnapplied', { query: { limit: 200 } })).body.items.length).toBe(worklistBefore);
    expect(await api.ledgerCheck()).toEqual(before);
    expect((await post('', 'text/plain')).status).toBe(400);
    expect((await post('{"uploadId": 7}', 'application/json')).body).toMatchObject({ error: { details: [{ field: 'uploadId' }] } });
  });
});
