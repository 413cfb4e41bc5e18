/**
 * The events of statements, dunning and SEPA on the local stack (issue 16's remaining list), from
 * real changes: mandates recorded and revoked, a collection file, a rejected and a returned
 * collection, the dunning run's first reminder (the invoice's dunning starts), a bank statement
 * processed, a refund. Every event on the bus validates against its JSON Schema file and is
 * there once; a storefront's subscription receives exactly its own customers' events (not those
 * of a customer finance keeps, nor finance's statement and collection-file events).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import { startTestStack, uniqueId, type ApiDriver } from './support/api-driver';
import { EVENT_SCHEMA_DIR } from '../../lib/definitions/event-schemas';
import { EVENT_TYPES } from '../../lambdas/core/events/catalogue';
import type { PostCustomersCustomerIdMandatesBody } from '../../lib/api-client/client';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;
let receiver: Server;
let receiverUrl: string;
const received: string[] = [];

beforeAll(async () => {
  stack = await startTestStack({ settings: { directDebits: { leadTimeDays: { CORE: 1, B2B: 1 }, returnFee: '3.50' } } as never });
  api = stack.api;
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      received.push(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  await stack?.stop();
});

const ajv = new Ajv2020({ allErrors: true, strict: true });
const validators = new Map(EVENT_TYPES.map((type) => [type, ajv.compile(JSON.parse(readFileSync(join(EVENT_SCHEMA_DIR, `${type}.json`), 'utf8')) as object)]));

const NEW_TYPES = ['StatementProcessed.v1', 'InvoiceOverdue.v1', 'ReminderSent.v1', 'MandateCreated.v1', 'MandateRevoked.v1', 'CollectionFileCreated.v1', 'CollectionReturned.v1', 'RefundIssued.v1'];

type Invoice = { invoiceId: string; number: string; rfReference: string; total: string; dueDate: string; directDebit: null | { endToEndId: string; fileId: string } };
type BusEvent = { eventId: string; eventType: string; customerId: string | null; ownerId: string | null; occurredAt: string; data: Record<string, any> };

async function moveTo(instant: string) {
  const moved = await api.post('/_local/clock', { to: instant }, 'finance');
  expect(moved.status, JSON.stringify(moved.body)).toBe(200);
}

async function invoiceFor(customerId: string, unitPrice: string): Promise<Invoice> {
  const order = await api.op('postOrders', { body: { customerId, currency: 'EUR', lines: [{ sku: 'DESK-1', quantity: 1, unitPrice }] } });
  expect(order.status).toBe(202);
  const orderId = String(order.body.orderId);
  await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
  expect((await api.op('postOrdersOrderIdShipments', { path: { orderId }, body: { carrier: 'DHL' } })).status).toBe(202);
  const invoiced = await api.waitForOrderStatus(orderId, 'INVOICED');
  const invoice = await api.waitFor('the invoice to be emailed', () => api.op<'getInvoicesInvoiceId', Invoice & { sentAt: string | null }>('getInvoicesInvoiceId', { path: { invoiceId: String(invoiced.body.invoiceId) } }), (r) => r.status === 200 && r.body.sentAt !== null);
  return invoice.body;
}

async function postFile(path: string, file: string) {
  // raw: bank files as the body with their own content type; the client sends JSON bodies only
  const response = await fetch(`${api.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'x-api-key': stack.local.apiKeys.finance, 'content-type': 'application/xml', 'idempotency-key': randomUUID() },
    body: file,
    signal: AbortSignal.timeout(120_000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const pain002 = (e2e: string, reason: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>
  <GrpHdr><MsgId>STS-${reason}</MsgId><CreDtTm>2027-03-13T08:00:00</CreDtTm></GrpHdr>
  <OrgnlGrpInfAndSts><OrgnlMsgId>x</OrgnlMsgId><OrgnlMsgNmId>pain.008.001.08</OrgnlMsgNmId></OrgnlGrpInfAndSts>
  <OrgnlPmtInfAndSts><OrgnlPmtInfId>x-1</OrgnlPmtInfId>
    <TxInfAndSts><OrgnlEndToEndId>${e2e}</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>${reason}</Cd></Rsn></StsRsnInf></TxInfAndSts>
  </OrgnlPmtInfAndSts>
</CstmrPmtStsRpt></Document>`;

const camt054 = (id: string, amount: string, reference: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>${id}</MsgId><CreDtTm>2027-03-19T18:00:00+01:00</CreDtTm></GrpHdr>
    <Ntfctn><Id>${id}-1</Id><CreDtTm>2027-03-19T18:00:00+01:00</CreDtTm>
      <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Ntry><Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2027-03-19</Dt></BookgDt><ValDt><Dt>2027-03-19</Dt></ValDt>
        <NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
          <RltdPties><Dbtr><Pty><Nm>Dora Vogel</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>DE02120300000000202051</IBAN></Id></DbtrAcct></RltdPties>
          <RmtInf><Strd><CdtrRefInf><Ref>${reference}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>`;

const mandateBody = (over: Partial<PostCustomersCustomerIdMandatesBody> = {}): PostCustomersCustomerIdMandatesBody => ({ iban: 'DE02 1203 0000 0000 2020 51', accountHolder: 'Anna Schmidt', signedOn: '2027-02-20', scheme: 'CORE', ...over });

describe('statement, dunning and SEPA events', () => {
  it('are published from real changes, valid and once each, and reach a storefront only for its own customers', async () => {
    const subscribed = await api.op('postWebhooks', { body: { url: receiverUrl, eventTypes: NEW_TYPES } });
    expect(subscribed.status).toBe(201);
    const webhookId = String(subscribed.body.webhookId);

    await moveTo('2027-03-01T09:00:00Z');
    const terms = { currency: 'EUR', creditLimit: '100000.00', paymentTermsDays: 14 };
    const anna = uniqueId('anna');
    const dora = uniqueId('dora');
    const carla = uniqueId('carla');
    expect((await api.registerCustomer(anna, { name: 'Anna Schmidt', email: `${anna}@example.com`, ...terms })).status).toBe(201);
    expect((await api.registerCustomer(dora, { name: 'Dora Vogel', email: `${dora}@example.com`, ...terms })).status).toBe(201);
    // Carla is finance's own customer: no storefront registered her.
    expect((await api.op('putCustomersCustomerId', { path: { customerId: carla }, body: { name: 'Carla Finanz', email: `${carla}@example.com`, ...terms } }, { as: 'finance' })).status).toBe(201);

    const annaMandate = await api.op('postCustomersCustomerIdMandates', { path: { customerId: anna }, body: mandateBody() }, { as: 'finance' });
    expect(annaMandate.status, JSON.stringify(annaMandate.body)).toBe(201);
    const carlaMandate = await api.op('postCustomersCustomerIdMandates', { path: { customerId: carla }, body: mandateBody({ accountHolder: 'Carla Finanz', iban: 'FR1420041010050500013M02606', bic: 'BNPAFRPPXXX' }) }, { as: 'finance' });
    expect(carlaMandate.status, JSON.stringify(carlaMandate.body)).toBe(201);

    const a1 = await invoiceFor(anna, '500.00');
    const d1 = await invoiceFor(dora, '120.00');
    expect(d1.dueDate).toBe('2027-03-15');

    // Friday 03-12: the 05:30 collection run wrote one file for Anna's invoice.
    await moveTo('2027-03-12T06:00:00Z');
    const files = await api.op<'getCollectionsFiles', { items: { fileId: string; numberOfTransactions: number; controlSum: string }[] }>('getCollectionsFiles');
    expect(files.body.items).toHaveLength(1);
    const file = files.body.items[0]!;
    const a1c = (await api.op<'getInvoicesInvoiceId', Invoice>('getInvoicesInvoiceId', { path: { invoiceId: a1.invoiceId } })).body;

    // Saturday: Anna's bank rejects (MD01: no mandate): her invoice is open again, her mandate ends.
    await moveTo('2027-03-13T10:00:00Z');
    expect((await postFile('/collections/returns', pain002(a1c.directDebit!.endToEndId, 'MD01'))).body.returns).toMatchObject([{ outcome: 'returned', mandateRevoked: true }]);

    // Thursday 03-18 (due + 3): the 06:00 dunning run reminds Dora's invoice: its dunning starts.
    await moveTo('2027-03-18T09:00:00Z');
    const run = await api.op<'getDunningRunsRunId', { customersContacted: { customerId: string; letter: { messageId: string } }[] }>('getDunningRunsRunId', { path: { runId: 'run-2027-03-18' } });
    expect(run.status).toBe(200);
    const doraLetter = run.body.customersContacted.find((c) => c.customerId === dora);
    expect(doraLetter, JSON.stringify(run.body)).toBeDefined();

    // Friday: Dora pays by transfer, 50.00 too much (on-account credit); finance refunds 20.00 and revokes Carla's mandate.
    await moveTo('2027-03-19T17:30:00Z');
    const paid = (Number(d1.total) + 50).toFixed(2);
    const accepted = await postFile('/remittances', camt054(uniqueId('CAMT'), paid, d1.rfReference));
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    const statementId = String(accepted.body.statementId);
    await api.waitFor('the statement processed', () => api.op<'getRemittancesStatementId', { status: string }>('getRemittancesStatementId', { path: { statementId } }), (r) => r.body.status === 'completed', 120_000);
    const refund = await api.op<'postRefunds', { refundId: string }>('postRefunds', { body: { customerId: dora, amount: '20.00', iban: 'DE02120300000000202051', accountHolder: 'Dora Vogel' } }, { as: 'finance' });
    expect(refund.status, JSON.stringify(refund.body)).toBe(201);
    const revoked = await api.op('postCustomersCustomerIdMandatesMandateIdRevoke', { path: { customerId: carla, mandateId: String(carlaMandate.body.mandateId) }, body: { reason: 'the customer asked' } }, { as: 'finance' });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);

    // On the bus: each new event once, valid against its schema, with what the change did.
    await stack.local.events.settled();
    await api.waitFor('the outbox stream to be read', async () => stack.local.events.outboxStream.isIdle(), (idle) => idle);
    const ours = (e: BusEvent) => [anna, dora, carla].includes(String(e.customerId)) || e.data.statementId === statementId || e.data.fileId === file.fileId;
    const bus = await api.waitFor(
      'the events on the bus',
      async () => (await api.get<{ items: { detail: BusEvent }[] }>('/_local/events', 'finance')).body.items.map((i) => i.detail).filter((e) => NEW_TYPES.includes(e.eventType) && ours(e)),
      (events) => events.some((e) => e.eventType === 'MandateRevoked.v1' && e.customerId === carla) && events.some((e) => e.eventType === 'RefundIssued.v1'),
      60_000,
    );
    for (const event of bus) {
      const validate = validators.get(event.eventType as (typeof EVENT_TYPES)[number])!;
      expect(validate(event), `${event.eventType}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    expect(new Set(bus.map((e) => e.eventId)).size).toBe(bus.length);
    const of = (type: string, customerId: string | null) => bus.filter((e) => e.eventType === type && e.customerId === customerId);

    expect(of('MandateCreated.v1', anna)).toEqual([expect.objectContaining({ ownerId: 'local-storefront', data: expect.objectContaining({ mandateId: annaMandate.body.mandateId, ibanLast4: '2051' }) })]);
    expect(of('MandateCreated.v1', carla)).toHaveLength(1);
    expect(of('MandateCreated.v1', carla)[0]!.ownerId).not.toBe('local-storefront');
    expect(bus.filter((e) => e.eventType === 'CollectionFileCreated.v1')).toEqual([
      expect.objectContaining({ customerId: null, ownerId: null, data: expect.objectContaining({ fileId: file.fileId, numberOfTransactions: 1, controlSum: a1.total, invoiceIds: [a1.invoiceId] }) }),
    ]);
    expect(of('CollectionReturned.v1', anna)).toEqual([expect.objectContaining({ ownerId: 'local-storefront', data: expect.objectContaining({ invoiceId: a1.invoiceId, reasonCode: 'MD01', amount: a1.total, reversed: '0.00', invoiceBalance: a1.total }) })]);
    // Anna's mandate ended by the return (a posting), Carla's by finance (the mandates API).
    expect(of('MandateRevoked.v1', anna)).toEqual([expect.objectContaining({ ownerId: 'local-storefront', data: expect.objectContaining({ reason: expect.stringContaining('MD01') }) })]);
    expect(of('MandateRevoked.v1', carla)).toEqual([expect.objectContaining({ data: expect.objectContaining({ reason: 'the customer asked' }) })]);
    expect(of('MandateRevoked.v1', carla)[0]!.ownerId).not.toBe('local-storefront');
    expect(of('InvoiceOverdue.v1', dora)).toEqual([expect.objectContaining({ data: expect.objectContaining({ invoiceId: d1.invoiceId, dueDate: '2027-03-15', balance: d1.total, level: 0 }) })]);
    expect(of('ReminderSent.v1', dora)).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ invoiceId: d1.invoiceId, level: 1, runId: 'run-2027-03-18', letterId: `run-2027-03-18/${dora}`, messageId: doraLetter!.letter.messageId, fee: '0.00', resent: false }) }),
    ]);
    expect(bus.filter((e) => e.eventType === 'StatementProcessed.v1')).toEqual([
      expect.objectContaining({
        customerId: null,
        ownerId: null,
        data: expect.objectContaining({ statementId, upload: 1, lines: 1, counts: { applied: 1, suggested: 0, unapplied: 0 }, totals: [{ currency: 'EUR', received: paid, applied: paid, suggested: '0.00', unapplied: '0.00' }] }),
      }),
    ]);
    expect(of('RefundIssued.v1', dora)).toEqual([expect.objectContaining({ ownerId: 'local-storefront', data: expect.objectContaining({ refundId: refund.body.refundId, amount: '20.00' }) })]);

    // The storefront's subscription: exactly the events of its own customers, none of finance's.
    const expectedAtStorefront = bus.filter((e) => e.ownerId === 'local-storefront');
    // Anna's rejected invoice, overdue too, was reminded by the same run.
    expect(of('ReminderSent.v1', anna)).toEqual([expect.objectContaining({ data: expect.objectContaining({ invoiceId: a1.invoiceId, level: 1 }) })]);
    expect(expectedAtStorefront.map((e) => e.eventType).sort()).toEqual(
      ['CollectionReturned.v1', 'InvoiceOverdue.v1', 'InvoiceOverdue.v1', 'MandateCreated.v1', 'MandateRevoked.v1', 'RefundIssued.v1', 'ReminderSent.v1', 'ReminderSent.v1'],
    );
    await api.waitFor('the deliveries to finish', () => api.op<'getWebhooksWebhookIdDeliveries', { items: { status: string }[] }>('getWebhooksWebhookIdDeliveries', { path: { webhookId } }, { as: 'storefront' }), (r) => r.body.items.length >= expectedAtStorefront.length && r.body.items.every((d) => d.status === 'delivered'), 60_000);
    const atReceiver = received.map((body) => JSON.parse(body) as BusEvent).filter(ours);
    expect(atReceiver.map((e) => e.eventId).sort()).toEqual(expectedAtStorefront.map((e) => e.eventId).sort());
    expect(atReceiver.every((e) => e.ownerId === 'local-storefront')).toBe(true);
  }, 300_000);
});
