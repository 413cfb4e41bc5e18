/** Step DeliverWebhook of the WebhookDelivery machine: one signed attempt, recorded; says whether and when to try again. */
import * as z from 'zod';
import { eventSchemas, isEventType, type DomainEvent } from '../../core/events/catalogue';
import { parseWith } from '../../core/validation';
import { deliverOnce, type WebhookDeps, type WebhookSender } from '../../core/webhooks/webhooks';
import { stepHandler } from '../../shared/http';
import { webhookDeps, webhookSender } from '../../shared/webhook-wiring';

const input = z.object({ webhookId: z.string().min(1), event: z.object({ eventType: z.string() }).passthrough() });

function parse(raw: unknown): { webhookId: string; event: DomainEvent } {
  const { webhookId, event } = parseWith(input, raw);
  if (!isEventType(event.eventType)) throw new Error(`Unknown event type ${event.eventType}`);
  return { webhookId, event: parseWith(eventSchemas[event.eventType], event) as DomainEvent };
}

export function makeHandler(deps: Pick<WebhookDeps, 'webhooks' | 'clock' | 'stage'> & { sender: WebhookSender }) {
  // The machine reads retryInSeconds from every answer: 0 when there is nothing to wait for.
  return stepHandler(parse, async (command) => {
    const outcome = await deliverOnce(deps, command);
    return { ...outcome, retryInSeconds: outcome.outcome === 'retry' ? outcome.retryInSeconds : 0 };
  });
}

export const handler = makeHandler({ ...webhookDeps(), sender: webhookSender() });
