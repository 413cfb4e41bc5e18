/**
 * The payment provider adapter: Stripe, through its official Node library. It creates Checkout
 * Sessions for the items a customer chose, reads the provider's fee of a payment, and verifies
 * and reads the provider's webhooks (`stripe.webhooks.constructEvent`: the `Stripe-Signature`
 * header's `t=...,v1=...` HMAC-SHA256 over `t.payload` under the endpoint's secret, within the
 * tolerance). Locally the same code talks to the local payment provider (`local-aws/payment-provider.ts`):
 * `STRIPE_API_URL` points the library at it (host, port, protocol).
 */
import Stripe from 'stripe';
import type { CardEvent, CardPaymentProvider, CheckoutMetadata } from '../../core/payments/card-payments';

/** How old a webhook's signature may be, in seconds (Stripe's library default, stated). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** A Stripe client; with `apiUrl` (local) its host, port and protocol. */
export function stripeClient(secretKey: string, apiUrl?: string): Stripe {
  const target = apiUrl ? new URL(apiUrl) : undefined;
  return new Stripe(secretKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    ...(target
      ? { host: target.hostname, port: Number(target.port || (target.protocol === 'https:' ? 443 : 80)), protocol: target.protocol === 'https:' ? 'https' : 'http' }
      : {}),
  });
}

export class StripeCardPayments implements CardPaymentProvider {
  constructor(private readonly stripe: Stripe) {}

  async createCheckout(input: Parameters<CardPaymentProvider['createCheckout']>[0]): Promise<{ sessionId: string; url: string }> {
    const metadata: Record<string, string> = { ...input.metadata };
    const session = await this.stripe.checkout.sessions.create({
      mode: 'payment',
      customer_email: input.email,
      locale: input.locale.slice(0, 2) === 'de' ? 'de' : 'en',
      line_items: input.items.map((item) => ({
        quantity: 1,
        price_data: { currency: input.currency.toLowerCase(), unit_amount: item.amountMinor, product_data: { name: item.number } },
      })),
      metadata,
      payment_intent_data: { metadata, description: input.metadata.invoiceNumbers.slice(0, 500) },
      success_url: input.successUrl,
      cancel_url: input.cancelUrl,
    });
    if (!session.url) throw new Error(`Stripe returned checkout session ${session.id} without a URL`);
    return { sessionId: session.id, url: session.url };
  }

  async feeOf(paymentIntentId: string): Promise<{ feeMinor: number; currency: string } | null> {
    const intent = await this.stripe.paymentIntents.retrieve(paymentIntentId, { expand: ['latest_charge.balance_transaction'] });
    const charge = intent.latest_charge;
    if (!charge || typeof charge === 'string') return null;
    const balance = charge.balance_transaction;
    if (!balance || typeof balance === 'string') return null;
    return { feeMinor: balance.fee, currency: balance.currency.toUpperCase() };
  }
}

/** Thrown when a webhook's signature is missing, wrong or too old: answered 400, nothing applied. */
export class WebhookSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookSignatureError';
  }
}

/** Verifies the webhook exactly as Stripe documents it and returns the event. */
export function verifyWebhook(stripe: Stripe, rawBody: string, signature: string | undefined, secret: string, toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS): Stripe.Event {
  if (!signature) throw new WebhookSignatureError('The Stripe-Signature header is missing');
  try {
    return stripe.webhooks.constructEvent(rawBody, signature, secret, toleranceSeconds);
  } catch (error) {
    throw new WebhookSignatureError(error instanceof Error ? error.message : 'The signature does not verify');
  }
}

const idOf = (value: string | { id: string } | null | undefined): string | null => (typeof value === 'string' ? value : (value?.id ?? null));

/** The event reduced to what moves money; every other type is `ignored`. */
export function cardEventOf(event: Stripe.Event): CardEvent {
  switch (event.type) {
    case 'checkout.session.completed': {
      const session = event.data.object;
      const paymentIntentId = idOf(session.payment_intent);
      if (session.payment_status !== 'paid' || !paymentIntentId || session.amount_total === null || !session.currency) {
        return { kind: 'ignored', eventId: event.id, type: `${event.type} (payment status ${session.payment_status})` };
      }
      return {
        kind: 'paid',
        eventId: event.id,
        paymentIntentId,
        amountMinor: session.amount_total,
        currency: session.currency.toUpperCase(),
        metadata: (session.metadata ?? {}) as Partial<CheckoutMetadata>,
        payerName: session.customer_details?.name ?? null,
      };
    }
    case 'payment_intent.succeeded': {
      const intent = event.data.object;
      return { kind: 'paid', eventId: event.id, paymentIntentId: intent.id, amountMinor: intent.amount_received, currency: intent.currency.toUpperCase(), metadata: (intent.metadata ?? {}) as Partial<CheckoutMetadata>, payerName: null };
    }
    case 'charge.refunded': {
      const charge = event.data.object;
      const paymentIntentId = idOf(charge.payment_intent);
      const before = (event.data.previous_attributes as { amount_refunded?: number } | undefined)?.amount_refunded ?? 0;
      const amountMinor = charge.amount_refunded - before;
      if (!paymentIntentId || amountMinor <= 0) return { kind: 'ignored', eventId: event.id, type: `${event.type} (nothing newly refunded)` };
      const refundId = charge.refunds?.data?.[0]?.id ?? event.id;
      return { kind: 'reversed', eventId: event.id, reversalId: refundId, reason: 'refund', paymentIntentId, amountMinor, currency: charge.currency.toUpperCase() };
    }
    case 'charge.dispute.created': {
      const dispute = event.data.object;
      const paymentIntentId = idOf(dispute.payment_intent);
      if (!paymentIntentId) return { kind: 'ignored', eventId: event.id, type: `${event.type} (no payment intent)` };
      return { kind: 'reversed', eventId: event.id, reversalId: dispute.id, reason: 'chargeback', paymentIntentId, amountMinor: dispute.amount, currency: dispute.currency.toUpperCase() };
    }
    default:
      return { kind: 'ignored', eventId: event.id, type: event.type };
  }
}
