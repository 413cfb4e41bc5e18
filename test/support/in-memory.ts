/**
 * In-memory implementations of every port in `lambdas/core/ports.ts`, faithful to the documented
 * semantics (and to the conditions the DynamoDB adapters put on their writes), so that domain
 * tests exercise the same rules the deployed product relies on:
 *
 * - every read returns a copy, as a read from a table would;
 * - every conditional write checks all its conditions before it writes anything (one transaction);
 * - the invoice series are gapless: `issue` refuses a sequence that is not the last one plus one;
 * - a payment only changes invoices that are unchanged since they were read;
 * - an order keeps the token of the step its execution waits in together with what it waits for
 *   (`credit-decision`, `shipment`, `settlement`); issuing an invoice drops it, as the adapter's
 *   `REMOVE taskToken, waitingFor` does;
 * - a shipment is added only at the version the caller read (optimistic concurrency);
 * - an invoice is counted as settled on its order once, however often it is reported;
 * - the ledger reader computes its figures from the journal lines actually posted.
 *
 * {@link InMemoryTables} holds the shared state, so tests can look at it and corrupt it on purpose.
 */
import type { CreditNote } from '../../lambdas/core/invoices/credit-note';
import type { CreditNoteReader } from '../../lambdas/core/invoices/credit-notes';
import type { Customer } from '../../lambdas/core/customers/customer';
import { InMemoryPostingWriter, type PostingStorage } from './in-memory-postings';
import type { Invoice } from '../../lambdas/core/invoices/invoice';
import type { Account, AccountBalance, Journal } from '../../lambdas/core/ledger/ledger';
import type { Order, Shipment, StatusChange } from '../../lambdas/core/orders/order';
import type { Payment } from '../../lambdas/core/payments/payment';
import { type CreditChange,
  ConcurrentUpdateError,
  SequenceTakenError,
  type CustomerStore,
  type InvoiceStore,
  type LedgerReader,
  type Mailer,
  type OrderStore,
  type OrderWait,
  type OutgoingEmail,
  type Page,
  type PaymentStore,
  type Workflow,
} from '../../lambdas/core/ports';
import type { Clock } from '../../lambdas/core/time/clock';
import type { CoreDeps, CoreSettings } from '../../lambdas/core/deps';
import type { ClaimResult, IdempotencyStore, StoredResponse } from '../../lambdas/adapters/dynamodb/idempotency-store';
import { decodeCursor, encodeCursor } from '../../lambdas/adapters/dynamodb/document-client';

const copy = <T>(value: T): T => structuredClone(value);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A clock that stands still until the test moves it. */
export class TestClock implements Clock {
  private current: number;

  constructor(start: string | Date = '2026-03-02T09:00:00Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(instant: string | Date): void {
    this.current = new Date(instant).getTime();
  }

  advanceMs(ms: number): void {
    this.current += ms;
  }

  advanceDays(days: number): void {
    this.advanceMs(days * 24 * 60 * 60 * 1000);
  }
}

/** One journal line as the Ledger table stores it (pk the journal id). */
export interface LedgerRow {
  journalId: string;
  lineNo: number;
  event: Journal['event'];
  postedAt: string;
  account: Account;
  side: 'debit' | 'credit';
  amountMinor: number;
  currency: string;
  reference: string;
}

/** Refused by a transaction for a reason other than the ones the port names (a bug in the caller). */
export class TransactionRefusedError extends Error {
  constructor(what: string, reason: string) {
    super(`${what} was refused: ${reason}`);
    this.name = 'TransactionRefusedError';
  }
}

export interface InMemoryOptions {
  /**
   * Awaited at the start of every store operation. The default yields once; give a real delay
   * (`() => new Promise((r) => setTimeout(r, 1))`) to make concurrent callers interleave the way
   * they do against a remote database.
   */
  readonly latency?: () => Promise<void>;
}

/** The tables behind the fakes. Tests may read and (to prove a check can fail) corrupt them. */
export class InMemoryTables {
  readonly customers = new Map<string, Customer>();
  readonly orders = new Map<string, Order>();
  /** The task token an order's execution waits with, and what it waits for (storage-only attributes of the order). */
  readonly orderTaskTokens = new Map<string, { taskToken: string; waitingFor: OrderWait }>();
  /** The invoices of each order counted as settled (storage-only attribute of the order). */
  readonly settledInvoiceIds = new Map<string, Set<string>>();
  readonly invoices = new Map<string, Invoice>();
  readonly invoicePaymentTokens = new Map<string, string>();
  readonly counters = new Map<string, number>();
  readonly creditNotes = new Map<string, CreditNote>();
  readonly payments = new Map<string, Payment>();
  readonly ledger: LedgerRow[] = [];
  /** How often each kind of refusal happened (e.g. to prove a concurrency test really collided). */
  readonly stats = { sequenceTaken: 0, concurrentUpdates: 0, staleOrderVersions: 0 };

  constructor(private readonly options: InMemoryOptions = {}) {}

  async tick(): Promise<void> {
    if (this.options.latency) await this.options.latency();
    else await Promise.resolve();
  }

  hasJournal(journalId: string): boolean {
    return this.ledger.some((row) => row.journalId === journalId);
  }

  post(journal: Journal): void {
    journal.lines.forEach((line, index) => {
      this.ledger.push({
        journalId: journal.journalId,
        lineNo: index + 1,
        event: journal.event,
        postedAt: journal.postedAt,
        account: line.account,
        side: line.side,
        amountMinor: line.amount.minor,
        currency: line.amount.currency,
        reference: line.reference,
      });
    });
  }
}

export class InMemoryCustomerStore implements CustomerStore {
  constructor(private readonly t: InMemoryTables) {}

  async get(customerId: string): Promise<Customer | undefined> {
    await this.t.tick();
    const customer = this.t.customers.get(customerId);
    return customer ? copy(customer) : undefined;
  }

  /**
   * Master data only: the stored on-account credit is kept (payments change it), 0 for a new
   * customer. As the adapter: only while the stored customer has the same owner (or none).
   */
  async put(customer: Customer): Promise<boolean> {
    await this.t.tick();
    const existing = this.t.customers.get(customer.customerId);
    if (existing && existing.registeredBy !== customer.registeredBy) return false;
    const { creditReservedMinor: _reserved, ...fields } = copy(customer);
    this.t.customers.set(customer.customerId, { ...fields, onAccountCreditMinor: existing?.onAccountCreditMinor ?? 0, ...(existing?.creditReservedMinor !== undefined ? { creditReservedMinor: existing.creditReservedMinor } : {}) });
    return true;
  }

  /** Test setup: stores the record exactly as given (credit included). */
  seed(customer: Customer): void {
    this.t.customers.set(customer.customerId, copy(customer));
  }
}

/** Orders counted in a customer's exposure: accepted and not yet (fully) invoiced. */
const UNINVOICED: readonly string[] = ['RECEIVED', 'AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED'];

export class InMemoryOrderStore implements OrderStore {
  constructor(private readonly t: InMemoryTables) {}

  /** As the adapter's transaction: the customer's total only while at most `maxReservedBefore`, the order only while RECEIVED without a reservation. */
  async reserveCredit(orderId: string, customerId: string, amountMinor: number, maxReservedBefore: number): Promise<'reserved' | 'over-limit' | 'not-received'> {
    await this.t.tick();
    const order = this.t.orders.get(orderId);
    const customer = this.t.customers.get(customerId);
    if (!order || order.status !== 'RECEIVED' || order.creditReservedMinor !== undefined) return 'not-received';
    if (!customer) throw new TransactionRefusedError(`Reserving credit for order ${orderId}`, `customer ${customerId} does not exist`);
    if ((customer.creditReservedMinor ?? 0) > maxReservedBefore) return 'over-limit';
    this.t.customers.set(customerId, { ...customer, creditReservedMinor: (customer.creditReservedMinor ?? 0) + amountMinor });
    this.t.orders.set(orderId, { ...order, creditReservedMinor: amountMinor });
    return 'reserved';
  }

  async get(orderId: string): Promise<Order | undefined> {
    await this.t.tick();
    const order = this.t.orders.get(orderId);
    return order ? copy(order) : undefined;
  }

  async create(order: Order): Promise<boolean> {
    await this.t.tick();
    if (this.t.orders.has(order.orderId)) return false;
    this.t.orders.set(order.orderId, copy(order));
    return true;
  }

  /** As the adapter's delete: only a RECEIVED order without invoices; the token goes with the item. */
  async discard(orderId: string): Promise<boolean> {
    await this.t.tick();
    const order = this.t.orders.get(orderId);
    if (!order || order.status !== 'RECEIVED' || order.invoiceIds.length > 0) return false;
    this.t.orders.delete(orderId);
    this.t.orderTaskTokens.delete(orderId);
    this.t.settledInvoiceIds.delete(orderId);
    return true;
  }

  /** Appends the shipment, one more pending shipment, version + 1; only at `expectedVersion` in one of `expectedStatuses`. */
  async addShipment(orderId: string, shipment: Shipment, expectedStatuses: readonly string[], expectedVersion: number): Promise<boolean> {
    await this.t.tick();
    const order = this.t.orders.get(orderId);
    if (!order || !expectedStatuses.includes(order.status)) return false;
    if (order.version !== expectedVersion) {
      this.t.stats.staleOrderVersions++;
      return false;
    }
    this.t.orders.set(orderId, {
      ...order,
      shipments: [...order.shipments, copy(shipment)],
      updatedAt: shipment.reportedAt,
      pendingShipments: order.pendingShipments + 1,
      version: order.version + 1,
    });
    return true;
  }

  async transition(
    orderId: string,
    from: readonly string[],
    change: StatusChange & { status: Order['status'] },
    extra: { wait?: { taskToken: string; waitingFor: OrderWait }; requireNoShipments?: boolean; requireNoPendingShipments?: boolean; credit?: CreditChange } = {},
  ): Promise<boolean> {
    await this.t.tick();
    const order = this.t.orders.get(orderId);
    if (!order || !from.includes(order.status)) return false;
    if (extra.requireNoShipments && order.shipments.length > 0) return false;
    if (extra.requireNoPendingShipments && order.pendingShipments !== 0) return false;
    const credit = extra.credit;
    const customer = credit ? this.t.customers.get(credit.customerId) : undefined;
    if (credit && !customer) throw new TransactionRefusedError(`Moving order ${orderId}`, `customer ${credit.customerId} does not exist`);
    if (credit && customer) this.t.customers.set(customer.customerId, { ...customer, creditReservedMinor: (customer.creditReservedMinor ?? 0) + credit.deltaMinor });
    this.t.orders.set(orderId, {
      ...order,
      status: change.status,
      history: [...order.history, copy(change)],
      updatedAt: change.at,
      ...(credit ? { creditReservedMinor: credit.orderReservedMinor } : {}),
    });
    if (extra.wait) this.t.orderTaskTokens.set(orderId, { ...extra.wait });
    return true;
  }

  async taskToken(orderId: string, waitingFor: OrderWait): Promise<string | undefined> {
    await this.t.tick();
    const wait = this.t.orderTaskTokens.get(orderId);
    return this.t.orders.has(orderId) && wait?.waitingFor === waitingFor ? wait.taskToken : undefined;
  }

  async waitInStatus(orderId: string, status: Order['status'], wait: { taskToken: string; waitingFor: OrderWait }): Promise<boolean> {
    await this.t.tick();
    const order = this.t.orders.get(orderId);
    if (!order || order.status !== status) return false;
    this.t.orderTaskTokens.set(orderId, { ...wait });
    return true;
  }

  async waitForSettlement(orderId: string, taskToken: string): Promise<boolean> {
    await this.t.tick();
    const order = this.t.orders.get(orderId);
    if (!order || !(order.openInvoiceCount > 0)) return false;
    this.t.orderTaskTokens.set(orderId, { taskToken, waitingFor: 'settlement' });
    return true;
  }

  async recordInvoiceSettled(orderId: string, invoiceId: string): Promise<{ openInvoiceCount: number; settlementToken: string | undefined } | undefined> {
    await this.t.tick();
    const order = this.t.orders.get(orderId);
    const settled = this.t.settledInvoiceIds.get(orderId) ?? new Set<string>();
    if (!order || settled.has(invoiceId)) return undefined;
    const openInvoiceCount = order.openInvoiceCount - 1;
    this.t.orders.set(orderId, { ...order, openInvoiceCount });
    this.t.settledInvoiceIds.set(orderId, new Set([...settled, invoiceId]));
    const wait = this.t.orderTaskTokens.get(orderId);
    return { openInvoiceCount, settlementToken: wait?.waitingFor === 'settlement' ? wait.taskToken : undefined };
  }

  async uninvoicedTotal(customerId: string, currency: string): Promise<number> {
    await this.t.tick();
    let total = 0;
    for (const order of this.t.orders.values()) {
      if (order.customerId === customerId && order.currency === currency && UNINVOICED.includes(order.status)) total += order.totalMinor - order.invoicedMinor;
    }
    return total;
  }

  /** Test setup: stores the order exactly as given, with the token of a waiting step if given. */
  seed(order: Order, wait?: { taskToken: string; waitingFor: OrderWait }): void {
    this.t.orders.set(order.orderId, copy(order));
    if (wait) this.t.orderTaskTokens.set(order.orderId, { ...wait });
  }
}

const ISSUABLE_ORDER: readonly string[] = ['RECEIVED', 'AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED'];

export class InMemoryInvoiceStore implements InvoiceStore {
  constructor(private readonly t: InMemoryTables) {}

  async get(invoiceId: string): Promise<Invoice | undefined> {
    await this.t.tick();
    const invoice = this.t.invoices.get(invoiceId);
    return invoice ? copy(invoice) : undefined;
  }

  async getByNumber(number: string): Promise<Invoice | undefined> {
    await this.t.tick();
    const invoice = [...this.t.invoices.values()].find((i) => i.number === number);
    return invoice ? copy(invoice) : undefined;
  }

  async getByRfReference(rfReference: string): Promise<Invoice | undefined> {
    await this.t.tick();
    const invoice = [...this.t.invoices.values()].find((i) => i.rfReference === rfReference);
    return invoice ? copy(invoice) : undefined;
  }

  listByCustomer(customerId: string, limit: number, cursor?: string): Promise<Page<Invoice>> {
    return this.page((i) => i.customerId === customerId, limit, cursor);
  }

  listByStatus(status: string, limit: number, cursor?: string): Promise<Page<Invoice>> {
    return this.page((i) => i.status === status, limit, cursor);
  }

  /** As the `byOwner` index: the owner's invoices by due date; the status as a filter of the page read. */
  async listByOwner(ownerId: string, limit: number, cursor?: string, only: { dueOnOrBefore?: string | undefined; status?: string | undefined } = {}): Promise<Page<Invoice>> {
    const due = only.dueOnOrBefore;
    const page = await this.page((i) => i.ownerId === ownerId && (due === undefined || i.dueDate <= due), limit, cursor);
    const items = only.status ? page.items.filter((i) => i.status === only.status) : page.items;
    return page.cursor ? { items, cursor: page.cursor } : { items };
  }

  async allOfCustomer(customerId: string): Promise<Invoice[]> {
    await this.t.tick();
    return this.sorted((i) => i.customerId === customerId).map(copy);
  }

  async issue(
    invoice: Invoice,
    journal: Journal,
    order: { orderId: string; shipmentIndex: number; shipmentId: string; change: StatusChange & { status: Order['status'] }; releaseCredit?: { customerId: string; amountMinor: number } },
  ): Promise<{ invoice: Invoice; created: boolean }> {
    await this.t.tick();
    // One transaction: every condition is checked before anything is written.
    const existing = this.t.invoices.get(invoice.invoiceId);
    if (existing) return { invoice: copy(existing), created: false };
    const last = this.t.counters.get(invoice.series) ?? 0;
    if (invoice.sequence !== last + 1) {
      this.t.stats.sequenceTaken++;
      throw new SequenceTakenError(invoice.series, invoice.sequence);
    }
    const stored = this.t.orders.get(order.orderId);
    if (!stored || !ISSUABLE_ORDER.includes(stored.status)) {
      throw new TransactionRefusedError(`Issuing invoice ${invoice.invoiceId}`, `order ${order.orderId} is ${stored?.status ?? 'missing'}`);
    }
    if (stored.shipments[order.shipmentIndex]?.shipmentId !== order.shipmentId) {
      throw new TransactionRefusedError(`Issuing invoice ${invoice.invoiceId}`, `shipment ${order.shipmentIndex} of order ${order.orderId} is not ${order.shipmentId}`);
    }
    if (this.t.hasJournal(journal.journalId)) {
      throw new TransactionRefusedError(`Issuing invoice ${invoice.invoiceId}`, `journal ${journal.journalId} exists`);
    }
    this.t.invoices.set(invoice.invoiceId, copy(invoice));
    this.t.counters.set(invoice.series, invoice.sequence);
    this.t.orders.set(order.orderId, {
      ...stored,
      status: order.change.status,
      invoiceIds: [...stored.invoiceIds, invoice.invoiceId],
      history: [...stored.history, copy(order.change)],
      updatedAt: order.change.at,
      shipments: stored.shipments.map((s, i) => (i === order.shipmentIndex ? { ...s, invoiceId: invoice.invoiceId } : s)),
      pendingShipments: stored.pendingShipments - 1,
      openInvoiceCount: stored.openInvoiceCount + 1,
      invoicedMinor: stored.invoicedMinor + invoice.totalMinor,
    });
    this.t.orderTaskTokens.delete(order.orderId);
    const release = order.releaseCredit;
    const customer = release && release.amountMinor > 0 ? this.t.customers.get(release.customerId) : undefined;
    if (release && customer) this.t.customers.set(customer.customerId, { ...customer, creditReservedMinor: (customer.creditReservedMinor ?? 0) - release.amountMinor });
    this.t.post(journal);
    return { invoice: copy(invoice), created: true };
  }

  async lastSequence(series: string): Promise<number> {
    await this.t.tick();
    return this.t.counters.get(series) ?? 0;
  }

  async setPaymentTaskToken(invoiceId: string, token: string): Promise<boolean> {
    await this.t.tick();
    const invoice = this.t.invoices.get(invoiceId);
    if (!invoice || !(invoice.balanceMinor > 0)) return false;
    this.t.invoicePaymentTokens.set(invoiceId, token);
    return true;
  }

  async paymentTaskToken(invoiceId: string): Promise<string | undefined> {
    await this.t.tick();
    return this.t.invoicePaymentTokens.get(invoiceId);
  }

  async paymentTaskTokens(invoiceIds: readonly string[]): Promise<Map<string, string>> {
    await this.t.tick();
    const tokens = new Map<string, string>();
    for (const id of invoiceIds) {
      const token = this.t.invoicePaymentTokens.get(id);
      if (token) tokens.set(id, token);
    }
    return tokens;
  }

  async markSent(invoiceId: string, messageId: string, at: string): Promise<void> {
    await this.t.tick();
    const invoice = this.t.invoices.get(invoiceId);
    if (!invoice) throw new TransactionRefusedError(`Marking invoice ${invoiceId} sent`, 'it does not exist');
    this.t.invoices.set(invoiceId, { ...invoice, sentAt: at, emailMessageId: messageId, history: [...invoice.history, { status: 'SENT', at, note: 'emailed to the customer' }] });
  }

  /** Test setup: stores the invoice exactly as given (no counter, no journal). */
  seed(invoice: Invoice, paymentTaskToken?: string): void {
    this.t.invoices.set(invoice.invoiceId, copy(invoice));
    if (paymentTaskToken) this.t.invoicePaymentTokens.set(invoice.invoiceId, paymentTaskToken);
  }

  /** Index order of the adapter's secondary indexes: by due date, then id. */
  private sorted(filter: (invoice: Invoice) => boolean): Invoice[] {
    return [...this.t.invoices.values()].filter(filter).sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.invoiceId.localeCompare(b.invoiceId));
  }

  private async page(filter: (invoice: Invoice) => boolean, limit: number, cursor?: string): Promise<Page<Invoice>> {
    await this.t.tick();
    const start = decodeCursor(cursor);
    const all = this.sorted(filter);
    const from = start ? all.findIndex((i) => i.dueDate > String(start.dueDate) || (i.dueDate === start.dueDate && i.invoiceId > String(start.invoiceId))) : 0;
    const items = from < 0 ? [] : all.slice(from, from + limit);
    const lastItem = items[items.length - 1];
    const more = from >= 0 && from + limit < all.length;
    const next = more && lastItem ? encodeCursor({ dueDate: lastItem.dueDate, invoiceId: lastItem.invoiceId }) : undefined;
    return next ? { items: items.map(copy), cursor: next } : { items: items.map(copy) };
  }
}

export class InMemoryPaymentStore implements PaymentStore {
  constructor(private readonly t: InMemoryTables) {}

  async get(paymentId: string): Promise<Payment | undefined> {
    await this.t.tick();
    const payment = this.t.payments.get(paymentId);
    return payment ? copy(payment) : undefined;
  }
}

/** The posting writer over these tables (the cash world adds statement lines and payers). */
export function postingWriterOver(t: InMemoryTables, extra: Partial<PostingStorage> = {}): InMemoryPostingWriter {
  return new InMemoryPostingWriter({
    invoices: t.invoices,
    payments: t.payments,
    customers: t.customers,
    creditNotes: t.creditNotes,
    counters: t.counters,
    hasJournal: (id) => t.hasJournal(id),
    post: (journal) => t.post(journal),
    tick: () => t.tick(),
    onConflict: () => {
      t.stats.concurrentUpdates++;
    },
    ...extra,
  });
}

export class InMemoryLedgerReader implements LedgerReader {
  constructor(private readonly t: InMemoryTables) {}

  async accountTotals(): Promise<{ balances: AccountBalance[]; unbalancedJournals: string[] }> {
    await this.t.tick();
    const totals = new Map<string, Mutable<AccountBalance>>();
    const perJournal = new Map<string, number>();
    for (const row of this.t.ledger) {
      const key = `${row.account}|${row.currency}`;
      const entry = totals.get(key) ?? { account: row.account, currency: row.currency, debitMinor: 0, creditMinor: 0 };
      if (row.side === 'debit') entry.debitMinor += row.amountMinor;
      else entry.creditMinor += row.amountMinor;
      totals.set(key, entry);
      perJournal.set(row.journalId, (perJournal.get(row.journalId) ?? 0) + (row.side === 'debit' ? row.amountMinor : -row.amountMinor));
    }
    return {
      balances: [...totals.values()],
      unbalancedJournals: [...perJournal.entries()].filter(([, net]) => net !== 0).map(([journalId]) => journalId),
    };
  }

  async openItemsTotal(): Promise<Record<string, number>> {
    await this.t.tick();
    const totals: Record<string, number> = {};
    for (const invoice of this.t.invoices.values()) totals[invoice.currency] = (totals[invoice.currency] ?? 0) + invoice.balanceMinor;
    return totals;
  }
}

export interface WorkflowCall {
  readonly taskToken: string;
  /** True when the token was valid (the step waited and is now resumed or failed). */
  readonly accepted: boolean;
}

/**
 * Records every call. Task tokens behave as in Step Functions: one is valid from the moment the
 * state machine enters a waiting step ({@link newTaskToken}) until it is resumed or failed once;
 * after that (or for a token it never issued) `resume` and `fail` answer false.
 */
export class RecordingWorkflow implements Workflow {
  readonly starts: { executionName: string; input: Record<string, unknown>; alreadyStarted: boolean }[] = [];
  readonly resumes: (WorkflowCall & { output: Record<string, unknown> })[] = [];
  readonly failures: (WorkflowCall & { error: string; cause: string })[] = [];
  private readonly waiting = new Set<string>();
  private tokens = 0;
  private startError: Error | undefined;

  /** Plays the state machine entering a `.waitForTaskToken` step: returns its (valid) token. */
  newTaskToken(step = 'task'): string {
    const token = `token-${step}-${++this.tokens}`;
    this.waiting.add(token);
    return token;
  }

  isWaiting(token: string): boolean {
    return this.waiting.has(token);
  }

  /** The next start fails with `error` (as when Step Functions is unavailable). */
  failNextStart(error: Error): void {
    this.startError = error;
  }

  async startOrderLifecycle(executionName: string, input: Record<string, unknown>) {
    await Promise.resolve();
    if (this.startError) {
      const error = this.startError;
      this.startError = undefined;
      throw error;
    }
    const alreadyStarted = this.starts.some((s) => s.executionName === executionName);
    this.starts.push({ executionName, input: copy(input), alreadyStarted });
    return { executionArn: `arn:aws:states:eu-central-1:123456789012:execution:OrderLifecycle:${executionName}`, alreadyStarted };
  }

  async resume(taskToken: string, output: Record<string, unknown>): Promise<boolean> {
    await Promise.resolve();
    const accepted = this.waiting.delete(taskToken);
    this.resumes.push({ taskToken, output: copy(output), accepted });
    return accepted;
  }

  async fail(taskToken: string, error: string, cause: string): Promise<boolean> {
    await Promise.resolve();
    const accepted = this.waiting.delete(taskToken);
    this.failures.push({ taskToken, error, cause, accepted });
    return accepted;
  }

  /** Forgets the calls recorded so far (the waiting steps stay waiting): for a test's Act to start clean. */
  forgetCalls(): void {
    this.starts.length = 0;
    this.resumes.length = 0;
    this.failures.length = 0;
  }

  /** The resumes that ended a waiting step (what the state machine saw). */
  acceptedResumes(taskToken?: string) {
    return this.resumes.filter((r) => r.accepted && (taskToken === undefined || r.taskToken === taskToken));
  }
}

/** Keeps every email sent, with the message id it answered. */
export class RecordingMailer implements Mailer {
  readonly sent: (OutgoingEmail & { messageId: string })[] = [];

  async send(email: OutgoingEmail): Promise<string> {
    await Promise.resolve();
    const messageId = `message-${this.sent.length + 1}`;
    this.sent.push({ ...copy(email), messageId });
    return messageId;
  }
}

/**
 * The idempotency store of `lambdas/adapters/dynamodb/idempotency-store.ts` in memory, with its
 * semantics: a claim succeeds for a new key or an abandoned one (in progress for over a minute).
 * Hand it to `apiHandler` with {@link asIdempotencyStore}.
 */
export class InMemoryIdempotencyStore {
  readonly records = new Map<string, { requestHash: string; state: 'IN_PROGRESS' | 'COMPLETED'; claimedAt: number; claimedUntil?: number; response?: StoredResponse }>();
  readonly released: string[] = [];

  async claim(key: string, requestHash: string, now: Date, holdMs = 60_000): Promise<ClaimResult> {
    await Promise.resolve();
    const record = this.records.get(key);
    if (!record || (record.state === 'IN_PROGRESS' && (record.claimedUntil ?? record.claimedAt + 60_000) < now.getTime())) {
      this.records.set(key, { requestHash, state: 'IN_PROGRESS', claimedAt: now.getTime(), claimedUntil: now.getTime() + Math.max(1_000, holdMs) });
      return { outcome: 'claimed' };
    }
    if (record.state === 'COMPLETED' && record.response) return { outcome: 'completed', requestHash: record.requestHash, response: copy(record.response) };
    return { outcome: 'in-progress', requestHash: record.requestHash };
  }

  async complete(key: string, response: StoredResponse): Promise<void> {
    await Promise.resolve();
    const record = this.records.get(key);
    this.records.set(key, { requestHash: record?.requestHash ?? '', claimedAt: record?.claimedAt ?? 0, state: 'COMPLETED', response: copy(response) });
  }

  async release(key: string): Promise<void> {
    await Promise.resolve();
    this.records.delete(key);
    this.released.push(key);
  }

  asIdempotencyStore(): IdempotencyStore {
    return this as unknown as IdempotencyStore;
  }
}

export const testSettings: CoreSettings = {
  businessTimeZone: 'Europe/Berlin',
  invoiceNumberPrefix: 'INV',
  seller: {
    name: 'Example Trading GmbH',
    address: ['Musterstrasse 1', '10115 Berlin', 'Germany'],
    iban: 'DE89370400440532013000',
    bic: 'COBADEFFXXX',
    vatId: 'DE123456789',
  },
  customerDefaults: { creditLimit: '0', paymentTermsDays: 30, dunningPolicyId: 'default' },
};

/** Every port in memory over one set of tables, with a test clock and sequential ids. */
export interface InMemoryWorld {
  readonly tables: InMemoryTables;
  readonly clock: TestClock;
  readonly customers: InMemoryCustomerStore;
  readonly orders: InMemoryOrderStore;
  readonly invoices: InMemoryInvoiceStore;
  readonly payments: InMemoryPaymentStore;
  readonly postings: InMemoryPostingWriter;
  readonly ledger: InMemoryLedgerReader;
  readonly workflow: RecordingWorkflow;
  readonly mailer: RecordingMailer;
  /** The ports and settings as the use cases take them. */
  readonly deps: CoreDeps;
}

export function inMemoryWorld(options: InMemoryOptions & { start?: string; settings?: Partial<CoreSettings> } = {}): InMemoryWorld {
  const tables = new InMemoryTables(options);
  const clock = new TestClock(options.start);
  let ids = 0;
  const world = {
    tables,
    clock,
    customers: new InMemoryCustomerStore(tables),
    orders: new InMemoryOrderStore(tables),
    invoices: new InMemoryInvoiceStore(tables),
    payments: new InMemoryPaymentStore(tables),
    postings: postingWriterOver(tables),
    ledger: new InMemoryLedgerReader(tables),
    workflow: new RecordingWorkflow(),
    mailer: new RecordingMailer(),
  };
  const deps: CoreDeps = {
    ...world,
    newId: () => `id-${String(++ids).padStart(6, '0')}`,
    settings: { ...testSettings, ...options.settings },
  };
  return { ...world, deps };
}

/** Credit notes over the tables (written by the posting writer). */
export class InMemoryCreditNoteStore implements CreditNoteReader {
  constructor(private readonly t: InMemoryTables) {}

  async get(creditNoteId: string): Promise<CreditNote | undefined> {
    await this.t.tick();
    const note = this.t.creditNotes.get(creditNoteId);
    return note ? structuredClone(note) : undefined;
  }

  async listByInvoice(invoiceId: string): Promise<CreditNote[]> {
    await this.t.tick();
    return [...this.t.creditNotes.values()].filter((n) => n.invoiceId === invoiceId).map((n) => structuredClone(n));
  }

  async lastSequence(series: string): Promise<number> {
    await this.t.tick();
    return this.t.counters.get(series) ?? 0;
  }
}
