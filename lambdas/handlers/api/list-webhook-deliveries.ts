/** GET /webhooks/{webhookId}/deliveries: each event delivered or being delivered, with its attempts. */
import { listDeliveries, type WebhookDeps } from '../../core/webhooks/webhooks';
import { apiHandler } from '../../shared/http';
import { webhookStore } from '../../shared/webhook-wiring';

export function makeHandler(deps: Pick<WebhookDeps, 'webhooks'>) {
  return apiHandler({}, async (request) => ({ statusCode: 200, body: await listDeliveries(deps, request.caller, request.pathParameters.webhookId ?? '') }));
}

export const handler = makeHandler({ webhooks: webhookStore() });
