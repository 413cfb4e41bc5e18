/**
 * Nothing written is lost when the forwarder keeps failing and the local AWS stops: the events
 * written with their changes wait in the outbox, and after the restart they are published.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startTestStack, uniqueId } from './support/api-driver';

let current: Awaited<ReturnType<typeof startTestStack>> | undefined;
afterAll(async () => {
  await current?.stop();
});

describe('events across a restart', () => {
  it('publishes after the restart what was written while the forwarder failed', async () => {
    current = await startTestStack();
    const api = current.api;
    current.local.faults.add({ kind: 'error', functionId: 'ForwardEvents', times: 0 });
    const customerId = uniqueId('cust');
    expect((await api.registerCustomer(customerId, { name: 'Restart AG', email: `${customerId}@example.com`, currency: 'EUR', creditLimit: '1000.00', paymentTermsDays: 14 })).status).toBe(201);
    const placed = await api.op('postOrders', { body: { customerId, currency: 'EUR', lines: [{ sku: 'A', quantity: 1, unitPrice: '10.00' }] } });
    await api.waitForOrderStatus(String(placed.body.orderId), 'AWAITING_SHIPMENT');
    await api.waitFor('the forwarder to have failed', async () => current!.local.faults.log.length, (n) => n >= 2);
    expect((await api.get<{ count: number }>('/_local/events', 'finance')).body.count).toBe(0);

    // Same ports: this process' Lambda modules keep their SDK clients, as a warm Lambda would.
    const port = (url: string) => Number(new URL(url).port);
    const { endpoints } = current.local;
    const ports = { gateway: port(endpoints.gateway), dynamodb: port(endpoints.dynamodb), ses: port(endpoints.ses), stepFunctions: port(endpoints.stepFunctions), s3: port(endpoints.s3), events: port(current.local.events.bus.endpoint) };
    const dataDir = current.dataDir;
    await current.stop({ keepData: true });
    current = await startTestStack({ keepDataDir: dataDir, ports });
    const after = current.api;
    const events = await after.waitFor(
      'the events written before the stop to be published',
      () => after.get<{ items: { 'detail-type': string; detail: { customerId: string } }[] }>('/_local/events', 'finance'),
      (r) => (r.body.items ?? []).filter((e) => e.detail.customerId === customerId).length >= 2,
    );
    expect(events.body.items.filter((e) => e.detail.customerId === customerId).map((e) => e['detail-type']).sort()).toEqual(['CreditDecided.v1', 'OrderPlaced.v1']);
  }, 180_000);
});
