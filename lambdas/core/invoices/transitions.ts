/**
 * The invoice's balance-changing transitions: the only code that computes a new balance, paid
 * amount or charges total of an invoice. Each is a pure function that takes the invoice as read and
 * returns the new invoice with the journal lines of its side of the posting, and each enforces the
 * same invariants:
 *
 * - the balance never goes below zero, and only an open item in the right currency takes money;
 * - the status follows from the balance ({@link derivedStatus}), except where the transition itself
 *   decides it (written off, credited in full);
 * - every transition appends one entry to the invoice's history;
 * - fees and interest are never added to an invoice: they go to the invoice's charges item (an open
 *   item of its own, `chargesOf` the invoice), so the principal and the charges are paid, credited
 *   and written off apart.
 *
 * Callers (payments, statement lines, manual application, disputes, write-offs, dunning) compose
 * these into one posting; nothing outside this module changes `balanceMinor`.
 */
import { formatAmount, allocate, money } from '../money/money';
import type { JournalLine } from '../ledger/ledger';
import { derivedStatus, isOpen, rfReferenceFor, type Invoice, type InvoiceStatus } from './invoice';

/** The invoice after a transition, and the journal lines of its side of the posting. */
export interface Transition {
  readonly invoice: Invoice;
  readonly journalLines: readonly JournalLine[];
}

/** A transition asked for something the invoice's invariants forbid (the caller read a stale invoice, or the request is wrong). */
export class InvoiceTransitionError extends Error {
  constructor(
    readonly invoiceId: string,
    readonly problem: string,
  ) {
    super(`Invoice ${invoiceId} ${problem}`);
    this.name = 'InvoiceTransitionError';
  }
}

function requireTakes(invoice: Invoice, amountMinor: number, currency: string): void {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) throw new InvoiceTransitionError(invoice.invoiceId, `cannot take ${amountMinor} minor units`);
  if (invoice.currency !== currency) throw new InvoiceTransitionError(invoice.invoiceId, `is in ${invoice.currency}, not ${currency}`);
  if (!isOpen(invoice)) throw new InvoiceTransitionError(invoice.invoiceId, `has no open balance (${invoice.status})`);
  if (amountMinor > invoice.balanceMinor) {
    throw new InvoiceTransitionError(invoice.invoiceId, `has a balance of ${formatAmount(money(invoice.balanceMinor, currency))}, less than ${formatAmount(money(amountMinor, currency))}`);
  }
}

/** The invoice with its new amounts, the status that follows (unless given) and one more history entry. */
function withBalance(invoice: Invoice, next: Partial<Pick<Invoice, 'balanceMinor' | 'paidMinor' | 'totalMinor' | 'allocations'>>, at: string, note: string, status?: InvoiceStatus): Invoice {
  const changed = { ...invoice, ...next };
  const newStatus = status ?? derivedStatus(changed);
  return { ...changed, status: newStatus, history: [...invoice.history, { status: newStatus, at, note }] };
}

const receivablesCredit = (invoice: Invoice, amountMinor: number, reasonCode?: string): JournalLine => ({
  account: 'receivables',
  side: 'credit',
  amount: money(amountMinor, invoice.currency),
  reference: invoice.invoiceId,
  ...(reasonCode ? { reasonCode } : {}),
});

/**
 * Allocates part of a payment to the invoice: paid rises, balance falls by the amount. The journal
 * side credits receivables (the payment's side debits cash or unapplied cash).
 */
export function allocatePayment(invoice: Invoice, allocation: { readonly paymentId: string; readonly amountMinor: number; readonly currency: string; readonly at: string; readonly note: string }): Transition {
  const { amountMinor, at } = allocation;
  requireTakes(invoice, amountMinor, allocation.currency);
  const after = withBalance(
    invoice,
    {
      paidMinor: invoice.paidMinor + amountMinor,
      balanceMinor: invoice.balanceMinor - amountMinor,
      allocations: amountMinor > 0 ? [...invoice.allocations, { paymentId: allocation.paymentId, amountMinor, at }] : invoice.allocations,
    },
    at,
    allocation.note,
  );
  return { invoice: after, journalLines: amountMinor > 0 ? [receivablesCredit(invoice, amountMinor)] : [] };
}

/**
 * Takes back part of a payment the payment provider returned (a refund, or a chargeback of a
 * disputed card payment): the invoice is open again by that amount, paid falls, the payment's
 * allocation shrinks, and the status follows the balance (OPEN, PARTIALLY_PAID or OVERDUE). Only
 * what this payment had allocated to the invoice can be taken back. The journal side debits
 * receivables (the provider's side credits cash).
 */
export function reversePayment(invoice: Invoice, reversal: { readonly paymentId: string; readonly amountMinor: number; readonly currency: string; readonly at: string; readonly note: string }): Transition {
  const { amountMinor, at, paymentId } = reversal;
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) throw new InvoiceTransitionError(invoice.invoiceId, `cannot take back ${amountMinor} minor units`);
  if (invoice.currency !== reversal.currency) throw new InvoiceTransitionError(invoice.invoiceId, `is in ${invoice.currency}, not ${reversal.currency}`);
  const allocated = invoice.allocations.filter((a) => a.paymentId === paymentId).reduce((sum, a) => sum + a.amountMinor, 0);
  if (amountMinor > allocated) {
    throw new InvoiceTransitionError(invoice.invoiceId, `was paid ${formatAmount(money(allocated, invoice.currency))} by payment ${paymentId}, less than the ${formatAmount(money(amountMinor, invoice.currency))} taken back`);
  }
  if (invoice.status === 'WRITTEN_OFF' || invoice.status === 'CREDITED') throw new InvoiceTransitionError(invoice.invoiceId, `is ${invoice.status}: a payment taken back from it needs finance`);
  // The allocations of this payment shrink from the latest back.
  let rest = amountMinor;
  const allocations = [...invoice.allocations]
    .reverse()
    .map((a) => {
      if (a.paymentId !== paymentId || rest === 0) return a;
      const taken = Math.min(rest, a.amountMinor);
      rest -= taken;
      return { ...a, amountMinor: a.amountMinor - taken };
    })
    .filter((a) => a.amountMinor > 0)
    .reverse();
  const after = withBalance(invoice, { paidMinor: invoice.paidMinor - amountMinor, balanceMinor: invoice.balanceMinor + amountMinor, allocations }, at, reversal.note);
  return { invoice: after, journalLines: [{ account: 'receivables', side: 'debit', amount: money(amountMinor, invoice.currency), reference: invoice.invoiceId }] };
}

/**
 * Writes off the small rest a payer left unpaid (within the cash application tolerance): balance
 * falls, paid does not. Journal: write-off expense against receivables, both with the reason code.
 */
export function writeOffShortPayment(invoice: Invoice, writeOff: { readonly amountMinor: number; readonly reasonCode: string; readonly at: string; readonly note?: string }): Transition {
  const { amountMinor, reasonCode, at } = writeOff;
  requireTakes(invoice, amountMinor, invoice.currency);
  const amount = formatAmount(money(amountMinor, invoice.currency));
  const after = withBalance(invoice, { balanceMinor: invoice.balanceMinor - amountMinor }, at, writeOff.note ?? `short payment of ${amount} written off (${reasonCode})`);
  return {
    invoice: after,
    journalLines: [{ account: 'write-off', side: 'debit', amount: money(amountMinor, invoice.currency), reference: invoice.invoiceId, reasonCode }, receivablesCredit(invoice, amountMinor, reasonCode)],
  };
}

/**
 * A credit (note) reduces the balance: revenue and tax payable are reversed, receivables credited.
 * The net/tax split is the credit note's own (`split`, its VAT breakdown) or, without one, the
 * invoice's net/tax proportion. An invoice credited in full with nothing paid is CREDITED;
 * otherwise the status follows the balance (give the invoice as it should be judged, e.g. with a
 * dispute's status already lifted). With `restToCustomerCredit`, a credit larger than the open
 * balance (the invoice was paid) credits the balance and keeps the rest as the customer's
 * on-account credit (`onAccountMinor`, journal line `customer-credit`).
 */
export function creditInvoice(
  invoice: Invoice,
  credit: { readonly amountMinor: number; readonly at: string; readonly note: string; readonly split?: { readonly netMinor: number; readonly taxMinor: number }; readonly restToCustomerCredit?: boolean },
): Transition & { readonly onAccountMinor: number } {
  const { amountMinor, at } = credit;
  const open = isOpen(invoice) ? invoice.balanceMinor : 0;
  const receivableMinor = credit.restToCustomerCredit ? Math.min(amountMinor, open) : amountMinor;
  const onAccountMinor = amountMinor - receivableMinor;
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) throw new InvoiceTransitionError(invoice.invoiceId, `cannot take ${amountMinor} minor units`);
  if (receivableMinor > 0 || !credit.restToCustomerCredit) requireTakes(invoice, receivableMinor, invoice.currency);
  if (credit.split && credit.split.netMinor + credit.split.taxMinor !== amountMinor) {
    throw new InvoiceTransitionError(invoice.invoiceId, `cannot take a credit of ${amountMinor} split into ${credit.split.netMinor} net and ${credit.split.taxMinor} tax`);
  }
  const balanceMinor = invoice.balanceMinor - receivableMinor;
  const status = balanceMinor === 0 && invoice.paidMinor === 0 && receivableMinor > 0 ? 'CREDITED' : undefined;
  const after = withBalance(invoice, { balanceMinor }, at, credit.note, status);
  const net = invoice.netTotalMinor ?? invoice.totalMinor;
  const tax = invoice.taxTotalMinor ?? 0;
  const [netPart, taxPart] = credit.split
    ? [money(credit.split.netMinor, invoice.currency), money(credit.split.taxMinor, invoice.currency)]
    : tax > 0
      ? allocate(money(amountMinor, invoice.currency), [net, tax])
      : [money(amountMinor, invoice.currency), money(0, invoice.currency)];
  return {
    invoice: after,
    onAccountMinor,
    journalLines: [
      { account: 'revenue', side: 'debit', amount: netPart!, reference: invoice.invoiceId },
      { account: 'tax-payable', side: 'debit', amount: taxPart!, reference: invoice.invoiceId },
      ...(receivableMinor > 0 ? [receivablesCredit(invoice, receivableMinor)] : []),
      ...(onAccountMinor > 0 ? [{ account: 'customer-credit' as const, side: 'credit' as const, amount: money(onAccountMinor, invoice.currency), reference: invoice.invoiceId }] : []),
    ],
  };
}

/**
 * Writes off the balance, or part of it, as bad debt. In full the invoice is WRITTEN_OFF; a part
 * leaves the rest open. Journal: bad-debt expense against receivables.
 */
export function writeOffInvoice(invoice: Invoice, writeOff: { readonly amountMinor: number; readonly at: string; readonly note: string }): Transition {
  const { amountMinor, at } = writeOff;
  requireTakes(invoice, amountMinor, invoice.currency);
  const full = amountMinor === invoice.balanceMinor;
  const after = withBalance(invoice, { balanceMinor: invoice.balanceMinor - amountMinor }, at, writeOff.note, full ? 'WRITTEN_OFF' : undefined);
  return {
    invoice: after,
    journalLines: [{ account: 'bad-debt-expense', side: 'debit', amount: money(amountMinor, invoice.currency), reference: invoice.invoiceId }, receivablesCredit(invoice, amountMinor)],
  };
}

/** The identity of the open item that carries an invoice's dunning fees and interest. */
export function chargesIdentity(invoice: Pick<Invoice, 'invoiceId' | 'number'>): { invoiceId: string; number: string; rfReference: string } {
  const number = `${invoice.number}-C`;
  return { invoiceId: `${invoice.invoiceId}-C`, number, rfReference: rfReferenceFor(number) };
}

/** A new, empty charges item for the invoice (balance 0 until charges are added). */
export function newChargesItem(invoice: Invoice, asOf: string, at: string): Invoice {
  const identity = chargesIdentity(invoice);
  return {
    ...(invoice.ownerId !== undefined ? { ownerId: invoice.ownerId } : {}),
    invoiceId: identity.invoiceId,
    number: identity.number,
    series: 'DUNNING-CHARGES',
    sequence: 0,
    rfReference: identity.rfReference,
    orderId: null,
    source: 'dunning-charges',
    chargesOf: invoice.invoiceId,
    customerId: invoice.customerId,
    customerName: invoice.customerName,
    currency: invoice.currency,
    shipmentId: null,
    lines: [],
    totalMinor: 0,
    paidMinor: 0,
    balanceMinor: 0,
    status: 'OPEN',
    issueDate: asOf,
    dueDate: asOf,
    overdueAt: at,
    overdueSince: null,
    issuedAt: at,
    sentAt: null,
    emailMessageId: null,
    allocations: [],
    history: [],
    dunning: { level: 0, blockedUntil: null, history: [] },
  };
}

/**
 * Adds dunning fees (and compensation) and interest to the invoice's charges item: its total and
 * balance rise; the principal is never touched. Journal: receivables (the charges item) against fee
 * and interest income.
 */
export function addCharges(
  charges: Invoice,
  add: { readonly principalInvoiceId: string; readonly feeMinor: number; readonly interestMinor: number; readonly at: string; readonly note: string },
): Transition {
  const { feeMinor, interestMinor, at } = add;
  if (charges.chargesOf === undefined) throw new InvoiceTransitionError(charges.invoiceId, 'is not a charges item: fees and interest are kept apart from the principal');
  if (![feeMinor, interestMinor].every((v) => Number.isSafeInteger(v) && v >= 0)) throw new InvoiceTransitionError(charges.invoiceId, 'cannot take negative charges');
  const chargeMinor = feeMinor + interestMinor;
  const after = withBalance(
    charges,
    { totalMinor: charges.totalMinor + chargeMinor, balanceMinor: charges.balanceMinor + chargeMinor },
    at,
    add.note,
    charges.paidMinor > 0 ? 'PARTIALLY_PAID' : 'OPEN',
  );
  const currency = charges.currency;
  return {
    invoice: after,
    journalLines: [
      { account: 'receivables', side: 'debit', amount: money(chargeMinor, currency), reference: charges.invoiceId },
      { account: 'dunning-fee-income', side: 'credit', amount: money(feeMinor, currency), reference: add.principalInvoiceId },
      { account: 'interest-income', side: 'credit', amount: money(interestMinor, currency), reference: add.principalInvoiceId },
    ],
  };
}

/**
 * A collected payment came back (a SEPA direct debit returned or rejected by the debtor's bank):
 * paid falls and the balance rises by the amount reversed (0 for a reject before settlement: only
 * the history entry), and the status follows (overdue when `overdueSince` is given). Journal:
 * receivables debited against cash, with the return reason.
 */
export function reopenByReturn(invoice: Invoice, reversal: { readonly amountMinor: number; readonly reasonCode: string; readonly overdueSince: string | null; readonly at: string; readonly note: string }): Transition {
  const { amountMinor, reasonCode, at } = reversal;
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) throw new InvoiceTransitionError(invoice.invoiceId, `cannot give back ${amountMinor} minor units`);
  if (amountMinor > invoice.paidMinor) throw new InvoiceTransitionError(invoice.invoiceId, `had ${formatAmount(money(invoice.paidMinor, invoice.currency))} paid, less than the ${formatAmount(money(amountMinor, invoice.currency))} returned`);
  if (invoice.status === 'WRITTEN_OFF' || invoice.status === 'CREDITED') throw new InvoiceTransitionError(invoice.invoiceId, `is ${invoice.status} and is not reopened`);
  const reopened = { ...invoice, overdueSince: reversal.overdueSince ?? invoice.overdueSince, status: invoice.status === 'PAID' ? ('OPEN' as const) : invoice.status };
  const after = withBalance(reopened, { paidMinor: invoice.paidMinor - amountMinor, balanceMinor: invoice.balanceMinor + amountMinor }, at, reversal.note);
  return {
    invoice: after,
    journalLines:
      amountMinor > 0
        ? [
            { account: 'receivables', side: 'debit', amount: money(amountMinor, invoice.currency), reference: invoice.invoiceId, reasonCode },
            { account: 'cash', side: 'credit', amount: money(amountMinor, invoice.currency), reference: invoice.invoiceId, reasonCode },
          ]
        : [],
  };
}
