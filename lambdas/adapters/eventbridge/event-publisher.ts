/**
 * The event publisher on EventBridge: one `PutEvents` entry per domain event, source
 * `order-to-cash`, detail type the event's versioned type (`InvoiceIssued.v1`), time the event's
 * `occurredAt`, detail the whole event. The SDK reads its endpoint from the standard variables
 * (`AWS_ENDPOINT_URL_EVENTBRIDGE` locally).
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { DomainEvent } from '../../core/events/catalogue';
import type { EventPublisher } from '../../core/events/forwarding';
import { EVENT_SOURCE } from '../../../lib/definitions/events';

let shared: EventBridgeClient | undefined;

export function eventBridgeClient(): EventBridgeClient {
  shared ??= new EventBridgeClient({});
  return shared;
}

export class PublishRefusedError extends Error {
  constructor(eventId: string, code: string | undefined, message: string | undefined) {
    super(`The event bus refused event ${eventId}: ${code ?? 'error'} ${message ?? ''}`.trim());
    this.name = 'PublishRefusedError';
  }
}

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(event: DomainEvent): Promise<void> {
    const result = await this.client.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: this.busName, Source: EVENT_SOURCE, DetailType: event.eventType, Time: new Date(event.occurredAt), Resources: [], Detail: JSON.stringify(event) }],
      }),
    );
    const entry = result.Entries?.[0];
    if ((result.FailedEntryCount ?? 0) > 0 || entry?.ErrorCode) throw new PublishRefusedError(event.eventId, entry?.ErrorCode, entry?.ErrorMessage);
  }
}
