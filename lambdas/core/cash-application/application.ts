/**
 * Turning the matcher's reading of a statement line into what is written: the payment, the
 * invoices' new balances and statuses, the journal, the customer's on-account credit and what is
 * learned about the payer. Also the manual application of an unapplied payment by finance.
 * Pure functions: no AWS, no I/O, no clock (the caller passes `now`).
 */
import { createHash } from 'node:crypto';
import type { ParsedStatementFile, StatementLine } from '../bank-statements/statement';
import { ConflictError, ValidationError, type FieldProblem } from '../errors';
import { isOpen, type Invoice } from '../invoices/invoice';
import { allocatePayment, InvoiceTransitionError, writeOffShortPayment } from '../invoices/transitions';
import type { InvoiceChange, Posting } from '../posting/posting';
import { journal, type Journal, type JournalLine } from '../ledger/ledger';
import { formatAmount, money } from '../money/money';
import type { Payment, PaymentAllocation, UnappliedReason } from '../payments/payment';
import { ConcurrentUpdateError } from '../ports';
import { normalizeAccount, normalizePayerName } from './payer';
import type { AdviceDeduction, Allocation, KnownCustomer, LineMatch, MatchStatus, OpenItem, ShortPayPolicy, ShortPayWriteOff } from './types';
import { decideDeduction, deductionWriteOffCode, deductionWriteOffNote } from './remittance-advice';

/** What the matcher proposed for a line it did not apply, kept on the payment for finance. */
export interface MatchSuggestion {
  readonly status: Exclude<MatchStatus, 'applied'>;
  readonly customerId: string | null;
  /** The proposed allocations (empty when several readings fit equally: see `candidates`). */
  readonly allocations: readonly Allocation[];
  readonly shortPayWriteOff: ShortPayWriteOff | null;
  readonly onAccountMinor: number;
  readonly candidates: readonly { readonly invoiceId: string; readonly invoiceNumber: string }[];
  readonly confidence: number;
  readonly reasons: readonly string[];
}

/** Where a payment read from a bank statement came from. */
export interface StatementOrigin {
  readonly statementId: string;
  readonly sequence: number;
  readonly lineId: string;
  readonly lineKey: string;
}

/**
 * A payment as cash application keeps it: the payment of `payments/payment.ts` with the payer's
 * account, the statement line it came from and the matcher's suggestion (all absent on payments
 * taken online).
 */
export type CashPayment = Payment & {
  /** The manual applications written (their request ids, from their Idempotency-Keys). */
  readonly applications?: readonly string[];
  readonly payerAccount?: string | null;
  readonly statement?: StatementOrigin;
  readonly suggestion?: MatchSuggestion | null;
  /** The deductions of the remittance advice that split it after it waited unapplied, as booked (`advice-intake.ts`). */
  readonly adviceDeductions?: readonly AdviceDeduction[];
};

/** The outcome of one statement line, as `GET /remittances/{id}` reports it. */
export interface LineResult {
  /** The statement whose upload recorded the line (the first one that carried it). */
  readonly statementId: string;
  readonly sequence: number;
  readonly lineId: string;
  readonly lineKey: string;
  readonly account: string | null;
  readonly amountMinor: number;
  readonly currency: string;
  readonly bookingDate: string | null;
  readonly valueDate: string | null;
  readonly payerName: string | null;
  readonly payerAccount: string | null;
  readonly reference: string | null;
  readonly status: MatchStatus;
  readonly customerId: string | null;
  readonly allocations: readonly Allocation[];
  readonly shortPayWriteOff: ShortPayWriteOff | null;
  readonly onAccountMinor: number;
  readonly unappliedMinor: number;
  readonly confidence: number;
  readonly reasons: readonly string[];
  readonly candidates: readonly { readonly invoiceId: string; readonly invoiceNumber: string }[];
  readonly paymentId: string;
  readonly recordedAt: string;
  /** The remittance advice that split the line (`advice-intake.ts`), when one did. */
  readonly adviceId?: string;
  /** That advice's deductions, as booked (written off or kept open, and why). */
  readonly deductions?: readonly AdviceDeduction[];
}

/** A payer account and name to remember for a customer, so that the matcher knows them next time. */
export interface PayerToRemember {
  readonly customerId: string;
  /** Normalized (see `normalizeAccount`), or null. */
  readonly account: string | null;
  /** Normalized (see `normalizePayerName`), or null. */
  readonly name: string | null;
}

/** What one statement line writes: its outcome, its payment, and the posting that writes both in one transaction. */
export interface LineApplication {
  readonly result: LineResult;
  readonly payment: CashPayment;
  /** The line's identity and outcome, the payment, the invoices, the customer's credit, the payer learned, the journal. */
  readonly posting: Posting;
}

/**
 * References banks write where they have none; such a "reference" identifies nothing. A reference
 * of only zeros, dashes and spaces is one too.
 */
const PLACEHOLDER_REFERENCES = new Set(['NONREF', 'NOREF', 'NOTPROVIDED', 'NONE', 'N/A', 'NA']);

/**
 * The bank's own reference for the line's entry (camt `AcctSvcrRef`, MT940 bank reference after
 * `//`, BAI2 bank reference), trimmed; `null` when there is none or it is a placeholder such as
 * `NONREF`.
 */
export function bankReferenceOf(line: Pick<StatementLine, 'accountServicerReference'>): string | null {
  const reference = line.accountServicerReference?.trim() ?? '';
  if (reference === '' || PLACEHOLDER_REFERENCES.has(reference.toUpperCase()) || /^[0\s-]*$/.test(reference)) return null;
  return reference;
}

/** Runs of white space (line breaks included) as one space, none at either end. */
function normalizeSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The calendar day a line belongs to: its booking date, else its value date (MT940 without entry date). */
function dayOf(line: StatementLine): string | null {
  return line.bookingDate ?? line.valueDate;
}

/**
 * What a statement line is, whichever file carries it: the statement's account, the day (booking
 * date, else value date), direction, amount and currency, the payer's account and name (normalized
 * as the matcher compares them), the bank's reference when it has a real one
 * ({@link bankReferenceOf}), the payer's end-to-end id (readers drop `NOTPROVIDED`), the
 * structured references and the remittance text (white space normalized). Never the line's place
 * in its file nor the reader's `lineId` (which may be `line-<n>`). A JSON array, so no two
 * contents join alike.
 */
export function statementLineContent(line: StatementLine, account: string | null): string {
  const structured = line.structuredReferences ?? (line.structuredReference === null ? [] : [line.structuredReference]);
  return JSON.stringify([
    account === null ? null : normalizeAccount(account),
    dayOf(line),
    line.direction,
    line.amountMinor,
    line.currency,
    line.payerAccount === null ? null : normalizeAccount(line.payerAccount),
    line.payerName === null ? null : normalizePayerName(line.payerName),
    bankReferenceOf(line),
    line.endToEndId,
    structured.map(normalizeSpace),
    normalizeSpace(line.remittanceText),
  ]);
}

/**
 * The identity of a statement line across uploads and files: its content (see
 * {@link statementLineContent}) and its occurrence, the n-th line (from 1) of that content on that
 * account and day, counted in file order. Two exports that overlap (yesterday's and today's both
 * holding day D) give each real line the same key; two equal payments on one day stay two lines.
 * Readable parts first (account, day, direction, amount) for whoever looks at the table, then a
 * SHA-256 of the whole content and the occurrence. Starts with `v2|`, which no key of the earlier
 * scheme ({@link legacyStatementLineKey}, starting with an upper-case account or `-`) can.
 */
export function statementLineKey(line: StatementLine, account: string | null, occurrence: number): string {
  if (!Number.isSafeInteger(occurrence) || occurrence < 1) throw new RangeError(`occurrence must be a whole number from 1, was ${occurrence}`);
  const digest = createHash('sha256').update(statementLineContent(line, account)).digest('hex').slice(0, 32);
  return [
    'v2',
    account === null ? '-' : normalizeAccount(account),
    dayOf(line) ?? '-',
    line.direction === 'credit' ? 'C' : 'D',
    `${line.amountMinor}${line.currency}`,
    digest,
    String(occurrence),
  ].join('|');
}

/**
 * The key of every line of a parsed file, by its `sequence`: {@link statementLineKey} with the
 * occurrence counted over the whole file in file order (lines of one content share account and day,
 * so the count is per account and day).
 */
export function statementLineKeys(statements: readonly { readonly account: string | null; readonly lines: readonly StatementLine[] }[]): Map<number, string> {
  const lines = statements.flatMap((s) => s.lines.map((line) => ({ line, account: s.account }))).sort((a, b) => a.line.sequence - b.line.sequence);
  const seen = new Map<string, number>();
  const keys = new Map<number, string>();
  for (const { line, account } of lines) {
    const content = statementLineContent(line, account);
    const occurrence = (seen.get(content) ?? 0) + 1;
    seen.set(content, occurrence);
    keys.set(line.sequence, statementLineKey(line, account, occurrence));
  }
  return keys;
}

/**
 * The line identity used before {@link statementLineKey} (until content identity): the account,
 * the reader's line id, direction, amount with currency and both dates, plus a hash of payer,
 * reference and text where the line id was only a position (`line-<n>`). Lines recorded then are
 * stored under it; cash application looks it up beside the current key, so such a line uploaded
 * again is recognised and never applied twice. Never used for new records.
 */
export function legacyStatementLineKey(line: StatementLine, account: string | null): string {
  const parts = [
    account === null ? '-' : normalizeAccount(account),
    line.lineId,
    line.direction === 'credit' ? 'C' : 'D',
    `${line.amountMinor}${line.currency}`,
    line.bookingDate ?? '-',
    line.valueDate ?? '-',
  ];
  if (/^line-\d+$/.test(line.lineId)) {
    const detail = [line.payerAccount ?? '', line.payerName ?? '', line.structuredReference ?? '', line.remittanceText, line.endToEndId ?? ''].join('\u0000');
    parts.push(createHash('sha256').update(detail).digest('hex').slice(0, 16));
  }
  return parts.join('|');
}

/** The id of a statement file by its content: the SHA-256 of its bytes (as text). */
export function statementIdFor(content: string): string {
  return `st-${createHash('sha256').update(content).digest('hex').slice(0, 32)}`;
}

/**
 * The id of a statement: from the identity the bank gave the file (`fileIdentity`: camt message
 * and statement ids, MT940 references and balances, BAI2 file header), so a re-export with other
 * bytes is the same statement; from the content ({@link statementIdFor}) when the file names none
 * (CSV). Both are `st-` and 32 hex digits.
 */
export function statementIdOf(file: Pick<ParsedStatementFile, 'fileIdentity'>, content: string): string {
  if (file.fileIdentity === null) return statementIdFor(content);
  return `st-${createHash('sha256').update(`identity\u0000${file.fileIdentity}`).digest('hex').slice(0, 32)}`;
}

/** An invoice as the matcher sees it: settled, written-off and credited items keep a balance of 0. */
export function openItemOf(invoice: Invoice): OpenItem {
  return {
    invoiceId: invoice.invoiceId,
    invoiceNumber: invoice.number,
    customerId: invoice.customerId,
    customerName: invoice.customerName,
    currency: invoice.currency,
    balanceMinor: isOpen(invoice) ? invoice.balanceMinor : 0,
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    rfReference: invoice.rfReference ? invoice.rfReference : null,
  };
}

/**
 * The customers the matcher may identify a payer as, from what was learned earlier: normalized
 * payer account or name -> customer ids. Names of customers come with their invoices.
 */
export function knownCustomersFrom(payers: { readonly accounts: ReadonlyMap<string, readonly string[]>; readonly names: ReadonlyMap<string, readonly string[]> }): KnownCustomer[] {
  const byCustomer = new Map<string, { accounts: string[]; names: string[] }>();
  const entry = (customerId: string) => {
    let e = byCustomer.get(customerId);
    if (!e) byCustomer.set(customerId, (e = { accounts: [], names: [] }));
    return e;
  };
  for (const [account, customerIds] of payers.accounts) for (const id of customerIds) entry(id).accounts.push(account);
  for (const [name, customerIds] of payers.names) for (const id of customerIds) entry(id).names.push(name);
  return [...byCustomer].map(([customerId, e]) => ({ customerId, name: '', knownAccounts: e.accounts, knownPayerNames: e.names }));
}

/** The reference a payment shows: the structured reference, else the remittance text (shortened). */
function referenceOf(line: StatementLine): string | null {
  const text = line.structuredReference ?? (line.remittanceText.trim() || null);
  return text === null ? null : text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

function unappliedReasonOf(line: StatementLine): UnappliedReason {
  return line.structuredReference || line.remittanceText.trim() || (line.endToEndId && line.endToEndId !== 'NOTPROVIDED') ? 'unknown-reference' : 'no-reference';
}

export interface ApplyStatementLineInput {
  readonly statementId: string;
  readonly paymentId: string;
  readonly line: StatementLine;
  readonly account: string | null;
  readonly lineKey: string;
  readonly match: LineMatch;
  /** The current state of the invoices the match allocates to (as read for the matcher). */
  readonly invoices: ReadonlyMap<string, Invoice>;
  readonly now: Date;
  /** A payer account the matcher learned from this line (applied on a quoted reference). */
  readonly learnedAccount?: string | null;
}

/**
 * What one matched credit line writes. An `applied` line becomes a payment with its allocations:
 * each invoice's paid amount rises and its balance falls (also by a short-pay write-off), its
 * status follows from {@link derivedStatus}; the journal debits cash (and write-off) and credits
 * receivables per allocation and write-off, customer credit for an overpayment kept on account and
 * unapplied cash for any rest. A `suggested` or `unapplied` line becomes an unapplied payment
 * (cash against unapplied cash) that keeps the suggestion for finance's worklist.
 *
 * @throws ConcurrentUpdateError when an invoice the match allocates to is missing or no longer has
 *   the balance the matcher saw (the caller reads again and matches again).
 */
export function applyStatementLine(input: ApplyStatementLineInput): LineApplication {
  const { line, match, now, paymentId } = input;
  const at = now.toISOString();
  const currency = line.currency;
  const applied = match.status === 'applied';
  const base = {
    paymentId,
    source: 'statement' as const,
    amountMinor: line.amountMinor,
    currency,
    reference: referenceOf(line),
    payerName: line.payerName,
    payerAccount: line.payerAccount,
    valueDate: line.valueDate ?? line.bookingDate ?? at.slice(0, 10),
    receivedAt: at,
    statement: { statementId: input.statementId, sequence: line.sequence, lineId: line.lineId, lineKey: input.lineKey },
  };
  const result: LineResult = {
    statementId: input.statementId,
    sequence: line.sequence,
    lineId: line.lineId,
    lineKey: input.lineKey,
    account: input.account,
    amountMinor: line.amountMinor,
    currency,
    bookingDate: line.bookingDate,
    valueDate: line.valueDate,
    payerName: line.payerName,
    payerAccount: line.payerAccount,
    reference: referenceOf(line),
    status: match.status,
    customerId: match.customerId,
    allocations: match.allocations,
    shortPayWriteOff: match.shortPayWriteOff ?? null,
    onAccountMinor: match.onAccountMinor,
    unappliedMinor: match.unappliedMinor,
    confidence: match.confidence,
    reasons: match.reasons,
    candidates: match.candidates ?? [],
    paymentId,
    recordedAt: at,
    // Recorded with the line (one transaction): a retried step marks the advice used from it.
    ...(match.adviceId && match.status === 'applied' ? { adviceId: match.adviceId, ...(match.deductions ? { deductions: match.deductions } : {}) } : {}),
  };

  if (!applied) {
    const suggestion: MatchSuggestion = {
      status: match.status === 'suggested' ? 'suggested' : 'unapplied',
      customerId: match.customerId,
      allocations: match.allocations,
      shortPayWriteOff: match.shortPayWriteOff ?? null,
      onAccountMinor: match.onAccountMinor,
      candidates: match.candidates ?? [],
      confidence: match.confidence,
      reasons: match.reasons,
    };
    const payment: CashPayment = {
      ...base,
      customerId: null,
      allocations: [],
      onAccountMinor: 0,
      unappliedMinor: line.amountMinor,
      unappliedReason: unappliedReasonOf(line),
      status: 'unapplied',
      suggestion,
    };
    const posting = journal(`statement-line-${paymentId}`, 'PaymentReceived', at, [
      { account: 'cash', side: 'debit', amount: money(line.amountMinor, currency), reference: paymentId },
      { account: 'unapplied-cash', side: 'credit', amount: money(line.amountMinor, currency), reference: paymentId },
    ]);
    const unappliedResult = { ...result, unappliedMinor: line.amountMinor };
    return {
      result: unappliedResult,
      payment,
      posting: { description: `statement line ${line.lineId}`, statementLine: { statementId: input.statementId, result: unappliedResult }, payment: { before: null, after: payment }, invoices: [], journals: [posting] },
    };
  }

  // Applied: each invoice once, with its allocation and any write-off.
  const writeOff = match.shortPayWriteOff;
  // A remittance advice's deductions booked as write-offs go the same way as a short payment (reason `X12-<code>`).
  const adviceWriteOffs = (match.deductions ?? []).filter((d) => d.booking === 'write-off');
  const touched = [...new Set([...match.allocations.map((a) => a.invoiceId), ...(writeOff ? [writeOff.invoiceId] : []), ...adviceWriteOffs.map((d) => d.invoiceId)])];
  const changes: InvoiceChange[] = [];
  const receivables: JournalLine[] = [];
  const writeOffs: JournalLine[] = [];
  for (const invoiceId of touched) {
    const before = input.invoices.get(invoiceId);
    if (!before) throw new ConcurrentUpdateError(`Invoice ${invoiceId}`);
    const allocated = match.allocations.filter((a) => a.invoiceId === invoiceId).reduce((s, a) => s + a.amountMinor, 0);
    const writtenOff = writeOff?.invoiceId === invoiceId ? writeOff.amountMinor : 0;
    let after = before;
    try {
      if (allocated > 0) {
        const note = `payment ${paymentId} of ${formatAmount(money(allocated, currency))} from statement line ${line.lineId}`;
        const allocation = allocatePayment(after, { paymentId, amountMinor: allocated, currency, at, note });
        after = allocation.invoice;
        receivables.push(...allocation.journalLines);
      }
      if (writtenOff > 0) {
        const shortPay = writeOffShortPayment(after, { amountMinor: writtenOff, reasonCode: writeOff!.reasonCode, at });
        after = shortPay.invoice;
        writeOffs.push(...shortPay.journalLines);
      }
      for (const deduction of adviceWriteOffs.filter((d) => d.invoiceId === invoiceId)) {
        const note = deductionWriteOffNote(deduction.amountMinor, currency, match.adviceId ?? '', deduction.reasonCode);
        const deducted = writeOffShortPayment(after, { amountMinor: deduction.amountMinor, reasonCode: deductionWriteOffCode(deduction.reasonCode), at, note });
        after = deducted.invoice;
        writeOffs.push(...deducted.journalLines);
      }
    } catch (error) {
      // The matcher saw another balance or status than the invoice's invariants allow now: read again.
      if (error instanceof InvoiceTransitionError) throw new ConcurrentUpdateError(`Invoice ${invoiceId}`);
      throw error;
    }
    changes.push({ before, after });
  }

  const lines: JournalLine[] = [
    { account: 'cash', side: 'debit', amount: money(line.amountMinor, currency), reference: paymentId },
    ...receivables,
    ...writeOffs,
    { account: 'customer-credit', side: 'credit', amount: money(match.onAccountMinor, currency), reference: paymentId },
    { account: 'unapplied-cash', side: 'credit', amount: money(match.unappliedMinor, currency), reference: paymentId },
  ];
  const allocations: PaymentAllocation[] = match.allocations.map((a) => ({ invoiceId: a.invoiceId, invoiceNumber: a.invoiceNumber, amountMinor: a.amountMinor }));
  const allocated = allocations.reduce((s, a) => s + a.amountMinor, 0);
  const payment: CashPayment = {
    ...base,
    customerId: match.customerId,
    allocations,
    onAccountMinor: match.onAccountMinor,
    unappliedMinor: match.unappliedMinor,
    unappliedReason: match.unappliedMinor > 0 ? 'no-open-balance' : null,
    status: allocated === line.amountMinor ? 'applied' : 'partially-applied',
    suggestion: null,
  };
  const learned = input.learnedAccount && match.customerId ? normalizeAccount(input.learnedAccount) : '';
  return {
    result,
    payment,
    posting: {
      description: `statement line ${line.lineId}`,
      statementLine: { statementId: input.statementId, result },
      payment: { before: null, after: payment },
      invoices: changes,
      journals: [journal(`statement-line-${paymentId}`, 'StatementLineApplied', at, lines)],
      ...(match.onAccountMinor > 0 && match.customerId ? { customerCredit: { customerId: match.customerId, amountMinor: match.onAccountMinor } } : {}),
      ...(learned !== '' ? { payer: { customerId: match.customerId!, account: learned, name: null } } : {}),
    },
  };
}

/** One allocation finance asks for, its amount already read in the payment's currency. */
export interface ManualAllocation {
  readonly invoiceId: string;
  readonly amountMinor: number;
}

/**
 * The deductions of a remittance advice that splits an unapplied payment (`advice-intake.ts`): booked
 * by the one deduction rule (`decideDeduction`) against each invoice's balance as read, written off
 * through `writeOffShortPayment` in the same posting as the application, or kept open with the reason.
 */
export interface ManualAdviceDeductions {
  readonly adviceId: string;
  readonly deductions: readonly { readonly invoiceId: string; readonly amountMinor: number; readonly reasonCode: string }[];
  readonly shortPay: ShortPayPolicy;
}

/** What applying an unapplied payment by hand writes: the payment after it, and the posting that writes it in one transaction. */
export interface ManualApplication {
  readonly payment: CashPayment;
  /** The payment (only if its unapplied amount is still the one read), the invoices, the payer remembered, the journal. */
  readonly posting: Posting;
}

/**
 * Applies (part of) an unapplied payment to invoices finance chose. Checks, naming the field: each
 * invoice exists, is open, is in the payment's currency and belongs to one customer (the one the
 * payment was applied to before, if any); each amount is at most the invoice's balance; together
 * at most the unapplied amount. What is left stays unapplied. The journal moves the amount from
 * unapplied cash to receivables. The payer's account and name are remembered for the customer.
 *
 * @throws ConflictError when nothing of the payment is unapplied any more.
 * @throws ValidationError naming `allocations[i].invoiceId`, `allocations[i].amount` or `allocations`.
 */
export function applyUnappliedPayment(
  payment: CashPayment,
  allocations: readonly ManualAllocation[],
  invoices: ReadonlyMap<string, Invoice>,
  now: Date,
  /** The request applying it (from its Idempotency-Key): names the journal and is kept on the payment. */
  requestId?: string,
  /** A remittance advice's deductions, booked in the same posting (`deductions[i]` named on a problem). */
  advice?: ManualAdviceDeductions,
): ManualApplication {
  if (payment.unappliedMinor <= 0) {
    throw new ConflictError(`Payment ${payment.paymentId} is applied in full already; nothing is left to apply`, 'PAYMENT_ALREADY_APPLIED');
  }
  const currency = payment.currency;
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  const customers = new Set<string>();
  allocations.forEach((allocation, i) => {
    const invoice = invoices.get(allocation.invoiceId);
    const field = `allocations[${i}]`;
    if (seen.has(allocation.invoiceId)) problems.push({ field: `${field}.invoiceId`, problem: `names invoice ${allocation.invoiceId} a second time` });
    seen.add(allocation.invoiceId);
    if (!invoice) {
      problems.push({ field: `${field}.invoiceId`, problem: `invoice ${allocation.invoiceId} does not exist` });
      return;
    }
    customers.add(invoice.customerId);
    if (invoice.currency !== currency) {
      problems.push({ field: `${field}.invoiceId`, problem: `invoice ${invoice.number} is in ${invoice.currency}, the payment in ${currency}` });
    } else if (!isOpen(invoice)) {
      problems.push({ field: `${field}.invoiceId`, problem: `invoice ${invoice.number} has no open balance (${invoice.status})` });
    } else if (allocation.amountMinor > invoice.balanceMinor) {
      problems.push({
        field: `${field}.amount`,
        problem: `is more than the open balance ${formatAmount(money(invoice.balanceMinor, currency))} of invoice ${invoice.number}`,
      });
    }
  });
  const booked: AdviceDeduction[] = [];
  (advice?.deductions ?? []).forEach((deduction, i) => {
    const invoice = invoices.get(deduction.invoiceId);
    const field = `deductions[${i}]`;
    if (!invoice) {
      problems.push({ field: `${field}.invoiceId`, problem: `invoice ${deduction.invoiceId} does not exist` });
      return;
    }
    customers.add(invoice.customerId);
    const paid = allocations.filter((a) => a.invoiceId === deduction.invoiceId).reduce((s, a) => s + a.amountMinor, 0);
    if (invoice.currency !== currency) problems.push({ field: `${field}.invoiceId`, problem: `invoice ${invoice.number} is in ${invoice.currency}, the payment in ${currency}` });
    else if (!isOpen(invoice)) problems.push({ field: `${field}.invoiceId`, problem: `invoice ${invoice.number} has no open balance (${invoice.status})` });
    else if (paid + deduction.amountMinor > invoice.balanceMinor) {
      problems.push({
        field: `${field}.amount`,
        problem: `invoice ${invoice.number} has ${formatAmount(money(invoice.balanceMinor, currency))} open, the advice pays and deducts ${formatAmount(money(paid + deduction.amountMinor, currency))}`,
      });
    } else {
      // The one deduction rule, as the matcher applies it when the advice comes before its transfer.
      const decision = decideDeduction({ invoiceNumber: invoice.number, deductionMinor: deduction.amountMinor, reasonCode: deduction.reasonCode }, invoice.balanceMinor, currency, advice!.shortPay);
      if (decision) booked.push({ invoiceId: invoice.invoiceId, invoiceNumber: invoice.number, amountMinor: decision.amountMinor, reasonCode: decision.reasonCode, booking: decision.booking, why: decision.why });
    }
  });
  const total = allocations.reduce((s, a) => s + a.amountMinor, 0);
  if (total > payment.unappliedMinor) {
    problems.push({ field: 'allocations', problem: `add up to ${formatAmount(money(total, currency))}, more than the unapplied ${formatAmount(money(payment.unappliedMinor, currency))}` });
  }
  if (customers.size > 1) problems.push({ field: 'allocations', problem: 'must all be invoices of one customer' });
  const [customerId] = customers;
  if (customerId !== undefined && payment.allocations.length > 0 && payment.customerId && payment.customerId !== customerId) {
    problems.push({ field: 'allocations', problem: `the payment is applied to customer ${payment.customerId} already; its invoices only` });
  }
  if (problems.length > 0) throw new ValidationError(problems);

  const at = now.toISOString();
  const changes: InvoiceChange[] = [];
  const receivables: JournalLine[] = [];
  const writeOffs: JournalLine[] = [];
  const applied: PaymentAllocation[] = [];
  const touched = [...new Set([...allocations.map((a) => a.invoiceId), ...booked.map((d) => d.invoiceId)])];
  for (const invoiceId of touched) {
    const before = invoices.get(invoiceId)!;
    const kept = booked.filter((d) => d.invoiceId === invoiceId && d.booking === 'kept-open').map((d) => `; ${d.why}`).join('');
    let after = before;
    for (const allocation of allocations.filter((a) => a.invoiceId === invoiceId)) {
      const by = advice ? `by remittance advice ${advice.adviceId}` : 'by hand';
      const note = `payment ${payment.paymentId} of ${formatAmount(money(allocation.amountMinor, currency))} applied ${by}${kept}`;
      const transition = allocatePayment(after, { paymentId: payment.paymentId, amountMinor: allocation.amountMinor, currency, at, note });
      after = transition.invoice;
      receivables.push(...transition.journalLines);
      applied.push({ invoiceId: before.invoiceId, invoiceNumber: before.number, amountMinor: allocation.amountMinor });
    }
    for (const deduction of booked.filter((d) => d.invoiceId === invoiceId && d.booking === 'write-off')) {
      const note = deductionWriteOffNote(deduction.amountMinor, currency, advice!.adviceId, deduction.reasonCode);
      const transition = writeOffShortPayment(after, { amountMinor: deduction.amountMinor, reasonCode: deductionWriteOffCode(deduction.reasonCode), at, note });
      after = transition.invoice;
      writeOffs.push(...transition.journalLines);
    }
    // A deduction kept open on an invoice the advice pays nothing to changes nothing there (the advice records it).
    if (after !== before) changes.push({ before, after });
  }
  const unappliedMinor = payment.unappliedMinor - total;
  const allAllocations = [...payment.allocations, ...applied];
  const after: CashPayment = {
    ...payment,
    ...(requestId ? { applications: [...(payment.applications ?? []), requestId] } : {}),
    customerId: customerId ?? payment.customerId,
    allocations: allAllocations,
    unappliedMinor,
    unappliedReason: unappliedMinor > 0 ? payment.unappliedReason : null,
    status: unappliedMinor === 0 && payment.onAccountMinor === 0 ? 'applied' : 'partially-applied',
    ...(booked.length > 0 ? { adviceDeductions: booked } : {}),
  };
  const entry = journal(`payment-${payment.paymentId}-by-hand-${requestId ?? payment.allocations.length + 1}`, 'UnappliedPaymentApplied', at, [
    { account: 'unapplied-cash', side: 'debit', amount: money(total, currency), reference: payment.paymentId },
    ...receivables,
    ...writeOffs,
  ]);
  const account = payment.payerAccount ? normalizeAccount(payment.payerAccount) : '';
  const name = payment.payerName ? normalizePayerName(payment.payerName) : null;
  const payer = customerId !== undefined && (account !== '' || name !== null) ? { customerId, account: account || null, name } : null;
  return {
    payment: after,
    posting: {
      description: `manual application of payment ${payment.paymentId}`,
      payment: { before: payment, after },
      invoices: changes,
      journals: [entry],
      ...(payer ? { payer } : {}),
    },
  };
}
