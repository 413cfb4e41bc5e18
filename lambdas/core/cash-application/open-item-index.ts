/**
 * Lookup structures over the open items and known customers, built once per run so that matching
 * one statement line costs a handful of map lookups whatever the number of open items: no scan over
 * all items per line. Immutable after it is built; the running balances live in the matcher.
 */
import { isCurrency } from '../money/money';
import { normalizeRfReference } from '../references/rf-creditor-reference';
import { hashLookupKey, hasLetterPrefix, letterPrefix, lookupKey, sameKeyForm } from './invoice-number';
import { normalizeAccount, normalizePayerName } from './payer';
import { PositionTable, UniquePositionTable, type Lookup, type PositionLookup } from './position-table';
import type { KnownCustomer, OpenItem } from './types';

/** Open items or customers the matcher cannot work with; names the offending record and field. */
export class CashApplicationInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly position: number,
    readonly record: 'openItem' | 'customer' = 'openItem',
  ) {
    super(message);
    this.name = 'CashApplicationInputError';
  }
}

/**
 * A map value that is one position or several: most keys have one, so no array is made for them.
 * Callers add each position once.
 */
export type Positions = number | number[];

export function positionsOf(value: Positions | undefined): readonly number[] {
  if (value === undefined) return [];
  return typeof value === 'number' ? [value] : value;
}

export interface OpenItemIndex {
  readonly items: readonly OpenItem[];
  /**
   * invoiceId -> position, for the items whose invoiceId is not their invoice number (the others
   * are found through `byNumberKey`; see {@link positionOfInvoice}).
   */
  readonly byOtherInvoiceId: ReadonlyMap<string, number>;
  /** Electronic RF reference -> position. */
  readonly byRfReference: Lookup<string, number>;
  /** {@link lookupKey} of the invoice number -> positions (several when spellings collide). */
  readonly byNumberKey: PositionLookup<string>;
  /** Currency -> open balance -> positions, over the balances the items came with (positive only). */
  readonly byAmount: Lookup<string, PositionLookup<number>>;
  /**
   * customerId -> positions of its items with a positive balance, oldest due date first (each
   * customer's list is put in order the first time it is asked for: a run touches few customers).
   */
  readonly byCustomer: ReadonlyMap<string, readonly number[]>;
  /** Letter prefixes of invoice numbers (`INV`), tried before numbers written without one; empty when more than 20. */
  readonly numberPrefixes: readonly string[];
  /** Normalized payer account -> customerIds known to pay from it. */
  readonly customersByAccount: ReadonlyMap<string, readonly string[]>;
  /** Normalized payer or customer name -> customerIds known by it. */
  readonly customersByName: ReadonlyMap<string, readonly string[]>;
  /** customerId -> its names as written in master data (customer name, known payer names), for name similarity (`name-index.ts`). */
  readonly customerNames: ReadonlyMap<string, readonly string[]>;
}

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

const dates = new Map<string, boolean>();

/** `DATE.test(text)`, remembered: a million items repeat a few hundred dates (the reader interns them). */
function isDate(text: string): boolean {
  let valid = dates.get(text);
  if (valid === undefined) {
    valid = DATE.test(text);
    if (dates.size < 100_000) dates.set(text, valid);
  }
  return valid;
}

/** True when `text` has an ASCII letter or digit (as `/[0-9A-Za-z]/.test(text)`). */
function hasAlphanumeric(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return true;
  }
  return false;
}

const dayNumbers = new Map<string, number>();

/** A `YYYY-MM-DD` date as the number YYYYMMDD (ordered as the text is), remembered. */
function dayNumber(date: string): number {
  let day = dayNumbers.get(date);
  if (day === undefined) {
    day = Number(date.slice(0, 4)) * 10_000 + Number(date.slice(5, 7)) * 100 + Number(date.slice(8, 10));
    if (dayNumbers.size < 100_000) dayNumbers.set(date, day);
  }
  return day;
}

/**
 * Sorts positions by {@link compareByAge} of their items, comparing the dates as numbers read once
 * per position (the dates are checked as `YYYY-MM-DD` while indexing, so the order is the same).
 */
function sortByAge(positions: number[], items: readonly OpenItem[]): void {
  const n = positions.length;
  if (n < 2) return;
  const due = new Float64Array(n);
  const issue = new Float64Array(n);
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const item = items[positions[i]!]!;
    due[i] = dayNumber(item.dueDate);
    issue[i] = dayNumber(item.issueDate);
    order[i] = i;
  }
  order.sort((a, b) => {
    if (due[a] !== due[b]) return due[a]! - due[b]!;
    if (issue[a] !== issue[b]) return issue[a]! - issue[b]!;
    const x = items[positions[a]!]!.invoiceNumber;
    const y = items[positions[b]!]!.invoiceNumber;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const sorted = order.map((i) => positions[i]!);
  for (let i = 0; i < n; i++) positions[i] = sorted[i]!;
}

/**
 * customerId -> positions, each list sorted by {@link compareByAge} the first time it is read
 * (`get`, or any iteration, which sorts them all): sorting a million items up front cost more than
 * a whole run's lookups.
 */
class ByAgeOnFirstUse extends Map<string, readonly number[]> {
  private readonly sorted = new Set<string>();

  constructor(private readonly openItems: readonly OpenItem[]) {
    super();
  }

  /** While building: adds a position to the customer's list (which is then sorted again on first use). */
  add(customerId: string, position: number): void {
    const positions = super.get(customerId) as number[] | undefined;
    if (positions) positions.push(position);
    else super.set(customerId, [position]);
    if (this.sorted.size > 0) this.sorted.delete(customerId);
  }

  override get(customerId: string): readonly number[] | undefined {
    const positions = super.get(customerId);
    if (positions !== undefined && !this.sorted.has(customerId)) {
      sortByAge(positions as number[], this.openItems);
      this.sorted.add(customerId);
    }
    return positions;
  }

  override forEach(callback: (value: readonly number[], key: string, map: Map<string, readonly number[]>) => void, thisArg?: unknown): void {
    this.sortAll();
    super.forEach(callback, thisArg);
  }

  override entries(): MapIterator<[string, readonly number[]]> {
    this.sortAll();
    return super.entries();
  }

  override values(): MapIterator<readonly number[]> {
    this.sortAll();
    return super.values();
  }

  override [Symbol.iterator](): MapIterator<[string, readonly number[]]> {
    return this.entries();
  }

  private sortAll(): void {
    if (this.sorted.size === this.size) return;
    for (const customerId of super.keys()) this.get(customerId);
  }
}

function fail(item: OpenItem, position: number, field: string, problem: string): never {
  throw new CashApplicationInputError(`open item ${position + 1} (${item.invoiceNumber || item.invoiceId}): ${field} ${problem}`, field, position);
}

const currencies = new Map<string, boolean>();

/** {@link isCurrency}, remembered: the code list is searched linearly and items repeat few codes. */
function knownCurrency(code: string): boolean {
  let known = currencies.get(code);
  if (known === undefined) {
    known = isCurrency(code);
    if (currencies.size < 1000) currencies.set(code, known);
  }
  return known;
}

/** The position of the item with `invoiceId` in `index.items`, or undefined. */
export function positionOfInvoice(index: OpenItemIndex, invoiceId: string): number | undefined {
  const other = index.byOtherInvoiceId.get(invoiceId);
  if (other !== undefined) return other;
  for (const position of positionsOf(index.byNumberKey.get(lookupKey(invoiceId)))) {
    const item = index.items[position]!;
    if (item.invoiceId === invoiceId) return position;
  }
  return undefined;
}

/**
 * The order in which a payment is spread over several items of one customer: oldest due date first,
 * then oldest issue date, then invoice number. Settling the oldest debt first is what finance and
 * dunning expect (it stops the most advanced reminders first).
 */
export function compareByAge(a: OpenItem, b: OpenItem): number {
  if (a.dueDate !== b.dueDate) return a.dueDate < b.dueDate ? -1 : 1;
  if (a.issueDate !== b.issueDate) return a.issueDate < b.issueDate ? -1 : 1;
  return a.invoiceNumber < b.invoiceNumber ? -1 : a.invoiceNumber > b.invoiceNumber ? 1 : 0;
}

/**
 * Checks and indexes the open items and known customers. Time and memory grow linearly with the
 * number of items. Items with a zero or negative balance (settled items, credit notes) are kept for
 * the reference lookups, so that a payment quoting them is explained, but are never matched.
 *
 * @throws CashApplicationInputError naming the item or customer position and field that is wrong:
 *   a duplicate invoiceId or invoice number, an unknown currency, a balance that is not an integer,
 *   a date that is not `YYYY-MM-DD`, or an RF reference with wrong check digits.
 */
export function buildOpenItemIndex(openItems: readonly OpenItem[], customers: readonly KnownCustomer[] = []): OpenItemIndex {
  const byOtherInvoiceId = new Map<string, number>();
  // The three lookups over every item are compact tables of positions (no entry or key string per
  // item): a key is worked out again from the item when its slot is probed.
  const rfOf = (position: number): string => normalizeRfReference(openItems[position]!.rfReference ?? '') ?? '';
  const byRfReference = new UniquePositionTable<string>(rfOf, openItems.length);
  // Keyed by the lookup key of whatever text is given (the key is idempotent), hashed and compared
  // in place: no key string per item or per lookup.
  const byNumberKey = new PositionTable<string>((position) => lookupKey(openItems[position]!.invoiceNumber), openItems.length, {
    form: { hash: hashLookupKey, matches: (position, text) => sameKeyForm(openItems[position]!.invoiceNumber, text, true) },
  });
  // A number given twice has the same lookup key: it is found on the probe walk that adds the item.
  let adding = '';
  const sameNumber = (other: number): boolean => openItems[other]!.invoiceNumber === adding;
  let lastPrefix = '';
  const byAmount = new Map<string, PositionTable<number>>();
  const balanceOf = (position: number): number => openItems[position]!.balanceMinor;
  // Each currency's amount table is made at its final size at once (growing one rehashes it).
  const openPerCurrency = new Map<string, number>();
  for (const item of openItems) if (item.balanceMinor > 0) openPerCurrency.set(item.currency, (openPerCurrency.get(item.currency) ?? 0) + 1);
  const byCustomer = new ByAgeOnFirstUse(openItems);
  const prefixes = new Set<string>();
  const customersByAccount = new Map<string, string[]>();
  const customersByName = new Map<string, string[]>();
  const namedCustomers = new Set<string>();
  const customerNames = new Map<string, string[]>();

  const normalizedNames = new Map<string, string | null>();
  const addCustomerName = (name: string, customerId: string): void => {
    const written = customerNames.get(customerId);
    if (!written) customerNames.set(customerId, [name]);
    else if (!written.includes(name)) written.push(name);
    // A customer's name on its items and in master data is mostly the same text: normalized once.
    let normalized = normalizedNames.get(name);
    if (normalized === undefined) normalizedNames.set(name, (normalized = normalizePayerName(name)));
    if (normalized === null) return;
    const list = customersByName.get(normalized);
    if (!list) customersByName.set(normalized, [customerId]);
    else if (!list.includes(customerId)) list.push(customerId);
  };

  for (let position = 0; position < openItems.length; position++) {
    const item = openItems[position]!;
    if (!item.invoiceId) fail(item, position, 'invoiceId', 'is empty');
    if (item.invoiceId !== item.invoiceNumber) {
      if (byOtherInvoiceId.has(item.invoiceId)) fail(item, position, 'invoiceId', `"${item.invoiceId}" appears twice`);
      byOtherInvoiceId.set(item.invoiceId, position);
    }
    if (!hasAlphanumeric(item.invoiceNumber)) fail(item, position, 'invoiceNumber', 'has no letters or digits');
    if (!item.customerId) fail(item, position, 'customerId', 'is empty');
    if (!knownCurrency(item.currency)) fail(item, position, 'currency', `"${item.currency}" is not an ISO 4217 currency code`);
    if (!Number.isSafeInteger(item.balanceMinor)) fail(item, position, 'balanceMinor', 'is not an integer count of minor units');
    if (!isDate(item.issueDate)) fail(item, position, 'issueDate', `"${item.issueDate}" is not a date YYYY-MM-DD`);
    if (!isDate(item.dueDate)) fail(item, position, 'dueDate', `"${item.dueDate}" is not a date YYYY-MM-DD`);

    if (item.rfReference !== null && item.rfReference !== '') {
      const rf = normalizeRfReference(item.rfReference);
      if (rf === null) fail(item, position, 'rfReference', `"${item.rfReference}" is not a valid RF creditor reference`);
      if (byRfReference.addUnlessPresent(rf!, position, rfOf) !== -1) fail(item, position, 'rfReference', `"${rf}" appears twice`);
    }
    adding = item.invoiceNumber;
    const other = byNumberKey.addUnlessClash(item.invoiceNumber, position, sameNumber);
    if (other !== -1) {
      const twin = openItems[other]!;
      const field = twin.invoiceId === item.invoiceId ? 'invoiceId' : 'invoiceNumber';
      fail(item, position, field, `"${field === 'invoiceId' ? item.invoiceId : item.invoiceNumber}" appears twice`);
    }
    // The prefix is read only when it is not the last one seen (numbers of one series share it).
    if (prefixes.size <= 20 && (lastPrefix === '' || !hasLetterPrefix(item.invoiceNumber, lastPrefix))) {
      const prefix = letterPrefix(item.invoiceNumber);
      if (prefix !== '') {
        prefixes.add(prefix);
        lastPrefix = prefix;
      }
    }

    if (!namedCustomers.has(item.customerId)) {
      namedCustomers.add(item.customerId);
      addCustomerName(item.customerName, item.customerId);
    }
    if (item.balanceMinor > 0) {
      let amounts = byAmount.get(item.currency);
      if (!amounts) byAmount.set(item.currency, (amounts = new PositionTable<number>(balanceOf, openPerCurrency.get(item.currency), { numberKeys: true })));
      amounts.add(item.balanceMinor, position);
      byCustomer.add(item.customerId, position);
    }
  }

  const seenCustomers = new Set<string>();
  for (let position = 0; position < customers.length; position++) {
    const customer = customers[position]!;
    if (!customer.customerId) {
      throw new CashApplicationInputError(`customer ${position + 1}: customerId is empty`, 'customerId', position, 'customer');
    }
    if (seenCustomers.has(customer.customerId)) {
      throw new CashApplicationInputError(`customer ${position + 1}: customerId "${customer.customerId}" appears twice`, 'customerId', position, 'customer');
    }
    seenCustomers.add(customer.customerId);
    addCustomerName(customer.name, customer.customerId);
    for (const name of customer.knownPayerNames) addCustomerName(name, customer.customerId);
    for (const account of customer.knownAccounts) {
      const normalized = normalizeAccount(account);
      if (normalized === '') continue;
      const list = customersByAccount.get(normalized);
      if (!list) customersByAccount.set(normalized, [customer.customerId]);
      else if (!list.includes(customer.customerId)) list.push(customer.customerId);
    }
  }

  // An invoiceId that differs from its own number must not be another item's number-as-id.
  for (const [invoiceId, position] of byOtherInvoiceId) {
    for (const other of positionsOf(byNumberKey.get(lookupKey(invoiceId)))) {
      const twin = openItems[other]!;
      if (twin.invoiceId === invoiceId && twin.invoiceId === twin.invoiceNumber) {
        fail(openItems[Math.max(position, other)]!, Math.max(position, other), 'invoiceId', `"${invoiceId}" appears twice`);
      }
    }
  }


  return {
    items: openItems,
    byOtherInvoiceId,
    byRfReference,
    byNumberKey,
    byAmount,
    byCustomer,
    numberPrefixes: prefixes.size > 20 ? [] : [...prefixes].sort(),
    customersByAccount,
    customersByName,
    customerNames,
  };
}
