/**
 * The forwarder from the outbox to the bus: each new event once; one published before (a batch
 * given again) or withdrawn (its change undone) is skipped; a failure stops the batch, and the
 * batch given again publishes the rest.
 */
import { describe, expect, it } from 'vitest';
import { forwardEvents, type OutboxStore } from '../../../lambdas/core/events/forwarding';
import { orderPlaced } from '../../../lambdas/core/events/events';
import type { DomainEvent } from '../../../lambdas/core/events/catalogue';
import { insertedEventIds } from '../../../lambdas/adapters/dynamodb/outbox-store';
import { anOrder } from '../../support/builders';

function outboxOf(events: DomainEvent[]) {
  const items = new Map(events.map((e) => [e.eventId, { event: e, publishedAt: null as string | null }]));
  const store: OutboxStore = {
    get: async (id) => items.get(id),
    markPublished: async (id, at) => {
      const item = items.get(id);
      if (item) item.publishedAt ??= at;
    },
  };
  return { items, store };
}

describe('forwarding the outbox', () => {
  const a = orderPlaced(anOrder({ orderId: 'O-1' }));
  const b = orderPlaced(anOrder({ orderId: 'O-2' }));
  const clock = { now: () => new Date('2026-02-01T10:00:00Z') };

  it('publishes each new event once, skipping what was published before and what was withdrawn', async () => {
    const { items, store } = outboxOf([a, b]);
    const published: string[] = [];
    const deps = { outbox: store, publisher: { publish: async (e: DomainEvent) => void published.push(e.eventId) }, clock };
    expect(await forwardEvents(deps, [a.eventId, b.eventId, 'gone'])).toEqual({ published: [a.eventId, b.eventId], skipped: [{ eventId: 'gone', reason: 'withdrawn' }] });
    expect(items.get(a.eventId)!.publishedAt).toBe('2026-02-01T10:00:00.000Z');
    expect(await forwardEvents(deps, [a.eventId, b.eventId])).toMatchObject({ published: [], skipped: [{ reason: 'published before' }, { reason: 'published before' }] });
    expect(published).toEqual([a.eventId, b.eventId]);
  });

  it('fails the batch at the first failure; the batch given again publishes the rest once', async () => {
    const { store } = outboxOf([a, b]);
    const published: string[] = [];
    let fail = true;
    const publisher = {
      publish: async (e: DomainEvent) => {
        if (e.eventId === b.eventId && fail) {
          fail = false;
          throw new Error('throttled');
        }
        published.push(e.eventId);
      },
    };
    await expect(forwardEvents({ outbox: store, publisher, clock }, [a.eventId, b.eventId])).rejects.toThrow('throttled');
    await forwardEvents({ outbox: store, publisher, clock }, [a.eventId, b.eventId]);
    expect(published).toEqual([a.eventId, b.eventId]);
  });

  it('reads the ids of the inserted items of a stream batch (not their modifications)', () => {
    const record = (eventName: 'INSERT' | 'MODIFY' | 'REMOVE', id: string) => ({ eventName, dynamodb: { Keys: { eventId: { S: id } } } });
    expect(insertedEventIds({ Records: [record('INSERT', 'e-1'), record('MODIFY', 'e-1'), record('REMOVE', 'e-2'), record('INSERT', 'e-3')] })).toEqual(['e-1', 'e-3']);
  });
});
