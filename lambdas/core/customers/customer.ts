/**
 * Customers: who is invoiced, in which currency, on what terms, up to which credit limit.
 */
import { z } from 'zod';
import { currencyCode, decimalIn, decimalString, emailAddress, parseWith, singleLineText, timeZone } from '../validation';
import { formatAmount } from '../money/money';

export interface Customer {
  readonly customerId: string;
  readonly name: string;
  readonly email: string;
  readonly currency: string;
  readonly creditLimitMinor: number;
  readonly paymentTermsDays: number;
  readonly dunningPolicyId: string;
  readonly locale: string;
  readonly timeZone: string | null;
  readonly isConsumer: boolean;
  readonly blocked: boolean;
  /** Money kept for the customer after overpayments, in `currency`. */
  readonly onAccountCreditMinor: number;
  /** Credit reserved by approved orders not yet invoiced (changed atomically with them: see the order store). */
  readonly creditReservedMinor?: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const putCustomerRequest = z.strictObject({
  name: singleLineText(200),
  email: emailAddress,
  currency: currencyCode,
  creditLimit: decimalString,
  paymentTermsDays: z.number().int('must be a whole number of days').min(0, 'must be 0 or more').max(365, 'must be at most 365'),
  dunningPolicyId: z.string().min(1).max(64).optional(),
  locale: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, { message: 'must be a locale such as en or de-DE' }).optional(),
  timeZone: timeZone.optional(),
  isConsumer: z.boolean().optional(),
  blocked: z.boolean().optional(),
});

export type PutCustomerRequest = z.infer<typeof putCustomerRequest>;

/**
 * The customer after a create-or-update: validated request over the existing record (running
 * balances and creation time are kept).
 */
export function customerFromRequest(customerId: string, body: unknown, existing: Customer | undefined, now: Date): Customer {
  const request = parseWith(putCustomerRequest, body);
  const creditLimitMinor = decimalIn('creditLimit', request.creditLimit, request.currency);
  return {
    customerId,
    name: request.name,
    email: request.email,
    currency: request.currency,
    creditLimitMinor,
    paymentTermsDays: request.paymentTermsDays,
    dunningPolicyId: request.dunningPolicyId ?? existing?.dunningPolicyId ?? 'default',
    locale: request.locale ?? existing?.locale ?? 'en',
    timeZone: request.timeZone ?? existing?.timeZone ?? null,
    isConsumer: request.isConsumer ?? existing?.isConsumer ?? false,
    blocked: request.blocked ?? existing?.blocked ?? false,
    onAccountCreditMinor: existing?.onAccountCreditMinor ?? 0,
    createdAt: existing?.createdAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

export interface CustomerBalances {
  readonly openBalanceMinor: number;
  readonly overdueBalanceMinor: number;
  /** Open receivables plus orders accepted and not yet invoiced. */
  readonly exposureMinor: number;
}

/** The customer as the API shows it, amounts as decimal strings. */
export function customerView(customer: Customer, balances: CustomerBalances) {
  const m = (minor: number) => formatAmount({ minor, currency: customer.currency });
  return {
    customerId: customer.customerId,
    name: customer.name,
    email: customer.email,
    currency: customer.currency,
    creditLimit: m(customer.creditLimitMinor),
    paymentTermsDays: customer.paymentTermsDays,
    dunningPolicyId: customer.dunningPolicyId,
    locale: customer.locale,
    timeZone: customer.timeZone,
    isConsumer: customer.isConsumer,
    blocked: customer.blocked,
    openBalance: m(balances.openBalanceMinor),
    overdueBalance: m(balances.overdueBalanceMinor),
    exposure: m(balances.exposureMinor),
    onAccountCredit: m(customer.onAccountCreditMinor),
    createdAt: customer.createdAt,
    updatedAt: customer.updatedAt,
  };
}
