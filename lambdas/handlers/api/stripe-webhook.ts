/**
 * POST /webhooks/stripe: the payment provider's events. No credential: the body must carry
 * Stripe's signature (`Stripe-Signature`, verified over the raw body within the tolerance), else
 * 400 and nothing is applied. A verified event is applied once (`core/payments/card-payments.ts`)
 * and answered 200, also when it was applied before or moves no money here; a failure of the
 * stores answers 500 so that Stripe delivers the event again.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type Stripe from 'stripe';
import { applyCardEvent, type CardPaymentProvider } from '../../core/payments/card-payments';
import type { CoreDeps } from '../../core/deps';
import { cardEventOf, verifyWebhook, WebhookSignatureError } from '../../adapters/stripe/stripe-cards';
import { errorResponse, toErrorResponse } from '../../shared/http';
import { checkBodySize, checkQuery, refuse, routeOf } from '../../shared/request-rules';
import { logger, wrapHandler } from '../../shared/observability';
import { countBusinessEvents } from '../../shared/metrics';
import { clock, invoiceReader, newId, paymentStore, postingWriter, recordedFactWorkflow } from '../../shared/wiring';
import { cardPayments, stripeApi, stripeWebhookSecret } from '../../shared/portal-wiring';

export interface WebhookDeps extends Pick<CoreDeps, 'invoices' | 'payments' | 'postings' | 'workflow' | 'clock' | 'newId'> {
  readonly cards: Pick<CardPaymentProvider, 'feeOf'>;
  readonly stripe: () => Stripe;
  readonly secret: () => string;
}

export function makeHandler(deps: WebhookDeps) {
  return wrapHandler(async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const bytes = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
    try {
      // The route's rules first, as for every route: no query parameters, the body within its limit.
      const route = routeOf(event.httpMethod, event.resource, event.path);
      checkBodySize(route, bytes.length);
      refuse(checkQuery(route, event.queryStringParameters ?? {}, event.multiValueQueryStringParameters));
    } catch (error) {
      return toErrorResponse(error);
    }
    const raw = bytes.toString('utf8');
    const signature = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'stripe-signature')?.[1];
    let verified: Stripe.Event;
    try {
      verified = verifyWebhook(deps.stripe(), raw, signature, deps.secret());
    } catch (error) {
      if (!(error instanceof WebhookSignatureError)) return toErrorResponse(error);
      logger.warn('Webhook refused: the signature does not verify', { problem: error.message.slice(0, 200) });
      return errorResponse(400, 'SIGNATURE_INVALID', `The webhook is not signed by the payment provider: ${error.message.slice(0, 200)}`, [{ field: 'Stripe-Signature', problem: 'does not verify' }]);
    }
    try {
      const outcome = await applyCardEvent(deps, cardEventOf(verified));
      logger.info('Webhook applied', { eventId: verified.id, type: verified.type, outcome: outcome.outcome });
      if (outcome.outcome === 'payment-recorded') countBusinessEvents({ PaymentsApplied: 1 });
      return { statusCode: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify({ received: true, eventId: verified.id, ...outcome }) };
    } catch (error) {
      return toErrorResponse(error);
    }
  });
}

export const handler = makeHandler({
  invoices: invoiceReader(),
  payments: paymentStore(),
  postings: postingWriter(),
  workflow: recordedFactWorkflow(),
  clock,
  newId,
  cards: cardPayments(),
  stripe: stripeApi,
  secret: stripeWebhookSecret,
});
