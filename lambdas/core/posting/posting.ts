/**
 * A posting: everything one money event changes, as one value, written all or nothing by the one
 * posting writer (the `PostingWriter` port). Every path that moves money builds one: an online
 * payment, a statement line, a manual application, a credit, a write-off, dunning charges.
 *
 * - `invoices`: each invoice (or charges item) before and after its transitions
 *   (`invoices/transitions.ts`); `before: null` creates the item. Written only if the stored item
 *   still has the balance, status and dunning version that were read.
 * - `journals`: the balanced journals, each written once (a journal that exists already means the
 *   posting was written before).
 * - `payment`: the payment recorded (`before: null`) or updated (only if its unapplied amount is
 *   still the one read).
 * - `customerCredit`, `payer`: on-account credit added to (or, negative, taken from: only while the
 *   customer has that much) the customer, payer account and name
 *   remembered for the matcher.
 * - `statementLine`: the statement line's identity (written only once) and its outcome.
 * - `collectionsWorklist`: the invoice added to or removed from the collectors' worklist.
 * - `directDebit`: a SEPA collection file created or changed, and the mandates whose sequence or
 *   status the event moves (each written only if it is still as read).
 *
 * The domain events the posting reports (`events/events.ts`, {@link postingEvents}) go into the
 * outbox in the same transaction.
 *
 * One DynamoDB transaction holds at most {@link TRANSACTION_LIMITS}; {@link postingItemCount}
 * counts what a posting needs, so a use case can split or refuse it before writing.
 */
import type { CashPayment, LineResult, PayerToRemember } from '../cash-application/application';
import type { Invoice } from '../invoices/invoice';
import type { Journal } from '../ledger/ledger';
import type { CreditNote } from '../invoices/credit-note';
import { postingEvents } from '../events/events';
import type { CollectionFile } from '../sepa/collection';
import type { Mandate } from '../sepa/mandate';
import type { Refund } from '../sepa/refunds';

export interface InvoiceChange {
  readonly before: Invoice | null;
  readonly after: Invoice;
}

export interface Posting {
  /** What the posting records, for messages: `payment P-1`, `statement line TX-1`. */
  readonly description: string;
  readonly invoices: readonly InvoiceChange[];
  readonly journals: readonly Journal[];
  readonly payment?: { readonly before: CashPayment | null; readonly after: CashPayment };
  readonly customerCredit?: { readonly customerId: string; readonly amountMinor: number };
  readonly payer?: PayerToRemember;
  readonly statementLine?: { readonly statementId: string; readonly result: LineResult };
  readonly collectionsWorklist?: { readonly invoiceId: string; readonly customerId: string; readonly action: 'add' | 'remove'; readonly at: string };
  /** A credit note issued with the posting: stored once, its number taken from its gapless series. */
  readonly creditNote?: CreditNote;
  /**
   * The API client that registered the customer of a posting that changes none of its invoices (a
   * refund): scopes the posting's events to it. Absent: taken from the invoices.
   */
  readonly customerOwnerId?: string | null;
  readonly directDebit?: {
    readonly file?: { readonly before: CollectionFile | null; readonly after: CollectionFile };
    readonly mandates?: readonly { readonly before: Mandate; readonly after: Mandate }[];
    /** A refund of on-account credit by SEPA credit transfer, created or moved on (sent, confirmed, reversed). */
    readonly refund?: { readonly before: Refund | null; readonly after: Refund };
  };
}

/** What one DynamoDB transaction may hold. */
export const TRANSACTION_LIMITS = { items: 100, bytes: 4 * 1024 * 1024 } as const;

/**
 * The transaction items a posting needs: one per invoice, journal line, payment, statement line
 * (identity and outcome), customer update, payer key, worklist entry and domain event (outbox), and
 * with journals the check that the closed periods are still those read (`ledger/periods.ts`).
 */
export function postingItemCount(posting: Posting): number {
  const payer = posting.payer;
  const customerUpdate = (posting.customerCredit?.amountMinor ?? 0) !== 0 || (payer && (payer.account || payer.name)) ? 1 : 0;
  const payerKeys = payer ? (payer.account ? 1 : 0) + (payer.name ? 1 : 0) : 0;
  return (
    posting.invoices.length +
    posting.journals.reduce((n, j) => n + j.lines.length, 0) +
    (posting.journals.length > 0 ? 1 : 0) +
    (posting.payment ? 1 : 0) +
    (posting.statementLine ? 2 : 0) +
    customerUpdate +
    payerKeys +
    (posting.collectionsWorklist ? 1 : 0) +
    (posting.creditNote ? 2 : 0) +
    postingEvents(posting).length +
    (posting.directDebit?.file ? 1 : 0) +
    (posting.directDebit?.mandates?.length ?? 0) +
    (posting.directDebit?.refund ? 1 : 0)
  );
}

/** Every invoice the posting settles (balance 0 now, and not before): their waiting executions resume. */
export function settledBy(posting: Pick<Posting, 'invoices'>): Invoice[] {
  return posting.invoices.filter((c) => c.after.balanceMinor === 0 && (c.before === null || c.before.balanceMinor > 0) && c.after.chargesOf === undefined).map((c) => c.after);
}

/** The posting needs more than one transaction may hold. */
export class PostingTooLargeError extends Error {
  constructor(
    readonly description: string,
    readonly items: number,
    readonly limit: number,
  ) {
    super(`${description} needs ${items} writes, more than the ${limit} one transaction may hold`);
    this.name = 'PostingTooLargeError';
  }
}

/** A journal of the posting exists already: the posting was written before (by an earlier attempt), nothing was written now. */
export class PostingWrittenBeforeError extends Error {
  constructor(readonly description: string) {
    super(`${description} was written before`);
    this.name = 'PostingWrittenBeforeError';
  }
}
