/**
 * The customer's own page: what the `customer` role (a pay link) sees and does, and what finance
 * sees of it. Every read is limited to the link's customer; every action is audited (who: the
 * link; when: the one clock; from where: the source address and user agent) in the customer's
 * portal activity, which finance reads.
 *
 * Actions reuse the product's one path for each change: a dispute is `openDispute`, an accepted
 * promise `recordPromise` (dunning actions), a card payment a provider checkout (card-payments).
 * A promise outside the self-service limits (more days ahead than the item's dunning policy allows,
 * `promiseMaxDays`, 30 by default, or on an item handed to a collector) is not recorded as a promise: it waits for finance
 * as a proposal in the activity.
 */
import * as z from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { formatAmount, money } from '../money/money';
import { calendarDate, decimalIn, decimalString, emailAddress, identifier, parseWith } from '../validation';
import { isOpen, type Invoice } from '../invoices/invoice';
import { addCalendarDays, calendarDateIn, calendarDaysBetween } from '../time/clock';
import { openDispute, recordPromise } from '../dunning/actions';
import { DEFAULT_PROMISE_MAX_DAYS, effectivePolicies, promiseMaxDaysOf, resolvePolicy, type DunningPolicy } from '../dunning/policy';
import type { Caller } from '../access/caller';
import type { Clock } from '../time/clock';
import type { Customer } from '../customers/customer';
import type { CustomerStore, InvoiceStore } from '../ports';

/** How far ahead a customer may promise to pay without finance when no policy says otherwise (days after today). */
export const SELF_SERVICE_PROMISE_MAX_DAYS = DEFAULT_PROMISE_MAX_DAYS;

export type PortalAction = 'checkout-started' | 'credit-applied' | 'dispute-raised' | 'promise-accepted' | 'promise-proposed' | 'billing-email-changed' | 'pay-links-revoked' | 'mandate-signed' | 'mandate-revoked';

/** Where a request came from, as API Gateway saw it. */
export interface RequestOrigin {
  readonly sourceIp: string | null;
  readonly userAgent: string | null;
}

export interface PortalActivityEntry {
  readonly customerId: string;
  /** `<at>#<id>`: sorts by time. */
  readonly entryId: string;
  readonly at: string;
  readonly action: PortalAction;
  /** Who: `paylink:<linkId>` for the customer, the API client id for finance. */
  readonly actor: string;
  readonly sourceIp: string | null;
  readonly userAgent: string | null;
  readonly invoiceId: string | null;
  /** `done`, or `waiting-for-finance` (a promise outside the self-service limits). */
  readonly status: 'done' | 'waiting-for-finance';
  readonly summary: string;
}

export interface PortalActivityStore {
  record(entry: PortalActivityEntry): Promise<void>;
  /** The customer's latest entries, newest first. */
  list(customerId: string, limit: number): Promise<PortalActivityEntry[]>;
}

export interface PortalDeps {
  readonly customers: CustomerStore;
  readonly invoices: Pick<InvoiceStore, 'get' | 'allOfCustomer'>;
  readonly activity: PortalActivityStore;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly settings: { readonly businessTimeZone: string };
}

/** What the customer's page and its promises also read: the stored dunning policies (their promise limits). */
export interface PortalPolicyDeps extends PortalDeps {
  readonly policies: { listPolicies(): Promise<DunningPolicy[]> };
}

type DunningActionDeps = Parameters<typeof openDispute>[0];

/** The link's customer; a caller of another role is refused as if nothing existed. */
export async function portalCustomer(deps: Pick<PortalDeps, 'customers'>, caller: Caller): Promise<Customer> {
  if (caller.role !== 'customer' || !caller.customerId) throw new NotFoundError('Customer', caller.customerId ?? '');
  const customer = await deps.customers.get(caller.customerId);
  if (!customer) throw new NotFoundError('Customer', caller.customerId);
  return customer;
}

/** One of the customer's items (principal or charges); another customer's is not found. */
export async function portalInvoice(deps: Pick<PortalDeps, 'invoices'>, customer: Customer, invoiceId: string): Promise<Invoice> {
  const invoice = await deps.invoices.get(invoiceId);
  if (!invoice || invoice.customerId !== customer.customerId) throw new NotFoundError('Invoice', invoiceId);
  return invoice;
}

async function audit(deps: PortalDeps, entry: Omit<PortalActivityEntry, 'entryId' | 'at'>): Promise<PortalActivityEntry> {
  const at = deps.clock.now().toISOString();
  const recorded: PortalActivityEntry = { ...entry, at, entryId: `${at}#${deps.newId()}` };
  await deps.activity.record(recorded);
  return recorded;
}

const itemView = (i: Invoice) => {
  const m = (minor: number) => formatAmount(money(minor, i.currency));
  return {
    invoiceId: i.invoiceId,
    number: i.number,
    kind: i.chargesOf ? ('charges' as const) : ('invoice' as const),
    currency: i.currency,
    total: m(i.totalMinor),
    paid: m(i.paidMinor),
    balance: m(i.balanceMinor),
    status: i.status,
    issueDate: i.issueDate,
    dueDate: i.dueDate,
    rfReference: i.rfReference,
    disputed: i.status === 'DISPUTED',
    promisedUntil: i.dunning.block?.kind === 'promise' ? i.dunning.block.until : null,
    payments: i.allocations.map((a) => ({ paymentId: a.paymentId, amount: m(a.amountMinor), at: a.at })),
  };
};

/** `GET /portal`: the customer, its open items (oldest due first), its paid items and its own recent actions. */
export async function portalView(deps: PortalPolicyDeps, caller: Caller) {
  const customer = await portalCustomer(deps, caller);
  const all = await deps.invoices.allOfCustomer(customer.customerId);
  const shown = all.filter((i) => !(i.chargesOf && i.totalMinor === 0));
  const open = shown.filter(isOpen).sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.number.localeCompare(b.number));
  const paid = shown.filter((i) => !isOpen(i) && i.paidMinor > 0).sort((a, b) => b.issueDate.localeCompare(a.issueDate));
  const totals = new Map<string, number>();
  for (const i of open) totals.set(i.currency, (totals.get(i.currency) ?? 0) + i.balanceMinor);
  const activity = await deps.activity.list(customer.customerId, 20);
  const policies = effectivePolicies(await deps.policies.listPolicies());
  return {
    customer: {
      customerId: customer.customerId,
      name: customer.name,
      email: customer.email,
      locale: customer.locale,
      currency: customer.currency,
      onAccountCredit: formatAmount(money(customer.onAccountCreditMinor, customer.currency)),
    },
    today: calendarDateIn(deps.clock.now(), deps.settings.businessTimeZone),
    openTotals: [...totals.entries()].map(([currency, minor]) => ({ currency, amount: formatAmount(money(minor, currency)) })),
    openItems: open.map(itemView),
    paidItems: paid.map(itemView),
    // The customer's policy's limit (an invoice with a policy of its own may differ: the promise answer says).
    selfServicePromiseMaxDays: promiseMaxDaysOf(resolvePolicy(policies, null, customer).policy),
    activity: activity.map(activityView),
  };
}

export const activityView = (e: PortalActivityEntry) => ({ at: e.at, action: e.action, actor: e.actor, sourceIp: e.sourceIp, userAgent: e.userAgent, invoiceId: e.invoiceId, status: e.status, summary: e.summary });

export const portalDisputeRequest = z.strictObject({ invoiceId: identifier, reason: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters'), amount: decimalString.optional() });

/** `POST /portal/disputes`: the customer disputes one of its invoices (blocks dunning until finance resolves it). */
export async function portalDispute(deps: PortalDeps & { readonly dunning: DunningActionDeps }, caller: Caller, body: unknown, origin: RequestOrigin) {
  const request = parseWith(portalDisputeRequest, body);
  const customer = await portalCustomer(deps, caller);
  const invoice = await portalInvoice(deps, customer, request.invoiceId);
  if (invoice.chargesOf) throw ValidationError.of('invoiceId', 'names a fees and interest item: dispute the invoice it belongs to');
  // Ownership checked above: the dispute is recorded as finance's one path records it.
  const dispute = await openDispute(deps.dunning, { clientId: caller.clientId, role: 'finance' }, invoice.invoiceId, { reason: request.reason, ...(request.amount ? { amount: request.amount } : {}) });
  await audit(deps, {
    customerId: customer.customerId,
    action: 'dispute-raised',
    actor: caller.clientId,
    ...origin,
    invoiceId: invoice.invoiceId,
    status: 'done',
    summary: `dispute ${dispute.disputeId} on ${invoice.number}${dispute.amount ? ` for ${dispute.amount} ${invoice.currency}` : ''}: ${request.reason}`,
  });
  return dispute;
}

export const portalPromiseRequest = z.strictObject({ invoiceId: identifier, amount: decimalString, promisedDate: calendarDate });

/**
 * `POST /portal/promises`: accepted at once (a promise that blocks dunning until the date) within
 * the self-service limits; otherwise recorded as a proposal waiting for finance (202).
 */
export async function portalPromise(deps: PortalPolicyDeps & { readonly dunning: DunningActionDeps }, caller: Caller, body: unknown, origin: RequestOrigin) {
  const request = parseWith(portalPromiseRequest, body);
  const customer = await portalCustomer(deps, caller);
  const invoice = await portalInvoice(deps, customer, request.invoiceId);
  if (invoice.chargesOf) throw ValidationError.of('invoiceId', 'names a fees and interest item: promise on the invoice it belongs to');
  if (!isOpen(invoice)) throw new ConflictError(`Invoice ${invoice.number} has nothing left to pay`, 'NOT_OPEN');
  const amountMinor = decimalIn('amount', request.amount, invoice.currency, { allowZero: false });
  const today = calendarDateIn(deps.clock.now(), deps.settings.businessTimeZone);
  if (request.promisedDate < today) throw ValidationError.of('promisedDate', `must not be before today (${today})`);
  const days = calendarDaysBetween(today, request.promisedDate);
  const collector = Boolean(invoice.dunning.handedToCollectorAt);
  const { policy } = resolvePolicy(effectivePolicies(await deps.policies.listPolicies()), invoice.dunning.policyId, customer);
  const maxDays = promiseMaxDaysOf(policy);
  const m = `${formatAmount(money(amountMinor, invoice.currency))} ${invoice.currency}`;
  if (days > maxDays || collector) {
    const why = collector ? 'the item is with a collector' : `more than ${maxDays} days ahead (latest without finance: ${addCalendarDays(today, maxDays)})`;
    const entry = await audit(deps, { customerId: customer.customerId, action: 'promise-proposed', actor: caller.clientId, ...origin, invoiceId: invoice.invoiceId, status: 'waiting-for-finance', summary: `proposes to pay ${m} on ${invoice.number} by ${request.promisedDate}; waits for finance: ${why}` });
    return { statusCode: 202 as const, body: { accepted: false, waitingForFinance: true, reason: why, invoiceId: invoice.invoiceId, amount: formatAmount(money(amountMinor, invoice.currency)), promisedDate: request.promisedDate, at: entry.at } };
  }
  const promise = await recordPromise(deps.dunning, invoice.invoiceId, { amount: request.amount, promisedDate: request.promisedDate });
  await audit(deps, { customerId: customer.customerId, action: 'promise-accepted', actor: caller.clientId, ...origin, invoiceId: invoice.invoiceId, status: 'done', summary: `promise ${promise.promiseId}: ${m} on ${invoice.number} by ${request.promisedDate}` });
  return { statusCode: 201 as const, body: { accepted: true, waitingForFinance: false, ...promise } };
}

export const billingEmailRequest = z.strictObject({ email: emailAddress });

/** `PUT /portal/billing-email`: where invoices, reminders and statements go from now on. */
export async function updateBillingEmail(deps: PortalDeps, caller: Caller, body: unknown, origin: RequestOrigin) {
  const request = parseWith(billingEmailRequest, body);
  const customer = await portalCustomer(deps, caller);
  const now = deps.clock.now().toISOString();
  const stored = await deps.customers.put({ ...customer, email: request.email, updatedAt: now });
  if (!stored) throw new ConflictError('The customer changed meanwhile; try again', 'CONFLICT');
  await audit(deps, { customerId: customer.customerId, action: 'billing-email-changed', actor: caller.clientId, ...origin, invoiceId: null, status: 'done', summary: 'billing email changed' });
  return { customerId: customer.customerId, email: request.email };
}

/**
 * Audits a payment the customer started: the on-account credit applied first, if any (done), and
 * the card checkout for the rest, if any (the money is recorded only by the provider's webhook).
 */
export async function auditCheckout(
  deps: PortalDeps,
  caller: Caller,
  origin: RequestOrigin,
  checkout: { sessionId: string | null; amount: string; currency: string; items: readonly { number: string; amount: string }[]; credit?: { amount: string; items: readonly { number: string; amount: string }[] } },
) {
  if (checkout.credit && checkout.credit.items.length > 0) {
    await audit(deps, {
      customerId: caller.customerId ?? '',
      action: 'credit-applied',
      actor: caller.clientId,
      ...origin,
      invoiceId: null,
      status: 'done',
      summary: `on-account credit of ${checkout.credit.amount} ${checkout.currency} applied (${checkout.credit.items.map((i) => `${i.number}: ${i.amount}`).join(', ')})`,
    });
  }
  if (checkout.sessionId === null) return;
  await audit(deps, {
    customerId: caller.customerId ?? '',
    action: 'checkout-started',
    actor: caller.clientId,
    ...origin,
    invoiceId: null,
    status: 'done',
    summary: `card payment of ${checkout.amount} ${checkout.currency} started (${checkout.items.map((i) => `${i.number}: ${i.amount}`).join(', ')}), session ${checkout.sessionId}`,
  });
}

/** `POST /customers/{customerId}/pay-links/revoke` (finance): every link issued until now stops working. */
/** The body of `POST /customers/{customerId}/pay-links/revoke`: optionally why (kept in the audit trail). */
export const revokePayLinksRequest = z.strictObject({ reason: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters').optional() });

export async function revokePayLinks(deps: PortalDeps, caller: Caller, customerId: string, body: unknown, origin: RequestOrigin) {
  const request = parseWith(revokePayLinksRequest, body ?? {});
  const customer = await deps.customers.get(customerId);
  if (!customer) throw new NotFoundError('Customer', customerId);
  const now = deps.clock.now().toISOString();
  const stored = await deps.customers.put({ ...customer, payLinksRevokedAt: now, updatedAt: now });
  if (!stored) throw new ConflictError('The customer changed meanwhile; try again', 'CONFLICT');
  await audit(deps, { customerId, action: 'pay-links-revoked', actor: caller.clientId, ...origin, invoiceId: null, status: 'done', summary: request.reason ? `every pay link issued until now revoked: ${request.reason}` : 'every pay link issued until now revoked' });
  return { customerId, payLinksRevokedAt: now };
}

/** `GET /customers/{customerId}/portal-activity` (finance): what the customer did in the portal, newest first. */
export async function portalActivity(deps: PortalDeps, customerId: string) {
  const customer = await deps.customers.get(customerId);
  if (!customer) throw new NotFoundError('Customer', customerId);
  const items = await deps.activity.list(customerId, 200);
  return { customerId, items: items.map(activityView) };
}
