/**
 * Payments taken online: recorded once, applied to the invoices they name (by id, number or RF
 * reference). What cannot be applied stays unapplied with a reason, for finance's worklist; what
 * is paid over the balance becomes the customer's on-account credit.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { formatAmount, money } from '../money/money';
import { calendarDate, currencyCode, decimalIn, decimalString, identifier, parseWith, singleLineText } from '../validation';
import { journal, type Journal, type JournalLine } from '../ledger/ledger';
import { isOpen, type Invoice } from '../invoices/invoice';
import { allocatePayment } from '../invoices/transitions';
import { TRANSACTION_LIMITS, type InvoiceChange, type Posting } from '../posting/posting';

/**
 * The most invoices one payment may name: its posting writes the payment, each invoice, the cash
 * line, one receivables line per invoice, the customer's credit and the check of the closed periods
 * (`adapters/dynamodb/ledger-periods.ts`), in one transaction.
 */
export const MAX_INVOICES_PER_PAYMENT = Math.floor((TRANSACTION_LIMITS.items - 4) / 2);

/** The payment provider's id of a payment: 1-255 characters, no control characters. */
export const providerPaymentId = z
  .string()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .refine((id) => !/[\u0000-\u001f\u007f-\u009f]/.test(id), { message: 'must not contain control characters' });

export const recordPaymentRequest = z.strictObject({
  amount: decimalString,
  providerPaymentId: providerPaymentId.optional(),
  currency: currencyCode,
  reference: singleLineText(140).optional(),
  payerName: singleLineText(140).optional(),
  valueDate: calendarDate,
  invoiceIds: z
    .array(identifier)
    .min(1, 'must name at least one invoice when given')
    .max(MAX_INVOICES_PER_PAYMENT, `must name at most ${MAX_INVOICES_PER_PAYMENT} invoices: one payment is one transaction of at most ${TRANSACTION_LIMITS.items} writes; send several payments`)
    .refine((ids) => new Set(ids).size === ids.length, { message: 'must not name the same invoice twice' })
    .optional(),
});

export type RecordPaymentRequest = z.infer<typeof recordPaymentRequest>;

export interface PaymentRequest {
  readonly amountMinor: number;
  readonly currency: string;
  readonly reference: string | null;
  readonly payerName: string | null;
  readonly valueDate: string;
  readonly invoiceIds: readonly string[];
  /** The payment provider's id of the payment (absent on payments not taken through a provider). */
  readonly providerPaymentId?: string | null;
  /**
   * The most to apply per named invoice (a card payment in the portal pays part of an item): the
   * payer chose these amounts. Absent: each named invoice takes up to its balance.
   */
  readonly itemAmounts?: ReadonlyMap<string, number>;
}

/**
 * The payment id of a provider's payment taken by one API client: the same (client, provider
 * payment id) always gives the same id, so the posting's "payment does not exist yet" condition
 * records it once, and another client's payment with the same provider id is another payment.
 */
export function paymentIdFor(clientId: string, providerPaymentId: string): string {
  return `PP-${createHash('sha256').update(`${clientId}\u0000${providerPaymentId}`, 'utf8').digest('hex').slice(0, 40)}`;
}

/** Validates a payment request: a positive amount with at most the currency's decimals. */
export function parseRecordPayment(body: unknown): PaymentRequest {
  const request = parseWith(recordPaymentRequest, body);
  return {
    amountMinor: decimalIn('amount', request.amount, request.currency, { allowZero: false }),
    currency: request.currency,
    reference: request.reference ?? null,
    payerName: request.payerName ?? null,
    valueDate: request.valueDate,
    invoiceIds: request.invoiceIds ?? [],
    providerPaymentId: request.providerPaymentId ?? null,
  };
}

export type UnappliedReason = 'unknown-reference' | 'currency-mismatch' | 'no-open-balance' | 'no-reference';

export interface PaymentAllocation {
  readonly invoiceId: string;
  readonly invoiceNumber: string;
  readonly amountMinor: number;
}

export interface Payment {
  readonly paymentId: string;
  readonly source: 'online' | 'statement' | 'manual';
  readonly amountMinor: number;
  readonly currency: string;
  readonly reference: string | null;
  readonly payerName: string | null;
  readonly valueDate: string;
  readonly receivedAt: string;
  readonly customerId: string | null;
  readonly allocations: readonly PaymentAllocation[];
  readonly onAccountMinor: number;
  readonly unappliedMinor: number;
  readonly unappliedReason: UnappliedReason | null;
  readonly status: 'applied' | 'partially-applied' | 'unapplied';
  /** The API client that recorded a payment taken online (absent on statement payments). */
  readonly recordedBy?: string;
  /** The payment provider's id of a payment taken online (unique per recording client). */
  readonly providerPaymentId?: string | null;
}

export interface PaymentApplication {
  readonly payment: Payment;
  /** The payment, the invoices it settles (only those that changed), the customer's credit and the journal. */
  readonly posting: Posting;
}

/**
 * Applies a payment to the candidate invoices, in the order given (or oldest due date first when
 * the payer named none explicitly). Never applies across currencies; the rest after the named
 * invoices are settled becomes on-account credit of their customer; a payment that identifies no
 * open invoice stays unapplied with the reason. Pure: returns the new state, changes nothing.
 */
export function applyPayment(
  paymentId: string,
  request: PaymentRequest,
  candidates: readonly Invoice[],
  options: { readonly now: Date; readonly source: Payment['source']; readonly explicitOrder: boolean; readonly recordedBy?: string },
): PaymentApplication {
  const at = options.now.toISOString();
  const customers = new Set(candidates.map((c) => c.customerId));
  const base = {
    paymentId,
    source: options.source,
    amountMinor: request.amountMinor,
    currency: request.currency,
    reference: request.reference,
    payerName: request.payerName,
    valueDate: request.valueDate,
    receivedAt: at,
    ...(options.recordedBy !== undefined ? { recordedBy: options.recordedBy } : {}),
    ...(request.providerPaymentId ? { providerPaymentId: request.providerPaymentId } : {}),
  };
  const unapplied = (reason: UnappliedReason, customerId: string | null): PaymentApplication => {
    const payment: Payment = { ...base, customerId, allocations: [], onAccountMinor: 0, unappliedMinor: request.amountMinor, unappliedReason: reason, status: 'unapplied' };
    return {
      payment,
      posting: {
        description: `payment ${paymentId}`,
        payment: { before: null, after: payment },
        invoices: [],
        journals: [paymentJournal(paymentId, at, request.currency, request.amountMinor, [], 0, request.amountMinor)],
      },
    };
  };
  if (candidates.length === 0) return unapplied(request.reference || request.invoiceIds.length ? 'unknown-reference' : 'no-reference', null);
  const customerId = customers.size === 1 ? [...customers][0]! : null;
  if (candidates.some((c) => c.currency !== request.currency)) return unapplied('currency-mismatch', customerId);
  if (customers.size > 1) return unapplied('unknown-reference', null);
  const open = candidates.filter(isOpen);
  if (open.length === 0) return unapplied('no-open-balance', customerId);
  const ordered = options.explicitOrder ? open : [...open].sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.number.localeCompare(b.number));
  let remaining = request.amountMinor;
  const allocations: PaymentAllocation[] = [];
  const changes: InvoiceChange[] = [];
  const receivables: JournalLine[] = [];
  for (const invoice of ordered) {
    if (remaining === 0) break;
    const amountMinor = Math.min(remaining, invoice.balanceMinor, request.itemAmounts?.get(invoice.invoiceId) ?? Number.MAX_SAFE_INTEGER);
    if (amountMinor === 0) continue;
    remaining -= amountMinor;
    allocations.push({ invoiceId: invoice.invoiceId, invoiceNumber: invoice.number, amountMinor });
    const note = `payment ${paymentId} of ${formatAmount(money(amountMinor, invoice.currency))}`;
    const transition = allocatePayment(invoice, { paymentId, amountMinor, currency: request.currency, at, note });
    changes.push({ before: invoice, after: transition.invoice });
    receivables.push(...transition.journalLines);
  }
  const payment: Payment = {
    ...base,
    customerId,
    allocations,
    onAccountMinor: remaining,
    unappliedMinor: 0,
    unappliedReason: null,
    status: remaining === 0 ? 'applied' : 'partially-applied',
  };
  return {
    payment,
    posting: {
      description: `payment ${paymentId}`,
      payment: { before: null, after: payment },
      invoices: changes,
      journals: [paymentJournal(paymentId, at, request.currency, request.amountMinor, receivables, remaining, 0)],
      ...(remaining > 0 && customerId ? { customerCredit: { customerId, amountMinor: remaining } } : {}),
    },
  };
}

function paymentJournal(paymentId: string, at: string, currency: string, amountMinor: number, receivables: readonly JournalLine[], onAccountMinor: number, unappliedMinor: number): Journal {
  const lines: JournalLine[] = [
    { account: 'cash', side: 'debit', amount: money(amountMinor, currency), reference: paymentId },
    ...receivables,
    { account: 'customer-credit', side: 'credit', amount: money(onAccountMinor, currency), reference: paymentId },
    { account: 'unapplied-cash', side: 'credit', amount: money(unappliedMinor, currency), reference: paymentId },
  ];
  return journal(`payment-${paymentId}`, 'PaymentReceived', at, lines);
}

/** The payment as the API shows it. */
export function paymentView(payment: Payment) {
  const m = (minor: number) => formatAmount({ minor, currency: payment.currency });
  return {
    paymentId: payment.paymentId,
    providerPaymentId: payment.providerPaymentId ?? null,
    status: payment.status,
    amount: m(payment.amountMinor),
    currency: payment.currency,
    reference: payment.reference,
    payerName: payment.payerName,
    valueDate: payment.valueDate,
    receivedAt: payment.receivedAt,
    customerId: payment.customerId,
    allocations: payment.allocations.map((a) => ({ invoiceId: a.invoiceId, invoiceNumber: a.invoiceNumber, amount: m(a.amountMinor) })),
    onAccountAmount: m(payment.onAccountMinor),
    unappliedAmount: m(payment.unappliedMinor),
    unappliedReason: payment.unappliedReason,
  };
}
