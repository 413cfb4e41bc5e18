/**
 * The dunning record every invoice carries (`invoice.dunning`), beyond `level`, `blockedUntil` and
 * `history`: the policy override, the block (dispute, promise, manual), promises and disputes,
 * the fees and interest posted, the escalation execution and the collector hand-over. Every
 * field is optional: an invoice issued before dunning existed reads as "nothing happened yet".
 *
 * `history` is the escalation's event log: each entry with an `event` is delivered, in order, to
 * the invoice's dunning escalation execution (see `escalation.ts`).
 */

export type DunningEvent =
  | 'reminder'
  | 'handed-to-collector'
  | 'blocked'
  | 'resumed'
  | 'promise-broken'
  | 'promise-kept'
  | 'credit-note'
  | 'partly-written-off'
  | 'settled'
  | 'written-off'
  /** A reminder before the due date (a pre-due level): no dunning level, no escalation state. */
  | 'due-soon-reminder';

export interface DunningHistoryEntry {
  readonly level: number;
  readonly at: string;
  /** `email` for a letter, `none` for an event without a message. */
  readonly channel: string;
  readonly messageId: string | null;
  readonly event?: DunningEvent;
  readonly note?: string;
  /** The run that wrote the entry (reminders and hand-overs). */
  readonly runId?: string;
  /** The state of the escalation execution this entry leads to (`ReminderLevel2Sent`, `BlockedByDispute`, `Settled`, ...). */
  readonly state?: string;
  /** The request that wrote the entry (from its Idempotency-Key): a retry of it finds the entry and writes nothing. */
  readonly requestId?: string;
  /** A reminder before the due date: the pre-due level's days (-3 for "falls due in 3 days"). */
  readonly preDueDays?: number;
  /** The amount the entry moved (a write-off). */
  readonly amountMinor?: number;
}

export type BlockKind = 'dispute' | 'promise' | 'manual';

export interface DunningBlock {
  readonly kind: BlockKind;
  readonly reason: string;
  /** Last day of the block (inclusive); null for a dispute, which lasts until it is resolved. */
  readonly until: string | null;
  readonly since: string;
  /** The dispute or promise id, for those kinds. */
  readonly ref: string | null;
}

export interface PromiseToPay {
  readonly promiseId: string;
  readonly amountMinor: number;
  readonly promisedDate: string;
  readonly recordedAt: string;
  /** What had been paid on the invoice when the promise was recorded. */
  readonly paidAtRecordMinor: number;
  readonly status: 'open' | 'kept' | 'broken';
  readonly closedAt: string | null;
}

export interface Dispute {
  readonly disputeId: string;
  readonly reason: string;
  readonly amountMinor: number | null;
  readonly openedAt: string;
  /** The level the item had when it was disputed (a rejected dispute resumes there). */
  readonly levelAtOpen: number;
  readonly status: 'open' | 'credited' | 'rejected';
  readonly resolvedAt: string | null;
  readonly resolution: string | null;
  readonly creditMinor: number | null;
  /** The request that resolved it (from its Idempotency-Key). */
  readonly resolvedBy?: string;
}

export interface DunningDetails {
  /** Per-invoice policy override (else the customer's, else the default). */
  readonly policyId?: string | null;
  /** Incremented by every dunning change: each write is conditional on the version read. */
  readonly version?: number;
  /** Business date of the last reminder (level reached). */
  readonly lastReminderDate?: string | null;
  readonly block?: DunningBlock | null;
  readonly promises?: readonly PromiseToPay[];
  readonly disputes?: readonly Dispute[];
  /** The open item that carries this invoice's dunning fees, compensation and interest. */
  readonly chargesInvoiceId?: string | null;
  readonly feesPostedMinor?: number;
  readonly compensationPostedMinor?: number;
  readonly interestPostedMinor?: number;
  readonly escalation?: { readonly executionName: string; readonly startedAt: string; readonly state: 'active' | 'ended'; readonly endedAs: string | null } | null;
  readonly handedToCollectorAt?: string | null;
  /** The last delivery problem (an SES error, a bounce), kept until a letter goes out. */
  readonly lastError?: { readonly at: string; readonly runId: string; readonly message: string } | null;
  /**
   * The last reminder bounced: the next run sends the letter again at the same level (no new fee),
   * up to {@link MAX_RESENDS} times; after that the item waits for finance (the error says why).
   */
  readonly undelivered?: { readonly messageId: string; readonly level: number; readonly bounces: number; readonly bounceType: string; readonly resent: boolean } | null;
}

/** How often a bounced reminder is sent again before the item waits for finance. */
export const MAX_RESENDS = 3;
