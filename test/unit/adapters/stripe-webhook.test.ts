/**
 * The Stripe adapter against Stripe's own fixtures (test/fixtures/stripe, from stripe/openapi):
 * events signed with Stripe's scheme verify with the official library within the tolerance,
 * anything else is refused; the local provider signs exactly as the library's test helper does;
 * each event type the product uses is read into what moves money.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { cardEventOf, verifyWebhook, WebhookSignatureError, WEBHOOK_TOLERANCE_SECONDS } from '../../../lambdas/adapters/stripe/stripe-cards';
import { stripeSignatureHeader } from '../../../local-aws/payment-provider';

const fixtures = JSON.parse(readFileSync(join(__dirname, '../../fixtures/stripe/fixtures3-subset.json'), 'utf8')).resources as Record<string, Record<string, unknown>>;
const stripe = new Stripe('sk_test_unit');
const SECRET = 'whsec_unit_test_secret_0123456789abcdef';
const metadata = { customerId: 'cust-1', invoiceNumbers: 'INV-2026-000001, INV-2026-000002', allocations: 'inv-1=15000;inv-2=5000' };

/** A Stripe event of `type` around `object`, as Stripe delivers it. */
function event(type: string, object: Record<string, unknown>, previous?: Record<string, unknown>): string {
  return JSON.stringify({ ...fixtures.event, id: `evt_${type.replace(/\W/g, '')}`, type, data: { object, ...(previous ? { previous_attributes: previous } : {}) } }, null, 2);
}

const now = () => Math.floor(Date.now() / 1000);

describe('webhook signatures', () => {
  const payload = event('checkout.session.completed', { ...fixtures['checkout.session'], payment_status: 'paid', status: 'complete', amount_total: 20000, currency: 'eur', payment_intent: 'pi_123', metadata });

  it('the local provider signs exactly as Stripe does (the library test helper, same timestamp)', () => {
    const t = 1_796_000_000;
    expect(stripeSignatureHeader(payload, SECRET, t)).toBe(stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: t }));
  });

  it('verifies a signed event within the tolerance', () => {
    const verified = verifyWebhook(stripe, payload, stripeSignatureHeader(payload, SECRET, now()), SECRET);
    expect(verified.type).toBe('checkout.session.completed');
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
    expect(verifyWebhook(stripe, payload, header, SECRET).id).toBe('evt_checkoutsessioncompleted');
  });

  it('refuses a missing, wrong, stale or replayed-with-changes signature', () => {
    const fresh = stripeSignatureHeader(payload, SECRET, now());
    expect(() => verifyWebhook(stripe, payload, undefined, SECRET)).toThrow(WebhookSignatureError);
    expect(() => verifyWebhook(stripe, payload, fresh, 'whsec_another_secret_0123456789abcdef')).toThrow(WebhookSignatureError);
    expect(() => verifyWebhook(stripe, payload.replace('20000', '20001'), fresh, SECRET)).toThrow(WebhookSignatureError);
    expect(() => verifyWebhook(stripe, payload, 't=1,v1=abc', SECRET)).toThrow(WebhookSignatureError);
    expect(() => verifyWebhook(stripe, payload, 'garbage', SECRET)).toThrow(WebhookSignatureError);
    const stale = stripeSignatureHeader(payload, SECRET, now() - WEBHOOK_TOLERANCE_SECONDS - 5);
    expect(() => verifyWebhook(stripe, payload, stale, SECRET)).toThrow(/tolerance/i);
    // Within the tolerance it still verifies.
    expect(verifyWebhook(stripe, payload, stripeSignatureHeader(payload, SECRET, now() - WEBHOOK_TOLERANCE_SECONDS + 30), SECRET).id).toBe('evt_checkoutsessioncompleted');
  });
});

describe('events read into what moves money', () => {
  const read = (payload: string) => cardEventOf(verifyWebhook(stripe, payload, stripeSignatureHeader(payload, SECRET, now()), SECRET));

  it('a paid checkout session: the payment intent, the amount in minor units, the currency, the items', () => {
    const session = { ...fixtures['checkout.session'], payment_status: 'paid', status: 'complete', amount_total: 20000, currency: 'eur', payment_intent: 'pi_123', metadata, customer_details: { name: 'Jenny Rosen', email: 'j@example.com' } };
    expect(read(event('checkout.session.completed', session))).toEqual({ kind: 'paid', eventId: 'evt_checkoutsessioncompleted', paymentIntentId: 'pi_123', amountMinor: 20000, currency: 'EUR', metadata, payerName: 'Jenny Rosen' });
  });

  it('an unpaid completed session (delayed payment methods) moves nothing', () => {
    const session = { ...fixtures['checkout.session'], payment_status: 'unpaid', status: 'complete', amount_total: 20000, currency: 'eur', payment_intent: 'pi_123', metadata };
    expect(read(event('checkout.session.completed', session))).toMatchObject({ kind: 'ignored' });
  });

  it('a succeeded payment intent', () => {
    const intent = { ...fixtures.payment_intent, id: 'pi_123', amount: 20000, amount_received: 20000, currency: 'eur', status: 'succeeded', metadata };
    expect(read(event('payment_intent.succeeded', intent))).toMatchObject({ kind: 'paid', paymentIntentId: 'pi_123', amountMinor: 20000, currency: 'EUR', metadata });
  });

  it('a refund: only what is newly refunded, under the refund id', () => {
    const charge = { ...fixtures.charge, id: 'ch_1', amount: 20000, amount_refunded: 7000, currency: 'eur', payment_intent: 'pi_123', refunds: { object: 'list', data: [{ ...fixtures.refund, id: 're_2', amount: 5000 }], has_more: false, url: '/v1/charges/ch_1/refunds' } };
    expect(read(event('charge.refunded', charge, { amount_refunded: 2000 }))).toEqual({ kind: 'reversed', eventId: 'evt_chargerefunded', reversalId: 're_2', reason: 'refund', paymentIntentId: 'pi_123', amountMinor: 5000, currency: 'EUR' });
  });

  it('a chargeback: the disputed amount, under the dispute id', () => {
    const dispute = { ...fixtures.dispute, id: 'dp_1', amount: 20000, currency: 'eur', charge: 'ch_1', payment_intent: 'pi_123' };
    expect(read(event('charge.dispute.created', dispute))).toEqual({ kind: 'reversed', eventId: 'evt_chargedisputecreated', reversalId: 'dp_1', reason: 'chargeback', paymentIntentId: 'pi_123', amountMinor: 20000, currency: 'EUR' });
  });

  it('every other event type is ignored', () => {
    expect(read(event('customer.created', { id: 'cus_1', object: 'customer' }))).toEqual({ kind: 'ignored', eventId: 'evt_customercreated', type: 'customer.created' });
  });
});
