/**
 * Customers: who is invoiced, in which currency, on what terms, up to which credit limit.
 *
 * A storefront registers its customers and keeps their contact data; what finance decides (credit
 * limit, payment terms, dunning policy, block) only finance may send, and a customer a storefront
 * registers starts with the configured defaults. The client that registered a customer stays its
 * owner (`registeredBy`): nobody changes it.
 */
import * as z from 'zod';
import { currencyCode, decimalIn, decimalString, emailAddress, parseWith, singleLineText, timeZone } from '../validation';
import { formatAmount } from '../money/money';
import { ForbiddenFieldError, ValidationError, type FieldProblem } from '../errors';
import type { Caller } from '../access/caller';
import { EINVOICE_PREFERENCES, normalizeVatId, peppolId, postalAddress, vatId, vatIdProblem, type EinvoicePreference, type PostalAddress } from '../einvoice/party';

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
  /**
   * The client id of the API client that registered the customer: the storefront that owns it and
   * its orders and invoices. Never changes. Absent on customers stored before owners were recorded
   * (only finance sees those).
   */
  readonly registeredBy?: string;
  /** Postal address (EN 16931 BG-8); absent on customers registered before it was asked for. */
  readonly address?: PostalAddress | null;
  /** VAT identifier (BT-48), normalized (`DE123456789`). */
  readonly vatId?: string | null;
  /** Legal registration id, e.g. the commercial register number (BT-47). */
  readonly legalId?: string | null;
  /** The buyer's reference (BT-10): for German public buyers the Leitweg-ID. */
  readonly buyerReference?: string | null;
  /** Peppol participant id, the electronic address (BT-49), `scheme:identifier`. */
  readonly peppolId?: string | null;
  /** The format the customer wants its invoices in (absent: `pdf`). */
  readonly einvoiceFormat?: EinvoicePreference;
  /** When finance last revoked the customer's pay links: every link issued until then is refused. */
  readonly payLinksRevokedAt?: string;
  /** Finance's setting: on-account credit is applied to each new invoice when it is issued (absent: false). */
  readonly autoApplyCredit?: boolean;
}

/** Finance's terms for a customer a storefront registers (the deployment's settings). */
export interface CustomerDefaults {
  /** Whole units of the customer's currency ("0", "5000"). */
  readonly creditLimit: string;
  readonly paymentTermsDays: number;
  readonly dunningPolicyId: string;
}

/** Fields only finance may send: what finance decides about a customer. */
export const FINANCE_ONLY_FIELDS = ['creditLimit', 'paymentTermsDays', 'dunningPolicyId', 'blocked', 'autoApplyCredit'] as const;

/** Fields nobody may send: the owner is the client that registered the customer. */
export const UNCHANGEABLE_FIELDS = ['registeredBy'] as const;

export const putCustomerRequest = z.strictObject({
  name: singleLineText(200),
  email: emailAddress,
  currency: currencyCode,
  creditLimit: decimalString.optional(),
  paymentTermsDays: z.number().int('must be a whole number of days').min(0, 'must be 0 or more').max(365, 'must be at most 365').optional(),
  dunningPolicyId: z.string().min(1).max(64).optional(),
  locale: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, { message: 'must be a locale such as en or de-DE' }).optional(),
  timeZone: timeZone.optional(),
  isConsumer: z.boolean().optional(),
  blocked: z.boolean().optional(),
  address: postalAddress.nullable().optional(),
  vatId: vatId.nullable().optional(),
  legalId: singleLineText(50).nullable().optional(),
  buyerReference: singleLineText(100).nullable().optional(),
  peppolId: peppolId.nullable().optional(),
  einvoiceFormat: z.enum(EINVOICE_PREFERENCES, { message: `must be one of ${EINVOICE_PREFERENCES.join(', ')}` }).optional(),
  autoApplyCredit: z.boolean().optional(),
});

export type PutCustomerRequest = z.infer<typeof putCustomerRequest>;

/**
 * Refuses (403, nothing written) a body that sets a field the caller's role may not set: a
 * storefront any of {@link FINANCE_ONLY_FIELDS}, anybody `registeredBy`. Every such field is named.
 */
export function assertAllowedFields(caller: Caller, body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  const problems: FieldProblem[] = [];
  for (const field of UNCHANGEABLE_FIELDS) {
    if (field in body) problems.push({ field, problem: 'is the client that registered the customer; nobody may set or change it' });
  }
  if (caller.role !== 'finance') {
    for (const field of FINANCE_ONLY_FIELDS) {
      if (field in body) problems.push({ field, problem: 'is decided by finance; a storefront may not set it' });
    }
  }
  if (problems.length) throw new ForbiddenFieldError(problems);
}

/**
 * The customer after a create-or-update by `caller`: the validated request over the existing record
 * (running balances, creation time and owner are kept). Finance's terms not in the request keep
 * their value, or take the defaults for a new customer; when the currency changes, a credit limit
 * not sent goes back to the default (a limit in one currency means nothing in another).
 *
 * @throws ForbiddenFieldError when the caller sends a field its role may not set.
 */
export function customerFromRequest(customerId: string, body: unknown, existing: Customer | undefined, now: Date, caller: Caller, defaults: CustomerDefaults): Customer {
  assertAllowedFields(caller, body);
  const request = parseWith(putCustomerRequest, body);
  const keepLimit = existing !== undefined && existing.currency === request.currency;
  const creditLimitMinor =
    request.creditLimit !== undefined
      ? decimalIn('creditLimit', request.creditLimit, request.currency)
      : keepLimit && existing
        ? existing.creditLimitMinor
        : decimalIn('creditLimit', defaults.creditLimit, request.currency);
  const registeredBy = existing ? existing.registeredBy : caller.clientId;
  // Contact data not sent keeps its value; null clears it.
  const keep = <K extends 'address' | 'vatId' | 'legalId' | 'buyerReference' | 'peppolId'>(key: K) => (request[key] !== undefined ? request[key] : (existing?.[key] ?? null));
  const address = keep('address') as PostalAddress | null;
  const vat = keep('vatId') as string | null;
  const vatNormalized = vat === null ? null : normalizeVatId(vat);
  if (vatNormalized !== null && address) {
    const problem = vatIdProblem(vatNormalized, address.country);
    if (problem) throw ValidationError.of('vatId', problem);
  }
  const einvoiceFormat = request.einvoiceFormat ?? existing?.einvoiceFormat;
  return {
    customerId,
    name: request.name,
    email: request.email,
    currency: request.currency,
    creditLimitMinor,
    paymentTermsDays: request.paymentTermsDays ?? existing?.paymentTermsDays ?? defaults.paymentTermsDays,
    dunningPolicyId: request.dunningPolicyId ?? existing?.dunningPolicyId ?? defaults.dunningPolicyId,
    locale: request.locale ?? existing?.locale ?? 'en',
    timeZone: request.timeZone ?? existing?.timeZone ?? null,
    isConsumer: request.isConsumer ?? existing?.isConsumer ?? false,
    blocked: request.blocked ?? existing?.blocked ?? false,
    onAccountCreditMinor: existing?.onAccountCreditMinor ?? 0,
    createdAt: existing?.createdAt ?? now.toISOString(),
    updatedAt: now.toISOString(),
    ...(registeredBy !== undefined ? { registeredBy } : {}),
    address,
    vatId: vatNormalized,
    legalId: keep('legalId') as string | null,
    buyerReference: keep('buyerReference') as string | null,
    peppolId: keep('peppolId') as string | null,
    ...(einvoiceFormat !== undefined ? { einvoiceFormat } : {}),
    ...(request.autoApplyCredit !== undefined || existing?.autoApplyCredit !== undefined ? { autoApplyCredit: request.autoApplyCredit ?? existing?.autoApplyCredit } : {}),
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
    registeredBy: customer.registeredBy ?? null,
    address: customer.address ?? null,
    vatId: customer.vatId ?? null,
    legalId: customer.legalId ?? null,
    buyerReference: customer.buyerReference ?? null,
    peppolId: customer.peppolId ?? null,
    einvoiceFormat: customer.einvoiceFormat ?? 'pdf',
    autoApplyCredit: customer.autoApplyCredit ?? false,
  };
}
