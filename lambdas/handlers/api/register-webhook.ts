/** POST /webhooks: subscribe a URL to event types; 201 with the webhookId and the secret (shown once). */
import { registerWebhook, type WebhookDeps } from '../../core/webhooks/webhooks';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { idempotency } from '../../shared/wiring';
import { webhookDeps } from '../../shared/webhook-wiring';

export function makeHandler(deps: WebhookDeps, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => {
    const created = await registerWebhook({ ...deps, newId: request.keyedId ?? deps.newId }, request.caller, request.body);
    return { statusCode: 201, body: created, headers: { location: `/webhooks/${created.webhookId}` } };
  });
}

export const handler = makeHandler(webhookDeps(), { idempotency: idempotency() });
