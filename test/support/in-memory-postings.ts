/**
 * The posting writer in memory, faithful to the DynamoDB one (`posting-writer.ts` and the invoice
 * mapper): one posting is all or nothing, every condition is checked before anything is written.
 *
 * - the statement line's identity must not exist (else `LineAlreadyRecordedError`);
 * - a new payment must not exist (else `PaymentExistsError`); an updated one must still have the unapplied amount read;
 * - each invoice must still have the balance, status and dunning version read (else
 *   `ConcurrentUpdateError`), a new one must not exist;
 * - a journal that exists makes the posting `PostingWrittenBeforeError` (unless something else
 *   changed, which is a conflict);
 * - customers credited or remembered must exist.
 *
 * Invoices are written as the mapper writes them: only the attributes the change touched, entries
 * appended to `history` and `allocations`, dropped attributes removed.
 */
import type { CashPayment, LineResult, PayerToRemember } from '../../lambdas/core/cash-application/application';
import type { Customer } from '../../lambdas/core/customers/customer';
import type { Invoice } from '../../lambdas/core/invoices/invoice';
import type { Journal } from '../../lambdas/core/ledger/ledger';
import { PostingTooLargeError, PostingWrittenBeforeError, postingItemCount, TRANSACTION_LIMITS, type InvoiceChange, type Posting } from '../../lambdas/core/posting/posting';
import { ConcurrentUpdateError, LineAlreadyRecordedError, PaymentExistsError, SequenceTakenError, type PostingWriter } from '../../lambdas/core/ports';
import type { CreditNote } from '../../lambdas/core/invoices/credit-note';

const copy = <T>(value: T): T => structuredClone(value);

/** What a posting writes to, in memory; the parts a world does not have are absent. */
export interface PostingStorage {
  readonly invoices: Map<string, Invoice>;
  readonly payments?: Map<string, CashPayment>;
  readonly customers?: Map<string, Customer>;
  readonly statementLines?: Map<string, LineResult>;
  /** The outcome of each line shown in a statement. */
  lineResults?(statementId: string): Map<number, LineResult>;
  remember?(payer: PayerToRemember): void;
  readonly worklist?: Set<string>;
  /** Credit notes by id, and the last number of each series (shared with the invoice numbers' counters). */
  readonly creditNotes?: Map<string, CreditNote>;
  readonly counters?: Map<string, number>;
  hasJournal(journalId: string): boolean;
  post(journal: Journal): void;
  /** Awaited before every posting (latency of a remote database). */
  tick?(): Promise<void>;
  /** Counts refusals for a concurrent change. */
  onConflict?(): void;
}

/** Refused for a reason the port does not name (a bug in the caller). */
export class PostingRefusedError extends Error {
  constructor(what: string, reason: string) {
    super(`${what} was refused: ${reason}`);
    this.name = 'PostingRefusedError';
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The stored invoice after a change, as the mapper's update leaves it. */
export function writeInvoiceChange(stored: Invoice, change: InvoiceChange): Invoice {
  const before = (change.before ?? {}) as unknown as Record<string, unknown>;
  const after = change.after as unknown as Record<string, unknown>;
  const next = { ...(stored as unknown as Record<string, unknown>) };
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const [was, is] = [before[key], after[key]];
    if (key === 'invoiceId' || same(was, is)) continue;
    if (is === undefined) delete next[key];
    else if ((key === 'history' || key === 'allocations') && Array.isArray(was) && Array.isArray(is) && is.length > was.length && same(was, is.slice(0, was.length))) {
      next[key] = [...((next[key] as unknown[]) ?? []), ...copy(is.slice(was.length))];
    } else next[key] = copy(is);
  }
  return next as unknown as Invoice;
}

export class InMemoryPostingWriter implements PostingWriter {
  private readonly interleaved: ((posting: Posting) => void | Promise<void>)[] = [];
  /** Postings written so far. */
  readonly written: Posting[] = [];
  /** Fails the next posting that changes this invoice with a conflict, once per entry (to prove retries). */
  readonly conflictOnce = new Set<string>();

  constructor(private readonly s: PostingStorage) {}

  /**
   * Plays another writer (or a crash): `write` runs at the start of the next `post`, before its
   * conditions are checked; if it throws, nothing is written and the error propagates.
   */
  beforeNextPost(write: (posting: Posting) => void | Promise<void>): void {
    this.interleaved.push(write);
  }

  async post(posting: Posting): Promise<void> {
    if (this.s.tick) await this.s.tick();
    else await Promise.resolve();
    const other = this.interleaved.shift();
    if (other) await other(posting);
    this.check(posting);
    this.write(posting);
  }

  /** Counted for the tests: packs written together, and packs refused (then posted one by one by the caller). */
  readonly packs = { written: 0, refused: 0 };

  async postTogether(postings: readonly Posting[]): Promise<boolean> {
    if (postings.length === 0) return true;
    if (this.s.tick) await this.s.tick();
    else await Promise.resolve();
    const other = this.interleaved.shift();
    if (other) await other(postings[0]!);
    const items = postings.reduce((n, p) => n + postingItemCount(p), 0);
    const invoices = postings.flatMap((p) => p.invoices.map((c) => c.after.invoiceId));
    const customers = postings.flatMap((p) => [...new Set([p.customerCredit?.customerId, p.payer?.customerId].filter((c) => c !== undefined))]);
    const refuse = items > TRANSACTION_LIMITS.items || new Set(invoices).size !== invoices.length || new Set(customers).size !== customers.length;
    try {
      if (refuse) throw new PostingRefusedError('a pack of postings', 'does not fit one transaction');
      for (const posting of postings) this.check(posting);
    } catch (error) {
      if (error instanceof Error && !(error instanceof PostingTooLargeError)) {
        this.packs.refused += 1;
        return false;
      }
      throw error;
    }
    for (const posting of postings) this.write(posting);
    this.packs.written += 1;
    return true;
  }

  /** Every condition of a posting (throws as the DynamoDB writer does); writes nothing. */
  private check(posting: Posting): void {
    const what = posting.description;
    const count = postingItemCount(posting);
    if (count > TRANSACTION_LIMITS.items) throw new PostingTooLargeError(what, count, TRANSACTION_LIMITS.items);
    const ids = posting.invoices.map((c) => c.after.invoiceId);
    if (new Set(ids).size !== ids.length) throw new PostingRefusedError(what, 'a transaction cannot include multiple operations on one item');

    // Every condition first.
    const line = posting.statementLine;
    if (line && this.storage('statementLines').has(line.result.lineKey)) throw new LineAlreadyRecordedError(line.result.lineKey);
    const conflict = () => {
      this.s.onConflict?.();
      return new ConcurrentUpdateError(`An invoice or the payment of ${what}`);
    };
    for (const id of ids) if (this.conflictOnce.delete(id)) throw conflict();
    if (posting.payment) {
      const { before, after } = posting.payment;
      const current = this.storage('payments').get(after.paymentId);
      if (before === null && current) throw new PaymentExistsError(after.paymentId);
      if (before !== null && (!current || current.unappliedMinor !== before.unappliedMinor)) throw conflict();
    }
    for (const { before, after } of posting.invoices) {
      const current = this.s.invoices.get(after.invoiceId);
      if (before === null) {
        if (current) throw conflict();
        continue;
      }
      if (!current || current.balanceMinor !== before.balanceMinor || current.status !== before.status || (current.dunning?.version ?? 0) !== (before.dunning?.version ?? 0)) throw conflict();
    }
    const note = posting.creditNote;
    if (note) {
      if (this.storage('creditNotes').has(note.creditNoteId)) throw new PostingWrittenBeforeError(what);
      if ((this.storage('counters').get(note.series) ?? 0) !== note.sequence - 1) throw new SequenceTakenError(note.series, note.sequence);
    }
    if (posting.journals.some((j) => this.s.hasJournal(j.journalId))) throw new PostingWrittenBeforeError(what);
    for (const customerId of [posting.customerCredit?.customerId, posting.payer?.customerId]) {
      if (customerId !== undefined && !this.storage('customers').has(customerId)) throw new PostingRefusedError(what, `customer ${customerId} does not exist`);
    }
    // Credit is only taken while it is there (as the DynamoDB writer's condition).
    if (posting.customerCredit && posting.customerCredit.amountMinor < 0 && this.storage('customers').get(posting.customerCredit.customerId)!.onAccountCreditMinor < -posting.customerCredit.amountMinor) throw conflict();

  }

  /** Every write of a posting whose conditions hold. */
  private write(posting: Posting): void {
    const line = posting.statementLine;
    const note = posting.creditNote;
    if (line) {
      this.storage('statementLines').set(line.result.lineKey, copy(line.result));
      this.s.lineResults!(line.statementId).set(line.result.sequence, copy(line.result));
    }
    if (posting.payment) this.storage('payments').set(posting.payment.after.paymentId, copy(posting.payment.after));
    for (const change of posting.invoices) {
      const current = this.s.invoices.get(change.after.invoiceId);
      this.s.invoices.set(change.after.invoiceId, current ? writeInvoiceChange(current, change) : copy(change.after));
    }
    if (posting.customerCredit && posting.customerCredit.amountMinor !== 0) {
      const customer = this.storage('customers').get(posting.customerCredit.customerId)!;
      this.storage('customers').set(customer.customerId, { ...customer, onAccountCreditMinor: customer.onAccountCreditMinor + posting.customerCredit.amountMinor });
    }
    if (posting.payer) this.s.remember!(posting.payer);
    if (note) {
      this.storage('creditNotes').set(note.creditNoteId, copy(note));
      this.storage('counters').set(note.series, note.sequence);
    }
    for (const journal of posting.journals) this.s.post(journal);
    const worklist = posting.collectionsWorklist;
    if (worklist && this.s.worklist) {
      if (worklist.action === 'add') this.s.worklist.add(worklist.invoiceId);
      else this.s.worklist.delete(worklist.invoiceId);
    }
    this.written.push(copy(posting));
  }

  private storage<K extends 'payments' | 'customers' | 'statementLines' | 'creditNotes' | 'counters'>(key: K): NonNullable<PostingStorage[K]> {
    const value = this.s[key];
    if (!value) throw new PostingRefusedError('A posting', `this in-memory world has no ${key} table`);
    return value as NonNullable<PostingStorage[K]>;
  }
}
