/**
 * The Outbox table's stream → the event bus: each new outbox item (INSERT) is published once, in
 * stream order (see `core/events/forwarding.ts`). A failure fails the batch: the stream gives it
 * again, and what was published before is skipped.
 */
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { forwardEvents, type ForwardDeps } from '../../core/events/forwarding';
import { wrapHandler, logger } from '../../shared/observability';
import { DynamoOutboxStore, insertedEventIds } from '../../adapters/dynamodb/outbox-store';
import { documentClient } from '../../adapters/dynamodb/document-client';
import { EventBridgePublisher, eventBridgeClient } from '../../adapters/eventbridge/event-publisher';
import { clock } from '../../shared/wiring';
import { requireEnv, tableName } from '../../shared/config';
import { EVENT_BUS_ENV } from '../../../lib/definitions/events';

export function makeHandler(deps: ForwardDeps) {
  return wrapHandler(async (event: DynamoDBStreamEvent) => {
    const result = await forwardEvents(deps, insertedEventIds(event));
    logger.info('Events forwarded', { published: result.published.length, skipped: result.skipped.length });
    return result;
  });
}

export const handler = makeHandler({
  outbox: new DynamoOutboxStore(documentClient(), tableName('Outbox')),
  publisher: new EventBridgePublisher(eventBridgeClient(), requireEnv(EVENT_BUS_ENV)),
  clock,
});
