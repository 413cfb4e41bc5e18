/**
 * One schema per message: requests are validated with zod schemas, and the TypeScript types are
 * derived from the schemas so they cannot drift. Failures become a {@link ValidationError} naming
 * every field and its problem.
 */
import { z } from 'zod';
import { ValidationError, type FieldProblem } from './errors';
import { isCurrency, parseAmount, MoneyError } from './money/money';
import { isCalendarDate, isTimeZone } from './time/clock';

/** Parses `input` with `schema` or throws a ValidationError listing each field and problem. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.map(toProblem));
}

function toProblem(issue: z.core.$ZodIssue): FieldProblem {
  const field = issue.path.reduce<string>((acc, part) => {
    if (typeof part === 'number') return `${acc}[${part}]`;
    return acc ? `${acc}.${String(part)}` : String(part);
  }, '');
  if (issue.code === 'unrecognized_keys') {
    return { field: field || issue.keys.join(', '), problem: `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}` };
  }
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return { field: field || '(body)', problem: 'is required' };
    // A message the schema gave (e.g. "must be a whole number") says it best; zod's own start "Invalid".
    if (!issue.message.startsWith('Invalid')) return { field: field || '(body)', problem: issue.message };
    const article = /^[aeiou]/.test(issue.expected) ? 'an' : 'a';
    return { field: field || '(body)', problem: `must be ${article} ${issue.expected}, not ${describeType(issue.input)}` };
  }
  return { field: field || '(body)', problem: issue.message };
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `the ${typeof value} ${JSON.stringify(value)}`.slice(0, 60);
}

export const currencyCode = z.string().refine(isCurrency, { message: 'must be an ISO 4217 currency code such as EUR' });

/** A decimal string such as "1234.50" (checked against the currency by {@link decimalIn}). */
export const decimalString = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/, { message: 'must be a decimal string such as "1234.50"' });

export const calendarDate = z.string().refine(isCalendarDate, { message: 'must be a calendar date YYYY-MM-DD' });

export const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 instant such as 2026-11-26T10:00:00Z' });

export const timeZone = z.string().refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin' });

export const identifier = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, { message: 'must be 1-64 letters, digits, ".", "_", ":" or "-"' });

/**
 * Reads `text` as an amount of `currency` into minor units, or throws a ValidationError for `field`
 * (too many decimals, negative when not allowed).
 */
export function decimalIn(field: string, text: string, currency: string, options: { allowNegative?: boolean; allowZero?: boolean } = {}): number {
  try {
    const { minor } = parseAmount(text, currency);
    if (minor < 0 && !options.allowNegative) throw ValidationError.of(field, 'must not be negative');
    if (minor === 0 && options.allowZero === false) throw ValidationError.of(field, 'must be greater than zero');
    return minor;
  } catch (error) {
    if (error instanceof MoneyError) throw ValidationError.of(field, error.message);
    throw error;
  }
}
