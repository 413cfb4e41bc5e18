/**
 * Helpers shared by the statement readers: amounts to minor units without floats, calendar dates,
 * line identities, IBAN syntax, and errors that name their place in the file.
 * Pure functions, no I/O.
 */
import { isCurrency, minorUnitDigits, MoneyError, parseAmount, withoutTrailingZeros } from '../money/money';
import { StatementParseError, type StatementLine, type StatementWarning } from './statement';

/** Where in a file something was found: a line (BAI2, MT940, CSV) or an XML element path (camt). */
export interface Place {
  readonly line?: number;
  readonly path?: string;
  readonly record?: string;
}

/** Throws the {@link StatementParseError} for `problem` at `place`, naming the place in the message. */
export function fail(problem: string, place: Place): never {
  throw new StatementParseError(`${describePlace(place)}: ${problem}`, place);
}

/**
 * Collects the warnings of one read (see `ParsedStatementFile.warnings`): deviations that do not
 * touch money, each with its place.
 */
/** Warnings kept per code: the rest are counted (memory must not grow with the file). */
export const MAX_WARNINGS_PER_CODE = 100;

export class Warnings {
  private readonly list: StatementWarning[] = [];
  /** Warnings given per code, kept or not (a file may repeat one per line: a million `:NS:` fields). */
  private readonly counts = new Map<string, number>();

  add(code: string, problem: string, place: Place): void {
    const count = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, count);
    if (count > MAX_WARNINGS_PER_CODE) return;
    const location = { ...(place.line !== undefined ? { line: place.line } : {}), ...(place.path !== undefined ? { path: place.path } : {}), ...(place.record !== undefined ? { record: place.record } : {}) };
    this.list.push({ code, message: `${describePlace(place)}: ${problem}`, location });
  }

  /** The warnings kept, then per code given more than {@link MAX_WARNINGS_PER_CODE} times one saying how many more there were. */
  get all(): readonly StatementWarning[] {
    const more = [...this.counts]
      .filter(([, count]) => count > MAX_WARNINGS_PER_CODE)
      .map(([code, count]) => ({ code, message: `file: ${(count - MAX_WARNINGS_PER_CODE).toLocaleString('en-US')} more warnings ${code} not listed`, location: {} }));
    return [...this.list, ...more];
  }
}

/** A place in words for error messages: the XML path, `line 12 (record 49)`, `line 12`, or `file`. */
export function describePlace(place: Place): string {
  if (place.path !== undefined) return place.path;
  if (place.line !== undefined) return place.record ? `line ${place.line} (record ${place.record})` : `line ${place.line}`;
  return place.record ? `record ${place.record}` : 'file';
}

/**
 * Decimals of currencies withdrawn before the ISO 4217 list in `currency-codes` (which knows only
 * current ones) but still met in old statements, e.g. the Deutsche Mark in the MT940 samples.
 * Only currencies whose minor unit was in everyday use are listed.
 */
const WITHDRAWN_CURRENCY_DIGITS: Readonly<Record<string, number>> = {
  DEM: 2,
  NLG: 2,
  FRF: 2,
  ATS: 2,
  FIM: 2,
  IEP: 2,
  ITL: 0,
  ESP: 0,
};

/** The decimals of `currency`, or a parse error at `place` when it is not a currency code. */
export function currencyDigits(currency: string, place: Place): number {
  if (isCurrency(currency)) return minorUnitDigits(currency);
  const withdrawn = WITHDRAWN_CURRENCY_DIGITS[currency];
  if (withdrawn !== undefined) return withdrawn;
  return fail(`"${currency}" is not an ISO 4217 currency code`, place);
}

const DECIMAL = /^(\d+)(?:\.(\d*))?$/;

/**
 * Reads an unsigned decimal with a dot (`"8.85"`, `"500."`, `"0003,66"` after the caller replaced
 * the comma) as minor units of `currency`. Decimals beyond the currency's minor unit are accepted
 * only when they are zeros (`"8.850"` EUR is 885, as the camt peer reads it); any other digit there
 * is an error, since the amount could not be booked exactly and must not be rounded silently.
 */
export function decimalToMinor(text: string, currency: string, place: Place, what = 'amount'): number {
  const digits = currencyDigits(currency, place);
  const match = DECIMAL.exec(text);
  if (!match) return fail(`${what} "${text}" is not a decimal number`, place);
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (isCurrency(currency)) {
    try {
      return parseAmount(`${whole}.${fraction || '0'}`, currency).minor;
    } catch (error) {
      if (error instanceof MoneyError) return fail(`${what} ${error.message}`, place);
      throw error;
    }
  }
  if (withoutTrailingZeros(fraction.slice(digits)) !== '') {
    return fail(`${what} "${text}" has more than the ${digits} decimals ${currency} allows`, place);
  }
  const minor = Number(whole + fraction.slice(0, digits).padEnd(digits, '0'));
  if (!Number.isSafeInteger(minor)) return fail(`${what} "${text}" is too large`, place);
  return minor;
}

/** `YYYY-MM-DD` for a real calendar date, else `null`. */
export function isoDate(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * A `YYMMDD` date (MT940, BAI2) as `YYYY-MM-DD`: years 00-79 are 2000-2079, 80-99 are 1980-1999.
 * `null` when the text is not a real date.
 */
export function yymmdd(text: string): string | null {
  if (!/^\d{6}$/.test(text)) return null;
  const yy = Number(text.slice(0, 2));
  return isoDate(yy < 80 ? 2000 + yy : 1900 + yy, Number(text.slice(2, 4)), Number(text.slice(4, 6)));
}

/** The calendar date of an ISO `Dt` (`2014-12-31`) or `DtTm` (`2014-12-31T13:15:00+01:00`), as written. */
export function xmlDate(text: string): string | null {
  // xs:date may carry a time zone (`2014-12-31Z`, `2014-12-31+01:00`): the calendar date is as written.
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:$|T|Z$|[+-]\d{2}:\d{2}$)/.exec(text);
  return match ? isoDate(Number(match[1]), Number(match[2]), Number(match[3])) : null;
}

/** True when `text` (spaces allowed) is an IBAN whose check digits verify (ISO 13616, mod 97). */
export function isIban(text: string): boolean {
  const iban = text.replace(/ /g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = char >= 'A' ? String(char.charCodeAt(0) - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** Blank or missing text as `null`, other text trimmed. */
export function textOrNull(text: string | null | undefined): string | null {
  const trimmed = text?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

/**
 * Hands out the `lineId`s of one file: the candidate when it is still free for the account, else
 * the candidate with `#2`, `#3`, ... (see {@link StatementLine.lineId}).
 */
export class LineIds {
  private readonly used = new Map<string, Set<string>>();

  assign(account: string | null, candidate: string): string {
    const key = account ?? '';
    let taken = this.used.get(key);
    if (!taken) {
      taken = new Set();
      this.used.set(key, taken);
    }
    let id = candidate;
    for (let n = 2; taken.has(id); n++) id = `${candidate}#${n}`;
    taken.add(id);
    return id;
  }
}

/** A line without its place in the file: the readers add `lineId` and `sequence` last. */
export type LineDraft = Omit<StatementLine, 'lineId' | 'sequence'>;

/** `text` without its trailing "/"s; a loop, not `/\/+$/`, which is quadratic on a long run of them. */
export function withoutTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 47) end--;
  return text.slice(0, end);
}
