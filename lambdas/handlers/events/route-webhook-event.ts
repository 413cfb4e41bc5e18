/**
 * Target of the bus rule `WebhookDeliveries`: the EventBridge event's detail is a domain event,
 * validated against its type's schema; one delivery starts per subscription that wants it.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { eventSchemas, isEventType, type DomainEvent } from '../../core/events/catalogue';
import { parseWith } from '../../core/validation';
import { routeEvent, type DeliveryStarter, type WebhookStore } from '../../core/webhooks/webhooks';
import { wrapHandler, logger } from '../../shared/observability';
import { deliveryStarter, webhookStore } from '../../shared/webhook-wiring';

export function makeHandler(deps: { webhooks: WebhookStore; starter: DeliveryStarter }) {
  return wrapHandler(async (event: EventBridgeEvent<string, unknown>) => {
    const type = event['detail-type'];
    if (!isEventType(type)) throw new Error(`Unknown event type ${type}`);
    const domainEvent = parseWith(eventSchemas[type], event.detail) as DomainEvent;
    const result = await routeEvent(deps, domainEvent);
    logger.info('Event routed to webhooks', { eventType: type, ...result });
    return result;
  });
}

export const handler = makeHandler({ webhooks: webhookStore(), starter: deliveryStarter() });
