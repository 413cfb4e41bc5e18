/**
 * An uploaded bank statement as cash application keeps it: the statement record with its progress,
 * and how statements, line results and unapplied payments are shown through the API (amounts as
 * decimal strings with the currency beside them). Pure.
 */
import type { StatementReturn } from './remittances';
import type { StatementFormat } from '../bank-statements/statement';
import { formatAmount } from '../money/money';
import { paymentView } from '../payments/payment';
import type { CashPayment, LineResult, MatchSuggestion } from './application';
import type { StatementStore } from '../ports';

export type StatementStatus = 'processing' | 'completed' | 'incomplete' | 'failed';

export interface LineCounts {
  readonly applied: number;
  readonly suggested: number;
  readonly unapplied: number;
}

/**
 * What the latest upload of a statement did with the credit lines it handled: lines new to cash
 * application (recorded, and applied or listed for finance, by this upload) and lines known before
 * (recorded by an earlier upload of this or another statement; nothing applied again). Together
 * they are `processed`.
 */
export interface UploadOutcome {
  readonly newlyRecorded: number;
  readonly alreadyRecorded: number;
}

export interface StatementProgress {
  readonly status: StatementStatus;
  /** Credit lines handled by the latest upload so far (recorded by it or found recorded before). */
  readonly processed: number;
  readonly counts: LineCounts;
  readonly lastUpload: UploadOutcome;
  readonly error: string | null;
  readonly at: string;
  /** The returned direct debits of the statement and what was done with each (only when it has any). */
  readonly returns?: readonly StatementReturn[];
}

/** What a statement's file is: known once the file was read (a file PUT to S3 is read by the state machine). */
export interface StatementHeader {
  /**
   * What the bank wrote to identify the file (`ParsedStatementFile.fileIdentity`, cut after 1,000
   * characters), `null` when it names nothing and the statement is known by its content; absent on
   * statements recorded before statement identity.
   */
  readonly identity?: string | null;
  /** Null until the file was read. */
  readonly format: StatementFormat | null;
  readonly version: string | null;
  /** The statement's own accounts (the bank accounts the money arrived on). */
  readonly accounts: readonly string[];
  readonly sizeBytes: number;
  /** Credit lines (payments received); debit lines are not cash application's business. */
  readonly total: number;
  readonly debitLines: number;
  /**
   * What the reader noticed without refusing the file (`ParsedStatementFile.warnings`: a missing
   * account id or statement number, an interim report, a statement whose balances do not
   * reconcile ...), at most {@link MAX_WARNINGS_KEPT}, each with its place; absent on statements
   * recorded before warnings were kept.
   */
  readonly warnings?: readonly { readonly code: string; readonly message: string }[];
  /** How many warnings the file gave, when more than were kept. */
  readonly warningCount?: number;
}

/** The warnings a statement record keeps: enough for any real file, bounded for a hostile one. */
export const MAX_WARNINGS_KEPT = 50;

export interface StatementRecord extends StatementProgress, StatementHeader {
  /**
   * `st-` and 32 hex digits of a SHA-256: of the file's identity when it has one (`identity`), so
   * a re-export with other bytes is the same statement; else of the file's content (CSV, and every
   * statement recorded before statement identity).
   */
  readonly statementId: string;
  readonly receivedAt: string;
  readonly lastUploadAt: string;
  /** Uploads of this file so far; the n-th is processed by the execution `<statementId>-<n>`. */
  readonly uploads: number;
  /** Where the file of the latest upload is kept (the Uploads bucket), for the state machine. */
  readonly objectKey?: string;
  /** The upload before the latest one did not finish: settled invoices may still need resuming. */
  readonly recovering?: boolean;
  /** The chunks of lines (by their first line) the latest upload counted in its progress ({@link StatementStore.chunkApplied}). */
  readonly chunksDone?: readonly string[];
  /** A step of its processing failed after its retries and waits for finance (set by the attention worklist). */
  readonly attention?: { readonly machine: string; readonly state: string; readonly error: string; readonly message: string; readonly at: string };
}

export const NO_LINES: LineCounts = { applied: 0, suggested: 0, unapplied: 0 };

function amount(minor: number, currency: string): string {
  return formatAmount({ minor, currency });
}

/**
 * A line's outcome as the API shows it. `alreadyRecorded` (upload answers only): `true` when the
 * line was recorded before this upload, by an earlier upload of this statement or by another
 * statement carrying the same line (`recordedIn` names which); nothing was applied for it now, the
 * outcome shown is the one recorded then. `false` when this upload recorded it.
 */
export function lineResultView(result: LineResult, options: { alreadyRecorded?: boolean } = {}) {
  const m = (minor: number) => amount(minor, result.currency);
  return {
    sequence: result.sequence,
    lineId: result.lineId,
    account: result.account,
    amount: m(result.amountMinor),
    currency: result.currency,
    bookingDate: result.bookingDate,
    valueDate: result.valueDate,
    payerName: result.payerName,
    payerAccount: result.payerAccount,
    reference: result.reference,
    status: result.status,
    customerId: result.customerId,
    allocations: result.allocations.map((a) => ({ invoiceId: a.invoiceId, invoiceNumber: a.invoiceNumber, amount: m(a.amountMinor) })),
    shortPayWriteOff: result.shortPayWriteOff
      ? { invoiceId: result.shortPayWriteOff.invoiceId, amount: m(result.shortPayWriteOff.amountMinor), reasonCode: result.shortPayWriteOff.reasonCode }
      : null,
    onAccountAmount: m(result.onAccountMinor),
    unappliedAmount: m(result.unappliedMinor),
    confidence: result.confidence,
    reasons: result.reasons,
    candidates: result.candidates,
    paymentId: result.paymentId,
    recordedAt: result.recordedAt,
    /** The statement whose upload recorded the line (another one when the line came twice). */
    recordedIn: result.statementId,
    ...(options.alreadyRecorded === undefined ? {} : { alreadyRecorded: options.alreadyRecorded }),
  };
}

/** The statement record as the API shows it (without its lines). */
export function statementView(statement: StatementRecord) {
  return {
    statementId: statement.statementId,
    identity: statement.identity ?? null,
    format: statement.format,
    version: statement.version,
    accounts: statement.accounts,
    // Waiting on finance's attention worklist: failed until finance retries it.
    status: statement.attention ? ('failed' as const) : statement.status,
    total: statement.total,
    processed: statement.processed,
    progress: `${statement.processed}/${statement.total}`,
    counts: statement.counts,
    lastUpload: statement.lastUpload,
    debitLinesIgnored: statement.debitLines,
    warnings: statement.warnings ?? [],
    ...(statement.warningCount !== undefined && statement.warningCount > (statement.warnings?.length ?? 0) ? { warningCount: statement.warningCount } : {}),
    uploads: statement.uploads,
    receivedAt: statement.receivedAt,
    lastUploadAt: statement.lastUploadAt,
    error: statement.error,
    ...(statement.returns && statement.returns.length > 0 ? { directDebitReturns: statement.returns } : {}),
    ...(statement.attention ? { attention: statement.attention } : {}),
  };
}

function suggestionView(suggestion: MatchSuggestion, currency: string) {
  const m = (minor: number) => amount(minor, currency);
  return {
    status: suggestion.status,
    customerId: suggestion.customerId,
    allocations: suggestion.allocations.map((a) => ({ invoiceId: a.invoiceId, invoiceNumber: a.invoiceNumber, amount: m(a.amountMinor) })),
    shortPayWriteOff: suggestion.shortPayWriteOff
      ? { invoiceId: suggestion.shortPayWriteOff.invoiceId, amount: m(suggestion.shortPayWriteOff.amountMinor), reasonCode: suggestion.shortPayWriteOff.reasonCode }
      : null,
    onAccountAmount: m(suggestion.onAccountMinor),
    candidates: suggestion.candidates,
    confidence: suggestion.confidence,
    reasons: suggestion.reasons,
  };
}

/** A payment on (or off) the unapplied worklist, with where it came from and the suggestion. */
export function cashPaymentView(payment: CashPayment) {
  return {
    ...paymentView(payment),
    source: payment.source,
    payerAccount: payment.payerAccount ?? null,
    statement: payment.statement ? { statementId: payment.statement.statementId, sequence: payment.statement.sequence, lineId: payment.statement.lineId } : null,
    suggestion: payment.suggestion ? suggestionView(payment.suggestion, payment.currency) : null,
  };
}
