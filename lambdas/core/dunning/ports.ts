/**
 * The ports dunning needs beyond the core's: the dunning store (policies, items by next action
 * date, runs and letters, task tokens of escalations, the collectors' worklist) and the escalation
 * workflow. Dunning changes of invoices are postings, written by the core's posting writer.
 */
import type { Customer } from '../customers/customer';
import type { Invoice } from '../invoices/invoice';
import type { Posting } from '../posting/posting';
import type { Page } from '../ports';
import type { DunningPolicy } from './policy';
import type { SkipReason } from './run';

/** The summary of one run (`pk` the run id). */
export interface DunningRunRecord {
  readonly runId: string;
  readonly asOf: string;
  readonly dryRun: boolean;
  readonly trigger: 'schedule' | 'api';
  readonly status: 'RUNNING' | 'COMPLETED';
  readonly startedAt: string;
  readonly completedAt: string | null;
  /** The next action dates the run looked at, first and last. */
  readonly fromDate: string;
  readonly toDate: string;
  readonly attempts: number;
  readonly counts: { readonly itemsFound: number; readonly escalated: number; readonly skipped: number; readonly letters: number; readonly lettersFailed: number };
}

/** What the run did with one item. */
export interface RunItemRecord {
  readonly invoiceId: string;
  readonly number: string;
  readonly customerId: string;
  /** `reminded-before-due`: a pre-due level's reminder went out (the item's level did not move). */
  readonly outcome: 'escalated' | 'skipped' | 'send-failed' | 'handed-to-collector' | 'letter-uncertain' | 'reminded-before-due';
  readonly fromLevel: number;
  readonly level: number;
  readonly reason: SkipReason | null;
  readonly detail: string | null;
  readonly fee: string | null;
  readonly interest: string | null;
  readonly currency: string;
}

/**
 * The letter of one customer in one run, written before the letter is sent: its existence is what
 * makes a second attempt of the run send nobody a second letter.
 */
export interface LetterRecord {
  readonly runId: string;
  readonly customerId: string;
  /** SENDING while it is being sent (a crash leaves it so: never resent), SENT, FAILED (retried), BOUNCED (SES reported it), or DRY_RUN (what a dry run would send). */
  readonly state: 'SENDING' | 'SENT' | 'FAILED' | 'BOUNCED' | 'DRY_RUN';
  readonly attempts: number;
  readonly messageId: string | null;
  readonly error: string | null;
  readonly subject: string;
  readonly level: number;
  /** The items listed, with the level each was at (raised: moved up by this run). */
  readonly items: readonly { readonly invoiceId: string; readonly number: string; readonly level: number; readonly raised: boolean }[];
  readonly updatedAt: string;
}

/**
 * The part of a posting that adds the invoice to the collectors' worklist or takes it off (dunning
 * changes are postings: see `posting/posting.ts`).
 */
export function collectionsWorklist(invoice: Pick<Invoice, 'invoiceId' | 'customerId'>, action: 'add' | 'remove', at: string): Pick<Posting, 'collectionsWorklist'> {
  return { collectionsWorklist: { invoiceId: invoice.invoiceId, customerId: invoice.customerId, action, at } };
}

export interface DunningStore {
  listPolicies(): Promise<DunningPolicy[]>;
  putPolicy(policy: DunningPolicy): Promise<void>;

  /** The ids of the invoices whose next action date is `date`, through the index (eventually consistent). */
  itemsDueOn(date: string, cursor?: string): Promise<Page<{ invoiceId: string }>>;
  /** Invoices by id, read consistently; missing ids are absent from the map. */
  invoices(invoiceIds: readonly string[]): Promise<Map<string, Invoice>>;
  customers(customerIds: readonly string[]): Promise<Map<string, Customer>>;
  /** Every invoice of the customer (to list their other overdue items in a letter). */
  invoicesOfCustomer(customerId: string): Promise<Invoice[]>;

  getRun(runId: string): Promise<DunningRunRecord | undefined>;
  /** Creates the run, or returns the one that exists (a second attempt of the same day). */
  startRun(run: DunningRunRecord): Promise<{ run: DunningRunRecord; created: boolean }>;
  finishRun(run: DunningRunRecord): Promise<void>;
  /** The day of the last completed (not dry) run. */
  lastCompletedRunDate(): Promise<string | null>;
  putRunItems(runId: string, items: readonly RunItemRecord[]): Promise<void>;
  runItems(runId: string): Promise<RunItemRecord[]>;

  /** Writes the letter record if there is none for the run and customer; otherwise returns the existing one. */
  claimLetter(letter: LetterRecord): Promise<{ claimed: true } | { claimed: false; existing: LetterRecord }>;
  /** Takes a FAILED letter for another attempt (SENDING); false when another attempt took it first. */
  retryLetter(runId: string, customerId: string, attempts: number, at: string): Promise<boolean>;
  finishLetter(runId: string, customerId: string, outcome: { state: 'SENT'; messageId: string } | { state: 'FAILED'; error: string }, at: string): Promise<void>;
  letters(runId: string): Promise<LetterRecord[]>;
  /** The letter SES accepted with this message id (recorded when it was marked SENT). */
  letterByMessageId(messageId: string): Promise<LetterRecord | undefined>;
  /** Marks a sent letter BOUNCED with what SES reported. */
  markLetterBounced(runId: string, customerId: string, detail: string, at: string): Promise<void>;

  /** The task token the invoice's escalation waits with, and how many history entries it has seen. */
  escalationWait(invoiceId: string): Promise<{ taskToken: string; seen: number } | undefined>;
  setEscalationWait(invoiceId: string, taskToken: string, seen: number): Promise<void>;
  /** Removes the token if it is still `taskToken`; true for the one caller that may use it. */
  claimEscalationWait(invoiceId: string, taskToken: string): Promise<boolean>;

  /** Invoice ids handed to collectors. */
  worklist(): Promise<string[]>;
}

export interface EscalationWorkflow {
  /** Starts the invoice's escalation execution; a second start of the same name is not an error. */
  startEscalation(executionName: string, input: Record<string, unknown>): Promise<{ alreadyStarted: boolean }>;
  resume(taskToken: string, output: Record<string, unknown>): Promise<boolean>;
  /** Fails a waiting task with a named error (a write-off's settlement routing the order to CompleteOrder); false for a stale token. */
  fail(taskToken: string, error: string, cause: string): Promise<boolean>;
}
