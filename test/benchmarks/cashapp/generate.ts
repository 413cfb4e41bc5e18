/**
 * Deterministic generator of messy bank statements with known answers, for the cash application
 * benchmark and accuracy score:
 *
 *   npm run generate:statements -- [--open-items 20000] [--lines 5000] [--seed 1] [--out DIR] [--camt] [--mt940] [--bai2]
 *
 * Writes to DIR (default `.local-data/cashapp/items-<N>-lines-<M>-seed-<S>`, git-ignored):
 * `open-items.csv`, `customers.csv`, `statement.csv` (`date,amount,currency,reference,payer_name,
 * payer_account`), with `--camt` also `statement.camt054.xml` and `statement.camt053.xml` (the same entries),
 * with `--mt940` also `statement.sta` (MT940) and with `--bai2` `statement.bai` (BAI2), the same lines in
 * the same order, and `answers.jsonl`: one object per
 * statement line, in file order, saying what the payer meant and what a careful clerk would do.
 *
 * The same options always give the same files (seeded PRNG, no clock, no Math.random).
 */
import { mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { formatAmount } from '../../../lambdas/core/money/money';
import { createRfReference } from '../../../lambdas/core/references/rf-creditor-reference';

export interface GenerateOptions {
  readonly openItems: number;
  readonly lines: number;
  readonly seed: number;
  readonly outDir: string;
  readonly camt: boolean;
  /** Also `statement.sta`: the same lines as SWIFT MT940 (a statement per run of one currency). */
  readonly mt940?: boolean;
  /** Also `statement.bai`: the same lines as BAI2 (an account per run of one currency). */
  readonly bai2?: boolean;
  readonly log?: (message: string) => void;
}

/** What the answers file says about one statement line. */
export interface Answer {
  /** 1-based position of the line in the statement file. */
  readonly n: number;
  readonly kind: LineKind;
  readonly direction: 'credit' | 'debit';
  readonly amount: string;
  readonly currency: string;
  /** What a careful clerk expects of the matcher: applied, suggested (ambiguous by design) or unapplied. */
  readonly expect: 'applied' | 'suggested' | 'unapplied';
  /** True when any application is wrong (ambiguity, currency mismatch, nothing owed). */
  readonly mustNotApply: boolean;
  /** What the payer meant, when applying it is right: invoice numbers and amounts. */
  readonly allocations: readonly { readonly invoice_number: string; readonly amount: string }[] | null;
  readonly customerId: string | null;
}

export const LINE_KINDS = {
  rf_structured: 12,
  rf_text: 6,
  number_exact: 8,
  number_loose: 12,
  number_prefixless: 4,
  typo: 5,
  combined_quoted: 5,
  combined_unquoted: 3,
  partial: 5,
  short_within: 3,
  short_outside: 2,
  overpay: 3,
  amount_known_account: 7,
  amount_known_name: 3,
  ambiguous_amount: 3,
  unknown_amount_only: 4,
  unknown_no_match: 3,
  currency_mismatch: 2,
  rf_wrong_check_digits: 2,
  duplicate_payment: 1,
  debit: 2,
} as const;
export type LineKind = keyof typeof LINE_KINDS;

/** Tolerance the generator assumes for short payments: the matcher's default policy. */
const SHORT_PAY_LIMIT: Record<string, number> = { EUR: 500, USD: 500, SEK: 5000 };
const SHORT_PAY_BASIS_POINTS = 200;

// -------------------------------------------------------------------------------------------------
// Seeded randomness

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed * 2654435761 + 12345);
  }
  float(): number {
    return this.next();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [key, w] of entries) {
      r -= w;
      if (r < 0) return key;
    }
    return entries[entries.length - 1]![0];
  }
}

// -------------------------------------------------------------------------------------------------
// The world: customers and open items

const NAME_A = ['Nordic', 'Alpine', 'Baltic', 'Coastal', 'Summit', 'Harbor', 'Pioneer', 'Granite', 'Silver', 'Evergreen', 'Atlas', 'Beacon', 'Cedar', 'Delta', 'Falcon', 'Golden', 'Horizon', 'Iron', 'Juniper', 'Keystone', 'Lakeside', 'Meridian', 'Northern', 'Oak', 'Prairie', 'Quantum', 'River', 'Sterling', 'Tidal', 'Union', 'Valley', 'Western', 'Zenith', 'Aurora', 'Birch', 'Crown', 'Müller', 'Jäger', 'Sjöberg', 'Østergaard'];
const NAME_B = ['Widgets', 'Logistics', 'Foods', 'Textiles', 'Machinery', 'Pharma', 'Robotics', 'Timber', 'Paper', 'Metals', 'Plastics', 'Optics', 'Energy', 'Marine', 'Motors', 'Systems', 'Tools', 'Garden', 'Bakery', 'Brewing', 'Ceramics', 'Coffee', 'Dairy', 'Electric', 'Fashion', 'Glass', 'Hardware', 'Interiors', 'Jewelry', 'Kitchens', 'Leather', 'Media', 'Networks', 'Outdoor', 'Packaging', 'Printing', 'Retail', 'Software', 'Transport', 'Wholesale'];
const NAME_C = ['Trading', 'Group', 'Partners', 'Works', 'Supply', 'Industries', 'Holding', 'Services', 'Solutions', 'Company', 'Brothers', 'International', 'Nord', 'Sud', 'East', 'West', 'Central', 'Direct', 'Express', 'Premium', 'Select', 'United', 'Global', 'Local', 'City', 'Alliance', 'Network', 'Collective', 'Studio', 'House', 'Labs', 'Factory', 'Depot', 'Market', 'Center', 'Office', 'Agency', 'Union', 'Hub', 'Point'];
const LEGAL = ['GmbH', 'Oy', 'AB', 'Ltd', 'BV', 'SA', 'Inc', 'AG', 'SRL', 'AS'];
const PEOPLE = ['Maria Schmidt', 'John Carter', 'Aino Virtanen', 'Lars Nilsson', 'Sofia Rossi', 'Jan de Vries', 'Emma Dubois', 'Piotr Nowak', 'Anna Novak', 'Oliver Smith'];

interface Customer {
  readonly id: string;
  readonly name: string;
  readonly currency: string;
  readonly termsDays: number;
  readonly accounts: string[];
  readonly items: number[];
}

interface Item {
  readonly number: string;
  readonly customer: number;
  readonly currency: string;
  balance: number;
  readonly issueDate: string;
  readonly dueDate: string;
  readonly rf: string | null;
}

function mod97(digits: string): number {
  let r = 0;
  for (const ch of digits) {
    const code = ch.charCodeAt(0);
    r = code >= 65 ? (r * 100 + (code - 55)) % 97 : (r * 10 + (code - 48)) % 97;
  }
  return r;
}

/** A German IBAN with correct check digits (the readers may check them). */
function iban(random: Random): string {
  let bban = '';
  for (let i = 0; i < 18; i++) bban += String(random.int(0, 9));
  const check = 98 - mod97(`${bban}DE00`);
  return `DE${String(check).padStart(2, '0')}${bban}`;
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function balanceFor(random: Random, currency: string): number {
  const scale = currency === 'SEK' ? 10 : 1;
  if (random.chance(0.08)) return random.int(1, 40) * 5_000 * scale; // round amounts: 50.00 .. 2000.00
  const units = Math.exp(Math.log(2_000) + random.float() * (Math.log(2_500_000) - Math.log(2_000)));
  return Math.round(units) * scale;
}

function buildWorld(random: Random, openItemCount: number): { customers: Customer[]; items: Item[] } {
  const customerCount = Math.max(20, Math.round(openItemCount / 20));
  const customers: Customer[] = [];
  for (let i = 0; i < customerCount; i++) {
    const a = NAME_A[i % NAME_A.length]!;
    const b = NAME_B[Math.floor(i / NAME_A.length) % NAME_B.length]!;
    const c = NAME_C[Math.floor(i / (NAME_A.length * NAME_B.length)) % NAME_C.length]!;
    const round = Math.floor(i / (NAME_A.length * NAME_B.length * NAME_C.length));
    const name = `${a} ${b} ${c}${round > 0 ? ` ${round + 1}` : ''} ${random.pick(LEGAL)}`;
    const currency = random.chance(0.88) ? 'EUR' : random.chance(0.67) ? 'USD' : 'SEK';
    const accounts: string[] = [];
    if (random.chance(0.85)) accounts.push(iban(random));
    if (random.chance(0.1)) accounts.push(iban(random));
    customers.push({ id: `C${String(i + 1).padStart(6, '0')}`, name, currency, termsDays: random.pick([14, 30, 30, 45, 60]), accounts, items: [] });
  }
  const items: Item[] = [];
  const perYear = Math.ceil(openItemCount / 2);
  for (let i = 0; i < openItemCount; i++) {
    const year = i < perYear ? 2025 : 2026;
    const seq = (i % perYear) + 1;
    const number = `INV-${year}-${String(seq).padStart(6, '0')}`;
    // Skewed: a few customers hold many items, as in real ledgers.
    const r = random.float();
    const customerIndex = Math.min(customerCount - 1, Math.floor(customerCount * r * r));
    const customer = customers[customerIndex]!;
    const dayOffset = Math.floor(((i % perYear) / perYear) * 360);
    const issueDate = addDays(year === 2025 ? '2025-03-01' : '2026-01-01', year === 2025 ? dayOffset : Math.floor(dayOffset / 6));
    const item: Item = {
      number,
      customer: customerIndex,
      currency: customer.currency,
      balance: balanceFor(random, customer.currency),
      issueDate,
      dueDate: addDays(issueDate, customer.termsDays),
      rf: random.chance(0.6) ? createRfReference(`${year}${String(seq).padStart(6, '0')}`) : null,
    };
    items.push(item);
    customer.items.push(i);
  }
  for (const customer of customers) {
    customer.items.sort((x, y) => (items[x]!.dueDate < items[y]!.dueDate ? -1 : items[x]!.dueDate > items[y]!.dueDate ? 1 : items[x]!.number < items[y]!.number ? -1 : 1));
  }
  return { customers, items };
}

// -------------------------------------------------------------------------------------------------
// How payers write things

function printedRf(rf: string): string {
  return rf.match(/.{1,4}/g)!.join(' ');
}

function looseNumber(random: Random, number: string): string {
  const [prefix, year, seq] = number.split('-') as [string, string, string];
  const bare = String(Number(seq));
  switch (random.int(0, 6)) {
    case 0:
      return `${prefix}${year}${bare}`.toLowerCase();
    case 1:
      return `${prefix} ${year} ${bare}`;
    case 2:
      return `${prefix}${year}${seq}`.toLowerCase();
    case 3:
      return `${prefix}-${year}-${bare}`;
    case 4:
      return `${prefix.charAt(0)}${prefix.slice(1).toLowerCase()}.${year}/${seq}`;
    case 5:
      return `${prefix} ${year}${seq}`;
    default:
      return number.toLowerCase();
  }
}

function prefixlessNumber(random: Random, number: string): string {
  const [, year, seq] = number.split('-') as [string, string, string];
  return random.pick([`${year}-${seq}`, `${year}${seq}`, `${year} ${String(Number(seq))}`, `${year}/${seq}`]);
}

/** One character mistyped in the digits: replaced, swapped with its neighbour, dropped or doubled. */
function typoNumber(random: Random, number: string): string {
  const [prefix, year, seq] = number.split('-') as [string, string, string];
  const digits = `${year}${seq}`;
  const at = random.int(4, digits.length - 1); // in the sequence part
  let typed: string;
  switch (random.int(0, 3)) {
    case 0: {
      const old = digits[at]!;
      let replacement = old;
      while (replacement === old) replacement = String(random.int(0, 9));
      typed = digits.slice(0, at) + replacement + digits.slice(at + 1);
      break;
    }
    case 1: {
      const i = Math.min(at, digits.length - 2);
      typed = digits[i] === digits[i + 1] ? digits.slice(0, i) + String((Number(digits[i]) + 1) % 10) + digits.slice(i + 1) : digits.slice(0, i) + digits[i + 1] + digits[i] + digits.slice(i + 2);
      break;
    }
    case 2:
      typed = digits.slice(0, at) + digits.slice(at + 1);
      break;
    default:
      typed = digits.slice(0, at) + digits[at] + digits.slice(at);
  }
  return random.chance(0.5) ? `${prefix}-${typed.slice(0, 4)}-${typed.slice(4)}` : `${prefix}${typed}`;
}

function remittance(random: Random, reference: string, customer: Customer): string {
  const custNo = customer.id.slice(1);
  return random.pick([
    `Payment ${reference}`,
    reference,
    `INVOICE ${reference} THANK YOU`,
    `Re: ${reference} / PO ${random.int(1000, 9999)}-${random.int(10, 99)}`,
    `Zahlung ${reference} Kd-Nr ${custNo}`,
    `${reference} ${customer.name.toUpperCase()}`,
    `SEPA CT ${reference} EREF NOTPROVIDED`,
    `lasku ${reference}`,
  ]);
}

function noiseText(random: Random): string {
  return random.pick(['', 'Payment', 'Monthly settlement', 'SEPA CT', 'Transfer', 'Invoice payment thank you', 'Zahlung', 'Maksu', 'Betalning']);
}

/** Legal forms as payers and their banks spell them out. */
const LEGAL_SPELLED: Record<string, string> = {
  GmbH: 'Gesellschaft mit beschraenkter Haftung',
  Ltd: 'Limited',
  SA: 'S.A.',
  Inc: 'Incorporated',
  AG: 'Aktiengesellschaft',
  AB: 'Aktiebolag',
  Oy: 'Osakeyhtioe',
  BV: 'B.V.',
  SRL: 'S.r.l.',
  AS: 'A/S',
};

/** Words payers abbreviate. */
const ABBREVIATED: Record<string, string> = {
  International: 'Intl',
  Brothers: 'Bros',
  Services: 'Svcs',
  Industries: 'Inds',
  Holding: 'Hldg',
  Trading: 'Trdg',
  Company: 'Co',
  Systems: 'Sys',
  Center: 'Ctr',
  Partners: 'Ptnrs',
  Logistics: 'Logist',
  Solutions: 'Solns',
};

/** German and Nordic letters as SEPA's Latin character set forces banks to write them. */
function transliterate(name: string): string {
  const table: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue', ß: 'ss', ø: 'oe', Ø: 'Oe', å: 'aa', Å: 'Aa', æ: 'ae', Æ: 'Ae' };
  return name.replace(/[äöüÄÖÜßøØåÅæÆ]/g, (c) => table[c]!);
}

/**
 * How a payer's name reaches the statement: as in master data, in another case, without or with
 * its legal form spelled out, words reordered, transliterated (SEPA character set) or stripped of
 * accents, abbreviated, cut at a bank's field length, or with one letter mistyped.
 */
function payerNameVariant(random: Random, name: string): string {
  const legal = name.split(' ').at(-1)!;
  const withoutLegal = name.replace(/ (GmbH|Oy|AB|Ltd|BV|SA|Inc|AG|SRL|AS)$/, '');
  const words = withoutLegal.split(' ');
  switch (random.int(0, 11)) {
    case 0:
      return name;
    case 1:
      return name.toUpperCase();
    case 2:
      return withoutLegal.toUpperCase();
    case 3:
      return `${withoutLegal}, ${legal}`;
    case 4:
      return withoutLegal.toLowerCase();
    case 5:
      return `${transliterate(withoutLegal)} ${LEGAL_SPELLED[legal] ?? legal}`;
    case 6:
      return transliterate(name).toUpperCase();
    case 7:
      return `${words.slice(1).join(' ')} ${words[0]} ${legal}`;
    case 8:
      return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/ø/g, 'o').replace(/Ø/g, 'O');
    case 9:
      return words.map((w) => ABBREVIATED[w] ?? w).join(' ') + (random.chance(0.5) ? ` ${legal}` : '');
    case 10: {
      // One letter of the longest word mistyped (replaced by its neighbour on the keyboard row, or doubled).
      const longest = words.reduce((a, b) => (b.length > a.length ? b : a));
      const at = random.int(1, longest.length - 2);
      const typed = random.chance(0.5) ? longest.slice(0, at) + longest[at + 1] + longest[at] + longest.slice(at + 2) : longest.slice(0, at) + longest[at] + longest.slice(at);
      return `${words.map((w) => (w === longest ? typed : w)).join(' ')} ${legal}`;
    }
    default:
      // Cut where a bank's name field ends (27 characters in older formats).
      return transliterate(name).toUpperCase().slice(0, 27).trimEnd();
  }
}

// -------------------------------------------------------------------------------------------------
// The statement

interface Line {
  readonly date: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly direction: 'credit' | 'debit';
  readonly reference: string;
  readonly structured: string | null;
  readonly payerName: string;
  readonly payerAccount: string;
}

class Generator {
  private readonly used: Uint8Array;
  private readonly balancesInUse: Map<string, Set<number>>;
  readonly lines: Line[] = [];
  readonly answers: Answer[] = [];
  private readonly fullyPaidQuoted: number[] = [];
  private fallbacks = 0;

  constructor(
    private readonly random: Random,
    private readonly customers: Customer[],
    private readonly items: Item[],
  ) {
    this.used = new Uint8Array(items.length);
    this.balancesInUse = new Map();
    for (const item of items) {
      let set = this.balancesInUse.get(item.currency);
      if (!set) this.balancesInUse.set(item.currency, (set = new Set()));
      set.add(item.balance);
    }
  }

  get fallbackCount(): number {
    return this.fallbacks;
  }

  private money(minor: number, currency: string): string {
    return formatAmount({ minor, currency });
  }

  /** An unused item, optionally with an RF reference; marks it used. Null when none is left nearby. */
  private takeItem(filter: (item: Item) => boolean = () => true): number | null {
    for (let attempt = 0; attempt < 50; attempt++) {
      let i = this.random.int(0, this.items.length - 1);
      for (let probe = 0; probe < 200 && this.used[i]; probe++) i = (i + 1) % this.items.length;
      if (!this.used[i] && filter(this.items[i]!)) {
        this.used[i] = 1;
        return i;
      }
    }
    return null;
  }

  /** `count` unused items of one customer among its `within` oldest, or null. */
  private takeItemsOfOneCustomer(count: number, within: number, filter: (customer: Customer) => boolean = () => true): number[] | null {
    for (let attempt = 0; attempt < 50; attempt++) {
      const seed = this.random.int(0, this.items.length - 1);
      const customer = this.customers[this.items[seed]!.customer]!;
      if (!filter(customer)) continue;
      const free = customer.items.slice(0, within).filter((i) => !this.used[i]);
      if (free.length < count) continue;
      const chosen: number[] = [];
      while (chosen.length < count) {
        const i = this.random.pick(free);
        if (!chosen.includes(i)) chosen.push(i);
      }
      for (const i of chosen) this.used[i] = 1;
      return chosen;
    }
    return null;
  }

  private payer(item: Item, knownAccount = 0.7): { payerName: string; payerAccount: string } {
    const customer = this.customers[item.customer]!;
    const r = this.random.float();
    const payerAccount = r < knownAccount && customer.accounts.length > 0 ? this.random.pick(customer.accounts) : r < 0.9 ? iban(this.random) : '';
    return { payerName: this.random.chance(0.8) ? payerNameVariant(this.random, customer.name) : '', payerAccount };
  }

  private date(): string {
    return addDays('2026-03-02', this.random.int(0, 4));
  }

  private push(line: Omit<Line, 'date' | 'direction'> & { direction?: 'credit' | 'debit' }, answer: Omit<Answer, 'n' | 'amount' | 'currency' | 'direction'>): void {
    const full: Line = { date: this.date(), direction: 'credit', ...line };
    this.lines.push(full);
    this.answers.push({
      n: this.lines.length,
      direction: full.direction,
      amount: this.money(full.amountMinor, full.currency),
      currency: full.currency,
      ...answer,
    });
  }

  private applied(kind: LineKind, item: Item, amountMinor: number): Omit<Answer, 'n' | 'amount' | 'currency' | 'direction'> {
    return { kind, expect: 'applied', mustNotApply: false, allocations: [{ invoice_number: item.number, amount: this.money(amountMinor, item.currency) }], customerId: this.customers[item.customer]!.id };
  }

  /** Adds one line of `kind`; falls back to an unknown payer with no match when no item fits. */
  add(kind: LineKind): void {
    if (!this.tryAdd(kind)) {
      this.fallbacks++;
      this.tryAdd('unknown_no_match');
    }
  }

  private tryAdd(kind: LineKind): boolean {
    const random = this.random;
    switch (kind) {
      case 'rf_structured':
      case 'rf_text': {
        const i = this.takeItem((item) => item.rf !== null);
        if (i === null) return false;
        const item = this.items[i]!;
        const customer = this.customers[item.customer]!;
        const rf = item.rf!;
        const written = random.chance(0.5) ? rf : printedRf(rf);
        const line =
          kind === 'rf_structured'
            ? { structured: rf, reference: rf }
            : { structured: null, reference: remittance(random, random.chance(0.3) ? written.toLowerCase() : written, customer) };
        this.push({ amountMinor: item.balance, currency: item.currency, ...line, ...this.payer(item) }, this.applied(kind, item, item.balance));
        this.fullyPaidQuoted.push(i);
        return true;
      }
      case 'number_exact':
      case 'number_loose':
      case 'number_prefixless':
      case 'typo': {
        const i = this.takeItem();
        if (i === null) return false;
        const item = this.items[i]!;
        const written =
          kind === 'number_exact' ? item.number : kind === 'number_loose' ? looseNumber(random, item.number) : kind === 'number_prefixless' ? prefixlessNumber(random, item.number) : typoNumber(random, item.number);
        this.push(
          { amountMinor: item.balance, currency: item.currency, structured: null, reference: remittance(random, written, this.customers[item.customer]!), ...this.payer(item) },
          this.applied(kind, item, item.balance),
        );
        if (kind === 'number_exact') this.fullyPaidQuoted.push(i);
        return true;
      }
      case 'combined_quoted': {
        const chosen = this.takeItemsOfOneCustomer(random.int(2, 3), Number.MAX_SAFE_INTEGER);
        if (!chosen) return false;
        const items = chosen.map((i) => this.items[i]!);
        const total = items.reduce((s, it) => s + it.balance, 0);
        const numbers = items.map((it) => (random.chance(0.5) ? it.number : looseNumber(random, it.number)));
        const text = random.pick([`Invoices ${numbers.join(', ')}`, numbers.join(' '), `Payment ${numbers.join(' + ')}`, `${numbers.join('; ')} thanks`]);
        this.push(
          { amountMinor: total, currency: items[0]!.currency, structured: null, reference: text, ...this.payer(items[0]!) },
          {
            kind,
            expect: 'applied',
            mustNotApply: false,
            allocations: items.map((it) => ({ invoice_number: it.number, amount: this.money(it.balance, it.currency) })),
            customerId: this.customers[items[0]!.customer]!.id,
          },
        );
        return true;
      }
      case 'combined_unquoted': {
        const count = random.int(2, 3);
        const chosen = this.takeItemsOfOneCustomer(count, 30, (c) => c.accounts.length > 0);
        if (!chosen) return false;
        const items = chosen.map((i) => this.items[i]!);
        const customer = this.customers[items[0]!.customer]!;
        const total = items.reduce((s, it) => s + it.balance, 0);
        // A single item with the same balance would be the stronger reading: do not generate that.
        if (customer.items.some((i) => this.items[i]!.balance === total)) {
          for (const i of chosen) this.used[i] = 0;
          return false;
        }
        this.push(
          { amountMinor: total, currency: customer.currency, structured: null, reference: noiseText(random), payerName: payerNameVariant(random, customer.name), payerAccount: random.pick(customer.accounts) },
          {
            kind,
            expect: 'applied',
            mustNotApply: false,
            allocations: items.map((it) => ({ invoice_number: it.number, amount: this.money(it.balance, it.currency) })),
            customerId: customer.id,
          },
        );
        return true;
      }
      case 'partial':
      case 'short_within':
      case 'short_outside':
      case 'overpay': {
        const i = this.takeItem((item) => item.balance >= 5_000);
        if (i === null) return false;
        const item = this.items[i]!;
        const limit = Math.min(SHORT_PAY_LIMIT[item.currency]!, Math.floor((item.balance * SHORT_PAY_BASIS_POINTS) / 10_000));
        let amount: number;
        let allocated: number;
        if (kind === 'partial') {
          amount = Math.round(item.balance * (0.2 + random.float() * 0.6));
          allocated = amount;
        } else if (kind === 'short_within') {
          amount = item.balance - random.int(1, Math.max(1, limit));
          allocated = amount;
        } else if (kind === 'short_outside') {
          amount = item.balance - Math.max(limit + 1, Math.round(item.balance * (0.03 + random.float() * 0.1)));
          allocated = amount;
        } else {
          amount = item.balance + random.int(1, 5_000);
          allocated = item.balance;
        }
        const written = random.chance(0.5) ? item.number : item.rf && random.chance(0.5) ? item.rf : looseNumber(random, item.number);
        this.push(
          { amountMinor: amount, currency: item.currency, structured: null, reference: remittance(random, written, this.customers[item.customer]!), ...this.payer(item) },
          this.applied(kind, item, allocated),
        );
        return true;
      }
      case 'amount_known_account':
      case 'amount_known_name': {
        const i = this.takeItem((item) => {
          const customer = this.customers[item.customer]!;
          if (kind === 'amount_known_account' && customer.accounts.length === 0) return false;
          return customer.items.every((j) => this.items[j] === item || this.items[j]!.balance !== item.balance);
        });
        if (i === null) return false;
        const item = this.items[i]!;
        const customer = this.customers[item.customer]!;
        if (customer.items.some((j) => j !== i && this.items[j]!.balance === item.balance)) {
          this.used[i] = 0;
          return false;
        }
        const payer =
          kind === 'amount_known_account'
            ? { payerName: random.chance(0.5) ? payerNameVariant(random, customer.name) : '', payerAccount: random.pick(customer.accounts) }
            : { payerName: payerNameVariant(random, customer.name), payerAccount: random.chance(0.7) ? iban(random) : '' };
        this.push({ amountMinor: item.balance, currency: item.currency, structured: null, reference: noiseText(random), ...payer }, this.applied(kind, item, item.balance));
        return true;
      }
      case 'ambiguous_amount': {
        const chosen = this.takeItemsOfOneCustomer(2, Number.MAX_SAFE_INTEGER, (c) => c.accounts.length > 0);
        if (!chosen) return false;
        const [a, b] = chosen.map((i) => this.items[i]!) as [Item, Item];
        b.balance = a.balance;
        const customer = this.customers[a.customer]!;
        this.push(
          { amountMinor: a.balance, currency: a.currency, structured: null, reference: noiseText(random), payerName: '', payerAccount: random.pick(customer.accounts) },
          { kind, expect: 'suggested', mustNotApply: true, allocations: null, customerId: customer.id },
        );
        return true;
      }
      case 'unknown_amount_only': {
        const i = this.takeItem();
        if (i === null) return false;
        const item = this.items[i]!;
        this.push(
          { amountMinor: item.balance, currency: item.currency, structured: null, reference: noiseText(random), payerName: random.pick(PEOPLE), payerAccount: iban(random) },
          { ...this.applied(kind, item, item.balance), expect: 'suggested' },
        );
        return true;
      }
      case 'unknown_no_match': {
        const currency = random.pick(['EUR', 'EUR', 'EUR', 'USD']);
        let amount = random.int(100, 500_000);
        while (this.balancesInUse.get(currency)?.has(amount)) amount++;
        this.push(
          { amountMinor: amount, currency, structured: null, reference: noiseText(random), payerName: random.pick(PEOPLE), payerAccount: iban(random) },
          { kind, expect: 'unapplied', mustNotApply: true, allocations: null, customerId: null },
        );
        return true;
      }
      case 'currency_mismatch': {
        const i = this.takeItem((item) => item.currency === 'EUR' || item.currency === 'USD');
        if (i === null) return false;
        const item = this.items[i]!;
        const currency = item.currency === 'EUR' ? 'USD' : 'EUR';
        this.push(
          { amountMinor: item.balance, currency, structured: null, reference: remittance(random, item.number, this.customers[item.customer]!), ...this.payer(item) },
          { kind, expect: 'unapplied', mustNotApply: true, allocations: null, customerId: this.customers[item.customer]!.id },
        );
        return true;
      }
      case 'rf_wrong_check_digits': {
        const i = this.takeItem((item) => item.rf !== null);
        if (i === null) return false;
        const item = this.items[i]!;
        const rf = item.rf!;
        const check = Number(rf.slice(2, 4));
        const wrong = `RF${String(check === 97 ? 2 : check + 1).padStart(2, '0')}${rf.slice(4)}`;
        const customer = this.customers[item.customer]!;
        const unique = customer.items.every((j) => j === i || this.items[j]!.balance !== item.balance);
        const known = unique && customer.accounts.length > 0 && random.chance(0.5);
        this.push(
          {
            amountMinor: item.balance,
            currency: item.currency,
            structured: wrong,
            reference: wrong,
            payerName: '',
            payerAccount: known ? random.pick(customer.accounts) : iban(random),
          },
          { ...this.applied(kind, item, item.balance), expect: known ? 'applied' : 'suggested' },
        );
        return true;
      }
      case 'duplicate_payment': {
        if (this.fullyPaidQuoted.length === 0) return false;
        const i = this.random.pick(this.fullyPaidQuoted);
        const item = this.items[i]!;
        this.push(
          { amountMinor: item.balance, currency: item.currency, structured: null, reference: remittance(random, item.number, this.customers[item.customer]!), ...this.payer(item) },
          { kind, expect: 'unapplied', mustNotApply: true, allocations: null, customerId: this.customers[item.customer]!.id },
        );
        return true;
      }
      case 'debit': {
        this.push(
          { direction: 'debit', amountMinor: random.int(100, 200_000), currency: 'EUR', structured: null, reference: random.pick(['Bank fees', 'Salary', 'Supplier payment', 'Rent']), payerName: '', payerAccount: '' },
          { kind, expect: 'unapplied', mustNotApply: true, allocations: null, customerId: null },
        );
        return true;
      }
    }
  }
}

// -------------------------------------------------------------------------------------------------
// Files

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function xml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

async function writeLines(path: string, produce: (write: (line: string) => void) => void): Promise<void> {
  const out = createWriteStream(path);
  let buffer = '';
  const pending: string[] = [];
  produce((line) => {
    buffer += `${line}\n`;
    if (buffer.length > 1 << 20) {
      pending.push(buffer);
      buffer = '';
    }
  });
  pending.push(buffer);
  for (const chunk of pending) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** The statement as camt.054 (notification) or camt.053 (statement): the same entries, another envelope. */
function camt(lines: readonly Line[], kind: '053' | '054'): string {
  const entries = lines.map((line, index) => {
    const amount = formatAmount({ minor: line.amountMinor, currency: line.currency });
    const party = line.direction === 'credit' ? 'Dbtr' : 'Cdtr';
    const remittanceInfo = line.structured
      ? `<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr></Tp><Ref>${xml(line.structured)}</Ref></CdtrRefInf></Strd></RmtInf>`
      : line.reference
        ? `<RmtInf><Ustrd>${xml(line.reference.slice(0, 140))}</Ustrd></RmtInf>`
        : '';
    const related =
      line.payerName || line.payerAccount
        ? `<RltdPties>${line.payerName ? `<${party}><Nm>${xml(line.payerName)}</Nm></${party}>` : ''}${line.payerAccount ? `<${party}Acct><Id><IBAN>${line.payerAccount}</IBAN></Id></${party}Acct>` : ''}</RltdPties>`
        : '';
    return `      <Ntry><Amt Ccy="${line.currency}">${amount}</Amt><CdtDbtInd>${line.direction === 'credit' ? 'CRDT' : 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>${line.date}</Dt></BookgDt><ValDt><Dt>${line.date}</Dt></ValDt><AcctSvcrRef>L${index + 1}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls><Refs><AcctSvcrRef>L${index + 1}</AcctSvcrRef><EndToEndId>NOTPROVIDED</EndToEndId></Refs><Amt Ccy="${line.currency}">${amount}</Amt>${related}${remittanceInfo}</TxDtls></NtryDtls></Ntry>`;
  });
  const [message, record] = kind === '053' ? ['BkToCstmrStmt', 'Stmt'] : ['BkToCstmrDbtCdtNtfctn', 'Ntfctn'];
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.${kind}.001.02">
  <${message}>
    <GrpHdr><MsgId>CASHAPP-BENCH</MsgId><CreDtTm>2026-03-06T08:00:00</CreDtTm></GrpHdr>
    <${record}>
      <Id>CASHAPP-BENCH-1</Id><CreDtTm>2026-03-06T08:00:00</CreDtTm>
      <Acct><Id><IBAN>FI2112345600000785</IBAN></Id></Acct>
${entries.join('\n')}
    </${record}>
  </${message}>
</Document>
`;
}

/** Consecutive lines of one currency: an MT940 statement or a BAI2 account each, so the file keeps the lines' order. */
function currencyRuns(lines: readonly Line[]): { currency: string; lines: Line[]; first: number }[] {
  const runs: { currency: string; lines: Line[]; first: number }[] = [];
  lines.forEach((line, index) => {
    const last = runs[runs.length - 1];
    if (last && last.currency === line.currency) last.lines.push(line);
    else runs.push({ currency: line.currency, lines: [line], first: index });
  });
  return runs;
}

const yymmdd = (date: string): string => date.slice(2).replace(/-/g, '');

/** An MT940 amount: decimal comma, always with the comma (`12,`, `1234,56`). */
function mt940Amount(minor: number, currency: string): string {
  const text = formatAmount({ minor, currency }).replace('.', ',');
  return text.includes(',') ? text : `${text},`;
}

/** Text for `?NN` subfields and SWIFT lines: no `?`, no line breaks. */
const swiftText = (text: string): string => text.replace(/[?\r\n]/g, ' ');

/**
 * The statement as MT940 (German `?NN` layout of `:86:`: remittance text in `?20`-`?29`, payer
 * name in `?32`/`?33`, payer IBAN in `?31`), written line by line, lines of at most 65 characters.
 */
function writeMt940(lines: readonly Line[], write: (line: string) => void): void {
  currencyRuns(lines).forEach((run, i) => {
    let balance = 0;
    write(`:20:CASHAPP-${i + 1}`);
    write(`:25:FI2112345600000785${run.currency}`);
    write(`:28C:${i + 1}/1`);
    write(`:60F:C${yymmdd(run.lines[0]!.date)}${run.currency}${mt940Amount(0, run.currency)}`);
    run.lines.forEach((line, j) => {
      balance += line.direction === 'credit' ? line.amountMinor : -line.amountMinor;
      const date = yymmdd(line.date);
      write(`:61:${date}${date.slice(2)}${line.direction === 'credit' ? 'C' : 'D'}${mt940Amount(line.amountMinor, line.currency)}NTRFNONREF//L${run.first + j + 1}`);
      const purpose = swiftText(line.structured ?? line.reference).slice(0, 270);
      const pieces = purpose === '' ? [] : (purpose.match(/.{1,27}/g) ?? []);
      const name = swiftText(line.payerName).slice(0, 54);
      const details =
        '166?00GUTSCHRIFT' +
        pieces.map((piece, k) => `?${20 + k}${piece}`).join('') +
        (line.payerAccount ? `?31${line.payerAccount}` : '') +
        (name ? `?32${name.slice(0, 27)}${name.length > 27 ? `?33${name.slice(27)}` : ''}` : '');
      const wrapped = details.match(/.{1,61}/g) ?? [];
      write(`:86:${wrapped[0] ?? ''}`);
      for (const rest of wrapped.slice(1)) write(rest);
    });
    const last = run.lines[run.lines.length - 1]!;
    write(`:62F:${balance < 0 ? 'D' : 'C'}${yymmdd(last.date)}${run.currency}${mt940Amount(Math.abs(balance), run.currency)}`);
    write('-');
  });
}

/**
 * The statement as BAI2: one group, an account (03 ... 49) per run of one currency, a 16 record
 * per line (type 195 incoming, 495 outgoing transfer) with the remittance text and an 88
 * continuation naming the payer as banks label it (`ORG=/<account> <name>`, or `ORIG CO NAME:<name>`
 * without an account); every control total and record count filled in.
 */
function writeBai2(lines: readonly Line[], write: (line: string) => void): void {
  const runs = currencyRuns(lines);
  const first = lines[0]?.date ?? '2026-03-06';
  write('01,CASHAPPBANK,CASHAPPBENCH,260306,0800,1,80,,2/');
  write(`02,CASHAPPBENCH,CASHAPPBANK,1,${yymmdd(first)},,,2/`);
  let groupTotal = 0;
  let groupRecords = 2;
  for (const run of runs) {
    let total = 0;
    let records = 2;
    write(`03,FI2112345600000785,${run.currency}/`);
    run.lines.forEach((line, j) => {
      total += line.amountMinor;
      const text = (line.structured ?? line.reference).replace(/[\r\n]/g, ' ').replace(/\/+$/, '');
      write(`16,${line.direction === 'credit' ? '195' : '495'},${line.amountMinor},Z,L${run.first + j + 1},,${text}`);
      // The payer as US banks label it: a wire's originator with its account (`ORG=/<account> <name>`),
      // an ACH entry's originating company (`ORIG CO NAME:<name>`) when no account is known.
      const name = line.payerName.replace(/[\r\n]/g, ' ').replace(/\/+$/, '');
      const account = line.payerAccount.replace(/[\r\n\s]/g, '');
      if (name !== '' || account !== '') {
        write(account !== '' ? `88,ORG=/${account} ${name}` : `88,ORIG CO NAME:${name} SEC:CCD`);
        records++;
      }
      records++;
    });
    write(`49,${total},${records}/`);
    groupTotal += total;
    groupRecords += records;
  }
  write(`98,${groupTotal},${runs.length},${groupRecords}/`);
  write(`99,${groupTotal},1,${groupRecords + 2}/`);
}

/** Generates the files; returns the paths and the count of lines that fell back to "no match". */
export async function generate(options: GenerateOptions): Promise<{ dir: string; fallbacks: number; kinds: Record<string, number> }> {
  const log = options.log ?? (() => undefined);
  const random = new Random(options.seed);
  const { customers, items } = buildWorld(random, options.openItems);
  log(`${items.length} open items of ${customers.length} customers`);
  const generator = new Generator(random, customers, items);
  for (let n = 0; n < options.lines; n++) {
    generator.add(random.weighted(LINE_KINDS));
    if ((n + 1) % 50_000 === 0) log(`${n + 1} of ${options.lines} lines generated`);
  }
  mkdirSync(options.outDir, { recursive: true });
  await writeLines(join(options.outDir, 'open-items.csv'), (write) => {
    write('invoice_number,customer_id,customer_name,currency,balance,issue_date,due_date,rf_reference');
    for (const item of items) {
      const customer = customers[item.customer]!;
      write([item.number, customer.id, csvField(customer.name), item.currency, formatAmount({ minor: item.balance, currency: item.currency }), item.issueDate, item.dueDate, item.rf ?? ''].join(','));
    }
  });
  await writeLines(join(options.outDir, 'customers.csv'), (write) => {
    write('customer_id,name,known_accounts');
    for (const customer of customers) write([customer.id, csvField(customer.name), customer.accounts.join(';')].join(','));
  });
  await writeLines(join(options.outDir, 'statement.csv'), (write) => {
    write('date,amount,currency,reference,payer_name,payer_account');
    for (const line of generator.lines) {
      const amount = formatAmount({ minor: line.direction === 'debit' ? -line.amountMinor : line.amountMinor, currency: line.currency });
      write([line.date, amount, line.currency, csvField(line.reference), csvField(line.payerName), line.payerAccount].join(','));
    }
  });
  if (options.camt) {
    writeFileSync(join(options.outDir, 'statement.camt054.xml'), camt(generator.lines, '054'));
    writeFileSync(join(options.outDir, 'statement.camt053.xml'), camt(generator.lines, '053'));
  }
  if (options.mt940) await writeLines(join(options.outDir, 'statement.sta'), (write) => writeMt940(generator.lines, write));
  if (options.bai2) await writeLines(join(options.outDir, 'statement.bai'), (write) => writeBai2(generator.lines, write));
  await writeLines(join(options.outDir, 'answers.jsonl'), (write) => {
    for (const answer of generator.answers) write(JSON.stringify(answer));
  });
  const kinds: Record<string, number> = {};
  for (const answer of generator.answers) kinds[answer.kind] = (kinds[answer.kind] ?? 0) + 1;
  log(`wrote ${options.outDir} (${generator.lines.length} statement lines; ${generator.fallbackCount} fell back to "unknown_no_match" for lack of unused items)`);
  return { dir: options.outDir, fallbacks: generator.fallbackCount, kinds };
}

export function defaultOutDir(openItems: number, lines: number, seed: number): string {
  return join('.local-data', 'cashapp', `items-${openItems}-lines-${lines}-seed-${seed}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'open-items': { type: 'string', default: '20000' },
      lines: { type: 'string', default: '5000' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      camt: { type: 'boolean', default: false },
      mt940: { type: 'boolean', default: false },
      bai2: { type: 'boolean', default: false },
    },
  });
  const openItems = Number(values['open-items']);
  const lines = Number(values.lines);
  const seed = Number(values.seed);
  if (![openItems, lines, seed].every((n) => Number.isSafeInteger(n) && n > 0)) throw new Error('--open-items, --lines and --seed must be positive integers');
  const outDir = values.out ?? defaultOutDir(openItems, lines, seed);
  await generate({ openItems, lines, seed, outDir, camt: values.camt, mt940: values.mt940, bai2: values.bai2, log: (m) => process.stderr.write(`generate: ${m}\n`) });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    process.stderr.write(`generate: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
