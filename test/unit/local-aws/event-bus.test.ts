/**
 * The local EventBridge: PutEvents through the real SDK client, each entry kept, and each rule whose
 * pattern matches invokes its target with the EventBridge event, again after a failure.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { LocalEventBus } from '../../../local-aws/event-bus';
import { matchesPattern } from '../../../lib/definitions/events';

let bus: LocalEventBus | undefined;
afterEach(async () => {
  await bus?.stop();
  bus = undefined;
});

describe('the local event bus', () => {
  it('keeps what is published and invokes the matching rule targets with the EventBridge event, retrying a failure', async () => {
    const invoked: { functionId: string; event: Record<string, unknown> }[] = [];
    let failures = 1;
    bus = new LocalEventBus({
      host: '127.0.0.1',
      port: 0,
      now: () => new Date('2026-02-01T10:00:00Z'),
      retryDelayMs: () => 1,
      rules: [
        { id: 'All', description: 'everything', pattern: { source: ['order-to-cash'] }, target: { functionId: 'RouteWebhookEvent' } },
        { id: 'Invoices', description: 'invoices', pattern: { source: ['order-to-cash'], 'detail-type': ['InvoiceIssued.v1'] }, target: { functionId: 'ForwardEvents' } },
      ],
      invoke: async (functionId, event) => {
        if (functionId === 'RouteWebhookEvent' && failures-- > 0) throw new Error('boom');
        invoked.push({ functionId, event: event as Record<string, unknown> });
      },
    });
    const endpoint = await bus.start();
    const client = new EventBridgeClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const result = await client.send(new PutEventsCommand({ Entries: [{ EventBusName: 'local-events', Source: 'order-to-cash', DetailType: 'OrderPlaced.v1', Detail: JSON.stringify({ eventId: 'e-1' }), Time: new Date('2026-02-01T09:00:00Z') }] }));
    expect(result.FailedEntryCount).toBe(0);
    await bus.settled();
    expect(bus.published).toEqual([expect.objectContaining({ source: 'order-to-cash', 'detail-type': 'OrderPlaced.v1', time: '2026-02-01T09:00:00.000Z', detail: { eventId: 'e-1' }, eventBusName: 'local-events' })]);
    expect(bus.published[0]!.targets).toEqual([{ rule: 'All', functionId: 'RouteWebhookEvent', attempts: 2, ok: true }]);
    expect(invoked).toEqual([{ functionId: 'RouteWebhookEvent', event: expect.objectContaining({ 'detail-type': 'OrderPlaced.v1', source: 'order-to-cash', detail: { eventId: 'e-1' } }) }]);
    client.destroy();
  });

  it('matches patterns on source and detail type as EventBridge does', () => {
    expect(matchesPattern({ source: ['a'] }, { source: 'a', 'detail-type': 'X' })).toBe(true);
    expect(matchesPattern({ source: ['a'], 'detail-type': ['Y'] }, { source: 'a', 'detail-type': 'X' })).toBe(false);
    expect(matchesPattern({ source: ['b'] }, { source: 'a', 'detail-type': 'X' })).toBe(false);
  });
});
