/**
 * SEPA direct debit on the local AWS, through the HTTP API and the clock (issue 13, "Done when"):
 *
 * - Anna signs a CORE mandate; her two invoices are due on Monday 2027-03-15. The 05:30 collection
 *   run of Friday 03-12 (lead time D-1 on TARGET2 days) writes one pain.008.001.08 file that
 *   validates against the ISO schema; finance cancels it and runs again (new end-to-end ids).
 * - Bruno's mandate: his collection is rejected by a pain.002 (MD01): his invoice stays open, his
 *   mandate is revoked and no later run collects him.
 * - While the collections are pending, the dunning run of 03-16 skips them.
 * - The camt.054 that carries the money pays Anna's invoices through cash application.
 * - A later camt.054 returns one of them (AM04): it reopens, the return fee is posted, the same
 *   return in a second file (camt.053) changes nothing, and dunning reminds it.
 *
 * After every step the ledger check holds.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, uniqueId, type ApiDriver } from './support/api-driver';
import { schemaErrors } from '../support/sepa-schemas';
import { readQr } from '../support/qr-reader';
import type { PostCustomersCustomerIdMandatesBody } from '../../lib/api-client/client';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;

beforeAll(async () => {
  // The stack starts on 2027-02-28 (its clock's saved offset, as after a restart): the scenario does not wait for months of daily runs first.
  const dataDir = mkdtempSync(join(tmpdir(), 'otc-it-sepa-'));
  writeFileSync(join(dataDir, 'clock.json'), JSON.stringify({ offsetMs: Date.parse('2027-02-28T09:00:00Z') - Date.now() }));
  stack = await startTestStack({ keepDataDir: dataDir, settings: { directDebits: { leadTimeDays: { CORE: 1, B2B: 1 }, returnFee: '3.50' } } as never });
  api = stack.api;
});

afterAll(async () => {
  await stack?.stop();
});

type Invoice = { invoiceId: string; number: string; rfReference: string; total: string; balance: string; paid: string; status: string; dueDate: string; directDebit: null | { status: string; fileId: string; endToEndId: string; sequence: string; collectionDate: string; returnReason: { code: string } | null } };

async function moveTo(instant: string) {
  const moved = await api.post('/_local/clock', { to: instant }, 'finance');
  expect(moved.status, JSON.stringify(moved.body)).toBe(200);
}

async function expectBalanced(step: string) {
  const check = await api.ledgerCheck();
  expect(check, `${step}: ${JSON.stringify(check)}`).toMatchObject({ balanced: true, problems: [] });
}

async function customer(name: string) {
  const customerId = uniqueId(name.toLowerCase().replace(/[^a-z]/g, ''));
  const response = await api.registerCustomer(customerId, { name, email: `${customerId}@example.com`, currency: 'EUR', creditLimit: '100000.00', paymentTermsDays: 14 });
  expect(response.status).toBe(201);
  return { customerId, email: `${customerId}@example.com` };
}

async function invoiceFor(customerId: string, unitPrice: string): Promise<Invoice> {
  const order = await api.op('postOrders', { body: { customerId, currency: 'EUR', lines: [{ sku: 'DESK-1', quantity: 1, unitPrice }] } });
  expect(order.status).toBe(202);
  const orderId = String(order.body.orderId);
  await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
  expect((await api.op('postOrdersOrderIdShipments', { path: { orderId }, body: { carrier: 'DHL' } })).status).toBe(202);
  const invoiced = await api.waitForOrderStatus(orderId, 'INVOICED');
  const invoiceId = String(invoiced.body.invoiceId);
  const invoice = await api.waitFor('the invoice to be emailed', () => api.op<'getInvoicesInvoiceId', Invoice & { sentAt: string | null }>('getInvoicesInvoiceId', { path: { invoiceId } }), (r) => r.status === 200 && r.body.sentAt !== null);
  return invoice.body;
}

const invoice = async (invoiceId: string) => (await api.op<'getInvoicesInvoiceId', Invoice>('getInvoicesInvoiceId', { path: { invoiceId } })).body;

async function postFile(path: string, file: string) {
  // raw: bank files (camt, pain) as the body with their own content type; the client sends JSON bodies only
  const response = await fetch(`${api.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'x-api-key': stack.local.apiKeys.finance, 'content-type': 'application/xml', 'idempotency-key': randomUUID() },
    body: file,
    signal: AbortSignal.timeout(120_000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function uploadStatement(file: string) {
  const accepted = await postFile('/remittances', file);
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
  return api.waitFor('the statement processed', () => api.op<'getRemittancesStatementId', { status: string }>('getRemittancesStatementId', { path: { statementId: accepted.body.statementId } }), (r) => r.body.status === 'completed' || r.body.status === 'failed', 120_000);
}

const camt = (kind: '053' | '054', id: string, entries: string) => {
  const [message, record] = kind === '054' ? ['BkToCstmrDbtCdtNtfctn', 'Ntfctn'] : ['BkToCstmrStmt', 'Stmt'];
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.${kind}.001.08">
  <${message}>
    <GrpHdr><MsgId>${id}</MsgId><CreDtTm>2027-03-16T18:00:00+01:00</CreDtTm></GrpHdr>
    <${record}><Id>${id}-1</Id><CreDtTm>2027-03-16T18:00:00+01:00</CreDtTm>
      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>${entries}
    </${record}>
  </${message}>
</Document>`;
};

const collectedEntry = (inv: Invoice, e2e: string, payer = { name: 'Anna Schmidt', iban: 'DE02120300000000202051' }) => `
      <Ntry><Amt Ccy="EUR">${inv.total}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2027-03-15</Dt></BookgDt><ValDt><Dt>2027-03-15</Dt></ValDt>
        <NtryDtls><TxDtls><Refs><EndToEndId>${e2e}</EndToEndId></Refs><Amt Ccy="EUR">${inv.total}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
          <RltdPties><Dbtr><Pty><Nm>${payer.name}</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>${payer.iban}</IBAN></Id></DbtrAcct></RltdPties>
          <RmtInf><Strd><CdtrRefInf><Ref>${inv.rfReference}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>`;

/** One camt entry booking a whole payment information block of the collection file (batch booking, no transaction details). */
const batchEntry = (paymentInformationId: string, count: number, amount: string) => `
      <Ntry><Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2027-03-15</Dt></BookgDt><ValDt><Dt>2027-03-15</Dt></ValDt>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RDDT</Cd><SubFmlyCd>BBDD</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><Btch><PmtInfId>${paymentInformationId}</PmtInfId><NbOfTxs>${count}</NbOfTxs><TtlAmt Ccy="EUR">${amount}</TtlAmt><CdtDbtInd>CRDT</CdtDbtInd></Btch></NtryDtls>
        <AddtlNtryInf>SEPA-LASTSCHRIFT SAMMLER</AddtlNtryInf></Ntry>`;

const returnEntry = (inv: Invoice, e2e: string, reason: string) => `
      <Ntry><Amt Ccy="EUR">${inv.total}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2027-03-18</Dt></BookgDt><ValDt><Dt>2027-03-18</Dt></ValDt>
        <NtryDtls><TxDtls><Refs><EndToEndId>${e2e}</EndToEndId></Refs><Amt Ccy="EUR">${inv.total}</Amt><CdtDbtInd>DBIT</CdtDbtInd>
          <RtrInf><Rsn><Cd>${reason}</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry>`;

const pain002 = (e2e: string, reason: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>
  <GrpHdr><MsgId>STS-1</MsgId><CreDtTm>2027-03-13T08:00:00</CreDtTm></GrpHdr>
  <OrgnlGrpInfAndSts><OrgnlMsgId>x</OrgnlMsgId><OrgnlMsgNmId>pain.008.001.08</OrgnlMsgNmId></OrgnlGrpInfAndSts>
  <OrgnlPmtInfAndSts><OrgnlPmtInfId>x-1</OrgnlPmtInfId>
    <TxInfAndSts><OrgnlEndToEndId>${e2e}</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>${reason}</Cd></Rsn></StsRsnInf></TxInfAndSts>
  </OrgnlPmtInfAndSts>
</CstmrPmtStsRpt></Document>`;

const mandateBody = (over: Partial<PostCustomersCustomerIdMandatesBody> = {}): PostCustomersCustomerIdMandatesBody => ({ iban: 'DE02 1203 0000 0000 2020 51', accountHolder: 'Anna Schmidt', signedOn: '2027-02-20', scheme: 'CORE', ...over });

describe('SEPA direct debit: mandate, collection, payment, return, dunning', () => {
  it('collects on the due date, pays through the statement, reopens on a return and dunns it, books balanced at every step', async () => {
    await moveTo('2027-03-01T09:00:00Z');
    const anna = await customer('Anna Schmidt');
    const bruno = await customer('Bruno Keller');

    // Mandates: bad input names the field and writes nothing; a reference is unique.
    // raw: a scheme the client's types refuse ('COR'), to see the 400 name it
    const bad = await api.post(`/customers/${anna.customerId}/mandates`, { ...mandateBody({ iban: 'DE02120300000000202052', signedOn: '2027-03-02' }), scheme: 'COR' }, 'finance');
    expect(bad.status).toBe(400);
    expect((bad.body as any).error.details.map((d: { field: string }) => d.field).sort()).toEqual(['scheme']);
    const badIban = await api.op('postCustomersCustomerIdMandates', { path: { customerId: anna.customerId }, body: mandateBody({ iban: 'DE02120300000000202052', signedOn: '2027-03-02' }) }, { as: 'finance' });
    expect(badIban.status).toBe(400);
    expect((badIban.body as any).error.details.map((d: { field: string }) => d.field).sort()).toEqual(['iban', 'signedOn']);
    expect((await api.op('getCustomersCustomerIdMandates', { path: { customerId: anna.customerId } })).body.items).toEqual([]);
    const storefront = await api.op('postCustomersCustomerIdMandates', { path: { customerId: anna.customerId }, body: mandateBody() });
    expect(storefront.status).toBe(403);
    const created = await api.op('postCustomersCustomerIdMandates', { path: { customerId: anna.customerId }, body: mandateBody({ mandateId: `MD-${anna.customerId}`.slice(0, 35) }) }, { as: 'finance' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ mandateId: `MD-${anna.customerId}`.slice(0, 35), status: 'ACTIVE', nextSequence: 'FRST', iban: 'DE02120300000000202051', creditorId: 'DE98ZZZ09999999999' });
    const again = await api.op('postCustomersCustomerIdMandates', { path: { customerId: bruno.customerId }, body: mandateBody({ mandateId: created.body.mandateId }) }, { as: 'finance' });
    expect(again.status).toBe(409);
    const brunoMandate = await api.op('postCustomersCustomerIdMandates', { path: { customerId: bruno.customerId }, body: mandateBody({ accountHolder: 'Bruno Keller', iban: 'FR1420041010050500013M02606', bic: 'BNPAFRPPXXX' }) }, { as: 'finance' });
    expect(brunoMandate.status).toBe(201);
    expect(String(brunoMandate.body.mandateId)).toMatch(/^MD-/);

    const a1 = await invoiceFor(anna.customerId, '500.00');
    const a2 = await invoiceFor(anna.customerId, '250.10');
    const b1 = await invoiceFor(bruno.customerId, '99.99');
    expect(a1.dueDate).toBe('2027-03-15');
    await expectBalanced('invoices issued');

    // The invoice pre-notifies the collection: amount, date, account ending, mandate, creditor id; no QR code.
    const page = async (invoiceId: string) => (await api.op<'getInvoicesInvoiceIdDocument', string>('getInvoicesInvoiceIdDocument', { path: { invoiceId } }, { headers: { accept: 'text/html' } })).body;
    const notified = await page(a1.invoiceId);
    expect(notified).toContain(`We will collect €${a1.total} on Mar 15, 2027 by SEPA direct debit from your account ending in 2051.`);
    expect(notified).toContain(String(created.body.mandateId));
    expect(notified).toContain('DE98ZZZ09999999999');
    expect(notified).not.toContain('data:image/png');

    // Friday 03-12 07:00 Berlin: the 05:30 run collected what is due on Monday 03-15.
    await moveTo('2027-03-12T06:00:00Z');
    const files = await api.op<'getCollectionsFiles', { items: { fileId: string; status: string; numberOfTransactions: number; controlSum: string; paymentInformation: { scheme: string; sequence: string; collectionDate: string; invoiceIds: string[] }[] }[] }>('getCollectionsFiles');
    expect(files.status).toBe(200);
    expect(files.body.items).toHaveLength(1);
    const first = files.body.items[0]!;
    const cents = (amount: string) => Number(amount.replace('.', ''));
    const sum = [a1, a2, b1].reduce((s, i) => s + cents(i.total), 0);
    expect(first).toMatchObject({ status: 'created', numberOfTransactions: 3, controlSum: `${Math.floor(sum / 100)}.${String(sum % 100).padStart(2, '0')}` });
    expect(first.paymentInformation.map((p) => [p.scheme, p.sequence, p.collectionDate])).toEqual([['CORE', 'FRST', '2027-03-15']]);
    expect((await invoice(a1.invoiceId)).directDebit).toMatchObject({ status: 'pending', sequence: 'FRST', collectionDate: '2027-03-15', fileId: first.fileId });

    const xml = await api.op<'getCollectionsFilesFileId', string>('getCollectionsFilesFileId', { path: { fileId: first.fileId } });
    expect(xml.status).toBe(200);
    expect(xml.headers.get('content-type')).toMatch(/application\/xml/);
    expect(await schemaErrors(xml.body, 'pain.008.001.08')).toEqual([]);
    expect(xml.body).toContain(`<Ref>${a1.rfReference}</Ref>`);
    expect(xml.body).toContain('<Id>DE98ZZZ09999999999</Id>');

    // Running again collects nothing twice; cancelling gives the invoices and the FRST back.
    const rerun = await api.op<'postCollectionsRuns', { files: unknown[] }>('postCollectionsRuns', { body: {} }, { as: 'finance' });
    expect(rerun.status).toBe(201);
    expect(rerun.body.files).toEqual([]);
    const cancelled = await api.op('postCollectionsFilesFileIdCancel', { path: { fileId: first.fileId } }, { as: 'finance' });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await invoice(a1.invoiceId)).directDebit?.status).toBe('cancelled');
    expect((await api.op<'getCustomersCustomerIdMandates', { items: { nextSequence: string }[] }>('getCustomersCustomerIdMandates', { path: { customerId: anna.customerId } })).body.items[0]!.nextSequence).toBe('FRST');
    const run = await api.op<'postCollectionsRuns', { files: { fileId: string }[]; collected: { invoiceId: string; sequence: string }[] }>('postCollectionsRuns', { body: { asOf: '2027-03-12' } }, { as: 'finance' });
    expect(run.status).toBe(201);
    expect(run.body.files).toHaveLength(1);
    expect(run.body.collected.map((c) => c.sequence)).toEqual(['FRST', 'FRST', 'FRST']);
    const fileId = run.body.files[0]!.fileId;
    const a1c = await invoice(a1.invoiceId);
    const a2c = await invoice(a2.invoiceId);
    const b1c = await invoice(b1.invoiceId);
    expect(a1c.directDebit!.endToEndId).toBe(`${a1.number}-2`);
    const xml2 = await api.op<'getCollectionsFilesFileId', string>('getCollectionsFilesFileId', { path: { fileId } });
    expect(await schemaErrors(xml2.body, 'pain.008.001.08')).toEqual([]);
    await expectBalanced('file written');

    // Saturday: Bruno's bank rejects (pain.002, MD01: no mandate): nothing was paid, his mandate ends.
    await moveTo('2027-03-13T10:00:00Z');
    const rejected = await postFile('/collections/returns', pain002(b1c.directDebit!.endToEndId, 'MD01'));
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect(rejected.body.returns).toMatchObject([{ outcome: 'returned', reasonCode: 'MD01', reversed: '0.00', mandateRevoked: true }]);
    expect((await invoice(b1.invoiceId)).balance).toBe(b1.total);
    await expectBalanced('pain.002 reject');

    // Tuesday 03-16: the collections are pending; the dunning run of 06:00 left them alone.
    await moveTo('2027-03-16T08:00:00Z');
    const dunning = await api.op<'getDunningRunsRunId', { itemsSkipped?: { invoiceId: string; reason: string }[] }>('getDunningRunsRunId', { path: { runId: 'run-2027-03-16' } });
    expect(dunning.status).toBe(200);
    expect(JSON.stringify(dunning.body)).toContain('direct-debit-pending');

    // The day's statement books the collection as one batch entry (the block's PmtInfId, count and sum; Bruno's
    // rejected collection is not in it): uploaded like any statement, it pays Anna's invoices through cash application.
    const block = (await api.op<'getCollectionsFiles', { paymentInformation: { paymentInformationId: string }[] }>('getCollectionsFiles')).body as unknown as { items: { fileId: string; paymentInformation: { paymentInformationId: string; invoiceIds: string[] }[] }[] };
    const pmtInf = block.items.find((f) => f.fileId === fileId)!.paymentInformation[0]!;
    expect(pmtInf.invoiceIds.sort()).toEqual([a1.invoiceId, a2.invoiceId, b1.invoiceId].sort());
    const annaSum = cents(a1.total) + cents(a2.total);
    // A booking that still counts Bruno's rejected collection fits no pending invoices: nothing is paid automatically (finance's worklist).
    const wrongCount = await uploadStatement(camt('053', 'CAMT-PAY-0', batchEntry(pmtInf.paymentInformationId, 3, ((annaSum + cents(b1.total)) / 100).toFixed(2))));
    expect(wrongCount.body.status).toBe('completed');
    expect((await invoice(a1.invoiceId)).status, 'a batch that does not fit pays nothing').not.toBe('PAID');
    await expectBalanced('batch that does not fit');
    const paid = await uploadStatement(camt('053', 'CAMT-PAY-1', batchEntry(pmtInf.paymentInformationId, 2, (annaSum / 100).toFixed(2))));
    expect(paid.body.status).toBe('completed');
    const paidLines = await api.op<'getRemittancesStatementId', { lines: { status: string; allocations: { invoiceId: string }[] }[] }>('getRemittancesStatementId', { path: { statementId: (paid.body as unknown as { statementId: string }).statementId } });
    expect(paidLines.body.lines).toMatchObject([{ status: 'applied' }]);
    expect(paidLines.body.lines[0]!.allocations.map((a) => a.invoiceId).sort()).toEqual([a1.invoiceId, a2.invoiceId].sort());
    expect((await invoice(a1.invoiceId)).status).toBe('PAID');
    expect((await invoice(a2.invoiceId)).status).toBe('PAID');
    await expectBalanced('collection paid');

    // Thursday 03-18: the day's camt.054, uploaded as an ordinary statement, returns a1 (AM04, insufficient funds):
    // it reopens, the fee is posted (the path of POST /collections/returns).
    await moveTo('2027-03-18T09:00:00Z');
    const returnedStatement = await uploadStatement(camt('054', 'CAMT-RET-1', returnEntry(a1c, a1c.directDebit!.endToEndId, 'AM04')));
    expect(returnedStatement.body.status).toBe('completed');
    expect((returnedStatement.body as any).directDebitReturns).toEqual([{ endToEndId: a1c.directDebit!.endToEndId, reasonCode: 'AM04', outcome: 'returned', invoiceId: a1.invoiceId }]);
    const reopened = await invoice(a1.invoiceId);
    expect(reopened).toMatchObject({ status: 'OVERDUE', balance: a1.total, directDebit: { status: 'returned', returnReason: { code: 'AM04' } } });
    expect((await invoice(a2.invoiceId)).status).toBe('PAID');
    await expectBalanced('return recorded');

    // Its document now carries the EPC QR code with the amount open now (not announced for collection again).
    const qrPage = await page(a1.invoiceId);
    const png = /src="data:image\/png;base64,([^"]+)"/.exec(qrPage)?.[1];
    expect(png, 'the EPC QR code on the returned invoice').toBeDefined();
    expect(readQr(Buffer.from(png!, 'base64'))).toBe(['BCD', '002', '1', 'SCT', 'COBADEFFXXX', 'Example Trading GmbH', 'DE89370400440532013000', `EUR${a1.total}`, '', a1.rfReference].join('\n'));

    // The same return again, in the day's camt.053 to POST /collections/returns, and in another statement to POST /remittances: nothing changes.
    const twice = await postFile('/collections/returns', camt('053', 'CAMT-STMT-1', returnEntry(a1c, a1c.directDebit!.endToEndId, 'AM04')));
    expect(twice.status).toBe(200);
    expect(twice.body.returns).toMatchObject([{ outcome: 'already-recorded' }]);
    const thrice = await uploadStatement(camt('053', 'CAMT-STMT-2', returnEntry(a1c, a1c.directDebit!.endToEndId, 'AM04')));
    expect((thrice.body as any).directDebitReturns).toMatchObject([{ outcome: 'already-recorded', invoiceId: a1.invoiceId }]);
    expect((await invoice(a1.invoiceId)).balance).toBe(a1.total);
    await expectBalanced('return file twice');

    // Bruno pays his rejected invoice by transfer, 50.00 too much: on-account credit. Finance refunds
    // 20.00 by credit transfer (pain.001, validated), the statement confirms it; 30.00 goes to his next invoice.
    const b2 = await invoiceFor(bruno.customerId, '80.00');
    const over = await uploadStatement(camt('054', 'CAMT-OVER-1', collectedEntry({ ...b1, total: ((cents(b1.total) + 5000) / 100).toFixed(2) }, 'NOTPROVIDED', { name: 'Bruno Keller', iban: 'FR1420041010050500013M02606' })));
    expect(over.body.status, JSON.stringify(over.body)).toBe('completed');
    expect(JSON.stringify(over.body)).toContain('on-account credit');
    expect((await invoice(b1.invoiceId)).status).toBe('PAID');
    expect((await api.op('getCustomersCustomerId', { path: { customerId: bruno.customerId } })).body.onAccountCredit).toBe('50.00');
    await expectBalanced('overpayment');
    const tooMuch = await api.op('postRefunds', { body: { customerId: bruno.customerId, amount: '50.01', iban: 'FR1420041010050500013M02606' } }, { as: 'finance' });
    expect(tooMuch.status).toBe(400);
    expect(JSON.stringify(tooMuch.body)).toContain('amount');
    const refund = await api.op<'postRefunds', { refundId: string; status: string; fileUrl: string }>('postRefunds', { body: { customerId: bruno.customerId, amount: '20.00', iban: 'FR1420041010050500013M02606', accountHolder: 'Bruno Keller' } }, { as: 'finance' });
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);
    expect(refund.body.status).toBe('sent');
    const refundXml = await api.call<string>('GET', refund.body.fileUrl, { as: 'finance' });
    expect(refundXml.headers.get('content-type')).toMatch(/application\/xml/);
    expect(await schemaErrors(refundXml.body, 'pain.001.001.09')).toEqual([]);
    expect(refundXml.body).toContain('<InstdAmt Ccy="EUR">20.00</InstdAmt>');
    expect((await api.op('getCustomersCustomerId', { path: { customerId: bruno.customerId } })).body.onAccountCredit).toBe('30.00');
    await expectBalanced('refund sent');
    const debit = `
      <Ntry><Amt Ccy="EUR">20.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2027-03-19</Dt></BookgDt><ValDt><Dt>2027-03-19</Dt></ValDt>
        <NtryDtls><TxDtls><Refs><EndToEndId>${refund.body.refundId}</EndToEndId></Refs><Amt Ccy="EUR">20.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></TxDtls></NtryDtls></Ntry>`;
    const confirmed = await postFile('/refunds/statements', camt('053', 'CAMT-REFUND-1', debit));
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body.refunds).toMatchObject([{ refundId: refund.body.refundId, outcome: 'confirmed' }]);
    expect((await postFile('/refunds/statements', camt('053', 'CAMT-REFUND-2', debit))).body.refunds).toMatchObject([{ outcome: 'already-recorded' }]);
    await expectBalanced('refund confirmed');
    const applied = await api.op('postCustomersCustomerIdCreditApply', { path: { customerId: bruno.customerId }, body: { invoiceId: b2.invoiceId, amount: '25.00' } }, { as: 'finance' });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect((await invoice(b2.invoiceId)).balance).toBe('55.00');
    expect((await api.op('getCustomersCustomerId', { path: { customerId: bruno.customerId } })).body.onAccountCredit).toBe('5.00');
    await expectBalanced('credit applied');

    // Bruno's setting (finance's only): his credit goes to his next invoice when it is issued, through the same path.
    const setting = { name: 'Bruno Keller', email: bruno.email, currency: 'EUR', autoApplyCredit: true };
    expect((await api.op('putCustomersCustomerId', { path: { customerId: bruno.customerId }, body: setting })).status).toBe(403);
    const set = await api.op<'putCustomersCustomerId', Record<string, unknown>>('putCustomersCustomerId', { path: { customerId: bruno.customerId }, body: setting }, { as: 'finance' });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect((await api.op('getCustomersCustomerId', { path: { customerId: bruno.customerId } })).body.autoApplyCredit).toBe(true);
    const b3 = await invoiceFor(bruno.customerId, '12.00');
    const b3Now = await invoice(b3.invoiceId);
    expect(b3Now).toMatchObject({ paid: '5.00', balance: (cents(b3.total) / 100 - 5).toFixed(2) });
    expect((await api.op('getCustomersCustomerId', { path: { customerId: bruno.customerId } })).body.onAccountCredit).toBe('0.00');
    await expectBalanced('credit applied automatically');

    // Bruno's revoked mandate: his next invoice is not collected; the dunning run reminds Anna's returned invoice.
    const later = await api.op<'postCollectionsRuns', { collected: unknown[] }>('postCollectionsRuns', { body: { asOf: '2027-03-31' } }, { as: 'finance' });
    expect(later.body.collected).toEqual([]);
    await moveTo('2027-03-22T08:00:00Z');
    const emails = await api.get<{ items: { to: string[]; subject: string; text: string; html: string; attachments: { filename: string; contentType: string }[] }[] }>('/_local/emails');
    const reminders = emails.body.items.filter((e) => e.to.includes(anna.email) && !/^(Invoice|Rechnung|Statement of account|Kontoauszug) /.test(e.subject));
    expect(reminders.length).toBeGreaterThan(0);
    expect(reminders.map((e) => e.text).join('\n')).toContain(a1.number);
    expect(reminders.map((e) => e.text).join('\n')).not.toContain(a2.number);
    // The reminder carries the EPC QR code: the amount it asks for (the open balance and the fees it states, the 3.50 return fee at least) and the RF reference.
    const reminderQr = /src="data:image\/png;base64,([^"]+)"/.exec(reminders.at(-1)!.html)?.[1];
    expect(reminderQr, 'the EPC QR code on the reminder').toBeDefined();
    const reminderPayload = readQr(Buffer.from(reminderQr!, 'base64')).split('\n');
    expect(reminderPayload.slice(0, 7)).toEqual(['BCD', '002', '1', 'SCT', 'COBADEFFXXX', 'Example Trading GmbH', 'DE89370400440532013000']);
    expect(reminderPayload[9]).toBe(a1.rfReference);
    expect(cents(reminderPayload[7]!.replace('EUR', ''))).toBeGreaterThanOrEqual(cents(a1.total) + 350);
    expect(reminders.at(-1)!.text).toContain(`reference ${a1.rfReference.replace(/(.{4})/g, '$1 ').trim()}`);
    expect(reminders.at(-1)!.attachments.map((a) => a.contentType)).toContain('image/png');
    await expectBalanced('dunned');
  });
});
