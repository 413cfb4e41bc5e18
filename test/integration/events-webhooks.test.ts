/**
 * Domain events and webhooks on the local stack: a storefront subscribes a local HTTP receiver to
 * its events; an order's whole life (place, credit, ship, invoice, send, pay) reaches it signed
 * (verified with the official `standardwebhooks` package), each event exactly once per event id,
 * every event valid against its JSON Schema file, while the forwarder between the outbox and the
 * bus fails (before it publishes, and after it published) and loses nothing.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import Ajv2020 from 'ajv/dist/2020.js';
import { startTestStack, uniqueId, type ApiDriver } from './support/api-driver';
import { EVENT_SCHEMA_DIR } from '../../lib/definitions/event-schemas';
import { EVENT_TYPES } from '../../lambdas/core/events/catalogue';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  api = stack.api;
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
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

describe('a storefront subscribed to its events', () => {
  it('receives the whole life of an order, signed and once per event id, though the forwarder fails on the way', async () => {
    const subscribed = await api.op('postWebhooks', { body: { url: receiverUrl, eventTypes: ['OrderPlaced.v1', 'CreditDecided.v1', 'ShipmentRecorded.v1', 'InvoiceIssued.v1', 'InvoiceSent.v1', 'PaymentReceived.v1', 'PaymentApplied.v1'] } });
    expect(subscribed.status).toBe(201);
    const webhookId = String(subscribed.body.webhookId);
    const secret = String(subscribed.body.secret);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    // The secret is shown once: the list does not carry it.
    const listed = await api.op<'getWebhooks', { items: Record<string, unknown>[] }>('getWebhooks', {}, { as: 'storefront' });
    expect(listed.body.items.find((w) => w.webhookId === webhookId)).toMatchObject({ url: receiverUrl, ownerId: 'local-storefront' });
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    // Between the change and its publication: the forwarder fails twice before it runs, then once after it published.
    const faults = await api.post('/_local/faults', { faults: [{ kind: 'error', functionId: 'ForwardEvents', times: 2 }, { kind: 'error', functionId: 'ForwardEvents', phase: 'after', times: 1 }] }, 'finance');
    expect(faults.status).toBe(201);

    const customerId = uniqueId('cust');
    expect((await api.registerCustomer(customerId, { name: 'Events GmbH', email: `${customerId}@example.com`, currency: 'EUR', creditLimit: '100000.00', paymentTermsDays: 14 })).status).toBe(201);
    const placed = await api.op('postOrders', { body: { customerId, currency: 'EUR', lines: [{ sku: 'CHAIR-1', quantity: 2, unitPrice: '100.00' }] } });
    expect(placed.status).toBe(202);
    const orderId = String(placed.body.orderId);
    await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
    expect((await api.op('postOrdersOrderIdShipments', { path: { orderId }, body: { carrier: 'DHL', trackingNumber: 'T-1' } })).status).toBe(202);
    const order = await api.waitForOrderStatus(orderId, 'INVOICED');
    const invoiceId = String(order.body.invoiceId);
    const invoice = await api.waitFor('the invoice to be emailed', () => api.op('getInvoicesInvoiceId', { path: { invoiceId } }), (r) => r.status === 200 && r.body.sentAt !== null);
    const paid = await api.op('postPayments', { body: { amount: String(invoice.body.total), currency: 'EUR', reference: String(invoice.body.number), valueDate: '2026-12-01', providerPaymentId: uniqueId('psp') } });
    expect(paid.status).toBe(201);

    const expected = ['OrderPlaced.v1', 'CreditDecided.v1', 'ShipmentRecorded.v1', 'InvoiceIssued.v1', 'InvoiceSent.v1', 'PaymentReceived.v1', 'PaymentApplied.v1'];
    const ofThisCustomer = () => received.map((r) => JSON.parse(r.body) as { eventType: string; customerId: string }).filter((e) => e.customerId === customerId);
    await api.waitFor('every event of the order at the receiver', async () => ofThisCustomer().map((e) => e.eventType), (types) => expected.every((t) => types.includes(t)), 60_000);

    // Quiet: nothing more in the stream, on the bus or in delivery.
    await api.waitFor('the deliveries to finish', () => api.op<'getWebhooksWebhookIdDeliveries', { items: { status: string }[] }>('getWebhooksWebhookIdDeliveries', { path: { webhookId } }, { as: 'storefront' }), (r) => r.body.items.length >= expected.length && r.body.items.every((d) => d.status === 'delivered'));
    await stack.local.events.settled();
    await api.waitFor('the outbox stream to be read', async () => stack.local.events.outboxStream.isIdle(), (idle) => idle);

    const verifier = new Webhook(secret);
    const ids = new Map<string, number>();
    for (const request of received) {
      const headers = { 'webhook-id': String(request.headers['webhook-id']), 'webhook-timestamp': String(request.headers['webhook-timestamp']), 'webhook-signature': String(request.headers['webhook-signature']) };
      const event = verifier.verify(request.body, headers) as { eventId: string; eventType: (typeof EVENT_TYPES)[number]; ownerId: string };
      expect(headers['webhook-id']).toBe(event.eventId);
      expect(event.ownerId).toBe('local-storefront');
      const validate = validators.get(event.eventType)!;
      expect(validate(event), `${event.eventType}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      ids.set(event.eventId, (ids.get(event.eventId) ?? 0) + 1);
    }
    expect([...ids.values()].every((n) => n === 1)).toBe(true);
    expect(ofThisCustomer().map((e) => e.eventType).sort()).toEqual([...expected].sort());
    const tampered = received[0]!;
    expect(() => verifier.verify(`${tampered.body} `, { 'webhook-id': String(tampered.headers['webhook-id']), 'webhook-timestamp': String(tampered.headers['webhook-timestamp']), 'webhook-signature': String(tampered.headers['webhook-signature']) })).toThrow();

    // The faults struck, and every event is on the bus.
    expect(stack.local.faults.log.filter((f) => f.functionId === 'ForwardEvents')).toHaveLength(3);
    const published = await api.get<{ items: { 'detail-type': string; detail: { eventId: string; customerId: string } }[] }>('/_local/events', 'finance');
    const onBus = published.body.items.filter((e) => e.detail.customerId === customerId);
    expect(onBus.map((e) => e['detail-type']).sort()).toEqual([...expected].sort());
    expect(new Set(onBus.map((e) => e.detail.eventId)).size).toBe(onBus.length);

    // The deliveries with their attempts.
    const deliveries = await api.op<'getWebhooksWebhookIdDeliveries', { items: { eventId: string; status: string; attempts: { attempt: number; status: number; outcome: string }[] }[] }>('getWebhooksWebhookIdDeliveries', { path: { webhookId } }, { as: 'storefront' });
    for (const d of deliveries.body.items) expect(d.attempts).toEqual([expect.objectContaining({ attempt: 1, status: 204, outcome: 'delivered' })]);
  }, 120_000);

  it('refuses a URL that is not http to loopback or https, naming the field', async () => {
    const refused = await api.op('postWebhooks', { body: { url: 'http://10.0.0.1/hooks', eventTypes: ['OrderPlaced.v1'] } });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('url');
    const unknownType = await api.op('postWebhooks', { body: { url: receiverUrl, eventTypes: ['OrderShipped.v9'] } });
    expect(unknownType.status).toBe(400);
    expect(JSON.stringify(unknownType.body)).toContain('eventTypes[0]');
  });
});
