/**
 * The response contract on the local stack: every route the finance console calls, and the others
 * given a real response schema since (portal, SEPA mandates and collections, credit and refunds,
 * webhooks, uploads), is called here through the generated typed client, and what it answers fits
 * the response schema declared in `lambdas/shared/api-contract.ts` (a wrong schema fails here). The
 * downloads go through the generated `download` with their `Accept` (aging, KPI and statement CSV,
 * invoice HTML and PDF, statement PDF, refund and collection XML); a camt file goes up as a Blob.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, download, OPERATIONS, type Client, type Ops } from '../../lib/api-client/client';
import { routeContracts } from '../../lambdas/shared/api-contract';
import { startTestStack, uniqueId } from './support/api-driver';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let finance: Client<Ops>;
let shop: Client<Ops>;

beforeAll(async () => {
  stack = await startTestStack();
  const client = (apiKey: string) => createClient<Ops>(OPERATIONS, { serverUrl: stack.local.url, auth: { apiKey: { apiKey } }, retry: { retries: 0 }, clientHeader: false, timeout: 60_000 });
  finance = client(stack.local.apiKeys.finance);
  shop = client(stack.local.apiKeys.storefront);
});

afterAll(async () => {
  await stack?.stop();
});

/** The declared response schema of `route` accepts `body`; answers it, for the test to look into. */
function fits<T>(route: string, body: T): T {
  const contract = routeContracts[route];
  expect(contract, route).toBeDefined();
  const result = contract!.response.schema.safeParse(body);
  expect(result.success, `${route}: ${JSON.stringify(result.error?.issues ?? []).slice(0, 600)}`).toBe(true);
  return body;
}

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: last ${JSON.stringify(value).slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const key = () => ({ 'Idempotency-Key': uniqueId('key') });

async function customer(terms: { creditLimit: string; paymentTermsDays: number }) {
  const customerId = uniqueId('cc');
  const contact = { name: 'Contract Console GmbH', email: `${customerId}@example.com`, currency: 'EUR', locale: 'de' };
  await shop.putCustomersCustomerId({ path: { customerId }, body: contact });
  await finance.putCustomersCustomerId({ path: { customerId }, body: { ...contact, ...terms } });
  return customerId;
}

async function placed(customerId: string, unitPrice: string) {
  return (await shop.postOrders({ body: { customerId, currency: 'EUR', lines: [{ sku: 'CHAIR-1', quantity: 1, unitPrice, taxRate: '19' }] }, headers: key() })).orderId;
}

async function invoiced(customerId: string, unitPrice: string) {
  const orderId = await placed(customerId, unitPrice);
  await until('the order to await shipment', () => finance.getOrdersOrderId({ path: { orderId } }), (o) => o.status === 'AWAITING_SHIPMENT');
  await shop.postOrdersOrderIdShipments({ path: { orderId }, body: {} });
  const order = await until('the invoice', () => finance.getOrdersOrderId({ path: { orderId } }), (o) => typeof o.invoiceId === 'string');
  return until('the invoice to be sent', () => finance.getInvoicesInvoiceId({ path: { invoiceId: order.invoiceId! } }), (i) => i.sentAt !== null);
}

describe("the contract of the finance console's routes on the local stack", () => {
  it('answers the credit hold worklist, the credit decision and the order execution as declared', async () => {
    const customerId = await customer({ creditLimit: '100.00', paymentTermsDays: 14 });
    const orderId = await placed(customerId, '500.00');
    await until('the credit hold', () => finance.getOrdersOrderId({ path: { orderId } }), (o) => o.status === 'CREDIT_HOLD');
    const holds = fits('GET /orders', await finance.getOrders({ query: { status: 'CREDIT_HOLD', limit: 10 } }));
    expect(holds.items.map((o) => o.orderId)).toContain(orderId);
    const decided = fits('POST /orders/{orderId}/credit-decision', await finance.postOrdersOrderIdCreditDecision({ path: { orderId }, body: { decision: 'approve', reason: 'long-standing customer' } }, { idempotencyKey: true }));
    expect(decided).toEqual({ orderId, status: 'AWAITING_SHIPMENT', decision: 'approve', reason: 'long-standing customer' });
    const execution = fits(
      'GET /orders/{orderId}/execution',
      await until('the execution to wait for the shipment', () => finance.getOrdersOrderIdExecution({ path: { orderId } }), (e) => e.currentState === 'WaitForShipment'),
    );
    expect(execution.status).toBe('RUNNING');
    expect(execution.visits.map((v) => v.name)).toContain('CheckCreditAndWaitForShipment');
    expect(Object.keys(execution.definition.States)).toContain('WaitForShipment');
  });

  it("answers finance's dunning actions on an invoice, the unapplied payments and their application as declared", async () => {
    const customerId = await customer({ creditLimit: '5000.00', paymentTermsDays: 7 });
    const disputed = await invoiced(customerId, '100.00');
    const promised = await invoiced(customerId, '50.00');
    const blocked = await invoiced(customerId, '80.00');
    fits('GET /invoices/{invoiceId}', disputed);

    const dispute = fits('POST /invoices/{invoiceId}/disputes', await finance.postInvoicesInvoiceIdDisputes({ path: { invoiceId: disputed.invoiceId }, body: { reason: 'two chairs arrived broken', amount: '20.00' } }, { idempotencyKey: true }));
    expect(dispute).toMatchObject({ invoiceId: disputed.invoiceId, status: 'open', amount: '20.00', blocksDunning: true });
    const withDispute = fits('GET /invoices/{invoiceId}', await finance.getInvoicesInvoiceId({ path: { invoiceId: disputed.invoiceId } }));
    expect(withDispute.dunning.disputes?.[0]).toMatchObject({ disputeId: dispute.disputeId, status: 'open', amountMinor: 2000 });
    fits('GET /invoices', await finance.getInvoices({ query: { status: 'DISPUTED', limit: 10 } }));
    const resolved = fits(
      'POST /invoices/{invoiceId}/disputes/{disputeId}/resolve',
      await finance.postInvoicesInvoiceIdDisputesDisputeIdResolve({ path: { invoiceId: disputed.invoiceId, disputeId: dispute.disputeId }, body: { outcome: 'credit', reason: 'broken on arrival', creditAmount: '20.00' }, headers: key() }),
    );
    expect(resolved).toMatchObject({ status: 'credited', credit: '20.00', balance: '99.00' });

    const promise = fits('POST /invoices/{invoiceId}/promises', await finance.postInvoicesInvoiceIdPromises({ path: { invoiceId: promised.invoiceId }, body: { amount: '59.50', promisedDate: promised.dueDate } }, { idempotencyKey: true }));
    expect(promise).toMatchObject({ invoiceId: promised.invoiceId, amount: '59.50', currency: 'EUR', promisedDate: promised.dueDate });
    fits('GET /invoices/{invoiceId}', await finance.getInvoicesInvoiceId({ path: { invoiceId: promised.invoiceId } }));

    const block = fits('POST /invoices/{invoiceId}/dunning-block', await finance.postInvoicesInvoiceIdDunningBlock({ path: { invoiceId: blocked.invoiceId }, body: { reason: 'customer on holiday', until: blocked.dueDate } }, { idempotencyKey: true }));
    expect(block).toEqual({ invoiceId: blocked.invoiceId, blockedUntil: blocked.dueDate, reason: 'customer on holiday' });
    const policies = fits('GET /dunning/policies', await finance.getDunningPolicies());
    const policyId = String((policies.items[0] as { policyId: string }).policyId);
    fits('PUT /invoices/{invoiceId}/dunning-policy', await finance.putInvoicesInvoiceIdDunningPolicy({ path: { invoiceId: blocked.invoiceId }, body: { policyId } }));
    const written = fits('POST /invoices/{invoiceId}/write-off', await finance.postInvoicesInvoiceIdWriteOff({ path: { invoiceId: blocked.invoiceId }, body: { reason: 'goodwill', amount: '10.00' }, headers: key() }));
    expect(written).toEqual({ invoiceId: blocked.invoiceId, writtenOff: '10.00', balance: '85.20', status: 'OPEN', escalationEnded: false });
    fits('GET /invoices/{invoiceId}', await finance.getInvoicesInvoiceId({ path: { invoiceId: blocked.invoiceId } }));

    const payment = fits('POST /payments', await shop.postPayments({ body: { amount: '59.50', currency: 'EUR', reference: 'thanks for the chairs', payerName: 'Contract Console', valueDate: promised.issueDate, providerPaymentId: uniqueId('psp') }, headers: key() }));
    expect(payment.status).toBe('unapplied');
    const unapplied = fits('GET /payments/unapplied', await finance.getPaymentsUnapplied({ query: { limit: 200 } }));
    expect(unapplied.items.map((p) => p.paymentId)).toContain(payment.paymentId);
    const applied = fits(
      'POST /payments/{paymentId}/apply',
      await finance.postPaymentsPaymentIdApply({ path: { paymentId: payment.paymentId }, body: { allocations: [{ invoiceId: promised.invoiceId, amount: '59.50' }] }, headers: key() }),
    );
    expect(applied).toMatchObject({ paymentId: payment.paymentId, status: 'applied', unappliedAmount: '0.00', allocations: [{ invoiceId: promised.invoiceId, amount: '59.50' }] });

    const revokedLinks = fits('POST /customers/{customerId}/pay-links/revoke', await finance.postCustomersCustomerIdPayLinksRevoke({ path: { customerId }, body: { reason: 'link forwarded to the wrong address' } }, { idempotencyKey: true }));
    expect(revokedLinks.customerId).toBe(customerId);
    const activity = fits('GET /customers/{customerId}/portal-activity', await finance.getCustomersCustomerIdPortalActivity({ path: { customerId } }));
    expect(activity.items[0]).toMatchObject({ action: 'pay-links-revoked', status: 'done', summary: 'every pay link issued until now revoked: link forwarded to the wrong address' });

    const statement = fits('GET /customers/{customerId}/statement', await finance.getCustomersCustomerIdStatement({ path: { customerId } }));
    const eur = statement.currencies.find((c) => c.currency === 'EUR');
    expect(eur?.lines.map((l) => l.kind)).toEqual(expect.arrayContaining(['invoice', 'credit', 'write-off', 'payment']));
    expect(eur?.closingBalance).toBe('184.20');
    const statementCsv = await (await download(finance, 'getCustomersCustomerIdStatement', 'text/csv', { path: { customerId } })).text();
    expect(statementCsv).toContain('closing-balance');
    const statementPdf = await download(finance, 'getCustomersCustomerIdStatement', 'application/pdf', { path: { customerId } });
    expect(new TextDecoder().decode((await statementPdf.arrayBuffer()).slice(0, 5))).toBe('%PDF-');

    const recorded = fits(
      'POST /customers/{customerId}/mandates',
      await finance.postCustomersCustomerIdMandates({ path: { customerId }, body: { iban: 'DE89370400440532013000', accountHolder: 'Contract Console GmbH', signedOn: promised.issueDate, scheme: 'CORE' } }, { idempotencyKey: true }),
    );
    expect(recorded).toMatchObject({ customerId, status: 'ACTIVE', nextSequence: 'FRST', revokedAt: null });
    const mandates = fits('GET /customers/{customerId}/mandates', await finance.getCustomersCustomerIdMandates({ path: { customerId } }));
    expect(mandates.items.map((m) => m.mandateId)).toEqual([recorded.mandateId]);
    const revoked = fits('POST /customers/{customerId}/mandates/{mandateId}/revoke', await finance.postCustomersCustomerIdMandatesMandateIdRevoke({ path: { customerId, mandateId: recorded.mandateId }, body: { reason: 'pays by transfer' } }, { idempotencyKey: true }));
    expect(revoked).toMatchObject({ status: 'REVOKED', revocationReason: 'pays by transfer' });
  });

  it('answers the dashboard, its CSV downloads, the invoice document, the forecast, the worklists and a dunning run as declared', async () => {
    const customerId = await customer({ creditLimit: '5000.00', paymentTermsDays: 7 });
    const invoice = await invoiced(customerId, '449.70');

    const aging = fits('GET /reports/aging', await finance.getReportsAging());
    expect(aging.buckets).toEqual(['current', '1-30', '31-60', '61-90', 'over-90']);
    expect(aging.currencies.find((c) => c.currency === 'EUR')?.customers.map((c) => c.customerId)).toContain(customerId);
    const kpis = fits('GET /reports/kpis', await finance.getReportsKpis({ query: { trendMonths: 6 } }));
    expect(kpis.trend).toHaveLength(6);
    const agingCsv = await (await download(finance, 'getReportsAging', 'text/csv', {})).text();
    expect(agingCsv.split(/\r?\n/)[0]).toMatch(/currency/i);
    expect(agingCsv).toContain(customerId);
    const kpiCsv = await (await download(finance, 'getReportsKpis', 'text/csv', { query: { trendMonths: 12 } })).text();
    expect(kpiCsv.split(/\r?\n/).filter(Boolean).length).toBeGreaterThan(1);
    const html = await (await download(finance, 'getInvoicesInvoiceIdDocument', 'text/html', { path: { invoiceId: invoice.invoiceId } })).text();
    expect(html).toContain(invoice.number);
    const pdf = await download(finance, 'getInvoicesInvoiceIdDocument', 'application/pdf', { path: { invoiceId: invoice.invoiceId } });
    expect(new TextDecoder().decode((await pdf.arrayBuffer()).slice(0, 5))).toBe('%PDF-');

    fits('GET /reports/cash-forecast', await finance.getReportsCashForecast());
    fits('POST /predictions/runs', await finance.postPredictionsRuns({ body: { retrain: true } }, { idempotencyKey: true }));
    const forecast = fits('GET /reports/cash-forecast', await finance.getReportsCashForecast());
    expect(forecast.madeOn).not.toBeNull();
    expect(forecast.weeks.length).toBeGreaterThan(0);
    const predicted = fits('GET /invoices/{invoiceId}', await finance.getInvoicesInvoiceId({ path: { invoiceId: invoice.invoiceId } }));
    expect(predicted.prediction?.interval80.low).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    // Past the due date: the daily run reminds; a run on demand answers the day's run.
    const moved = await fetch(`${stack.local.url}/_local/clock`, { method: 'POST', headers: { 'x-api-key': stack.local.apiKeys.finance, 'content-type': 'application/json' }, body: JSON.stringify({ advance: 'P30D' }) });
    expect(moved.status).toBe(200);
    const run = fits('POST /dunning/runs', await finance.postDunningRuns({ body: {} }, { idempotencyKey: true }));
    expect(run.status).toBe('COMPLETED');
    const again = fits('GET /dunning/runs/{runId}', await finance.getDunningRunsRunId({ path: { runId: run.runId } }));
    expect(again.runId).toBe(run.runId);
    const reminded = fits('GET /invoices/{invoiceId}', await finance.getInvoicesInvoiceId({ path: { invoiceId: invoice.invoiceId } }));
    expect(reminded.status).toBe('OVERDUE');
    fits('GET /invoices', await finance.getInvoices({ query: { status: 'OVERDUE', limit: 200 } }));
    fits('GET /collections/worklist', await finance.getCollectionsWorklist());
    const overdue = fits('GET /reports/aging', await finance.getReportsAging());
    expect(Number(overdue.currencies.find((c) => c.currency === 'EUR')?.customers.find((c) => c.customerId === customerId)?.overdue)).toBeGreaterThanOrEqual(535.14);
  });

  it('answers the presigned uploads and the OpenAPI document as declared', async () => {
    const statementUpload = fits('POST /remittances/uploads', await finance.postRemittancesUploads({ body: { contentLength: 2048 } }));
    expect(statementUpload.headers['content-length']).toBe('2048');
    const importUpload = fits('POST /invoices/import/uploads', await finance.postInvoicesImportUploads({ body: { contentLength: 4096 } }));
    expect(importUpload.headers['content-length']).toBe('4096');
    const document = fits('GET /openapi.json', await finance.getOpenapiJson());
    expect(Object.keys(document.paths)).toContain('/reports/aging');
  });

  it('answers the dunning policies and the webhook subscriptions with their deliveries as declared', async () => {
    const policies = fits('GET /dunning/policies', await finance.getDunningPolicies());
    expect(policies.items.map((p) => p.policyId)).toContain('default');
    const customers = fits('GET /customers', await finance.getCustomers({ query: { limit: 20 } }));
    expect(customers.items.length).toBeGreaterThan(0);
    fits('GET /customers', await shop.getCustomers({ query: { limit: 20 } }));
    const registered = fits('POST /webhooks', await finance.postWebhooks({ body: { url: 'https://shop.example/hooks/order-to-cash', eventTypes: ['InvoiceIssued.v1'] } }, { idempotencyKey: true }));
    const listed = fits('GET /webhooks', await finance.getWebhooks());
    expect(listed.items.find((w) => w.webhookId === registered.webhookId)).toMatchObject({ url: 'https://shop.example/hooks/order-to-cash', eventTypes: ['InvoiceIssued.v1'], ownerId: null, deletedAt: null });
    expect(JSON.stringify(listed)).not.toContain(registered.secret);
    fits('GET /webhooks/{webhookId}/deliveries', await finance.getWebhooksWebhookIdDeliveries({ path: { webhookId: registered.webhookId } }));
    const deleted = fits('DELETE /webhooks/{webhookId}', await finance.deleteWebhooksWebhookId({ path: { webhookId: registered.webhookId } }));
    expect(deleted.webhookId).toBe(registered.webhookId);
  });

  it("answers the customer's own page and its actions (the pay link as the credential) as declared", async () => {
    const customerId = await customer({ creditLimit: '5000.00', paymentTermsDays: 14 });
    const disputed = await invoiced(customerId, '40.00');
    const promised = await invoiced(customerId, '60.00');
    const emails = (await (await fetch(`${stack.local.url}/_local/emails`, { headers: { 'x-api-key': stack.local.apiKeys.finance } })).json()) as { items: { to: string[]; html: string | null; text: string | null }[] };
    const mail = emails.items.find((e) => e.to.includes(`${customerId}@example.com`));
    const link = /\/pay\/#link=(pl1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(`${mail?.text ?? ''} ${mail?.html ?? ''}`)?.[1];
    expect(link, 'the pay link in the invoice email').toBeDefined();
    const portal = createClient<Ops>(OPERATIONS, { serverUrl: stack.local.url, auth: { apiKey: { apiKey: link! } }, retry: { retries: 0 }, clientHeader: false, timeout: 60_000 });

    const page = fits('GET /portal', await portal.getPortal());
    expect(page.customer.customerId).toBe(customerId);
    expect(page.openItems.map((i) => i.invoiceId).sort()).toEqual([disputed.invoiceId, promised.invoiceId].sort());
    expect(page.directDebit.texts.de.CORE.length).toBeGreaterThan(0);
    const dispute = fits('POST /portal/disputes', await portal.postPortalDisputes({ body: { invoiceId: disputed.invoiceId, reason: 'wrong colour' } }, { idempotencyKey: true }));
    expect(dispute).toMatchObject({ invoiceId: disputed.invoiceId, status: 'open' });
    const promise = fits('POST /portal/promises', await portal.postPortalPromises({ body: { invoiceId: promised.invoiceId, amount: '71.40', promisedDate: promised.dueDate } }, { idempotencyKey: true }));
    expect(promise).toMatchObject({ invoiceId: promised.invoiceId, accepted: true });
    const checkout = fits('POST /portal/checkout', await portal.postPortalCheckout({ body: { items: [{ invoiceId: promised.invoiceId, amount: '71.40' }] } }, { idempotencyKey: true }));
    expect(checkout).toMatchObject({ currency: 'EUR', amount: '71.40', items: [{ invoiceId: promised.invoiceId, amount: '71.40' }], credit: { amount: '0.00', items: [] } });
    expect(checkout.url).toMatch(/^https?:\/\//);
    const email = fits('PUT /portal/billing-email', await portal.putPortalBillingEmail({ body: { email: `ap-${customerId}@example.com` } }));
    expect(email).toEqual({ customerId, email: `ap-${customerId}@example.com` });
    const signed = fits('POST /portal/mandates', await portal.postPortalMandates({ body: { iban: 'DE02120300000000202051', accountHolder: 'Contract Console GmbH', scheme: 'CORE', acceptMandateText: true } }, { idempotencyKey: true }));
    expect(signed).toMatchObject({ status: 'ACTIVE', accountEnding: expect.stringMatching(/2051$/) });
    expect(JSON.stringify(signed)).not.toContain('DE02120300000000202051');
    const revoked = fits('POST /portal/mandates/revoke', await portal.postPortalMandatesRevoke({ body: { mandateId: signed.mandateId, reason: 'we pay by transfer' } }, { idempotencyKey: true }));
    expect(revoked).toMatchObject({ mandateId: signed.mandateId, status: 'REVOKED' });
    const after = fits('GET /portal', await portal.getPortal());
    expect(after.activity.map((a) => a.action)).toEqual(expect.arrayContaining(['dispute-raised', 'mandate-signed', 'mandate-revoked']));
    expect(after.directDebit.mandates.map((m) => m.mandateId)).toEqual([signed.mandateId]);
  });

  it('answers the application of on-account credit and a refund of it as declared', async () => {
    const customerId = await customer({ creditLimit: '5000.00', paymentTermsDays: 14 });
    const paid = await invoiced(customerId, '10.00');
    const next = await invoiced(customerId, '20.00');
    // 50.00 more than the first invoice: on-account credit.
    const over = fits('POST /payments', await shop.postPayments({ body: { amount: '61.90', currency: 'EUR', reference: paid.number, valueDate: paid.issueDate, providerPaymentId: uniqueId('psp') }, headers: key() }));
    expect(over).toMatchObject({ status: 'partially-applied', onAccountAmount: '50.00' });
    await until('the credit', () => finance.getCustomersCustomerId({ path: { customerId } }), (c) => (c as { onAccountCredit?: string }).onAccountCredit === '50.00');
    const applied = fits('POST /customers/{customerId}/credit/apply', await finance.postCustomersCustomerIdCreditApply({ path: { customerId }, body: { invoiceId: next.invoiceId, amount: '23.80' }, headers: key() }));
    expect(applied).toEqual({ invoiceId: next.invoiceId, applied: '23.80', balance: '0.00', status: 'PAID' });
    const refund = fits('POST /refunds', await finance.postRefunds({ body: { customerId, amount: '20.00', iban: 'DE02120300000000202051', accountHolder: 'Contract Console GmbH' }, headers: key() }));
    expect(refund).toMatchObject({ customerId, amount: '20.00', status: 'sent', ibanEnding: '2051', fileUrl: `/refunds/${refund.refundId}/file` });
    const read = fits('GET /refunds/{refundId}', await finance.getRefundsRefundId({ path: { refundId: refund.refundId } }));
    expect(read.refundId).toBe(refund.refundId);
    const xml = await (await download(finance, 'getRefundsRefundIdFile', 'application/xml', { path: { refundId: refund.refundId } })).text();
    expect(xml).toContain('<InstdAmt Ccy="EUR">20.00</InstdAmt>');
    // The bank's statement shows the transfer: the refund is confirmed (the camt file as the body, through the client).
    const camt = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>CC-REFUND-1</MsgId><CreDtTm>2027-03-16T18:00:00+01:00</CreDtTm></GrpHdr>
    <Stmt><Id>CC-REFUND-1-1</Id><CreDtTm>2027-03-16T18:00:00+01:00</CreDtTm>
      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Ntry><Amt Ccy="EUR">20.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2027-03-19</Dt></BookgDt><ValDt><Dt>2027-03-19</Dt></ValDt>
        <NtryDtls><TxDtls><Refs><EndToEndId>${refund.refundId}</EndToEndId></Refs><Amt Ccy="EUR">20.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></TxDtls></NtryDtls></Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>`;
    const settled = fits('POST /refunds/statements', await finance.postRefundsStatements({ body: new Blob([camt], { type: 'application/xml' }), headers: key() }));
    expect(settled.refunds).toEqual([{ refundId: refund.refundId, outcome: 'confirmed', status: 'confirmed' }]);
    expect(fits('GET /refunds/{refundId}', await finance.getRefundsRefundId({ path: { refundId: refund.refundId } })).status).toBe('confirmed');
  });

  it('answers a SEPA collection run, its files and the cancel of one as declared', async () => {
    const customerId = await customer({ creditLimit: '5000.00', paymentTermsDays: 1 });
    const today = (await finance.getReportsAging()).asOf;
    const mandate = await finance.postCustomersCustomerIdMandates({ path: { customerId }, body: { iban: 'DE89370400440532013000', accountHolder: 'Contract Console GmbH', signedOn: today, scheme: 'CORE' } }, { idempotencyKey: true });
    const due = await invoiced(customerId, '30.00');
    const run = fits('POST /collections/runs', await finance.postCollectionsRuns({ body: {} }, { idempotencyKey: true }));
    const collected = run.collected.find((c) => c.invoiceId === due.invoiceId);
    expect(collected).toMatchObject({ sequence: 'FRST', amount: '35.70' });
    const files = fits('GET /collections/files', await finance.getCollectionsFiles({ query: { limit: 50 } }));
    const file = files.items.find((f) => f.fileId === collected!.fileId);
    expect(file?.paymentInformation.flatMap((p) => p.invoiceIds)).toContain(due.invoiceId);
    const xml = await (await download(finance, 'getCollectionsFilesFileId', 'application/xml', { path: { fileId: collected!.fileId } })).text();
    expect(xml).toContain(mandate.mandateId);
    const cancelled = fits('POST /collections/files/{fileId}/cancel', await finance.postCollectionsFilesFileIdCancel({ path: { fileId: collected!.fileId } }, { idempotencyKey: true }));
    expect(cancelled).toMatchObject({ fileId: collected!.fileId, status: 'cancelled', alreadyCancelled: false });

    // Collected again, then rejected by the customer's bank (pain.002, MD01): the mandate ends.
    const rerun = fits('POST /collections/runs', await finance.postCollectionsRuns({ body: {} }, { idempotencyKey: true }));
    expect(rerun.collected.map((c) => c.invoiceId)).toContain(due.invoiceId);
    const inCollection = (await finance.getInvoicesInvoiceId({ path: { invoiceId: due.invoiceId } })) as unknown as { directDebit?: { endToEndId: string } };
    const pain002 = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>
  <GrpHdr><MsgId>CC-STS-1</MsgId><CreDtTm>2027-03-13T08:00:00</CreDtTm></GrpHdr>
  <OrgnlGrpInfAndSts><OrgnlMsgId>x</OrgnlMsgId><OrgnlMsgNmId>pain.008.001.08</OrgnlMsgNmId></OrgnlGrpInfAndSts>
  <OrgnlPmtInfAndSts><OrgnlPmtInfId>x-1</OrgnlPmtInfId>
    <TxInfAndSts><OrgnlEndToEndId>${inCollection.directDebit!.endToEndId}</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>MD01</Cd></Rsn></StsRsnInf></TxInfAndSts>
  </OrgnlPmtInfAndSts>
</CstmrPmtStsRpt></Document>`;
    const returned = fits('POST /collections/returns', await finance.postCollectionsReturns({ body: new Blob([pain002], { type: 'application/xml' }), headers: key() }));
    expect(returned.returns).toMatchObject([{ outcome: 'returned', invoiceId: due.invoiceId, reasonCode: 'MD01', reversed: '0.00', mandateRevoked: true }]);
  });
});
