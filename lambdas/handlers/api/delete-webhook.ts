/** DELETE /webhooks/{webhookId}: the subscription ends; its deliveries stay readable. */
import { deleteWebhook, type WebhookDeps } from '../../core/webhooks/webhooks';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { idempotency } from '../../shared/wiring';
import { webhookDeps } from '../../shared/webhook-wiring';

export function makeHandler(deps: Pick<WebhookDeps, 'webhooks' | 'clock'>, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => ({ statusCode: 200, body: await deleteWebhook(deps, request.caller, request.pathParameters.webhookId ?? '') }));
}

export const handler = makeHandler(webhookDeps(), { idempotency: idempotency() });
