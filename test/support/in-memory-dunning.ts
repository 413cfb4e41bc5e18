/**
 * In-memory fakes of the dunning ports, keeping the adapters' promises: conditional writes on the
 * dunning version, balance and status; journals written once; letters claimed once per run and
 * customer; task tokens claimed by one caller. Plus a recording mailer that can fail on demand and
 * an escalation workflow that records starts and deliveries.
 */
import type { Customer } from '../../lambdas/core/customers/customer';
import type { Invoice } from '../../lambdas/core/invoices/invoice';
import type { Journal } from '../../lambdas/core/ledger/ledger';
import type { Mailer, OutgoingEmail, Page } from '../../lambdas/core/ports';
import type { DunningPolicy } from '../../lambdas/core/dunning/policy';
import { InMemoryPostingWriter } from './in-memory-postings';
import type { CreditNote } from '../../lambdas/core/invoices/credit-note';
import type { CreditNoteReader } from '../../lambdas/core/invoices/credit-notes';
import {
  type DunningRunRecord,
  type DunningStore,
  type EscalationWorkflow,
  type LetterRecord,
  type RunItemRecord,
} from '../../lambdas/core/dunning/ports';
import type { Clock } from '../../lambdas/core/time/clock';

const copy = <T>(value: T): T => structuredClone(value);

export class InMemoryDunningStore implements DunningStore {
  readonly invoicesById = new Map<string, Invoice>();
  readonly customersById = new Map<string, Customer>();
  readonly policies = new Map<string, DunningPolicy>();
  readonly runs = new Map<string, DunningRunRecord>();
  readonly runItemsById = new Map<string, RunItemRecord[]>();
  readonly lettersByKey = new Map<string, LetterRecord>();
  readonly journals = new Map<string, Journal>();
  readonly waits = new Map<string, { taskToken: string; seen: number }>();
  readonly worklistIds = new Set<string>();
  lastCompleted: string | null = null;
  /** How many index queries and item reads the run made (the cost the index promises to bound). */
  readonly reads = { indexQueries: 0, indexItems: 0, itemReads: 0 };
  /** The posting writer over this store's invoices, journals and worklist (as the DynamoDB one writes them). */
  /** Credit notes a dispute credit issues, and the counters of their series. */
  readonly creditNotes = new Map<string, CreditNote>();
  readonly counters = new Map<string, number>();
  readonly postings = new InMemoryPostingWriter({
    invoices: this.invoicesById,
    worklist: this.worklistIds,
    creditNotes: this.creditNotes,
    counters: this.counters,
    hasJournal: (id) => this.journals.has(id),
    post: (journal) => {
      this.journals.set(journal.journalId, copy(journal));
    },
  });
  /** Fails the next posting of this invoice with a conflict, once per entry (to prove retries). */
  readonly conflictOnce = this.postings.conflictOnce;
  /** Throws from `finishRun` (a run that fails halfway). */
  failFinishRun = false;

  /** The credit notes as their reader reads them. */
  creditNoteReader(): CreditNoteReader {
    return {
      get: async (id) => (this.creditNotes.has(id) ? copy(this.creditNotes.get(id)!) : undefined),
      listByInvoice: async (invoiceId) => [...this.creditNotes.values()].filter((n) => n.invoiceId === invoiceId).map(copy),
      lastSequence: async (series) => this.counters.get(series) ?? 0,
    };
  }

  seedInvoice(invoice: Invoice): void {
    this.invoicesById.set(invoice.invoiceId, copy(invoice));
  }

  seedCustomer(customer: Customer): void {
    this.customersById.set(customer.customerId, copy(customer));
  }

  invoice(invoiceId: string): Invoice {
    const found = this.invoicesById.get(invoiceId);
    if (!found) throw new Error(`no invoice ${invoiceId}`);
    return copy(found);
  }

  /** Applies a payment as the payment store does (balance, paid, status, allocation). */
  pay(invoiceId: string, amountMinor: number, at: string): void {
    const invoice = this.invoice(invoiceId);
    const balanceMinor = invoice.balanceMinor - amountMinor;
    const status = balanceMinor === 0 ? 'PAID' : invoice.overdueSince ? 'OVERDUE' : 'PARTIALLY_PAID';
    this.invoicesById.set(invoiceId, {
      ...invoice,
      balanceMinor,
      paidMinor: invoice.paidMinor + amountMinor,
      status: invoice.status === 'DISPUTED' ? 'DISPUTED' : status,
      allocations: [...invoice.allocations, { paymentId: `pay-${at}`, amountMinor, at }],
    });
  }

  /** Receivables per currency: debits minus credits of every journal posted here. */
  receivables(currency: string): number {
    let total = 0;
    for (const j of this.journals.values()) {
      for (const l of j.lines) if (l.account === 'receivables' && l.amount.currency === currency) total += l.side === 'debit' ? l.amount.minor : -l.amount.minor;
    }
    return total;
  }

  async listPolicies(): Promise<DunningPolicy[]> {
    return [...this.policies.values()].map(copy);
  }

  async putPolicy(policy: DunningPolicy): Promise<void> {
    this.policies.set(policy.policyId, copy(policy));
  }

  async itemsDueOn(date: string): Promise<Page<{ invoiceId: string }>> {
    this.reads.indexQueries++;
    const items = [...this.invoicesById.values()].filter((i) => i.nextActionDate === date).sort((a, b) => a.invoiceId.localeCompare(b.invoiceId));
    this.reads.indexItems += items.length;
    return { items: items.map((i) => ({ invoiceId: i.invoiceId })) };
  }

  async invoices(invoiceIds: readonly string[]): Promise<Map<string, Invoice>> {
    this.reads.itemReads += invoiceIds.length;
    const map = new Map<string, Invoice>();
    for (const id of invoiceIds) {
      const found = this.invoicesById.get(id);
      if (found) map.set(id, copy(found));
    }
    return map;
  }

  async customers(customerIds: readonly string[]): Promise<Map<string, Customer>> {
    const map = new Map<string, Customer>();
    for (const id of customerIds) {
      const found = this.customersById.get(id);
      if (found) map.set(id, copy(found));
    }
    return map;
  }

  async invoicesOfCustomer(customerId: string): Promise<Invoice[]> {
    return [...this.invoicesById.values()].filter((i) => i.customerId === customerId).map(copy);
  }

  async getRun(runId: string): Promise<DunningRunRecord | undefined> {
    const run = this.runs.get(runId);
    return run ? copy(run) : undefined;
  }

  async startRun(run: DunningRunRecord): Promise<{ run: DunningRunRecord; created: boolean }> {
    const existing = this.runs.get(run.runId);
    if (existing) {
      const again = { ...existing, status: 'RUNNING' as const, attempts: existing.attempts + 1 };
      this.runs.set(run.runId, again);
      return { run: copy(again), created: false };
    }
    this.runs.set(run.runId, copy(run));
    return { run: copy(run), created: true };
  }

  async finishRun(run: DunningRunRecord): Promise<void> {
    if (this.failFinishRun) throw new Error('the run failed before it finished');
    this.runs.set(run.runId, copy(run));
    if (!run.dryRun && (this.lastCompleted === null || this.lastCompleted < run.asOf)) this.lastCompleted = run.asOf;
  }

  async lastCompletedRunDate(): Promise<string | null> {
    return this.lastCompleted;
  }

  async putRunItems(runId: string, items: readonly RunItemRecord[]): Promise<void> {
    const byId = new Map((this.runItemsById.get(runId) ?? []).map((i) => [i.invoiceId, i]));
    for (const item of items) byId.set(item.invoiceId, copy(item));
    this.runItemsById.set(runId, [...byId.values()]);
  }

  async runItems(runId: string): Promise<RunItemRecord[]> {
    return copy(this.runItemsById.get(runId) ?? []);
  }

  async claimLetter(letter: LetterRecord): Promise<{ claimed: true } | { claimed: false; existing: LetterRecord }> {
    const key = `${letter.runId}|${letter.customerId}`;
    const existing = this.lettersByKey.get(key);
    if (existing) return { claimed: false, existing: copy(existing) };
    this.lettersByKey.set(key, copy(letter));
    return { claimed: true };
  }

  async retryLetter(runId: string, customerId: string, attempts: number, at: string): Promise<boolean> {
    const key = `${runId}|${customerId}`;
    const existing = this.lettersByKey.get(key);
    if (!existing || existing.state !== 'FAILED') return false;
    this.lettersByKey.set(key, { ...existing, state: 'SENDING', attempts, updatedAt: at });
    return true;
  }

  async finishLetter(runId: string, customerId: string, outcome: { state: 'SENT'; messageId: string } | { state: 'FAILED'; error: string }, at: string): Promise<void> {
    const key = `${runId}|${customerId}`;
    const existing = this.lettersByKey.get(key)!;
    this.lettersByKey.set(key, {
      ...existing,
      state: outcome.state,
      messageId: outcome.state === 'SENT' ? outcome.messageId : existing.messageId,
      error: outcome.state === 'FAILED' ? outcome.error : null,
      updatedAt: at,
    });
  }

  async letterByMessageId(messageId: string): Promise<LetterRecord | undefined> {
    const found = [...this.lettersByKey.values()].find((l) => l.messageId === messageId);
    return found ? copy(found) : undefined;
  }

  async markLetterBounced(runId: string, customerId: string, detail: string, at: string): Promise<void> {
    const key = `${runId}|${customerId}`;
    const existing = this.lettersByKey.get(key)!;
    this.lettersByKey.set(key, { ...existing, state: 'BOUNCED', error: detail, updatedAt: at });
  }

  async letters(runId: string): Promise<LetterRecord[]> {
    return [...this.lettersByKey.values()].filter((l) => l.runId === runId).map(copy);
  }

  async escalationWait(invoiceId: string): Promise<{ taskToken: string; seen: number } | undefined> {
    const wait = this.waits.get(invoiceId);
    return wait ? { ...wait } : undefined;
  }

  async setEscalationWait(invoiceId: string, taskToken: string, seen: number): Promise<void> {
    this.waits.set(invoiceId, { taskToken, seen });
  }

  async claimEscalationWait(invoiceId: string, taskToken: string): Promise<boolean> {
    if (this.waits.get(invoiceId)?.taskToken !== taskToken) return false;
    this.waits.delete(invoiceId);
    return true;
  }

  async worklist(): Promise<string[]> {
    return [...this.worklistIds].sort();
  }
}

/**
 * An escalation workflow that runs the escalation as the ASL does, in memory: each execution
 * waits (stores its token) for the next entry and records the states it passes.
 */
export class InMemoryEscalations implements EscalationWorkflow {
  readonly executions = new Map<string, { invoiceId: string; states: string[]; ended: boolean }>();
  private tokens = 0;
  private readonly tokenOwner = new Map<string, string>();
  store: DunningStore | undefined;
  /** Set by tests: the await step (usually `awaitEscalationEvent` bound to the deps). */
  awaitStep: ((input: { invoiceId: string; taskToken: string; seen: number }) => Promise<unknown>) | undefined;

  async startEscalation(executionName: string, input: Record<string, unknown>): Promise<{ alreadyStarted: boolean }> {
    if (this.executions.has(executionName)) return { alreadyStarted: true };
    const invoiceId = String(input.invoiceId);
    this.executions.set(executionName, { invoiceId, states: ['EscalationStarted'], ended: false });
    await this.wait(executionName, 0);
    return { alreadyStarted: false };
  }

  async resume(taskToken: string, output: Record<string, unknown>): Promise<boolean> {
    const name = this.tokenOwner.get(taskToken);
    if (!name) return false;
    this.tokenOwner.delete(taskToken);
    const execution = this.executions.get(name)!;
    const state = String(output.state);
    execution.states.push(state);
    if (state === 'Settled' || state === 'WrittenOff') {
      execution.ended = true;
      return true;
    }
    await this.wait(name, Number(output.seen));
    return true;
  }

  /** A task failed by name: an escalation's own wait is only ever resumed; another's token is not this workflow's (false). */
  async fail(taskToken: string): Promise<boolean> {
    if (this.tokenOwner.has(taskToken)) throw new Error(`the escalation's wait ${taskToken} is resumed, never failed`);
    return false;
  }

  private async wait(name: string, seen: number): Promise<void> {
    const token = `token-${++this.tokens}`;
    this.tokenOwner.set(token, name);
    await this.awaitStep?.({ invoiceId: this.executions.get(name)!.invoiceId, taskToken: token, seen });
  }
}

/** Records every email; fails the next `failures` sends with an SES-like error. */
export class RecordingMailer implements Mailer {
  readonly sent: (OutgoingEmail & { messageId: string })[] = [];
  failures = 0;

  async send(email: OutgoingEmail): Promise<string> {
    if (this.failures > 0) {
      this.failures--;
      throw Object.assign(new Error('Daily message quota exceeded'), { name: 'Throttling' });
    }
    const messageId = `msg-${this.sent.length + 1}`;
    this.sent.push({ ...email, messageId });
    return messageId;
  }
}

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private instant: Date) {}
  now(): Date {
    return new Date(this.instant.getTime());
  }
  set(iso: string): void {
    this.instant = new Date(iso);
  }
}
