/**
 * The outbox: each domain event is one item of the Outbox table, put in the same transaction as
 * the change it reports (every writer appends {@link outboxPuts} to its `TransactWriteItems`). The
 * table's stream feeds the forwarder (`handlers/events/forward-events.ts`), which publishes each
 * new item on the event bus and marks it `publishedAt`.
 *
 * The put is unconditional: the event id is derived from the change, so a retried attempt of the
 * same change writes the same item again (DynamoDB writes no stream record for an unchanged item).
 */
import type { DomainEvent } from '../../core/events/catalogue';

/** How long an event stays in the outbox after it was written (the stream keeps records 24 hours). */
export const OUTBOX_RETENTION_SECONDS = 7 * 24 * 3600;

export interface OutboxItem {
  readonly eventId: string;
  readonly eventType: string;
  readonly occurredAt: string;
  /** The event as published (the EventBridge detail), JSON. */
  readonly event: string;
  readonly expiresAt: number;
  readonly publishedAt?: string;
}

export function outboxItem(event: DomainEvent): OutboxItem {
  return {
    eventId: event.eventId,
    eventType: event.eventType,
    occurredAt: event.occurredAt,
    event: JSON.stringify(event),
    expiresAt: Math.floor(Date.parse(event.occurredAt) / 1000) + OUTBOX_RETENTION_SECONDS,
  };
}

/** The transaction items that put `events` into the outbox table (none without events). */
export function outboxPuts(tableName: string | undefined, events: readonly DomainEvent[]) {
  if (events.length === 0) return [];
  if (!tableName) throw new Error('This writer was built without the Outbox table, and the change reports events');
  return events.map((event) => ({ Put: { TableName: tableName, Item: { ...outboxItem(event) } } }));
}
