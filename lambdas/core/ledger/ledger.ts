/**
 * Double-entry bookkeeping. Every money event posts a journal whose debits equal its credits, in
 * the same transaction as the business change it records.
 */
import type { Money } from '../money/money';

export type Account = 'receivables' | 'revenue' | 'cash' | 'unapplied-cash' | 'customer-credit' | 'tax-payable' | 'opening-balance' | 'write-off' | DunningAccount | CardAccount | 'refunds-in-transit';

/** The payment provider's fees (an expense, booked apart from the payment it was taken from). */
export type CardAccount = 'payment-provider-fees';

/** Accounts of dunning: fees and compensation, statutory interest, and invoices written off as bad debt. */
export type DunningAccount = 'dunning-fee-income' | 'interest-income' | 'bad-debt-expense';

export interface JournalLine {
  readonly account: Account;
  readonly side: 'debit' | 'credit';
  readonly amount: Money;
  /** The open item or payment the line concerns. */
  readonly reference: string;
  /** Why the money moved where a rule decided it (the reason code of a short-pay write-off). */
  readonly reasonCode?: string;
}

export interface Journal {
  readonly journalId: string;
  readonly event: 'InvoiceIssued' | 'PaymentReceived' | 'OpeningBalanceImported' | 'StatementLineApplied' | 'UnappliedPaymentApplied' | DunningJournalEvent | CardJournalEvent | 'DirectDebitReturned' | 'CreditApplied' | 'RefundSent' | 'RefundConfirmed' | 'RefundReversed';
  readonly postedAt: string;
  readonly currency: string;
  readonly lines: readonly JournalLine[];
  /** The journal's own date when it fell in a closed period and was booked at the start of the next open one (`ledger/periods.ts`). */
  readonly originalPostedAt?: string;
}

/** Money events of dunning: fees and interest charged, a dispute credited, an invoice written off. */
export type DunningJournalEvent = 'DunningChargesPosted' | 'CreditNoteIssued' | 'InvoiceWrittenOff';

/** Money events of card payments: the provider's fee, and a payment the provider took back (refund, chargeback). */
export type CardJournalEvent = 'ProviderFeeCharged' | 'PaymentReversed';

export class UnbalancedJournalError extends Error {
  constructor(journalId: string, debits: number, credits: number) {
    super(`Journal ${journalId} is unbalanced: debits ${debits} != credits ${credits}`);
    this.name = 'UnbalancedJournalError';
  }
}

/** Builds a journal and refuses it unless its debits equal its credits in one currency. */
export function journal(journalId: string, event: Journal['event'], postedAt: string, lines: readonly JournalLine[]): Journal {
  const nonZero = lines.filter((l) => l.amount.minor !== 0);
  const currency = nonZero[0]?.amount.currency ?? lines[0]?.amount.currency;
  if (!currency) throw new UnbalancedJournalError(journalId, 0, 0);
  if (nonZero.some((l) => l.amount.currency !== currency || l.amount.minor < 0)) {
    throw new Error(`Journal ${journalId} mixes currencies or has negative lines`);
  }
  const debits = nonZero.filter((l) => l.side === 'debit').reduce((a, l) => a + l.amount.minor, 0);
  const credits = nonZero.filter((l) => l.side === 'credit').reduce((a, l) => a + l.amount.minor, 0);
  if (debits !== credits) throw new UnbalancedJournalError(journalId, debits, credits);
  return { journalId, event, postedAt, currency, lines: nonZero };
}

export interface AccountBalance {
  readonly account: Account;
  readonly currency: string;
  readonly debitMinor: number;
  readonly creditMinor: number;
}

export interface LedgerCheckResult {
  readonly balanced: boolean;
  /** Per currency, decimal strings. */
  readonly debits: Record<string, string>;
  readonly credits: Record<string, string>;
  readonly receivablesControl: Record<string, string>;
  readonly openItemsTotal: Record<string, string>;
  readonly problems: string[];
}
