/**
 * The customer's side, end to end on the local AWS: the invoice email carries a pay link; the link
 * opens the portal (the customer role); the customer pays by card through the local payment
 * provider (Stripe's API, hosted page, signed webhooks); the invoice is PAID, the order COMPLETED,
 * the ledger balanced and the provider's fee booked. A declined card changes nothing, the same
 * webhook twice applies once, a forged webhook is refused, a refund reopens the item; forged,
 * expired and revoked links are refused; promises, disputes, the billing email and the statement.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { startTestStack, uniqueId, type ApiDriver, type ApiResponse, type ArgsOf, type OperationName, type OpOptions } from './support/api-driver';
import type { LocalAws } from '../../local-aws/runtime';
import { issuePayLinkToken } from '../../lambdas/core/portal/pay-link';
import { localTableName } from '../../local-aws/dynamodb';
import { tableById } from '../../lib/definitions/tables';
import { providerFee } from '../../local-aws/payment-provider';
import { ensurePortalBuilt } from '../../lib/portal/build';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;
let local: LocalAws;

beforeAll(async () => {
  // The page is served from its build, as `npm start` builds it (a fresh clone has none yet).
  await ensurePortalBuilt((line) => console.log(`[portal build] ${line}`));
  stack = await startTestStack();
  api = stack.api;
  local = stack.local;
});

afterAll(async () => {
  await stack?.stop();
});

/** A call as the customer, through the typed client: the pay link is the credential. */
async function asCustomer<K extends OperationName>(link: string, name: K, args: ArgsOf<K>, accept = 'application/json') {
  const send = api.op.bind(api) as (name: OperationName, args: unknown, options: OpOptions) => Promise<ApiResponse<unknown>>;
  const response = await send(name, args, { key: link, headers: { accept }, parseAs: 'text' });
  const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // PDF or CSV
  }
  return { status: response.status, body: parsed as Record<string, any>, text, headers: response.headers };
}

async function invoicedCustomer(locale = 'en') {
  const customerId = uniqueId('portal');
  expect((await api.registerCustomer(customerId, { name: 'Acme <Ltd>', email: `${customerId}@example.com`, currency: 'EUR', creditLimit: '100000.00', paymentTermsDays: 14, locale })).status).toBe(201);
  const placed = await api.op('postOrders', { body: { customerId, currency: 'EUR', lines: [{ sku: 'CHAIR-1', quantity: 2, unitPrice: '100.00' }] } });
  expect(placed.status).toBe(202);
  const orderId = String(placed.body.orderId);
  await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
  expect((await api.op('postOrdersOrderIdShipments', { path: { orderId }, body: { carrier: 'DHL', trackingNumber: '1' } })).status).toBe(202);
  const order = await api.waitForOrderStatus(orderId, 'INVOICED');
  const invoiceId = String(order.body.invoiceId);
  const invoice = await api.waitFor('the invoice email', () => api.op('getInvoicesInvoiceId', { path: { invoiceId } }), (r) => r.status === 200 && r.body.sentAt !== null);
  const emails = await api.get<{ items: { to: string[]; html: string; text: string }[] }>('/_local/emails');
  const mail = emails.body.items.find((e) => e.to.includes(`${customerId}@example.com`))!;
  return { customerId, orderId, invoiceId, number: String(invoice.body.number), mail };
}

const LINK = /\/pay\/#link=(pl1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/;

async function ledgerLines(pk: string) {
  const client = new DynamoDBClient({ endpoint: local.endpoints.dynamodb, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const result = await client.send(new QueryCommand({ TableName: localTableName(tableById('Ledger'), 'local'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: pk } } }));
  return (result.Items ?? []).map((i) => ({ account: i.account!.S, side: i.side!.S, amountMinor: Number(i.amountMinor!.N) }));
}

async function providerEvents() {
  return ((await (await fetch(`${local.paymentProvider.url}/local/events`)).json()) as { items: { id: string; type: string; payload: { data: { object: { id: string; payment_intent?: string; latest_charge?: string } } } }[] }).items;
}

describe('from the invoice email to a paid invoice, by card', () => {
  it('pays through the local provider; declined changes nothing; the same webhook twice applies once; a refund reopens', async () => {
    const { customerId, orderId, invoiceId, number, mail } = await invoicedCustomer();
    const link = LINK.exec(mail.text)?.[1];
    expect(link, 'the text email carries the pay link').toBeDefined();
    expect(mail.html).toMatch(LINK);
    expect(LINK.exec(mail.html)?.[1], 'the HTML and the text carry the same fresh link').toBe(link);

    const portal = await asCustomer(link!, 'getPortal', {});
    expect(portal.status).toBe(200);
    expect(portal.body.customer).toMatchObject({ customerId, name: 'Acme <Ltd>' });
    expect(portal.body.openItems).toEqual([expect.objectContaining({ invoiceId, number, balance: '200.00', status: 'OPEN' })]);
    // The customer role reaches the portal routes only.
    expect((await asCustomer(link!, 'getInvoicesInvoiceId', { path: { invoiceId } })).status).toBe(403);
    expect((await asCustomer(link!, 'getCustomers', {})).status).toBe(403);

    const checkout = await asCustomer(link!, 'postPortalCheckout', { body: { items: [{ invoiceId, amount: '200.00' }] } });
    expect(checkout.status).toBe(201);
    expect(checkout.body).toMatchObject({ amount: '200.00', currency: 'EUR', items: [{ invoiceId, number, amount: '200.00' }] });
    const url = String(checkout.body.url);
    expect(url.startsWith(local.paymentProvider.url)).toBe(true);
    expect(await (await fetch(url)).text()).toContain('Pay 200.00 EUR');

    // Declined: nothing is sent, nothing changes.
    const declined = await fetch(`${url}/decline`, { method: 'POST', redirect: 'manual' });
    expect(declined.status).toBe(402);
    expect(await declined.text()).toContain('Your card was declined');
    expect(await providerEvents()).toEqual([]);
    expect((await api.op('getInvoicesInvoiceId', { path: { invoiceId } })).body).toMatchObject({ status: 'OPEN', balance: '200.00' });

    // Paid: the webhooks are signed and delivered before the customer is sent back.
    const paid = await fetch(`${url}/pay`, { method: 'POST', redirect: 'manual' });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toMatch(/\/pay\/\?checkout=paid&session=cs_test_/);
    const invoice = await api.waitFor('the invoice to be PAID', () => api.op('getInvoicesInvoiceId', { path: { invoiceId } }), (r) => r.body.status === 'PAID');
    expect(invoice.body).toMatchObject({ paid: '200.00', balance: '0.00' });
    await api.waitForOrderStatus(orderId, 'COMPLETED');
    expect(await api.ledgerCheck()).toMatchObject({ balanced: true, problems: [] });

    const events = await providerEvents();
    expect(events.map((e) => e.type)).toEqual(['checkout.session.completed', 'payment_intent.succeeded']);
    const paymentIntentId = String(events[0]!.payload.data.object.payment_intent);
    const fee = providerFee(20000);
    expect(await ledgerLines(`provider-fee-${paymentIntentId}`)).toEqual(
      expect.arrayContaining([
        { account: 'payment-provider-fees', side: 'debit', amountMinor: fee },
        { account: 'cash', side: 'credit', amountMinor: fee },
      ]),
    );

    // The same event again: answered 200, applied once.
    const resent = await fetch(`${local.paymentProvider.url}/local/events/${events[0]!.id}/resend`, { method: 'POST' });
    expect(await resent.json()).toMatchObject({ status: 200 });
    expect((await api.op('getInvoicesInvoiceId', { path: { invoiceId } })).body).toMatchObject({ status: 'PAID', paid: '200.00', allocations: [expect.objectContaining({ amount: '200.00' })] });
    expect(await ledgerLines(`provider-fee-${paymentIntentId}`)).toHaveLength(2);

    // A webhook not signed by the provider: 400, nothing applied.
    // raw: a provider callback with a forged signature over the exact body bytes
    const forged = await fetch(`${local.url}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` }, body: JSON.stringify(events[0]!.payload) });
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ error: { code: 'SIGNATURE_INVALID', details: [{ field: 'Stripe-Signature' }] } });

    // A partial refund through Stripe's API reopens the item by that amount.
    const refund = await fetch(`${local.paymentProvider.url}/v1/refunds`, { method: 'POST', headers: { authorization: 'Bearer sk_test_local_payment_provider', 'content-type': 'application/x-www-form-urlencoded' }, body: `payment_intent=${paymentIntentId}&amount=5000` });
    expect(refund.status).toBe(200);
    expect((await api.op('getInvoicesInvoiceId', { path: { invoiceId } })).body).toMatchObject({ status: 'PARTIALLY_PAID', paid: '150.00', balance: '50.00' });
    expect(await api.ledgerCheck()).toMatchObject({ balanced: true });
    const refundEvent = (await providerEvents()).find((e) => e.type === 'charge.refunded')!;
    await fetch(`${local.paymentProvider.url}/local/events/${refundEvent.id}/resend`, { method: 'POST' });
    expect((await api.op('getInvoicesInvoiceId', { path: { invoiceId } })).body).toMatchObject({ balance: '50.00' });

    // The statement: finance and the customer, JSON, CSV and PDF.
    const yearStart = `${String(portal.body.today).slice(0, 4)}-01-01`;
    expect((await api.op('getCustomersCustomerIdStatement', { path: { customerId }, query: { from: '2000-01-01' } })).body).toMatchObject({ error: { details: [{ field: 'from' }] } });
    const statement = await api.op('getCustomersCustomerIdStatement', { path: { customerId }, query: { from: yearStart } });
    expect(statement.status).toBe(200);
    const eur = (statement.body.currencies as { currency: string; openingBalance: string; closingBalance: string; lines: { kind: string; amount: string; balance: string }[] }[])[0]!;
    expect(eur).toMatchObject({ currency: 'EUR', openingBalance: '0.00', closingBalance: '50.00' });
    expect(eur.lines.map((l) => [l.kind, l.amount, l.balance])).toEqual([
      ['invoice', '200.00', '200.00'],
      ['payment', '-150.00', '50.00'],
    ]);
    const csv = await asCustomer(link!, 'getCustomersCustomerIdStatement', { path: { customerId }, query: { from: yearStart } }, 'text/csv');
    expect(csv.status).toBe(200);
    expect(csv.text.split('\r\n')[0]).toBe('currency,date,kind,document,description,amount,balance');
    expect(csv.text).toContain('closing-balance,,,,50.00');
    const pdf = await asCustomer(link!, 'getCustomersCustomerIdStatement', { path: { customerId } }, 'application/pdf');
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.text.startsWith('%PDF-')).toBe(true);
    // Another customer's statement is not the link's to read.
    expect((await asCustomer(link!, 'getCustomersCustomerIdStatement', { path: { customerId: 'someone-else' } })).status).toBe(404);
  });

  it('lets the customer promise, dispute and change the billing email; finance sees each action', async () => {
    const { customerId, invoiceId, mail } = await invoicedCustomer('de');
    const link = LINK.exec(mail.text)![1]!;
    expect(mail.text).toContain('Online bezahlen');
    const today = String((await asCustomer(link, 'getPortal', {})).body.today);
    const inDays = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

    const bad = await asCustomer(link, 'postPortalPromises', { body: { invoiceId, amount: '0', promisedDate: inDays(3) } });
    expect(bad.status).toBe(400);
    const far = await asCustomer(link, 'postPortalPromises', { body: { invoiceId, amount: '200.00', promisedDate: inDays(60) } });
    expect(far.status).toBe(202);
    expect(far.body).toMatchObject({ accepted: false, waitingForFinance: true });
    const near = await asCustomer(link, 'postPortalPromises', { body: { invoiceId, amount: '200.00', promisedDate: inDays(7) } });
    expect(near.status).toBe(201);
    expect(near.body).toMatchObject({ accepted: true, blockedUntil: inDays(7) });

    const dispute = await asCustomer(link, 'postPortalDisputes', { body: { invoiceId, reason: 'One chair arrived broken', amount: '100.00' } });
    expect(dispute.status).toBe(201);
    expect((await api.op('getInvoicesInvoiceId', { path: { invoiceId } })).body).toMatchObject({ status: 'DISPUTED' });

    expect((await asCustomer(link, 'putPortalBillingEmail', { body: { email: 'not an email' } })).status).toBe(400);
    expect((await asCustomer(link, 'putPortalBillingEmail', { body: { email: 'ap@acme.example' } })).status).toBe(200);
    expect((await api.op('getCustomersCustomerId', { path: { customerId } })).body).toMatchObject({ email: 'ap@acme.example' });

    const activity = await api.op<'getCustomersCustomerIdPortalActivity', { items: { action: string; actor: string; sourceIp: string; status: string }[] }>('getCustomersCustomerIdPortalActivity', { path: { customerId } });
    expect(activity.status).toBe(200);
    expect(activity.body.items.map((i) => i.action)).toEqual(['billing-email-changed', 'dispute-raised', 'promise-accepted', 'promise-proposed']);
    expect(activity.body.items.every((i) => i.actor.startsWith('paylink:') && i.sourceIp === '127.0.0.1')).toBe(true);
    expect(activity.body.items.find((i) => i.action === 'promise-proposed')?.status).toBe('waiting-for-finance');
    // The storefront does not see the portal activity or the statement.
    expect((await api.op('getCustomersCustomerIdPortalActivity', { path: { customerId } }, { as: 'storefront' })).status).toBe(403);
  });

  it('refuses forged, expired and revoked links', async () => {
    const { customerId, mail } = await invoicedCustomer();
    const link = LINK.exec(mail.text)![1]!;
    const secret = readFileSync(join(stack.dataDir, 'pay-link-secret'), 'utf8').trim();
    const last = link.at(-1) === 'A' ? 'B' : 'A';
    expect((await asCustomer(`${link.slice(0, -1)}${last}`, 'getPortal', {})).status).toBe(401);
    const [prefix, payload, signature] = link.split('.');
    const otherPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), c: 'someone-else' })).toString('base64url');
    expect((await asCustomer(`${prefix}.${otherPayload}.${signature}`, 'getPortal', {})).status).toBe(401);
    const otherCustomer = issuePayLinkToken('x'.repeat(40), { customerId, linkId: 'forged', now: local.clock.now() });
    expect((await asCustomer(otherCustomer, 'getPortal', {})).status).toBe(401);
    const expired = issuePayLinkToken(secret, { customerId, linkId: 'old', now: new Date(local.clock.now().getTime() - 91 * 86_400_000) });
    expect((await asCustomer(expired, 'getPortal', {})).status).toBe(401);
    const fresh = issuePayLinkToken(secret, { customerId, linkId: 'fresh', now: new Date(local.clock.now().getTime() - 1000) });
    expect((await asCustomer(fresh, 'getPortal', {})).status).toBe(200);

    const unused = issuePayLinkToken(secret, { customerId, linkId: 'unused', now: new Date(local.clock.now().getTime() - 1000) });
    const revoked = await api.op('postCustomersCustomerIdPayLinksRevoke', { path: { customerId }, body: {} }, { as: 'finance' });
    expect(revoked.status).toBe(200);
    expect((await asCustomer(unused, 'getPortal', {})).status).toBe(401);
    const after = issuePayLinkToken(secret, { customerId, linkId: 'after', now: new Date(local.clock.now().getTime() + 1000) });
    expect((await asCustomer(after, 'getPortal', {})).status).toBe(200);

    // The refusal page is the portal page itself: served without a credential.
    const page = await fetch(`${local.url}/pay/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});
