/**
 * Card payments the customer makes in the portal, through the payment provider (Stripe).
 *
 * - {@link startCheckout}: the customer chose open items and an amount for each; the provider gets
 *   a checkout for exactly those (one line per item, the invoice numbers and the amount per
 *   invoice in its metadata). Nothing is recorded: a checkout that is never paid changes nothing.
 * - {@link applyCardEvent}: money moves only when the provider's signed webhook says it did. A paid
 *   checkout (or payment intent) is recorded through the one payment path ({@link recordValidPayment})
 *   under the provider's payment intent id, so the same event, or the other event of the same
 *   payment, delivered again or concurrently, records it once; the provider's fee is its own
 *   journal (`provider-fee-<payment intent>`), written once. A refund or a chargeback takes the
 *   money back from the items the payment paid (last paid first), each as its own journal
 *   (`provider-reversal-<refund or dispute id>`), written once.
 *
 * No fee or surcharge is ever added to what the customer pays (EU rules forbid surcharges on
 * consumer card payments): the amount charged is exactly the sum of the chosen amounts.
 */
import * as z from 'zod';
import { formatAmount, money } from '../money/money';
import { decimalIn, decimalString, identifier, parseWith } from '../validation';
import { ValidationError, NotFoundError } from '../errors';
import { isOpen, type Invoice } from '../invoices/invoice';
import { reversePayment } from '../invoices/transitions';
import { journal } from '../ledger/ledger';
import { PostingWrittenBeforeError, type InvoiceChange } from '../posting/posting';
import { retryOnConflict } from '../kernel/retry';
import { paymentIdFor } from './payment';
import { recordValidPayment } from './record-payment';
import type { Caller } from '../access/caller';
import type { CoreDeps } from '../deps';

/** The most items one card payment pays: the metadata that names them must stay within the provider's 500 characters per value. */
export const MAX_ITEMS_PER_CHECKOUT = 8;
/** The API client id under which card payments are recorded (the provider's payment ids are unique under it). */
export const CARD_PAYMENTS_CLIENT_ID = 'card-payments';
const CARD_PAYMENTS_CALLER: Caller = { clientId: CARD_PAYMENTS_CLIENT_ID, role: 'finance' };

export interface CheckoutItem {
  readonly invoiceId: string;
  readonly number: string;
  readonly amountMinor: number;
}

/** What the provider's checkout carries, and what its webhook gives back (metadata, all strings). */
export interface CheckoutMetadata {
  readonly customerId: string;
  /** `INV-2026-000001, INV-2026-000002`: what the customer's statement and finance read. */
  readonly invoiceNumbers: string;
  /** `<invoiceId>=<minor>;...`: the amount per invoice the customer chose. */
  readonly allocations: string;
}

/** The payment provider, as the product uses it. */
export interface CardPaymentProvider {
  /** A hosted checkout for exactly the items; the customer is sent to `url`. */
  createCheckout(input: {
    readonly customerId: string;
    readonly email: string;
    readonly locale: string;
    readonly currency: string;
    readonly items: readonly CheckoutItem[];
    readonly metadata: CheckoutMetadata;
    readonly successUrl: string;
    readonly cancelUrl: string;
  }): Promise<{ readonly sessionId: string; readonly url: string }>;
  /** The provider's fee on a payment (from its balance transaction), when it is known. */
  feeOf(paymentIntentId: string): Promise<{ readonly feeMinor: number; readonly currency: string } | null>;
}

/** A provider webhook event, verified by the adapter and reduced to what moves money. */
export type CardEvent =
  | {
      readonly kind: 'paid';
      readonly eventId: string;
      readonly paymentIntentId: string;
      readonly amountMinor: number;
      readonly currency: string;
      readonly metadata: Partial<CheckoutMetadata>;
      readonly payerName: string | null;
    }
  | {
      readonly kind: 'reversed';
      readonly eventId: string;
      /** The refund's or the dispute's id: each is taken back once. */
      readonly reversalId: string;
      readonly reason: 'refund' | 'chargeback';
      readonly paymentIntentId: string;
      readonly amountMinor: number;
      readonly currency: string;
    }
  | { readonly kind: 'ignored'; readonly eventId: string; readonly type: string };

export const checkoutRequest = z.strictObject({
  items: z
    .array(z.strictObject({ invoiceId: identifier, amount: decimalString }))
    .min(1, 'must name at least one open item')
    .max(MAX_ITEMS_PER_CHECKOUT, `must name at most ${MAX_ITEMS_PER_CHECKOUT} items: pay the rest in another payment`)
    .refine((items) => new Set(items.map((i) => i.invoiceId)).size === items.length, { message: 'must not name the same item twice' }),
  /** Use the customer's on-account credit first (the portal's `payWithCreditFirst`); only the rest goes to the card. */
  useCredit: z.boolean().optional(),
});

type CheckoutDeps = Pick<CoreDeps, 'invoices' | 'customers'> & { readonly cards: CardPaymentProvider };

/**
 * Starts a card payment of the chosen open items of the caller's customer. Every item must be the
 * customer's, open, in one currency, and its amount above zero and at most its balance; each
 * problem names `items[n].invoiceId` or `items[n].amount`.
 */
export async function startCheckout(deps: CheckoutDeps, caller: Caller, body: unknown, urls: { readonly successUrl: string; readonly cancelUrl: string }) {
  const { customer, items, currency } = await chosenItems(deps, caller, body);
  return checkoutOf(deps, customer, items, currency, urls);
}

/**
 * The items of a card payment the customer chose, checked: every item the customer's, open, in one
 * currency, its amount above zero and at most its balance (each problem names its field).
 */
export async function chosenItems(deps: Pick<CoreDeps, 'invoices' | 'customers'>, caller: Caller, body: unknown) {
  if (caller.role !== 'customer' || !caller.customerId) throw new NotFoundError('Customer', caller.customerId ?? '');
  const request = parseWith(checkoutRequest, body);
  const customer = await deps.customers.get(caller.customerId);
  if (!customer) throw new NotFoundError('Customer', caller.customerId);
  const invoices = await Promise.all(request.items.map((i) => deps.invoices.get(i.invoiceId)));
  const items: CheckoutItem[] = [];
  let currency: string | undefined;
  request.items.forEach((item, n) => {
    const invoice = invoices[n];
    const field = `items[${n}].invoiceId`;
    if (!invoice || invoice.customerId !== customer.customerId) throw ValidationError.of(field, 'is not one of your open items');
    if (!isOpen(invoice)) throw ValidationError.of(field, `has nothing left to pay (${invoice.status})`);
    currency ??= invoice.currency;
    if (invoice.currency !== currency) throw ValidationError.of(field, `is in ${invoice.currency}; one payment pays items of one currency (${currency})`);
    const amountMinor = decimalIn(`items[${n}].amount`, item.amount, invoice.currency, { allowZero: false });
    if (amountMinor > invoice.balanceMinor) throw ValidationError.of(`items[${n}].amount`, `must be at most the open balance, ${formatAmount(money(invoice.balanceMinor, invoice.currency))}`);
    items.push({ invoiceId: invoice.invoiceId, number: invoice.number, amountMinor });
  });
  return { customer, items, currency: currency!, useCredit: request.useCredit === true };
}

/** A provider checkout for exactly `items` (the amounts the card pays). */
export async function checkoutOf(deps: Pick<CheckoutDeps, 'cards'>, customer: { customerId: string; email: string; locale: string }, items: readonly CheckoutItem[], currency: string, urls: { readonly successUrl: string; readonly cancelUrl: string }) {
  const metadata: CheckoutMetadata = {
    customerId: customer.customerId,
    invoiceNumbers: items.map((i) => i.number).join(', '),
    allocations: items.map((i) => `${i.invoiceId}=${i.amountMinor}`).join(';'),
  };
  const session = await deps.cards.createCheckout({ customerId: customer.customerId, email: customer.email, locale: customer.locale, currency: currency!, items, metadata, ...urls });
  const totalMinor = items.reduce((sum, i) => sum + i.amountMinor, 0);
  return { sessionId: session.sessionId, url: session.url, currency: currency!, amount: formatAmount(money(totalMinor, currency!)), items: items.map((i) => ({ invoiceId: i.invoiceId, number: i.number, amount: formatAmount(money(i.amountMinor, currency!)) })) };
}

/** The amounts per invoice the checkout's metadata names; undefined when it names none in a readable form. */
export function allocationsOf(metadata: Partial<CheckoutMetadata>): Map<string, number> | undefined {
  if (!metadata.allocations) return undefined;
  const result = new Map<string, number>();
  for (const part of metadata.allocations.split(';')) {
    const match = /^([A-Za-z0-9][A-Za-z0-9._:-]{0,63})=(\d{1,15})$/.exec(part);
    if (!match) return undefined;
    result.set(match[1]!, Number(match[2]));
  }
  return result.size > 0 ? result : undefined;
}

type EventDeps = Pick<CoreDeps, 'invoices' | 'payments' | 'postings' | 'workflow' | 'clock' | 'newId'> & { readonly cards: Pick<CardPaymentProvider, 'feeOf'> };

export type CardEventOutcome =
  | { readonly outcome: 'payment-recorded' | 'payment-recorded-before'; readonly paymentId: string; readonly feeBooked: boolean }
  | { readonly outcome: 'reversed' | 'reversed-before'; readonly paymentId: string; readonly amount: string }
  | { readonly outcome: 'ignored'; readonly reason: string };

/** Applies one verified provider event; the same event (or the same payment's other event) again changes nothing. */
export async function applyCardEvent(deps: EventDeps, event: CardEvent): Promise<CardEventOutcome> {
  if (event.kind === 'ignored') return { outcome: 'ignored', reason: `event type ${event.type} moves no money here` };
  const paymentId = paymentIdFor(CARD_PAYMENTS_CLIENT_ID, event.paymentIntentId);
  if (event.kind === 'reversed') return reverse(deps, event, paymentId);
  const allocations = allocationsOf(event.metadata);
  if (!allocations) return { outcome: 'ignored', reason: 'the payment names no items of this product (no allocations in its metadata)' };
  const now = deps.clock.now();
  const { created, payment } = await recordValidPayment(deps, CARD_PAYMENTS_CALLER, {
    amountMinor: event.amountMinor,
    currency: event.currency,
    reference: event.metadata.invoiceNumbers?.slice(0, 140) ?? null,
    payerName: event.payerName,
    valueDate: now.toISOString().slice(0, 10),
    invoiceIds: [...allocations.keys()],
    providerPaymentId: event.paymentIntentId,
    itemAmounts: allocations,
  });
  const feeBooked = await bookFee(deps, event.paymentIntentId, payment.paymentId, now.toISOString());
  return { outcome: created ? 'payment-recorded' : 'payment-recorded-before', paymentId: payment.paymentId, feeBooked };
}

/** The provider's fee as its own journal: fee expense against cash (the provider kept it from the payout). */
async function bookFee(deps: EventDeps, paymentIntentId: string, paymentId: string, at: string): Promise<boolean> {
  const fee = await deps.cards.feeOf(paymentIntentId);
  if (!fee || fee.feeMinor <= 0) return false;
  const feeJournal = journal(`provider-fee-${paymentIntentId}`, 'ProviderFeeCharged', at, [
    { account: 'payment-provider-fees', side: 'debit', amount: money(fee.feeMinor, fee.currency), reference: paymentId },
    { account: 'cash', side: 'credit', amount: money(fee.feeMinor, fee.currency), reference: paymentId },
  ]);
  try {
    await deps.postings.post({ description: `provider fee of payment ${paymentId}`, invoices: [], journals: [feeJournal] });
  } catch (error) {
    if (!(error instanceof PostingWrittenBeforeError)) throw error;
  }
  return true;
}

async function reverse(deps: EventDeps, event: Extract<CardEvent, { kind: 'reversed' }>, paymentId: string): Promise<CardEventOutcome> {
  const payment = await deps.payments.get(paymentId);
  if (!payment) return { outcome: 'ignored', reason: `no card payment ${event.paymentIntentId} was recorded here` };
  if (payment.currency !== event.currency) return { outcome: 'ignored', reason: `the ${event.reason} is in ${event.currency}, the payment in ${payment.currency}` };
  const at = deps.clock.now().toISOString();
  const amount = formatAmount(money(event.amountMinor, event.currency));
  let nothingLeft = false;
  try {
    await retryOnConflict(
      async () => {
        const invoices = (await Promise.all(payment.allocations.map((a) => deps.invoices.get(a.invoiceId)))).filter((i): i is Invoice => i !== undefined);
        let rest = event.amountMinor;
        const changes: InvoiceChange[] = [];
        const lines = [];
        // Last paid first: the item the payment paid last is reopened first.
        for (const invoice of [...invoices].reverse()) {
          if (rest === 0) break;
          const allocated = invoice.allocations.filter((a) => a.paymentId === paymentId).reduce((sum, a) => sum + a.amountMinor, 0);
          const taken = Math.min(rest, allocated);
          if (taken === 0 || invoice.status === 'WRITTEN_OFF' || invoice.status === 'CREDITED') continue;
          const note = `${event.reason} ${event.reversalId} of card payment ${event.paymentIntentId}: ${formatAmount(money(taken, invoice.currency))} open again`;
          const transition = reversePayment(invoice, { paymentId, amountMinor: taken, currency: event.currency, at, note });
          changes.push({ before: invoice, after: transition.invoice });
          lines.push(...transition.journalLines);
          rest -= taken;
        }
        const takenBack = event.amountMinor - rest;
        nothingLeft = takenBack === 0;
        if (nothingLeft) return;
        const reversal = journal(`provider-reversal-${event.reversalId}`, 'PaymentReversed', at, [
          ...lines,
          { account: 'cash', side: 'credit', amount: money(takenBack, event.currency), reference: paymentId },
        ]);
        await deps.postings.post({ description: `${event.reason} ${event.reversalId}`, invoices: changes, journals: [reversal] });
      },
      { attempts: 10 },
    );
  } catch (error) {
    if (error instanceof PostingWrittenBeforeError) return { outcome: 'reversed-before', paymentId, amount };
    throw error;
  }
  // Nothing this payment paid is left to take back: the same refund or dispute was applied before.
  return { outcome: nothingLeft ? 'reversed-before' : 'reversed', paymentId, amount };
}
