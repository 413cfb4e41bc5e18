/**
 * Remittance advices: a customer's own list of the invoices one transfer pays, sent apart from the
 * bank statement (CSV, or a PDF with the same table). Pure domain code: reading an advice from CSV
 * text or from the rows of a PDF table, checking it, and deciding whether a statement line is the
 * transfer it announces.
 *
 * ## The advice CSV (one file, one transfer)
 *
 * A header row, then one row per invoice paid. The transfer's columns are given on the first row
 * and either repeated on every row (then they must agree) or left empty after it:
 *
 * | column | required | meaning |
 * |---|---|---|
 * | `payer_name` | yes | who pays, as in master data or close to it |
 * | `payer_account` | no | the IBAN (or account number) the transfer comes from |
 * | `payment_reference` | no | what the transfer's remittance text or end-to-end id carries |
 * | `payment_amount` | yes | the transfer's amount, decimal with a dot (`1234.50`) |
 * | `currency` | yes | ISO 4217 code |
 * | `payment_date` | yes | `YYYY-MM-DD`, the day the payer sent it |
 * | `invoice_number` | yes | an invoice the transfer pays (once per advice) |
 * | `paid_amount` | yes | what of the transfer goes to that invoice (may be 0.00 when all is deducted) |
 * | `deduction_amount` | no | what the payer keeps back from that invoice (default 0.00) |
 * | `reason_code` | when a deduction | why: an ANSI X12 element 426 adjustment reason code (see {@link DEDUCTION_REASONS}) |
 * | `note` | no | free text kept with the line |
 *
 * The paid amounts add up to the payment amount exactly, or the advice is refused.
 */
import { parse, CsvError } from 'csv-parse/sync';
import { formatAmount, isCurrency, money, MoneyError, parseAmount } from '../money/money';
import type { ShortPayPolicy } from './types';
import type { StatementLine } from '../bank-statements/statement';
import { normalizeAccount } from './payer';
import { compareNames } from './names';

/** How a deduction is booked: written off the invoice, or kept open on it for finance to settle. */
export type DeductionBooking = 'write-off' | 'kept-open';

/**
 * The adjustment reason codes an advice may give for a deduction: ANSI X12 data element 426
 * ("Adjustment Reason Code", used in the 820 payment order/remittance advice, segment ADX/RMR), a
 * selection of those payers use for deductions from invoices, with how each is booked:
 *
 * - **kept open** (the default): the payer contests part of the invoice (pricing error, damaged or
 *   missing goods, quantity, returns). The invoice keeps the deducted amount open with the reason
 *   recorded; finance issues a credit note when it agrees or chases the balance when not. Nothing
 *   is written off on the payer's word alone.
 * - **written off**: the payer takes what the seller's terms grant (a volume discount, an early
 *   payment discount, a bank charge the seller bears), and only up to the short-payment tolerance of
 *   the cash application policy; above it the deduction is kept open like a dispute.
 */
export const DEDUCTION_REASONS: Readonly<Record<string, { readonly name: string; readonly booking: DeductionBooking }>> = {
  '01': { name: 'Pricing Error', booking: 'kept-open' },
  '02': { name: 'Allowance/Charge Error', booking: 'kept-open' },
  '04': { name: 'Item Not Accepted - Damaged', booking: 'kept-open' },
  '05': { name: 'Item Not Accepted - Quality', booking: 'kept-open' },
  '06': { name: 'Quantity Contested', booking: 'kept-open' },
  '07': { name: 'Incorrect Product', booking: 'kept-open' },
  '11': { name: 'Returns - Damage', booking: 'kept-open' },
  '12': { name: 'Returns - Quality', booking: 'kept-open' },
  '19': { name: 'Duplicate Billing', booking: 'kept-open' },
  '22': { name: 'Weight Error', booking: 'kept-open' },
  '24': { name: 'Incorrect Discount', booking: 'kept-open' },
  '30': { name: 'Delivery Charge Incorrect', booking: 'kept-open' },
  '43': { name: 'Missing Discount', booking: 'kept-open' },
  '48': { name: 'Service Charge', booking: 'write-off' },
  '54': { name: 'Freight Deducted', booking: 'kept-open' },
  '55': { name: 'Tax Deducted', booking: 'kept-open' },
  '57': { name: 'Volume Discount Taken', booking: 'write-off' },
  '59': { name: 'Item not received', booking: 'kept-open' },
  AJ: { name: 'Early Payment Allowance', booking: 'write-off' },
};

export const ADVICE_COLUMNS = ['payer_name', 'payment_amount', 'currency', 'payment_date', 'invoice_number', 'paid_amount'] as const;
export const OPTIONAL_ADVICE_COLUMNS = ['payer_account', 'payment_reference', 'deduction_amount', 'reason_code', 'note'] as const;

/** One invoice of an advice. */
export interface AdviceLine {
  readonly invoiceNumber: string;
  readonly paidMinor: number;
  readonly deductionMinor: number;
  /** Set when `deductionMinor > 0`. */
  readonly reasonCode: string | null;
  readonly note: string | null;
}

/** A remittance advice as read and checked: the transfer it announces and the invoices it pays. */
export interface RemittanceAdvice {
  readonly payerName: string;
  readonly payerAccount: string | null;
  readonly paymentReference: string | null;
  readonly paymentAmountMinor: number;
  readonly currency: string;
  readonly paymentDate: string;
  readonly lines: readonly AdviceLine[];
}

/** An advice that cannot be read: names the row (1 = the header) and field, and says what is wrong. */
export class RemittanceAdviceError extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly row: number | null,
  ) {
    super(message);
    this.name = 'RemittanceAdviceError';
  }
}

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const ALL_COLUMNS: readonly string[] = [...ADVICE_COLUMNS, ...OPTIONAL_ADVICE_COLUMNS];
/** The columns that describe the transfer rather than one invoice. */
const TRANSFER_COLUMNS = ['payer_name', 'payer_account', 'payment_reference', 'payment_amount', 'currency', 'payment_date'] as const;

/**
 * Reads an advice from CSV text (comma or semicolon separated, UTF-8, with a header row).
 *
 * @throws RemittanceAdviceError naming the row and field of the first problem.
 */
export function readAdviceCsv(text: string): RemittanceAdvice {
  const firstLine = text.slice(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'));
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let rows: string[][];
  try {
    rows = parse(text.replace(/^\uFEFF/, ''), { delimiter, relax_column_count: false, skip_empty_lines: true, trim: true }) as string[][];
  } catch (error) {
    const lines = error instanceof CsvError ? (error as unknown as { lines?: unknown }).lines : undefined;
    const line = typeof lines === 'number' ? lines : null;
    throw new RemittanceAdviceError(`the advice is not readable CSV${line ? ` (line ${line})` : ''}: ${error instanceof Error ? error.message : String(error)}`, 'advice', line);
  }
  return adviceFromTable(rows);
}

/**
 * Checks an advice given as a table: a header row of column names (see the module comment), then
 * one row per invoice. Used for CSV and for the table of a PDF advice alike.
 *
 * @throws RemittanceAdviceError naming the row and field of the first problem.
 */
export function adviceFromTable(rows: readonly (readonly string[])[]): RemittanceAdvice {
  if (rows.length === 0) throw new RemittanceAdviceError('the advice is empty: expected a header row and one row per invoice', 'advice', null);
  const header = rows[0]!.map((h) => h.trim().toLowerCase());
  for (const column of ADVICE_COLUMNS) {
    if (!header.includes(column)) throw new RemittanceAdviceError(`the header has no column "${column}" (columns: ${ADVICE_COLUMNS.join(', ')}; optional: ${OPTIONAL_ADVICE_COLUMNS.join(', ')})`, column, 1);
  }
  for (const column of header) {
    if (!ALL_COLUMNS.includes(column)) throw new RemittanceAdviceError(`the header has an unknown column "${column}"`, column, 1);
  }
  if (rows.length < 2) throw new RemittanceAdviceError('the advice lists no invoice', 'invoice_number', null);
  const records = rows.slice(1).map((cells, i) => {
    if (cells.length !== header.length) throw new RemittanceAdviceError(`row ${i + 2} has ${cells.length} fields, the header ${header.length}`, 'advice', i + 2);
    return Object.fromEntries(header.map((h, j) => [h, (cells[j] ?? '').trim()])) as Record<string, string>;
  });

  const first = records[0]!;
  for (const [index, record] of records.entries()) {
    for (const column of TRANSFER_COLUMNS) {
      // Left empty after the first row (as PDF tables do): the first row's value holds.
      if (index > 0 && (record[column] ?? '') === '') continue;
      if ((record[column] ?? '') !== (first[column] ?? '')) {
        throw new RemittanceAdviceError(`row ${index + 2}: ${column} "${record[column]}" differs from row 2 ("${first[column]}"); one advice announces one transfer`, column, index + 2);
      }
    }
  }
  const payerName = first.payer_name!;
  if (payerName === '') throw new RemittanceAdviceError('row 2: payer_name is empty', 'payer_name', 2);
  const currency = first.currency!.toUpperCase();
  if (!isCurrency(currency)) throw new RemittanceAdviceError(`row 2: currency "${first.currency}" is not an ISO 4217 code`, 'currency', 2);
  const paymentDate = first.payment_date!;
  if (!DATE.test(paymentDate)) throw new RemittanceAdviceError(`row 2: payment_date "${paymentDate}" is not a date YYYY-MM-DD`, 'payment_date', 2);
  const paymentAmountMinor = amount(first.payment_amount!, currency, 'payment_amount', 2);
  if (paymentAmountMinor <= 0) throw new RemittanceAdviceError(`row 2: payment_amount must be more than zero`, 'payment_amount', 2);

  const seen = new Set<string>();
  const lines: AdviceLine[] = records.map((record, index) => {
    const row = index + 2;
    const invoiceNumber = record.invoice_number!;
    if (invoiceNumber === '') throw new RemittanceAdviceError(`row ${row}: invoice_number is empty`, 'invoice_number', row);
    if (seen.has(invoiceNumber.toUpperCase())) throw new RemittanceAdviceError(`row ${row}: invoice_number "${invoiceNumber}" is listed twice`, 'invoice_number', row);
    seen.add(invoiceNumber.toUpperCase());
    const paidMinor = amount(record.paid_amount!, currency, 'paid_amount', row);
    const deductionMinor = record.deduction_amount ? amount(record.deduction_amount, currency, 'deduction_amount', row) : 0;
    if (paidMinor < 0) throw new RemittanceAdviceError(`row ${row}: paid_amount must not be negative`, 'paid_amount', row);
    if (deductionMinor < 0) throw new RemittanceAdviceError(`row ${row}: deduction_amount must not be negative`, 'deduction_amount', row);
    if (paidMinor === 0 && deductionMinor === 0) throw new RemittanceAdviceError(`row ${row}: neither paid_amount nor deduction_amount is more than zero`, 'paid_amount', row);
    const code = (record.reason_code ?? '').toUpperCase();
    if (deductionMinor > 0 && code === '') throw new RemittanceAdviceError(`row ${row}: a deduction needs a reason_code (ANSI X12 426: ${Object.keys(DEDUCTION_REASONS).join(', ')})`, 'reason_code', row);
    if (code !== '' && !DEDUCTION_REASONS[code]) throw new RemittanceAdviceError(`row ${row}: reason_code "${record.reason_code}" is not one of ${Object.keys(DEDUCTION_REASONS).join(', ')}`, 'reason_code', row);
    if (code !== '' && deductionMinor === 0) throw new RemittanceAdviceError(`row ${row}: reason_code "${code}" given without a deduction_amount`, 'deduction_amount', row);
    return { invoiceNumber, paidMinor, deductionMinor, reasonCode: code === '' ? null : code, note: record.note ? record.note : null };
  });
  const total = lines.reduce((s, l) => s + l.paidMinor, 0);
  if (total !== paymentAmountMinor) {
    throw new RemittanceAdviceError(`the paid amounts add up to ${total} minor units, the payment_amount is ${paymentAmountMinor}: they must be equal`, 'paid_amount', null);
  }
  return {
    payerName,
    payerAccount: first.payer_account ? first.payer_account : null,
    paymentReference: first.payment_reference ? first.payment_reference : null,
    paymentAmountMinor,
    currency,
    paymentDate,
    lines,
  };
}

function amount(text: string, currency: string, field: string, row: number): number {
  try {
    return parseAmount(text, currency).minor;
  } catch (error) {
    if (error instanceof MoneyError) throw new RemittanceAdviceError(`row ${row}: ${field} ${error.message}`, field, row);
    throw error;
  }
}

/** Days a transfer may be booked before (a payer dating the advice late) or after the advice's payment date. */
export const ADVICE_DATE_WINDOW = { daysBefore: 3, daysAfter: 10 } as const;

function dayNumber(date: string): number {
  return Math.floor(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000);
}

/**
 * Whether `line` is the transfer `advice` announces, and why: the same currency and amount, booked
 * within {@link ADVICE_DATE_WINDOW} of the payment date, and at least one of: the advice's payment
 * reference in the line's text or ids, the same payer account, or a payer name alike (similarity at
 * least 0.9). Null when it is not; the reasons otherwise.
 */
export function adviceFitsLine(advice: RemittanceAdvice, line: StatementLine): string[] | null {
  if (line.direction !== 'credit' || line.currency !== advice.currency || line.amountMinor !== advice.paymentAmountMinor) return null;
  const booked = line.bookingDate ?? line.valueDate;
  if (!booked) return null;
  const offset = dayNumber(booked) - dayNumber(advice.paymentDate);
  if (offset < -ADVICE_DATE_WINDOW.daysBefore || offset > ADVICE_DATE_WINDOW.daysAfter) return null;
  const because: string[] = [];
  if (advice.paymentReference) {
    const wanted = advice.paymentReference.replace(/\s+/g, '').toUpperCase();
    const fields = [line.remittanceText, line.endToEndId ?? '', line.customerReference ?? '', line.structuredReference ?? '', ...(line.structuredReferences ?? [])];
    if (wanted !== '' && fields.some((f) => f.replace(/\s+/g, '').toUpperCase().includes(wanted))) because.push(`the line quotes the advice's payment reference ${advice.paymentReference}`);
  }
  if (advice.payerAccount && line.payerAccount && normalizeAccount(advice.payerAccount) === normalizeAccount(line.payerAccount)) because.push('the payer account is the advice\'s');
  if (line.payerName) {
    const similarity = compareNames(advice.payerName, line.payerName);
    if (similarity >= 0.9) because.push(`the payer name "${line.payerName}" is the advice's "${advice.payerName}" (similarity ${similarity.toFixed(2)})`);
  }
  if (because.length === 0) return null;
  return [`remittance advice of ${advice.payerName} for ${advice.lines.length} invoice${advice.lines.length === 1 ? '' : 's'} paid ${advice.paymentDate}: same amount and currency, booked ${offset === 0 ? 'the same day' : `${Math.abs(offset)} day${Math.abs(offset) === 1 ? '' : 's'} ${offset < 0 ? 'before' : 'after'}`}`, ...because];
}


/**
 * Whether a shortfall may be written off under the short-payment policy: at most the currency's
 * absolute limit AND at most `maxBasisPoints` of the open balance (integer arithmetic). A currency
 * the policy does not list is never written off. The matcher's short-payment rule and the advice
 * deductions both ask this.
 */
export function withinShortPayTolerance(shortPay: ShortPayPolicy, shortfallMinor: number, balanceMinor: number, currency: string): boolean {
  const limit = shortPay.maxMinorByCurrency[currency];
  if (limit === undefined || shortfallMinor <= 0) return false;
  return shortfallMinor <= limit && shortfallMinor * 10_000 <= shortPay.maxBasisPoints * balanceMinor;
}

/** How one deduction of an advice is booked, and why (a sentence for the line's reasons and the advice). */
export interface DeductionDecision {
  readonly invoiceNumber: string;
  readonly amountMinor: number;
  /** ANSI X12 426 adjustment reason code. */
  readonly reasonCode: string;
  readonly reasonName: string;
  readonly booking: DeductionBooking;
  readonly why: string;
}

/**
 * THE rule for a deduction of a remittance advice, whichever came first (the advice before its
 * transfer: rule 0 of the matcher; the transfer before its advice: `advice-intake.ts`): an agreed
 * term (`57`, `AJ`, `48`: booking `write-off` in {@link DEDUCTION_REASONS}) is written off when
 * within the short-payment tolerance of the invoice's open balance before the payment; everything
 * else (disputes, and agreed terms above the tolerance) is kept open on the invoice for finance to
 * credit or chase. `balanceMinor` is the invoice's open balance before the advice's payment.
 * Null when the line deducts nothing.
 */
export function decideDeduction(line: Pick<AdviceLine, 'invoiceNumber' | 'deductionMinor' | 'reasonCode'>, balanceMinor: number, currency: string, shortPay: ShortPayPolicy): DeductionDecision | null {
  if (line.deductionMinor <= 0 || !line.reasonCode) return null;
  const reason = DEDUCTION_REASONS[line.reasonCode];
  if (!reason) return null;
  const writeOff = reason.booking === 'write-off' && withinShortPayTolerance(shortPay, line.deductionMinor, balanceMinor, currency);
  const how = writeOff ? 'written off (agreed terms, within tolerance)' : reason.booking === 'write-off' ? 'kept open (above the write-off tolerance)' : 'kept open for finance to credit or chase';
  return {
    invoiceNumber: line.invoiceNumber,
    amountMinor: line.deductionMinor,
    reasonCode: line.reasonCode,
    reasonName: reason.name,
    booking: writeOff ? 'write-off' : 'kept-open',
    why: `${line.invoiceNumber}: ${formatAmount(money(line.deductionMinor, currency))} ${currency} deducted, X12 ${line.reasonCode} ${reason.name}: ${how}`,
  };
}

/** The reason code a deduction written off is booked with (journal lines and invoice history): `X12-<code>`. */
export const deductionWriteOffCode = (reasonCode: string): string => `X12-${reasonCode}`;

/** The invoice history note of a deduction written off. */
export const deductionWriteOffNote = (amountMinor: number, currency: string, adviceId: string, reasonCode: string): string =>
  `${formatAmount(money(amountMinor, currency))} deducted on remittance advice ${adviceId} (X12 ${reasonCode}) written off`;
