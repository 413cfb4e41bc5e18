/**
 * The rows of the cash application files (open items, known customers) and the JSON Lines result,
 * as the command line and batch jobs read and write them. Pure functions over already-split CSV
 * records: the caller does the streaming. Every problem names the file, line and field.
 */
import { formatAmount, isCurrency, minorUnitDigits, MoneyError, parseAmount } from '../money/money';
import { normalizeRfReference } from '../references/rf-creditor-reference';
import type { KnownCustomer, LineMatch, OpenItem } from './types';

/** A row of an input file that cannot be used; the whole run stops on it. */
export class CashApplicationFileError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
    readonly field: string | null,
  ) {
    super(message);
    this.name = 'CashApplicationFileError';
  }
}

export const OPEN_ITEM_COLUMNS = ['invoice_number', 'customer_id', 'customer_name', 'currency', 'balance', 'issue_date', 'due_date', 'rf_reference'] as const;
export const CUSTOMER_COLUMNS = ['customer_id', 'name', 'known_accounts'] as const;
/** Columns a customers file may add: payer names seen on earlier payments, separated by `;`. */
export const OPTIONAL_CUSTOMER_COLUMNS = ['known_payer_names'] as const;

/**
 * Checks a header row: every required column present (any order), no unknown or repeated column.
 *
 * @throws CashApplicationFileError naming the missing, unknown or repeated column (line 1).
 */
export function checkHeader(file: string, header: readonly string[], required: readonly string[], optional: readonly string[] = []): void {
  const seen = new Set<string>();
  for (const column of header) {
    if (seen.has(column)) throw new CashApplicationFileError(`${file} line 1: column "${column}" appears twice`, file, 1, column);
    if (!required.includes(column) && !optional.includes(column)) {
      throw new CashApplicationFileError(`${file} line 1: unknown column "${column}"; expected ${required.join(',')}`, file, 1, column);
    }
    seen.add(column);
  }
  for (const column of required) {
    if (!seen.has(column)) throw new CashApplicationFileError(`${file} line 1: column "${column}" is missing; expected ${required.join(',')}`, file, 1, column);
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A real calendar date written `YYYY-MM-DD` (so not 2026-02-30). */
function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

const currencies = new Map<string, boolean>();

/** {@link isCurrency}, remembered: the code list is searched linearly and files repeat few codes. */
function knownCurrency(code: string): boolean {
  let known = currencies.get(code);
  if (known === undefined) {
    known = isCurrency(code);
    if (currencies.size < 1000) currencies.set(code, known);
  }
  return known;
}

const digitsByCurrency = new Map<string, number>();
const PLAIN_DECIMAL = /^(\d{1,15})(?:\.(\d{1,20}))?$/;

/**
 * {@link parseAmount} of a balance (minor units), with a fast path for the plain decimals files are made of: the
 * same string arithmetic with the currency's decimals looked up once (the money module searches
 * the ISO list on every call, which a million rows feel). Anything else goes to `parseAmount`
 * itself, so its rules and messages are the ones that apply.
 */
function readBalance(text: string, currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    digits = minorUnitDigits(currency);
    digitsByCurrency.set(currency, digits);
  }
  const match = PLAIN_DECIMAL.exec(text);
  if (match) {
    const fraction = match[2] ?? '';
    if (fraction.replace(/0+$/, '').length <= digits) {
      const minor = Number(match[1]! + fraction.padEnd(digits, '0').slice(0, digits));
      if (Number.isSafeInteger(minor)) return minor;
    }
  }
  return parseAmount(text, currency).minor;
}

type Row = Readonly<Record<string, string | undefined>>;

function field(row: Row, name: string): string {
  return (row[name] ?? '').trim();
}

/**
 * One open items row as an {@link OpenItem}. The invoice number serves as invoiceId (the file has
 * no other identity). The balance is a decimal string in the row's currency, read without floats.
 *
 * @throws CashApplicationFileError naming file, line and field: empty invoice number or customer,
 *   unknown currency, a balance that is not a decimal of the currency, a date that is not a real
 *   `YYYY-MM-DD` date, an RF reference with wrong check digits.
 */
export function openItemFromRow(file: string, line: number, row: Row): OpenItem {
  const bad = (name: string, problem: string): CashApplicationFileError =>
    new CashApplicationFileError(`${file} line ${line}, field ${name}: ${problem}`, file, line, name);
  const invoiceNumber = field(row, 'invoice_number');
  if (invoiceNumber === '' || !/[0-9A-Za-z]/.test(invoiceNumber)) throw bad('invoice_number', 'is empty');
  const customerId = field(row, 'customer_id');
  if (customerId === '') throw bad('customer_id', 'is empty');
  const currency = field(row, 'currency');
  if (!knownCurrency(currency)) throw bad('currency', `"${currency}" is not an ISO 4217 currency code`);
  const balanceText = field(row, 'balance');
  let balanceMinor: number;
  try {
    balanceMinor = readBalance(balanceText, currency);
  } catch (error) {
    throw bad('balance', error instanceof MoneyError ? error.message : `"${balanceText}" is not a decimal amount`);
  }
  const issueDate = field(row, 'issue_date');
  if (!isCalendarDate(issueDate)) throw bad('issue_date', `"${issueDate}" is not a date YYYY-MM-DD`);
  const dueDate = field(row, 'due_date');
  if (!isCalendarDate(dueDate)) throw bad('due_date', `"${dueDate}" is not a date YYYY-MM-DD`);
  const rfText = field(row, 'rf_reference');
  let rfReference: string | null = null;
  if (rfText !== '') {
    rfReference = normalizeRfReference(rfText);
    if (rfReference === null) throw bad('rf_reference', `"${rfText}" is not a valid RF creditor reference (check digits or form)`);
  }
  return {
    invoiceId: invoiceNumber,
    invoiceNumber,
    customerId,
    customerName: field(row, 'customer_name'),
    currency,
    balanceMinor,
    issueDate,
    dueDate,
    rfReference,
  };
}

/**
 * One customers row as a {@link KnownCustomer}: `known_accounts` (and the optional
 * `known_payer_names`) are lists separated by `;`, empty entries dropped.
 *
 * @throws CashApplicationFileError when customer_id is empty.
 */
export function knownCustomerFromRow(file: string, line: number, row: Row): KnownCustomer {
  const customerId = field(row, 'customer_id');
  if (customerId === '') throw new CashApplicationFileError(`${file} line ${line}, field customer_id: is empty`, file, line, 'customer_id');
  const list = (name: string): string[] =>
    field(row, name)
      .split(';')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  return { customerId, name: field(row, 'name'), knownAccounts: list('known_accounts'), knownPayerNames: list('known_payer_names') };
}

/** The JSON Lines record of one matched line (amounts as decimal strings beside their currency). */
export interface CashApplicationOutputRecord {
  readonly line_id: string;
  readonly amount: string;
  readonly currency: string;
  readonly status: LineMatch['status'];
  readonly customer_id: string | null;
  readonly allocations: readonly { readonly invoice_number: string; readonly amount: string }[];
  readonly unapplied_amount: string;
  readonly on_account_amount: string;
  readonly short_pay_write_off?: { readonly invoice_number: string; readonly amount: string; readonly reason_code: string };
  readonly candidates?: readonly string[];
  /** The remittance advice the split follows, and its deductions (`remittance-advice.ts`). */
  readonly advice_id?: string;
  readonly deductions?: readonly { readonly invoice_number: string; readonly amount: string; readonly reason_code: string; readonly booking: 'write-off' | 'kept-open' }[];
  readonly confidence: number;
  readonly reasons: readonly string[];
}

/**
 * {@link formatAmount}, with the currency's decimals looked up once per currency (the money module
 * searches the ISO list on every call, and each output record formats several amounts).
 */
function decimal(minor: number, currency: string): string {
  const digits = digitsByCurrency.get(currency);
  if (digits !== undefined && Number.isSafeInteger(minor)) {
    const text = String(Math.abs(minor)).padStart(digits + 1, '0');
    const sign = minor < 0 ? '-' : '';
    return digits === 0 ? `${sign}${text}` : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
  }
  try {
    const formatted = formatAmount({ minor, currency });
    digitsByCurrency.set(currency, minorUnitDigits(currency));
    return formatted;
  } catch {
    // A currency the money module does not know (e.g. a withdrawn one on an old statement): the
    // statement reader already read it in minor units; print them as they are.
    return String(minor);
  }
}

/**
 * The output record of a match: `sum(allocations) + unapplied_amount + on_account_amount` equals
 * `amount`. Invoice numbers are given for allocations, write-off and candidates, since the files
 * identify invoices by number.
 */
export function toOutputRecord(match: LineMatch, invoiceNumberOf: (invoiceId: string) => string = (id) => id): CashApplicationOutputRecord {
  const currency = match.currency;
  return {
    line_id: match.lineId,
    amount: decimal(match.amountMinor, currency),
    currency,
    status: match.status,
    customer_id: match.customerId,
    allocations: match.allocations.map((a) => ({ invoice_number: a.invoiceNumber, amount: decimal(a.amountMinor, currency) })),
    unapplied_amount: decimal(match.unappliedMinor, currency),
    on_account_amount: decimal(match.onAccountMinor, currency),
    ...(match.shortPayWriteOff
      ? {
          short_pay_write_off: {
            invoice_number: invoiceNumberOf(match.shortPayWriteOff.invoiceId),
            amount: decimal(match.shortPayWriteOff.amountMinor, currency),
            reason_code: match.shortPayWriteOff.reasonCode,
          },
        }
      : {}),
    ...(match.candidates ? { candidates: match.candidates.map((c) => c.invoiceNumber) } : {}),
    ...(match.adviceId ? { advice_id: match.adviceId } : {}),
    ...(match.deductions
      ? { deductions: match.deductions.map((d) => ({ invoice_number: d.invoiceNumber, amount: decimal(d.amountMinor, currency), reason_code: d.reasonCode, booking: d.booking })) }
      : {}),
    confidence: match.confidence,
    reasons: match.reasons,
  };
}
