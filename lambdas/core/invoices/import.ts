/**
 * Bulk import of open items from an earlier ledger (`POST /invoices/import`): the rules, with no
 * I/O. The request body is a JSON array of items `{number, customerId, currency, total, balance,
 * issueDate, dueDate}`; every problem is reported with its place (`items[17].dueDate`). Each item
 * becomes an {@link Invoice} (`source: 'import'`, no order, no lines) and posts an opening-balance
 * journal: receivables debited with the balance, `opening-balance` credited.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { ValidationError, type FieldProblem } from '../errors';
import { formatAmount, MoneyError, parseAmount } from '../money/money';
import { addCalendarDays, calendarDateIn, startOfDateIn } from '../time/clock';
import { calendarDate, currencyCode, decimalString, identifier, parseWith } from '../validation';
import { journal, type Journal } from '../ledger/ledger';
import { derivedStatus, rfReferenceFor, type Invoice } from './invoice';
import type { Customer } from '../customers/customer';

/** Most items one call may import. */
export const MAX_IMPORT_ITEMS = 10_000;
/** Most problems a refusal lists; the rest are counted in one last entry. */
export const MAX_LISTED_PROBLEMS = 1_000;
/** Up to this many imported items, the answer lists every `{number, invoiceId}`; above, only totals. */
export const MAX_LISTED_INVOICES = 2_000;
/** The series imported invoices carry (they keep their own numbers; no gapless counter is taken). */
export const IMPORT_SERIES = 'IMPORTED';

const MAX_NUMBER_LENGTH = 40;

export const importItemSchema = z.strictObject({
  number: z
    .string()
    .min(1, 'must not be empty')
    .max(MAX_NUMBER_LENGTH, `must be at most ${MAX_NUMBER_LENGTH} characters`)
    // eslint-disable-next-line no-control-regex
    .refine((n) => !/[\u0000-\u001f\u007f]/.test(n), { message: 'must not contain control characters' })
    .refine((n) => n.trim() === n, { message: 'must not start or end with white space' })
    .refine((n) => /[A-Za-z0-9]/.test(n), { message: 'must contain a letter or digit (the RF creditor reference is made of them)' }),
  customerId: identifier,
  currency: currencyCode,
  total: decimalString,
  balance: decimalString,
  issueDate: calendarDate,
  dueDate: calendarDate,
});

export type ImportItemRequest = z.infer<typeof importItemSchema>;

/** What lookups check of an item whose fields have the right form. */
export interface ImportItemKeys {
  /** Its place in the request. */
  readonly index: number;
  readonly number: string;
  readonly rfReference: string;
  readonly customerId: string;
  readonly currency: string;
}

/** One item that passed every rule that needs no lookup. */
export interface ImportItem extends ImportItemKeys {
  readonly invoiceId: string;
  readonly totalMinor: number;
  readonly balanceMinor: number;
  readonly issueDate: string;
  readonly dueDate: string;
}

export interface ParsedImport {
  /** How many items the request holds. */
  readonly count: number;
  /** The items that passed the rules checked without lookups (by index; bad ones are absent). */
  readonly items: readonly ImportItem[];
  /** Every item whose fields have the right form, for the lookups (so their problems are reported too). */
  readonly keys: readonly ImportItemKeys[];
  readonly problems: readonly FieldProblem[];
}

export interface ImportRules {
  /** Prefix of the product's own invoice number series (`INV`): numbers it will issue are refused. */
  readonly invoiceNumberPrefix: string;
  readonly now: Date;
  readonly businessTimeZone: string;
}

/**
 * The id an imported invoice gets: a function of its number only, so a retried import finds the
 * invoice it wrote, and two imports of one number cannot both write it.
 */
export function importedInvoiceId(number: string): string {
  return `imp-${createHash('sha256').update(number, 'utf8').digest('hex').slice(0, 24)}`;
}

/**
 * Checks the shape of the body and every rule of each item that needs no lookup: the fields,
 * amounts with at most the currency's decimals, `0 < balance <= total`, `dueDate >= issueDate`,
 * numbers unique within the call (also by RF reference) and not in the series the product issues
 * from. Throws a {@link ValidationError} only for a body that is not an array of at most
 * {@link MAX_IMPORT_ITEMS} items; item problems are returned, so lookups can add theirs.
 */
export function parseImport(body: unknown, rules: ImportRules): ParsedImport {
  if (!Array.isArray(body)) {
    const hint = body && typeof body === 'object' && 'items' in body ? ' (send the items array itself, not an object holding it)' : '';
    throw ValidationError.of('(body)', `must be a JSON array of open items [{number, customerId, currency, total, balance, issueDate, dueDate}]${hint}`);
  }
  if (body.length === 0) throw ValidationError.of('(body)', 'must hold at least one open item');
  if (body.length > MAX_IMPORT_ITEMS) {
    throw ValidationError.of('(body)', `holds ${body.length} items; at most ${MAX_IMPORT_ITEMS} items can be imported in one call (split the import)`);
  }
  const problems: FieldProblem[] = [];
  const items: ImportItem[] = [];
  const keys: ImportItemKeys[] = [];
  const firstByNumber = new Map<string, number>();
  const firstByRf = new Map<string, { index: number; number: string }>();
  const ownSeries = ownSeriesMatcher(rules);
  body.forEach((raw, index) => {
    const place = `items[${index}]`;
    let request: ImportItemRequest;
    try {
      request = parseWith(importItemSchema, raw);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      for (const p of error.problems) problems.push({ field: p.field === '(body)' ? place : `${place}.${p.field}`, problem: p.problem });
      return;
    }
    const before = problems.length;
    const totalMinor = amountOf(request.total, request.currency, `${place}.total`, problems);
    const balanceMinor = amountOf(request.balance, request.currency, `${place}.balance`, problems);
    if (totalMinor !== undefined && totalMinor <= 0) problems.push({ field: `${place}.total`, problem: 'must be greater than zero' });
    if (balanceMinor !== undefined && balanceMinor <= 0) {
      problems.push({ field: `${place}.balance`, problem: 'must be greater than zero (only open items are imported)' });
    }
    if (totalMinor !== undefined && balanceMinor !== undefined && balanceMinor > totalMinor) {
      problems.push({ field: `${place}.balance`, problem: 'must not exceed total' });
    }
    if (request.dueDate < request.issueDate) problems.push({ field: `${place}.dueDate`, problem: 'must be on or after issueDate' });
    const rfReference = rfReferenceFor(request.number);
    keys.push({ index, number: request.number, rfReference, customerId: request.customerId, currency: request.currency });
    const ownYear = ownSeries(rfReference);
    if (ownYear) {
      problems.push({
        field: `${place}.number`,
        problem: `is in the series ${rules.invoiceNumberPrefix}-${ownYear} the product issues its own numbers from; import it under its number with another prefix`,
      });
    }
    const sameNumber = firstByNumber.get(request.number);
    if (sameNumber !== undefined) {
      problems.push({ field: `${place}.number`, problem: `repeats items[${sameNumber}].number` });
    } else {
      firstByNumber.set(request.number, index);
      const sameRf = firstByRf.get(rfReference);
      if (sameRf) {
        problems.push({ field: `${place}.number`, problem: `gives the same RF creditor reference ${rfReference} as items[${sameRf.index}].number (${sameRf.number}); payers could not tell them apart` });
      } else {
        firstByRf.set(rfReference, { index, number: request.number });
      }
    }
    if (problems.length > before || totalMinor === undefined || balanceMinor === undefined) return;
    items.push({
      index,
      number: request.number,
      rfReference,
      invoiceId: importedInvoiceId(request.number),
      customerId: request.customerId,
      currency: request.currency,
      totalMinor,
      balanceMinor,
      issueDate: request.issueDate,
      dueDate: request.dueDate,
    });
  });
  return { count: body.length, items, keys, problems };
}

function amountOf(text: string, currency: string, field: string, problems: FieldProblem[]): number | undefined {
  try {
    return parseAmount(text, currency).minor;
  } catch (error) {
    if (!(error instanceof MoneyError)) throw error;
    problems.push({ field, problem: error.message });
    return undefined;
  }
}

/**
 * Numbers the product will issue itself are `PREFIX-YYYY-NNNNNN` for this year and later; an
 * imported number with the same RF base (`PREFIXYYYYNNNNNN`) would collide with one of them.
 * Earlier years are history and may be imported. Returns the year when the number collides.
 */
function ownSeriesMatcher(rules: ImportRules): (rfReference: string) => string | undefined {
  const prefix = rules.invoiceNumberPrefix.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
  const pattern = new RegExp(`^${prefix}(\\d{4})\\d{6,}$`);
  const thisYear = Number(calendarDateIn(rules.now, rules.businessTimeZone).slice(0, 4));
  return (rfReference) => {
    const year = pattern.exec(rfReference.slice(4))?.[1];
    return year !== undefined && Number(year) >= thisYear ? year : undefined;
  };
}

/**
 * True when the RF reference has the shape of those of the product's own invoices (`PREFIX`, a
 * year, a sequence). Only such a reference can belong to an existing invoice under another
 * number: the references of imported invoices are reserved by their import, so only these need a
 * lookup in the byRfReference index.
 */
export function mayBeIssuedHere(rfReference: string, invoiceNumberPrefix: string): boolean {
  const prefix = invoiceNumberPrefix.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
  return new RegExp(`^${prefix}\\d{10,}$`).test(rfReference.slice(4));
}

/** An invoice or import that holds a number or RF reference already. */
export interface TakenBy {
  readonly invoiceId: string | null;
  /** The import that holds it (null for an invoice the product issued). */
  readonly importId: string | null;
}

/**
 * The problems found by lookups: customers must exist (registered first) and invoice in the item's
 * currency; numbers and RF references must not belong to an invoice already (except to one this
 * same import wrote, when it resumes).
 */
export function lookupProblems(
  items: readonly ImportItemKeys[],
  found: {
    readonly customers: ReadonlyMap<string, Customer>;
    readonly numbers: ReadonlyMap<string, readonly TakenBy[]>;
    readonly rfReferences: ReadonlyMap<string, readonly TakenBy[]>;
  },
  importId: string,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const foreign = (holders: readonly TakenBy[] | undefined) => (holders ?? []).find((h) => h.importId !== importId);
  for (const item of items) {
    const place = `items[${item.index}]`;
    const customer = found.customers.get(item.customerId);
    if (!customer) {
      problems.push({
        field: `${place}.customerId`,
        problem: `no customer ${item.customerId} exists; register the customers (PUT /customers/{customerId}) before importing their open items`,
      });
    } else if (customer.currency !== item.currency) {
      problems.push({ field: `${place}.currency`, problem: `is ${item.currency}, but customer ${item.customerId} is invoiced in ${customer.currency}` });
    }
    const number = foreign(found.numbers.get(item.number));
    if (number) problems.push({ field: `${place}.number`, problem: `is already the number of invoice ${number.invoiceId ?? '(being imported)'}${heldByImport(number)}` });
    const rf = foreign(found.rfReferences.get(item.rfReference));
    if (rf && !number) {
      problems.push({ field: `${place}.number`, problem: `gives the RF creditor reference ${item.rfReference}, which invoice ${rf.invoiceId ?? '(being imported)'} has already${heldByImport(rf)}` });
    }
  }
  return problems;
}

function heldByImport(taken: TakenBy): string {
  return taken.importId ? ` (import ${taken.importId})` : '';
}

/**
 * The refusal of a request: problems sorted by their place, at most {@link MAX_LISTED_PROBLEMS} of
 * them listed in the details; with many, the message names the first few only (the answer must
 * fit the Idempotency table).
 */
export function importRefusal(problems: readonly FieldProblem[]): ValidationError {
  const sorted = [...problems].sort((a, b) => placeOf(a.field) - placeOf(b.field));
  const listed = sorted.slice(0, MAX_LISTED_PROBLEMS);
  const rest = sorted.length - listed.length;
  const error = new ValidationError(rest > 0 ? [...listed, { field: '(body)', problem: `and ${rest} more problems not listed here` }] : listed);
  if (sorted.length > 5) {
    const first = sorted.slice(0, 5).map((p) => `${p.field}: ${p.problem}`).join('; ');
    error.message = `${sorted.length} problems in the items (${rest > 0 ? `the first ${listed.length}` : 'all'} listed in details), the first: ${first}`;
  }
  return error;
}

function placeOf(field: string): number {
  const match = /^items\[(\d+)\]/.exec(field);
  return match ? Number(match[1]) : -1;
}

/**
 * The id of an import: a hash of its items in canonical form (amounts as minor units), so the
 * same call sent again is the same import.
 */
export function importIdFor(items: readonly ImportItem[]): string {
  const hash = createHash('sha256');
  for (const i of items) {
    hash.update(JSON.stringify([i.number, i.customerId, i.currency, i.totalMinor, i.balanceMinor, i.issueDate, i.dueDate]));
    hash.update('\n');
  }
  return `import-${hash.digest('hex').slice(0, 32)}`;
}

export interface ImportEntry {
  readonly invoice: Invoice;
  readonly journal: Journal;
}

/**
 * The invoice and opening-balance journal of an item. Paid is `total - balance`; an item whose due
 * date has passed (business time zone) is OVERDUE since the start of the day after its due date.
 */
export function importedInvoice(item: ImportItem, customer: Pick<Customer, 'customerId' | 'name' | 'registeredBy'>, importId: string, now: Date, businessTimeZone: string): ImportEntry {
  const at = now.toISOString();
  const overdueAt = startOfDateIn(addCalendarDays(item.dueDate, 1), businessTimeZone).toISOString();
  const overdueSince = now.getTime() >= Date.parse(overdueAt) ? overdueAt : null;
  const paidMinor = item.totalMinor - item.balanceMinor;
  const status = derivedStatus({ balanceMinor: item.balanceMinor, paidMinor, overdueSince, status: 'OPEN' });
  const m = (minor: number) => formatAmount({ minor, currency: item.currency });
  const invoice: Invoice = {
    ...(customer.registeredBy !== undefined ? { ownerId: customer.registeredBy } : {}),
    invoiceId: item.invoiceId,
    number: item.number,
    series: IMPORT_SERIES,
    sequence: 0,
    rfReference: item.rfReference,
    orderId: null,
    source: 'import',
    customerId: customer.customerId,
    customerName: customer.name,
    currency: item.currency,
    lines: [],
    totalMinor: item.totalMinor,
    paidMinor,
    balanceMinor: item.balanceMinor,
    status,
    issueDate: item.issueDate,
    dueDate: item.dueDate,
    overdueAt,
    overdueSince,
    issuedAt: startOfDateIn(item.issueDate, businessTimeZone).toISOString(),
    sentAt: null,
    emailMessageId: null,
    allocations: [],
    history: [{ status, at, note: `imported as an open item (${importId}): total ${m(item.totalMinor)}, balance ${m(item.balanceMinor)}` }],
    dunning: { level: 0, blockedUntil: null, history: [] },
    // Dunning considers an open item from the day after its due date, or from the import day if that has passed.
    ...(item.balanceMinor > 0 ? { nextActionDate: laterDate(addCalendarDays(item.dueDate, 1), calendarDateIn(now, businessTimeZone)) } : {}),
  };
  const amount = { minor: item.balanceMinor, currency: item.currency };
  const posting = journal(`opening-${item.invoiceId}`, 'OpeningBalanceImported', at, [
    { account: 'receivables', side: 'debit', amount, reference: item.invoiceId },
    { account: 'opening-balance', side: 'credit', amount, reference: item.invoiceId },
  ]);
  return { invoice, journal: posting };
}

export interface ImportResult {
  readonly importId: string;
  readonly imported: number;
  /** Per currency: how many items, their totals and open balances (decimal strings). */
  readonly totals: Record<string, { items: number; total: string; balance: string }>;
  /** Every imported number with its invoice id, in request order; null above {@link MAX_LISTED_INVOICES} items. */
  readonly invoices: { number: string; invoiceId: string }[] | null;
}

/** The answer to an import (the same for the call that wrote it and every retry of it). */
export function importResult(importId: string, items: readonly ImportItem[]): ImportResult {
  const sums = new Map<string, { items: number; total: number; balance: number }>();
  for (const i of items) {
    const s = sums.get(i.currency) ?? { items: 0, total: 0, balance: 0 };
    s.items += 1;
    s.total += i.totalMinor;
    s.balance += i.balanceMinor;
    sums.set(i.currency, s);
  }
  const totals = Object.fromEntries(
    [...sums.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, s]) => [currency, { items: s.items, total: formatAmount({ minor: s.total, currency }), balance: formatAmount({ minor: s.balance, currency }) }]),
  );
  return {
    importId,
    imported: items.length,
    totals,
    invoices: items.length <= MAX_LISTED_INVOICES ? items.map((i) => ({ number: i.number, invoiceId: i.invoiceId })) : null,
  };
}

function laterDate(a: string, b: string): string {
  return a > b ? a : b;
}
