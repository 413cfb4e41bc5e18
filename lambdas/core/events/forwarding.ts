/**
 * Forwarding the outbox to the event bus: each event the outbox's stream reports as new is
 * published once. The outbox item is read again first (consistently): one already published
 * (`publishedAt`, a repeated batch) is skipped, one that is gone (the change was undone before it
 * was published, e.g. an order whose lifecycle could not start) is not published. A failure
 * leaves the rest of the batch unpublished and fails the batch, which the stream gives again.
 */
import type { DomainEvent } from './catalogue';

export interface OutboxStore {
  /** The event as written, and whether it was published; undefined when the item is gone. */
  get(eventId: string): Promise<{ event: DomainEvent; publishedAt: string | null } | undefined>;
  markPublished(eventId: string, at: string): Promise<void>;
}

export interface EventPublisher {
  publish(event: DomainEvent): Promise<void>;
}

export interface ForwardDeps {
  readonly outbox: OutboxStore;
  readonly publisher: EventPublisher;
  readonly clock: { now(): Date };
}

export async function forwardEvents(deps: ForwardDeps, eventIds: readonly string[]) {
  const result = { published: [] as string[], skipped: [] as { eventId: string; reason: 'published before' | 'withdrawn' }[] };
  for (const eventId of eventIds) {
    const stored = await deps.outbox.get(eventId);
    if (!stored) {
      result.skipped.push({ eventId, reason: 'withdrawn' });
      continue;
    }
    if (stored.publishedAt) {
      result.skipped.push({ eventId, reason: 'published before' });
      continue;
    }
    await deps.publisher.publish(stored.event);
    await deps.outbox.markPublished(eventId, deps.clock.now().toISOString());
    result.published.push(eventId);
  }
  return result;
}
