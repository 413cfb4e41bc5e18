/**
 * Money: an integer count of minor units with an ISO 4217 currency. Never a float.
 *
 * Amounts cross the API as decimal strings (`"1234.50"`); {@link parseAmount} and
 * {@link formatAmount} convert between those and minor units by string arithmetic only.
 */
import currencyCodes from 'currency-codes';

export interface Money {
  /** Integer count of the currency's minor units (cents for EUR, yen for JPY, fils for KWD). */
  readonly minor: number;
  readonly currency: string;
}

/** ISO 4217 codes that are not money one can invoice in (precious metals, funds, test codes). */
const NOT_INVOICEABLE = new Set(['XAU', 'XAG', 'XPD', 'XPT', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XSU', 'XUA', 'XTS', 'XXX']);

export class MoneyError extends Error {
  constructor(
    message: string,
    readonly problem: 'unknown-currency' | 'not-a-decimal' | 'too-many-decimals' | 'out-of-range' | 'currency-mismatch',
  ) {
    super(message);
    this.name = 'MoneyError';
  }
}

/** True for an ISO 4217 currency code one can invoice in. */
export function isCurrency(code: unknown): code is string {
  return typeof code === 'string' && /^[A-Z]{3}$/.test(code) && !NOT_INVOICEABLE.has(code) && currencyCodes.code(code) !== undefined;
}

/** The number of decimals of the currency's minor unit (EUR 2, JPY 0, KWD 3). */
export function minorUnitDigits(currency: string): number {
  const entry = isCurrency(currency) ? currencyCodes.code(currency) : undefined;
  if (!entry) throw new MoneyError(`"${currency}" is not an ISO 4217 currency code`, 'unknown-currency');
  return entry.digits;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Reads a decimal string (`"1234.5"`, `"-0.01"`, `"100"`) as minor units of `currency`. Refuses
 * more decimals than the currency has, exponents, separators and anything that is not a plain
 * decimal, so that no amount is silently rounded.
 */
/**
 * `text` without its trailing "0"s. A loop, not `/0+$/`: that regular expression retries from
 * every zero of a long run (quadratic), and an amount is caller input.
 */
export function withoutTrailingZeros(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 48) end--;
  return text.slice(0, end);
}

export function parseAmount(text: string, currency: string): Money {
  const digits = minorUnitDigits(currency);
  const match = DECIMAL.exec(text);
  if (!match) throw new MoneyError(`"${text}" is not a decimal amount such as "1234.50"`, 'not-a-decimal');
  const [, sign, whole = '0', fraction = ''] = match;
  const significantFraction = withoutTrailingZeros(fraction);
  if (significantFraction.length > digits) {
    throw new MoneyError(`"${text}" has more than the ${digits} decimals ${currency} allows`, 'too-many-decimals');
  }
  const minorText = whole + fraction.padEnd(digits, '0').slice(0, digits);
  const minor = Number(minorText) * (sign ? -1 : 1);
  if (!Number.isSafeInteger(minor)) throw new MoneyError(`"${text}" is too large`, 'out-of-range');
  return { minor: minor === 0 ? 0 : minor, currency };
}

/** Writes minor units as a decimal string with exactly the currency's decimals (`"1234.50"`). */
export function formatAmount(money: Money): string {
  const digits = minorUnitDigits(money.currency);
  assertMinor(money.minor);
  const negative = money.minor < 0;
  const text = String(Math.abs(money.minor)).padStart(digits + 1, '0');
  const whole = digits === 0 ? text : text.slice(0, -digits);
  const fraction = digits === 0 ? '' : `.${text.slice(-digits)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

export function money(minor: number, currency: string): Money {
  assertMinor(minor);
  minorUnitDigits(currency);
  return { minor, currency };
}

export function zero(currency: string): Money {
  return money(0, currency);
}

export function add(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return money(a.minor + b.minor, a.currency);
}

export function subtract(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return money(a.minor - b.minor, a.currency);
}

export function multiply(a: Money, factor: number): Money {
  if (!Number.isSafeInteger(factor)) throw new MoneyError(`Money can only be multiplied by an integer, not ${factor}`, 'out-of-range');
  return money(a.minor * factor, a.currency);
}

export function sum(currency: string, amounts: readonly Money[]): Money {
  return amounts.reduce((total, m) => add(total, m), zero(currency));
}

export function isZero(a: Money): boolean {
  return a.minor === 0;
}

export function compare(a: Money, b: Money): number {
  assertSameCurrency(a, b);
  return Math.sign(a.minor - b.minor);
}

/**
 * Splits `total` into parts proportional to `weights` by the largest remainder method: the parts
 * add up to `total` exactly, and the leftover minor units go to the largest fractional remainders,
 * ties to the earlier part. Deterministic for the same input.
 */
export function allocate(total: Money, weights: readonly number[]): Money[] {
  if (weights.length === 0) throw new MoneyError('Cannot allocate over no parts', 'out-of-range');
  if (weights.some((w) => !Number.isSafeInteger(w) || w < 0)) {
    throw new MoneyError('Allocation weights must be non-negative integers', 'out-of-range');
  }
  const weightSum = weights.reduce((a, b) => a + b, 0);
  if (weightSum === 0) throw new MoneyError('Allocation weights must not all be zero', 'out-of-range');
  const sign = total.minor < 0 ? -1 : 1;
  const absolute = BigInt(Math.abs(total.minor));
  const bigSum = BigInt(weightSum);
  const shares = weights.map((w, index) => {
    const exact = absolute * BigInt(w);
    return { index, floor: exact / bigSum, remainder: exact % bigSum };
  });
  let leftover = absolute - shares.reduce((acc, s) => acc + s.floor, 0n);
  const order = [...shares].sort((a, b) => (b.remainder > a.remainder ? 1 : b.remainder < a.remainder ? -1 : a.index - b.index));
  const parts = shares.map((s) => s.floor);
  for (const share of order) {
    if (leftover === 0n) break;
    parts[share.index] = (parts[share.index] ?? 0n) + 1n;
    leftover--;
  }
  return parts.map((p) => money(sign * Number(p), total.currency));
}

function assertMinor(minor: number): void {
  if (!Number.isSafeInteger(minor)) throw new MoneyError(`${minor} is not an integer count of minor units`, 'out-of-range');
}

function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new MoneyError(`Cannot combine ${a.currency} and ${b.currency}`, 'currency-mismatch');
  }
}
