/** GET /webhooks: the caller's subscriptions (finance: every one), without secrets. */
import { listWebhooks, type WebhookDeps } from '../../core/webhooks/webhooks';
import { apiHandler } from '../../shared/http';
import { webhookStore } from '../../shared/webhook-wiring';

export function makeHandler(deps: Pick<WebhookDeps, 'webhooks'>) {
  return apiHandler({}, async (request) => ({ statusCode: 200, body: await listWebhooks(deps, request.caller) }));
}

export const handler = makeHandler({ webhooks: webhookStore() });
