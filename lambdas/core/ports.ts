/**
 * The ports of the core: what the domain needs from the outside world, as interfaces. Adapters in
 * `lambdas/adapters/` implement them with DynamoDB, SES and Step Functions; tests implement them
 * in memory.
 */
import type { Customer } from './customers/customer';
import type { Order, Shipment, StatusChange } from './orders/order';
import type { Invoice } from './invoices/invoice';
import type { Journal, AccountBalance } from './ledger/ledger';
import type { Payment } from './payments/payment';
import type { ImportEntry, TakenBy } from './invoices/import';
import type { CashPayment, LineApplication, LineResult } from './cash-application/application';
import type { Posting } from './posting/posting';
import type { DomainEvent } from './events/catalogue';
import type { LineCounts, StatementHeader, StatementProgress, StatementRecord, UploadOutcome } from './cash-application/statement-record';

export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque; absent on the last page. */
  readonly cursor?: string;
}

export interface CustomerStore {
  get(customerId: string): Promise<Customer | undefined>;
  /**
   * Stores the customer's master data (its on-account credit is left as it is), only while the
   * stored customer has the same owner (`registeredBy`) or none is stored; false otherwise (another
   * client registered the id meanwhile: read again).
   */
  put(customer: Customer): Promise<boolean>;
}

/**
 * A change of the customer's reserved credit made with an order's transition: `+amount` when
 * finance approves an order over the limit, `-rest` when an approved order is cancelled.
 */
export interface CreditChange {
  readonly customerId: string;
  readonly deltaMinor: number;
  /** The order's own reservation after the change. */
  readonly orderReservedMinor: number;
}

/** What an order's execution waits for when it keeps a task token on the order. */
export type OrderWait = 'credit-decision' | 'shipment' | 'settlement';

export interface OrderStore {
  get(orderId: string): Promise<Order | undefined>;
  /** Stores a new order with the events it reports (in the outbox, one transaction); false when an order with that id exists already. */
  create(order: Order, events?: readonly DomainEvent[]): Promise<boolean>;
  /** Removes a RECEIVED order whose lifecycle could not be started, and its not yet published `OrderPlaced` event; false when it moved on. */
  discard(orderId: string): Promise<boolean>;
  /**
   * Records a shipment (one more pending shipment) if the order is still at `expectedVersion` and in
   * one of `expectedStatuses`; false otherwise (re-read and decide again).
   */
  addShipment(orderId: string, shipment: Shipment, expectedStatuses: readonly string[], expectedVersion: number, events?: readonly DomainEvent[]): Promise<boolean>;
  /**
   * Moves the order to `status` with a history entry, when it is in one of `from`; false otherwise.
   * With `wait`, keeps the task token of the step that now waits; with `requireNoPendingShipments`,
   * only while no reported shipment waits to be invoiced; with `requireNoShipments`, only before
   * anything shipped.
   */
  transition(
    orderId: string,
    from: readonly string[],
    change: StatusChange & { status: Order['status'] },
    extra?: { wait?: { taskToken: string; waitingFor: OrderWait }; requireNoShipments?: boolean; requireNoPendingShipments?: boolean; credit?: CreditChange; events?: readonly DomainEvent[] },
  ): Promise<boolean>;
  /**
   * Reserves `amountMinor` of the customer's credit for a RECEIVED order that has none reserved:
   * adds it to the customer's reserved total in one transaction with the order, only if that total
   * is at most `maxReservedBefore` (what leaves the customer within its limit with this order), so
   * concurrent orders can never together pass the limit. `over-limit`: the other reservations leave
   * no room; `not-received`: the order moved on or reserved already (a repeated step).
   */
  reserveCredit(orderId: string, customerId: string, amountMinor: number, maxReservedBefore: number, events?: readonly DomainEvent[]): Promise<'reserved' | 'over-limit' | 'not-received'>;
  /** The task token of the step the order's execution waits in, if it waits for `waitingFor`. */
  taskToken(orderId: string, waitingFor: OrderWait): Promise<string | undefined>;
  /** Keeps the token of a step that waits while the order stays in `status`; false when it moved on. */
  waitInStatus(orderId: string, status: Order['status'], wait: { taskToken: string; waitingFor: OrderWait }): Promise<boolean>;
  /** Keeps the token of the step that waits for the order's invoices to be settled; false when none is open. */
  waitForSettlement(orderId: string, taskToken: string): Promise<boolean>;
  /**
   * Counts one of the order's invoices as settled (once per invoice). Returns how many are still
   * open and the settlement token if the execution waits for it; `undefined` when already counted.
   */
  recordInvoiceSettled(orderId: string, invoiceId: string): Promise<{ openInvoiceCount: number; settlementToken: string | undefined } | undefined>;
  /** Sum of totals of the customer's orders in `currency` accepted and not yet invoiced. */
  uninvoicedTotal(customerId: string, currency: string): Promise<number>;
}

export interface InvoiceStore {
  get(invoiceId: string): Promise<Invoice | undefined>;
  getByNumber(number: string): Promise<Invoice | undefined>;
  getByRfReference(rfReference: string): Promise<Invoice | undefined>;
  /** With `dueOnOrBefore`, only invoices due on or before that date (read through the index's sort key). */
  listByCustomer(customerId: string, limit: number, cursor?: string, dueOnOrBefore?: string): Promise<Page<Invoice>>;
  listByStatus(status: string, limit: number, cursor?: string, dueOnOrBefore?: string): Promise<Page<Invoice>>;
  /**
   * The invoices of one owner (a storefront: see `access/caller.ts`), by due date, from the
   * `byOwner` index; optionally only due on or before a date (key condition) and in one status (a
   * filter: a page may hold fewer than `limit`, the cursor goes on).
   */
  listByOwner(ownerId: string, limit: number, cursor?: string, only?: { dueOnOrBefore?: string | undefined; status?: string | undefined }): Promise<Page<Invoice>>;
  /** Every invoice of the customer (for balances); bounded by the customer's own items. */
  allOfCustomer(customerId: string): Promise<Invoice[]>;
  /**
   * Issues an invoice atomically: takes the next number of its series (gapless: fails with
   * {@link SequenceTakenError} when another writer took it first), stores the invoice, links it
   * to its order and posts the journal. When the invoice id exists already nothing is written and
   * the stored invoice is returned.
   */
  issue(
    invoice: Invoice,
    journal: Journal,
    order: { orderId: string; shipmentIndex: number; shipmentId: string; change: StatusChange & { status: Order['status'] }; releaseCredit?: { customerId: string; amountMinor: number } },
    /** The events the issue reports, written to the outbox in the same transaction. */
    events?: readonly DomainEvent[],
  ): Promise<{ invoice: Invoice; created: boolean }>;
  /** The last number taken in a series (0 when none). */
  lastSequence(series: string): Promise<number>;
  /** Stores the payment task token while the invoice is unpaid; false when it is already settled. */
  setPaymentTaskToken(invoiceId: string, token: string): Promise<boolean>;
  paymentTaskToken(invoiceId: string): Promise<string | undefined>;
  /** The payment task tokens of several invoices in one batch read (invoices without one are left out). */
  paymentTaskTokens(invoiceIds: readonly string[]): Promise<Map<string, string>>;
  markSent(invoiceId: string, messageId: string, at: string, events?: readonly DomainEvent[]): Promise<void>;
}

export class SequenceTakenError extends Error {
  constructor(series: string, sequence: number) {
    super(`Invoice number ${sequence} of series ${series} was taken concurrently`);
    this.name = 'SequenceTakenError';
  }
}

export class ConcurrentUpdateError extends Error {
  constructor(what: string) {
    super(`${what} changed concurrently`);
    this.name = 'ConcurrentUpdateError';
  }
}

/** The posting's new payment exists already (recorded before under the same id): nothing was written. */
export class PaymentExistsError extends Error {
  constructor(readonly paymentId: string) {
    super(`Payment ${paymentId} was recorded before`);
    this.name = 'PaymentExistsError';
  }
}

export interface PaymentStore {
  get(paymentId: string): Promise<Payment | undefined>;
}

/**
 * The one writer of money: writes a {@link Posting} all or nothing (see `posting/posting.ts` for
 * what it holds and the conditions of each part).
 *
 * @throws ConcurrentUpdateError when an invoice or the payment changed since it was read (read
 *   again, decide again).
 * @throws LineAlreadyRecordedError when the posting's statement line was recorded before.
 * @throws PaymentExistsError when the posting records a new payment whose id exists already.
 * @throws PostingWrittenBeforeError when one of its journals exists already (an earlier attempt wrote it).
 * @throws PostingTooLargeError when it needs more than one transaction may hold (nothing is sent).
 */
export interface PostingWriter {
  post(posting: Posting): Promise<void>;
  /**
   * Independent postings written together, all or nothing, in one transaction: `true` when all
   * were written; `false` (nothing written) when together they do not fit one transaction or any
   * condition of any of them failed, and the caller posts them one by one ({@link post} says which
   * and why). Throws what {@link post} throws for anything else.
   */
  postTogether(postings: readonly Posting[]): Promise<boolean>;
}

export interface LedgerReader {
  /** Debits and credits of every account per currency, summed over every journal line. */
  accountTotals(): Promise<{ balances: AccountBalance[]; unbalancedJournals: string[] }>;
  /** Sum of the open balances of all invoices, per currency. */
  openItemsTotal(): Promise<Record<string, number>>;
}

export interface Workflow {
  startOrderLifecycle(executionName: string, input: Record<string, unknown>): Promise<{ executionArn: string; alreadyStarted: boolean }>;
  /** Resumes a waiting step; false when the token is no longer valid (the step ended already). */
  resume(taskToken: string, output: Record<string, unknown>): Promise<boolean>;
  /** Fails a waiting step with a business error the state machine catches; false when stale. */
  fail(taskToken: string, error: string, cause: string): Promise<boolean>;
}

export interface EmailAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly content: Uint8Array;
}

export interface OutgoingEmail {
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /** Files sent with the email (the invoice PDF). */
  readonly attachments?: readonly EmailAttachment[];
}

export interface Mailer {
  /** Sends the email and returns the provider's message id. */
  send(email: OutgoingEmail): Promise<string>;
}

/** Customers known to pay from an account or under a name (normalized keys -> customer ids). */
export interface KnownPayers {
  readonly accounts: ReadonlyMap<string, readonly string[]>;
  readonly names: ReadonlyMap<string, readonly string[]>;
}

/**
 * What cash application reads to match a batch of statement lines: only the invoices the lines can
 * concern (see `cash-application/lookups.ts`), never the whole invoice table. Invoices come in
 * their current state (read consistently), fit for a conditional write.
 */
export interface OpenItemReader {
  /** Invoices carrying these RF creditor references (electronic form). */
  invoicesByRfReference(references: readonly string[]): Promise<Invoice[]>;
  /** Invoices with these numbers (exactly as printed). */
  invoicesByNumber(numbers: readonly string[]): Promise<Invoice[]>;
  /** Every invoice of these customers that still has a balance. */
  openInvoicesOfCustomers(customerIds: readonly string[]): Promise<Invoice[]>;
  invoicesById(invoiceIds: readonly string[]): Promise<Invoice[]>;
  /** The customers known to pay from these normalized accounts and under these normalized names. */
  knownPayers(accounts: readonly string[], names: readonly string[]): Promise<KnownPayers>;
}

/** The line was recorded already (by an earlier or a concurrent upload): nothing was written. */
export class LineAlreadyRecordedError extends Error {
  constructor(readonly lineKey: string) {
    super(`Statement line ${lineKey} was recorded already`);
    this.name = 'LineAlreadyRecordedError';
  }
}

/** Uploaded bank statements, the outcome of each line, and the identity that applies each line once. */
export interface StatementStore {
  /**
   * Starts processing an upload: stores a new statement (`created`), or marks a known one as
   * processing again with its progress reset and one more upload counted.
   */
  begin(statement: StatementRecord, options?: { readonly unlessProcessing?: boolean }): Promise<{ statement: StatementRecord; created: boolean; alreadyProcessing?: boolean }>;
  /** Notes what the file is once it was read (format, accounts, lines to apply). */
  describe(statementId: string, header: StatementHeader): Promise<void>;
  get(statementId: string): Promise<StatementRecord | undefined>;
  /** The statement's line results in file order. */
  lineResults(statementId: string, limit: number, cursor?: string): Promise<Page<LineResult>>;
  /** The lines recorded before, by line key (the identity of {@link LineApplication.result}). */
  recordedLines(lineKeys: readonly string[]): Promise<Map<string, LineResult>>;
  /** Shows in `statementId` a line another statement recorded before (moves no money). */
  reportLine(statementId: string, result: LineResult): Promise<void>;
  /** The outcomes shown at these places (line sequences) of a statement, by sequence. */
  resultsAt(statementId: string, sequences: readonly number[]): Promise<Map<number, LineResult>>;
  /**
   * Records `lineKey` as one more identity of a line recorded before (read differently since a
   * reader changed), unless that key is recorded already: moves no money.
   */
  recordAlias(lineKey: string, result: LineResult): Promise<void>;
  /** Saves the progress, with the events it reports (a statement processed) in the same transaction (the outbox). */
  progress(statementId: string, progress: StatementProgress, events?: readonly DomainEvent[]): Promise<void>;
  /**
   * Adds what one chunk of lines of the `run`-th upload did to the statement's progress, once: the
   * chunk is named by `chunk.id` (its first line), and a chunk counted before (a step retried after a
   * crash) or of a run another upload replaced adds nothing (`counted: false`). Chunks of one run
   * may be counted in any order and at the same time (the state machine applies them in parallel).
   * Answers the statement as it is after.
   */
  chunkApplied(statementId: string, run: number, chunk: ChunkOutcome): Promise<{ counted: boolean; statement: StatementRecord | undefined }>;
  /**
   * Marks the `run`-th upload `completed` when every credit line is counted (processed = total); false
   * when not (yet), or completed already. The events (its StatementProcessed) are written in the same
   * transaction, so they are published once; `returns` are the direct debit returns it recorded.
   */
  completeWhenAllCounted(statementId: string, run: number, at: string, extras?: { readonly events?: readonly DomainEvent[]; readonly returns?: StatementProgress['returns'] }): Promise<boolean>;
}

/** What one chunk of a statement's lines did, as {@link StatementStore.chunkApplied} adds it. */
export interface ChunkOutcome {
  readonly id: string;
  readonly lines: number;
  readonly counts: LineCounts;
  readonly lastUpload: UploadOutcome;
  readonly at: string;
}

/**
 * Files handed in for processing (the Uploads bucket): bodies kept for a state machine, files the
 * client PUT through a presigned URL.
 */
export interface HandedInFiles {
  put(key: string, content: string, contentType: string): Promise<void>;
  /** The file's text, or undefined when nothing is stored under the key. @throws FileTooLargeError above `maxBytes`. */
  read(key: string, maxBytes: number): Promise<string | undefined>;
  /** A presigned PUT URL for exactly `contentLength` bytes under `key`, valid `expiresInSeconds`. */
  uploadUrl(key: string, contentLength: number, expiresInSeconds: number): Promise<string>;
}

export class FileTooLargeError extends Error {
  constructor(
    readonly key: string,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`${key} has ${bytes} bytes, more than the ${maxBytes} allowed`);
    this.name = 'FileTooLargeError';
  }
}

/** Starts the execution that processes a statement or an import. */
export interface ProcessingStarter {
  /**
   * Starts `name` with `input`; `started` also when it runs already with the same input, `exists`
   * when an execution of that name ended before (or runs with another input).
   */
  start(name: string, input: Record<string, unknown>): Promise<'started' | 'exists'>;
}

/** Payments with money not yet applied: finance's worklist. */
export interface UnappliedPaymentStore {
  get(paymentId: string): Promise<CashPayment | undefined>;
  /** Payments with an unapplied amount, oldest received first. */
  listUnapplied(limit: number, cursor?: string): Promise<Page<CashPayment>>;
}

/** One bulk import of open items (`POST /invoices/import`), as the Imports table keeps it. */
export interface ImportRecord {
  /** A hash of the imported items: the same call sent again is the same import. */
  readonly importId: string;
  /**
   * PENDING while an attempt writes it (or, after a failure, removes it again); COMPLETED once
   * every item is written; ROLLED_BACK when nothing of it is left.
   */
  readonly state: 'PENDING' | 'COMPLETED' | 'ROLLED_BACK';
  /** The attempt that holds the import; every write of the import checks it still does. */
  readonly attemptId: string;
  /** Until then the attempt holds the import; afterwards a retry of the same call may take it over. */
  readonly leaseUntil: string;
  readonly itemCount: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Why it was rolled back (or could not be). */
  readonly reason: string | null;
  /** When every item's reservation was in place (a retry then goes on with the writes). */
  readonly reservedAt?: string | null;
}

/** A number or RF reference of an item that another import holds already. */
export interface ImportConflict {
  /** The item's place in the request. */
  readonly index: number;
  /** `number` when the other import has the same number, `rfReference` when another number with the same reference. */
  readonly key: 'number' | 'rfReference';
  readonly heldBy: TakenBy;
}

/**
 * Writes an import all or nothing, beyond the 100 items of one DynamoDB transaction: the import's
 * numbers and RF references are first reserved (uniqueness items only imports see), then the
 * invoices are written with their journals in transactional chunks, none of them once the
 * attempt's lease is (nearly) over ({@link ImportLeaseLostError}), and {@link rollBack} removes
 * whatever the import wrote. The record's own state changes are conditional on the attempt.
 */
export interface InvoiceImportStore {
  getImport(importId: string): Promise<ImportRecord | undefined>;
  /** The customers with these ids that exist. */
  findCustomers(customerIds: readonly string[]): Promise<Map<string, Customer>>;
  /** The invoices that carry these numbers (byNumber index) or RF references (byRfReference index) already. */
  findTaken(numbers: readonly string[], rfReferences: readonly string[]): Promise<{ numbers: Map<string, TakenBy[]>; rfReferences: Map<string, TakenBy[]> }>;
  /**
   * Claims the import for `record.attemptId`: creates the record, or replaces the one that was read
   * (`replacing`, a rolled-back import or one whose lease ran out). False when another attempt came first.
   */
  claim(record: ImportRecord, replacing?: Pick<ImportRecord, 'attemptId' | 'state'>): Promise<boolean>;
  /**
   * Reserves every item's RF reference for the import (keeping those it holds already); one number
   * has one reference, so the numbers are reserved with them. Returns the items whose number or
   * reference another import holds; what was reserved stays until {@link rollBack}. Without
   * conflicts, records `reservedAt` on the import.
   */
  reserve(record: Pick<ImportRecord, 'importId' | 'attemptId' | 'leaseUntil'>, keys: readonly { index: number; number: string; rfReference: string; invoiceId: string }[]): Promise<ImportConflict[]>;
  /** Writes each invoice with its journal; when `resuming`, skips the invoices this import wrote before. */
  write(
    record: Pick<ImportRecord, 'importId' | 'attemptId' | 'leaseUntil'>,
    entries: readonly ImportEntry[],
    /** `onWritten`: told how many invoices each write added (and, when resuming, how many were there already). */
    options: { resuming: boolean; onWritten?: (invoices: number) => void },
  ): Promise<void>;
  complete(record: Pick<ImportRecord, 'importId' | 'attemptId' | 'leaseUntil'>, at: string): Promise<void>;
  /**
   * Removes the invoices, journals and reservations the import wrote, and marks it ROLLED_BACK. An
   * invoice changed since it was written (a payment came in) is left with its reservations and
   * named in `leftBehind`; the import then stays PENDING, for a retry of the call to finish it.
   */
  rollBack(record: Pick<ImportRecord, 'importId' | 'attemptId' | 'leaseUntil'>, entries: readonly ImportEntry[], reason: string, at: string): Promise<{ leftBehind: string[] }>;
}

/** The attempt's lease on the import is (nearly) over, or another attempt took it over: this one must stop writing. */
export class ImportLeaseLostError extends Error {
  constructor(importId: string) {
    super(`Import ${importId} is held by another attempt now`);
    this.name = 'ImportLeaseLostError';
  }
}
