/**
 * Remittance advices through the API (finance): `POST /remittances/advices` takes an advice (the CSV
 * text as the body, or a PDF as `application/pdf`; see `remittance-advice.ts` for the format), keeps
 * it `waiting`, and `GET /remittances/advices[/{adviceId}]` shows it: waiting, used by the statement
 * line (or unapplied payment) it split, or refused with the reason.
 *
 * A waiting advice is used in two ways, one money path each:
 * - a statement processed later: its lines are matched by a run that has the waiting advices (rule 0
 *   of `matcher.ts`); the line an advice splits marks it used (`StatementRun`).
 * - a transfer received before: its payment waits unapplied on the worklist. On receipt, the advice
 *   looks for the one unapplied payment it fits (`adviceFitsLine`, the matcher's rule) and applies it
 *   exactly over the listed invoices through the manual application of unapplied payments
 *   (`applyPaymentByHand`, as `POST /payments/{paymentId}/apply`), keyed by the advice so it is
 *   applied once.
 *
 * Either way the deductions are booked by one rule (`decideDeduction` in `remittance-advice.ts`):
 * agreed terms (X12 `57`, `AJ`, `48`) within the short-payment tolerance are written off through the
 * invoice transition `writeOffShortPayment` in the same transaction as the split; disputes (and
 * agreed terms above the tolerance) stay open on the invoice with the reason. The advice records
 * them (`usedBy.deductions`) and `GET /remittances/advices/{adviceId}` shows them.
 *
 * The advice id is a hash of what the advice says: the same advice sent twice is one advice.
 */
import { createHash } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { OpenItemReader, Page } from '../ports';
import type { StatementLine } from '../bank-statements/statement';
import { formatAmount, money } from '../money/money';
import { adviceFitsLine, DEDUCTION_REASONS, readAdviceCsv, RemittanceAdviceError, type RemittanceAdvice } from './remittance-advice';
import { applyPaymentByHand, type UnappliedPaymentDeps } from './unapplied-payments';
import type { CashPayment } from './application';
import { DEFAULT_CASH_APPLICATION_POLICY } from './matcher';
import type { AdviceDeduction, ShortPayPolicy } from './types';

export type AdviceStatus = 'waiting' | 'used' | 'refused';

/** What split the transfer an advice announces. */
export interface AdviceUse {
  readonly paymentId: string;
  /** The statement line (absent for a payment not read from a statement). */
  readonly statementId: string | null;
  readonly lineId: string | null;
  readonly at: string;
  /** The advice's deductions as booked: written off or kept open, and why (absent on advices used before this was recorded). */
  readonly deductions?: readonly AdviceDeduction[];
}

/** An advice as kept. */
export interface StoredAdvice {
  readonly adviceId: string;
  readonly format: 'csv' | 'pdf';
  readonly receivedAt: string;
  readonly status: AdviceStatus;
  readonly usedBy: AdviceUse | null;
  readonly refusedReason: string | null;
  readonly advice: RemittanceAdvice;
  /**
   * The unapplied payment a waiting advice was found to fit and is being applied to (claimed before
   * the application): a retry after a stop between the application and the mark goes on with it.
   */
  readonly pendingPaymentId?: string | null;
}

export interface AdviceStore {
  /** Stores the advice unless one with its id exists; answers the advice as stored. */
  add(advice: StoredAdvice): Promise<{ created: boolean; advice: StoredAdvice }>;
  get(adviceId: string): Promise<StoredAdvice | undefined>;
  list(limit: number, cursor?: string): Promise<Page<StoredAdvice>>;
  /** Every advice still waiting. */
  waiting(): Promise<StoredAdvice[]>;
  /** Marks a waiting advice used (false when it is not waiting any more: used once). */
  markUsed(adviceId: string, use: AdviceUse): Promise<boolean>;
  /** Marks a waiting advice refused with the reason (false when not waiting). */
  markRefused(adviceId: string, reason: string): Promise<boolean>;
  /** Records the payment a waiting advice is applied to (false when not waiting, or claimed for another payment). */
  claim(adviceId: string, paymentId: string): Promise<boolean>;
}

/** What the API reads advices from, for the asynchronous statement processing (read and mark only). */
export type AdviceSource = Pick<AdviceStore, 'waiting' | 'markUsed'>;

export interface AdviceIntakeDeps {
  readonly advices: AdviceStore;
  readonly clock: { now(): Date };
  /** The unapplied worklist and the manual application (for an advice that comes after its transfer). */
  readonly unapplied: UnappliedPaymentDeps;
  readonly openItems: Pick<OpenItemReader, 'invoicesByNumber'>;
  /** Reads the table of a PDF advice (`adapters/pdf/remittance-advice-pdf.ts`). */
  readonly readPdf: (bytes: Uint8Array) => Promise<RemittanceAdvice>;
  /** The short-payment tolerance deductions are written off within; the statement runs' default when absent. */
  readonly shortPay?: ShortPayPolicy;
}

/** Unapplied payments looked through for the transfer of an advice that came late, at most. */
export const MAX_UNAPPLIED_SCANNED = 2000;

/** The id of an advice: from what it says (payer, transfer and lines), so the same advice twice is one. */
export function adviceIdOf(advice: RemittanceAdvice): string {
  return `adv-${createHash('sha256').update(JSON.stringify(advice)).digest('hex').slice(0, 24)}`;
}

/** A bad advice: a 400 naming the column (`paid_amount`) and, with `location.row`, the row of the CSV or PDF table (1 = the header). */
function refused(error: RemittanceAdviceError): ValidationError {
  return new ValidationError([{ field: error.field, problem: error.message, ...(error.row === null ? {} : { location: { row: error.row } }) }]);
}

/**
 * Reads the body of `POST /remittances/advices`: a PDF when the content type says so (or the body
 * starts `%PDF-`), CSV text otherwise.
 *
 * @throws ValidationError naming the row and field (`row 3: paid_amount`) of the first problem.
 */
export async function readAdviceBody(deps: Pick<AdviceIntakeDeps, 'readPdf'>, contentType: string, body: { text: string; bytes: Uint8Array }): Promise<{ format: 'csv' | 'pdf'; advice: RemittanceAdvice }> {
  const pdf = /application\/pdf/i.test(contentType) || body.text.startsWith('%PDF-');
  if (!pdf && body.text.trim() === '') throw ValidationError.of('(body)', 'is empty: send the advice CSV (or a PDF as application/pdf) as the request body');
  try {
    return pdf ? { format: 'pdf', advice: await deps.readPdf(body.bytes) } : { format: 'csv', advice: readAdviceCsv(body.text) };
  } catch (error) {
    if (error instanceof RemittanceAdviceError) throw refused(error);
    throw error;
  }
}

/** The transfer a payment on the worklist stands for, as the advice rule reads a statement line. */
function lineOfPayment(payment: CashPayment): StatementLine {
  return {
    sequence: payment.statement?.sequence ?? 0,
    lineId: payment.statement?.lineId ?? payment.paymentId,
    direction: 'credit',
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    bookingDate: payment.valueDate,
    valueDate: payment.valueDate,
    payerName: payment.payerName,
    payerAccount: payment.payerAccount ?? null,
    remittanceText: payment.reference ?? '',
  } as unknown as StatementLine;
}

/**
 * POST /remittances/advices: reads and keeps the advice (nothing kept when it is refused), then, if
 * its transfer already waits unapplied, applies it as the advice says. Answers the advice as it is
 * after, and `created: false` when the same advice was received before.
 */
export async function receiveAdvice(deps: AdviceIntakeDeps, read: { format: 'csv' | 'pdf'; advice: RemittanceAdvice }, requestId?: string) {
  const adviceId = adviceIdOf(read.advice);
  const stored: StoredAdvice = { adviceId, format: read.format, receivedAt: deps.clock.now().toISOString(), status: 'waiting', usedBy: null, refusedReason: null, advice: read.advice };
  const { created, advice } = await deps.advices.add(stored);
  const after = advice.status === 'waiting' ? await applyToWaitingPayment(deps, advice, requestId) : advice;
  return { created, advice: adviceView(after) };
}

/**
 * An advice after its transfer: the one unapplied payment (nothing of it applied yet) it fits is
 * applied over the advice's invoices by the manual application path, keyed by the advice id (applied
 * once however often this runs). Its deductions are booked in the same transaction by the rule the
 * statement path follows (`decideDeduction`): agreed terms within tolerance written off, the rest
 * kept open with the reason.
 */
async function applyToWaitingPayment(deps: AdviceIntakeDeps, stored: StoredAdvice, _requestId?: string): Promise<StoredAdvice> {
  const { advice } = stored;
  const payment = stored.pendingPaymentId ? await deps.unapplied.payments.get(stored.pendingPaymentId) : await claimFittingPayment(deps, stored);
  if (!payment) return (await deps.advices.get(stored.adviceId)) ?? stored;
  const invoices = await deps.openItems.invoicesByNumber(advice.lines.map((l) => l.invoiceNumber));
  const byNumber = new Map(invoices.map((i) => [i.number.toUpperCase(), i]));
  const allocations: { invoiceId: string; amount: string }[] = [];
  const deductions: { invoiceId: string; amountMinor: number; reasonCode: string }[] = [];
  for (const line of advice.lines) {
    const invoice = byNumber.get(line.invoiceNumber.toUpperCase());
    if (!invoice) return refuse(deps, stored, `invoice ${line.invoiceNumber} of the advice is not known: payment ${payment.paymentId} left for finance`);
    if (line.paidMinor > 0) allocations.push({ invoiceId: invoice.invoiceId, amount: formatAmount(money(line.paidMinor, advice.currency)) });
    if (line.deductionMinor > 0 && line.reasonCode) deductions.push({ invoiceId: invoice.invoiceId, amountMinor: line.deductionMinor, reasonCode: line.reasonCode });
  }
  try {
    const shortPay = deps.shortPay ?? DEFAULT_CASH_APPLICATION_POLICY.shortPay;
    await applyPaymentByHand(deps.unapplied, payment.paymentId, { allocations }, `advice:${stored.adviceId}`, { adviceId: stored.adviceId, deductions, shortPay });
  } catch (error) {
    if (error instanceof ValidationError || error instanceof ConflictError) return refuse(deps, stored, `the advice cannot split payment ${payment.paymentId}: ${error.message}`);
    throw error;
  }
  // The deductions as booked, from the payment written with them (also when an earlier attempt wrote it).
  const applied = await deps.unapplied.payments.get(payment.paymentId);
  const use: AdviceUse = {
    paymentId: payment.paymentId,
    statementId: payment.statement?.statementId ?? null,
    lineId: payment.statement?.lineId ?? null,
    at: deps.clock.now().toISOString(),
    deductions: applied?.adviceDeductions ?? [],
  };
  await deps.advices.markUsed(stored.adviceId, use);
  return (await deps.advices.get(stored.adviceId)) ?? stored;
}

/**
 * The one unapplied payment (nothing of it applied yet) the advice fits, claimed for it so that a
 * retry goes on with that payment; undefined when none or several fit, or another run claimed it.
 */
async function claimFittingPayment(deps: AdviceIntakeDeps, stored: StoredAdvice): Promise<CashPayment | undefined> {
  const fitting: CashPayment[] = [];
  let cursor: string | undefined;
  let scanned = 0;
  do {
    const page = await deps.unapplied.payments.listUnapplied(200, cursor);
    for (const payment of page.items) {
      if (payment.unappliedMinor === payment.amountMinor && adviceFitsLine(stored.advice, lineOfPayment(payment))) fitting.push(payment);
    }
    scanned += page.items.length;
    cursor = page.cursor;
  } while (cursor && scanned < MAX_UNAPPLIED_SCANNED);
  if (fitting.length !== 1) return undefined;
  return (await deps.advices.claim(stored.adviceId, fitting[0]!.paymentId)) ? fitting[0] : undefined;
}

async function refuse(deps: AdviceIntakeDeps, stored: StoredAdvice, reason: string): Promise<StoredAdvice> {
  await deps.advices.markRefused(stored.adviceId, reason);
  return (await deps.advices.get(stored.adviceId)) ?? stored;
}

export function adviceView(stored: StoredAdvice) {
  const { advice } = stored;
  return {
    adviceId: stored.adviceId,
    status: stored.status,
    format: stored.format,
    receivedAt: stored.receivedAt,
    usedBy: stored.usedBy ? usedByView(stored.usedBy, advice.currency) : null,
    refusedReason: stored.refusedReason,
    payerName: advice.payerName,
    payerAccount: advice.payerAccount,
    paymentReference: advice.paymentReference,
    paymentAmount: formatAmount(money(advice.paymentAmountMinor, advice.currency)),
    currency: advice.currency,
    paymentDate: advice.paymentDate,
    lines: advice.lines.map((l) => ({
      invoiceNumber: l.invoiceNumber,
      paidAmount: formatAmount(money(l.paidMinor, advice.currency)),
      deductionAmount: formatAmount(money(l.deductionMinor, advice.currency)),
      reasonCode: l.reasonCode,
      note: l.note,
    })),
  };
}

/** Where an advice was used, with its deductions as booked: what was written off, what stays open, and why. */
function usedByView(use: AdviceUse, currency: string) {
  return {
    paymentId: use.paymentId,
    statementId: use.statementId,
    lineId: use.lineId,
    at: use.at,
    deductions: (use.deductions ?? []).map((d) => ({
      invoiceId: d.invoiceId,
      invoiceNumber: d.invoiceNumber,
      amount: formatAmount(money(d.amountMinor, currency)),
      reasonCode: d.reasonCode,
      reasonName: DEDUCTION_REASONS[d.reasonCode]?.name ?? d.reasonCode,
      booking: d.booking,
      why: d.why ?? null,
    })),
  };
}

export async function getAdvice(deps: Pick<AdviceIntakeDeps, 'advices'>, adviceId: string) {
  const stored = await deps.advices.get(adviceId);
  if (!stored) throw new NotFoundError('Remittance advice', adviceId);
  return adviceView(stored);
}

export async function listAdvices(deps: Pick<AdviceIntakeDeps, 'advices'>, query: { limit?: string | undefined; cursor?: string | undefined }) {
  const limit = query.limit === undefined ? 50 : Number(query.limit);
  const page = await deps.advices.list(limit, query.cursor);
  return { items: page.items.map(adviceView), cursor: page.cursor ?? null };
}
