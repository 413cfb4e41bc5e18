/**
 * One schema per message: requests are validated with zod schemas, and the TypeScript types are
 * derived from the schemas so they cannot drift. Failures become a {@link ValidationError} naming
 * every field and its problem.
 */
import * as z from 'zod';
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

/** Control characters (C0, DEL, C1) and the line and paragraph separators: none of them belongs in a name. */
// eslint-disable-next-line no-control-regex
const CONTROL_OR_LINE_BREAK = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** Control characters but tab and line breaks: free text (a reason) may have several lines. */
// eslint-disable-next-line no-control-regex
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export const SINGLE_LINE_PROBLEM = 'must be one line: no line breaks, tabs or other control characters';
export const CONTROL_CHARACTER_PROBLEM = 'must not contain control characters (only tab and line breaks)';

/**
 * One line of text (a name, a reference, a SKU): refused with {@link SINGLE_LINE_PROBLEM} if it
 * holds a line break, a tab or another control character anywhere (also at the ends, before they
 * are trimmed), then trimmed and 1 to `max` characters. Names end up in email headers, CSV
 * cells, PDFs and log lines, where a line break changes what the reader sees.
 */
export function singleLineText(max: number) {
  return z
    .string()
    .refine((text) => !CONTROL_OR_LINE_BREAK.test(text), { message: SINGLE_LINE_PROBLEM, abort: true })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);
}

/** Free text of several lines (a reason): no control characters but tab and line breaks, trimmed, 1 to `max` characters. */
export function freeText(max: number) {
  return z
    .string()
    .refine((text) => !CONTROL_IN_TEXT.test(text), { message: CONTROL_CHARACTER_PROBLEM, abort: true })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);
}

/** An email address: one line (nothing that could add a mail header), at most 254 characters, of the usual form. */
export const emailAddress = z
  .string()
  .refine((text) => !CONTROL_OR_LINE_BREAK.test(text), { message: SINGLE_LINE_PROBLEM, abort: true })
  .max(254, 'must be at most 254 characters')
  .pipe(z.email({ message: 'must be an email address' }));

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
