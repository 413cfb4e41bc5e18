/**
 * The customer-facing side's wiring: the pay link secret and issuer, the portal's address, the
 * payment provider (Stripe) client and its webhook secret, all read from the environment the
 * stack (or the local runtime) sets. Each is read when first used, so a function that does not
 * use it does not need it, and a missing one names its variable.
 */
import { newId, clock } from './wiring';
import { requireEnv, tableName } from './config';
import { DEFAULT_PAY_LINK_TTL_DAYS, payLinkIssuer, type PayLinks } from '../core/portal/pay-link';
import { PAY_LINK_SECRET_ENV, PAY_LINK_TTL_DAYS_ENV, PORTAL_URL_ENV, STRIPE_API_URL_ENV, STRIPE_SECRET_KEY_ENV, STRIPE_WEBHOOK_SECRET_ENV } from '../../lib/definitions/settings';
import { StripeCardPayments, stripeClient } from '../adapters/stripe/stripe-cards';
import type { CardPaymentProvider } from '../core/payments/card-payments';
import { DynamoPortalActivityStore } from '../adapters/dynamodb/portal-activity-store';
import { documentClient } from '../adapters/dynamodb/document-client';

/** The secret that signs pay links (Secrets Manager on AWS, the data folder locally). */
export function payLinkSecret(): string {
  return requireEnv(PAY_LINK_SECRET_ENV);
}

/** The portal page's address (CloudFront on AWS, `/portal/` of the local gateway). */
export function portalUrl(): string {
  return requireEnv(PORTAL_URL_ENV);
}

export function payLinkTtlDays(): number {
  const text = process.env[PAY_LINK_TTL_DAYS_ENV];
  if (text === undefined || text === '') return DEFAULT_PAY_LINK_TTL_DAYS;
  const days = Number(text);
  if (!Number.isInteger(days) || days < 1 || days > 366) throw new Error(`${PAY_LINK_TTL_DAYS_ENV} must be a whole number of days from 1 to 366, not ${text}`);
  return days;
}

/** Issues a fresh pay link per message. */
export function payLinks(): PayLinks {
  let issuer: PayLinks | undefined;
  return {
    linkFor: (customerId) => {
      issuer ??= payLinkIssuer({ secret: payLinkSecret(), portalUrl: portalUrl(), ttlDays: payLinkTtlDays(), now: () => clock.now(), newId });
      return issuer.linkFor(customerId);
    },
  };
}

/** The Stripe client: the secret key from the environment (Secrets Manager on AWS), the local provider when `STRIPE_API_URL` is set. */
let stripe: ReturnType<typeof stripeClient> | undefined;
export function stripeApi(): ReturnType<typeof stripeClient> {
  stripe ??= stripeClient(requireEnv(STRIPE_SECRET_KEY_ENV), process.env[STRIPE_API_URL_ENV] || undefined);
  return stripe;
}

/** The payment provider, created when first used. */
export function cardPayments(): CardPaymentProvider {
  return {
    createCheckout: (input) => new StripeCardPayments(stripeApi()).createCheckout(input),
    feeOf: (paymentIntentId) => new StripeCardPayments(stripeApi()).feeOf(paymentIntentId),
  };
}

export function stripeWebhookSecret(): string {
  return requireEnv(STRIPE_WEBHOOK_SECRET_ENV);
}

export const portalActivityStore = () => new DynamoPortalActivityStore(documentClient(), tableName('PortalActivity'));
