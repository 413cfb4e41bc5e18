/**
 * Cash application: reads one credit line of a bank statement against the open items and decides
 * whether it can be applied, should be suggested to finance, or stays unapplied. Pure domain code:
 * no AWS, no I/O, no clock. Inputs are never mutated; the running balances of one run live in a
 * {@link CashApplication} instance.
 *
 * ## Rules, strongest first
 *
 * 0. **Remittance advice** (`remittance-advice.ts`, given with {@link CashApplication.addAdvice}):
 *    the one advice that fits the line (amount, currency, date window and reference, payer account
 *    or payer name) splits it exactly over its invoices, with its deductions by reason code (0.97).
 * 1. **RF creditor reference** (check digits verified) in the structured reference or anywhere in
 *    the text, in electronic or printed form. A reference with wrong check digits is ignored.
 * 2. **Invoice numbers** in the structured references, remittance text, end-to-end id or customer
 *    reference, written
 *    loosely: any case, without separators, without leading zeros of a number group
 *    (`INV-2026-000123` as `inv2026123` or `INV 2026 123`). Weaker readings (the letter prefix left
 *    out, `2026-123`; other zeros dropped) count only when the amount equals the item's balance or
 *    the payer is known as the item's customer. **One mistyped character** (replaced, missing, extra
 *    or two swapped) counts only when the amount equals that item's balance exactly. Since a typo
 *    can give another valid number, a quoted number whose balance does not fit the amount while an
 *    item one character off has exactly that balance is suggested, not applied (unless the payer
 *    is known as that item's customer and not the quoted one's); the same holds when the quoted
 *    number is in another currency or the payer is known as another customer.
 * 3. With quoted items: the exact balance (or the sum of several quoted items) applies; less than the
 *    balance is a **short payment** written off with the policy's reason code when within tolerance,
 *    else a **partial payment**; more is an **overpayment** whose rest becomes on-account credit.
 * 4. **Payer** identified by account (from earlier payments, or learned earlier in this run) or by
 *    name: the exact balance of one of its open items applies; several items of the same amount are
 *    ambiguous (suggested); a **combined payment** is the unique set of 2 to `combined.maxItems` of its
 *    open items summing to the amount (bounded, deterministic search); short or over payments
 *    without a reference are only suggested.
 * 5. **Unknown payer, no reference**: an amount equal to open items is only ever suggested.
 *
 * A currency mismatch never applies. Where two readings fit equally it suggests and lists the
 * candidates. A payment spread over several items goes to the oldest due date first (then oldest
 * issue date, then invoice number). A result is applied only when its reading is unambiguous and its
 * confidence reaches `minConfidenceToApply`.
 *
 * ## Confidence
 *
 * | reading | exact amount | short (written off) | partial or over |
 * |---|---|---|---|
 * | RF reference | 0.99 | 0.94 | 0.89 |
 * | invoice number as printed | 0.97 | 0.92 | 0.87 |
 * | invoice number written loosely | 0.95 | 0.90 | 0.85 |
 * | prefix or zeros left out, confirmed by amount or payer | 0.90 | 0.85 | 0.80 |
 * | one mistyped character, amount confirms | 0.85 (0.90 when the payer agrees, 0.65 when not) | - | - |
 * | payer account, one item with the amount | 0.88 | suggested 0.60 | suggested 0.60 |
 * | payer name (known, or resembling a customer's closely), one item with the amount | 0.80 to 0.82 by name similarity (0.9 to 1) | suggested 0.60 | suggested 0.60 |
 * | payer account / name, combined payment | 0.85 / 0.78 | - | - |
 * | unknown payer, unique amount | suggested 0.50 | - | - |
 *
 * A payer known as another customer than the quoted invoices' lowers the confidence by 0.15. Several
 * quoted invoices of which a unique subset adds up to the amount: the quoted reading less 0.05.
 * Ambiguous readings are suggested at 0.3 to 0.5.
 */
import type { ParsedStatementFile, StatementLine } from '../bank-statements/statement';
import { formatAmount } from '../money/money';
import { locateRfReferences, normalizeRfReference } from '../references/rf-creditor-reference';
import {
  compactForm,
  groupForm,
  hashLookupKey,
  hashLookupKeyFrom,
  letterPrefix,
  LOOKUP_KEY_HASH_START,
  lookupKey,
  MAX_WINDOW_TOKENS,
  numberWindows,
  readingStrength,
  withinOneEdit,
  words,
  type TextWindow,
} from './invoice-number';
import { buildOpenItemIndex, compareByAge, positionOfInvoice, positionsOf, type OpenItemIndex, type Positions } from './open-item-index';
import { CustomerNameIndex, type NameCandidate } from './name-index';
import { maskAccount, normalizeAccount, normalizePayerName } from './payer';
import { adviceFitsLine, decideDeduction, withinShortPayTolerance, type RemittanceAdvice } from './remittance-advice';
import { findSubsetsWithSum } from './subset-sum';
import type { Allocation, CashApplicationPolicy, KnownCustomer, LineMatch, OpenItem } from './types';

/**
 * The policy used when the caller gives none: write off up to 5.00 (EUR, USD, GBP, CHF), 50.00
 * (SEK, NOK, DKK), 20.00 PLN or 500 JPY and never more than 2 % of the balance; combined payments of
 * up to 4 items among a customer's 40 oldest; apply from confidence 0.8.
 */
export const DEFAULT_CASH_APPLICATION_POLICY: CashApplicationPolicy = {
  shortPay: {
    maxMinorByCurrency: { EUR: 500, USD: 500, GBP: 500, CHF: 500, SEK: 5000, NOK: 5000, DKK: 5000, PLN: 2000, JPY: 500 },
    maxBasisPoints: 200,
    reasonCode: 'SHORT_PAY_WITHIN_TOLERANCE',
  },
  combined: { maxItems: 4, maxCandidates: 40, maxSteps: 50_000 },
  minConfidenceToApply: 0.8,
  allowOnAccount: true,
  maxSuggestedCandidates: 5,
  maxTypoCandidates: 500,
  learnPayerAccounts: true,
  nameMatching: { minSimilarityToApply: 0.9, minSimilarityToConsider: 0.75, margin: 0.05 },
};

type Reading = 'rf' | 'exact' | 'loose' | 'prefixless' | 'zeros';

const READING_RANK: Record<Reading, number> = { rf: 0, exact: 1, loose: 2, prefixless: 3, zeros: 4 };
const BASE_CONFIDENCE: Record<Reading, number> = { rf: 0.99, exact: 0.97, loose: 0.95, prefixless: 0.9, zeros: 0.9 };

interface Hit {
  readonly position: number;
  readonly reading: Reading;
  /** What the payer wrote (the RF reference or the words read as the invoice number). */
  readonly written: string;
}

interface Payer {
  readonly customerId: string;
  /** `name`: a known name after `normalizePayerName`; `similar-name`: a name resembling the customer's closely. */
  readonly by: 'account' | 'name' | 'similar-name';
  /** For `similar-name`: how alike (0..1). */
  readonly similarity?: number;
}

/** What the rules decided, before it is checked against the confidence threshold and recorded. */
interface Decision {
  readonly kind: 'apply' | 'suggest' | 'unapplied';
  readonly customerId: string | null;
  readonly allocations: readonly { readonly position: number; readonly amountMinor: number }[];
  readonly onAccountMinor: number;
  readonly writeOff?: { readonly position: number; readonly amountMinor: number };
  readonly confidence: number;
  readonly candidates?: readonly number[];
  /** True when the reading rests on a quoted reference (the payer account may then be learned). */
  readonly quoted?: boolean;
  /** The advice followed, and its deductions (write-offs lower the balance when applied). */
  readonly adviceId?: string;
  readonly deductions?: readonly { readonly position: number; readonly amountMinor: number; readonly reasonCode: string; readonly booking: 'write-off' | 'kept-open'; readonly why: string }[];
}

interface WindowForms {
  readonly window: TextWindow;
  readonly compact: string;
  readonly group: string;
}

/** The fields a payer can quote a reference in, each read separately (words never span two fields). */
interface LineText {
  readonly fields: readonly string[];
}

/** A remittance advice given to a run, and the line it split (once it did). */
interface AdviceEntry {
  readonly id: string;
  readonly advice: RemittanceAdvice;
  usedBy: string | null;
}

const RF_LIKE_WORD = /^RF\d{2}[0-9A-Z]{1,21}$/i;

/**
 * One run of cash application over one set of open items: matches statement lines one after the
 * other against a running view of the open balances. A line that is applied lowers the balances the
 * next line sees; a suggested or unapplied line changes nothing. The open items, customers and
 * lines given are never mutated.
 *
 * Matching one line costs map lookups (by RF reference, invoice number key, customer, customer and
 * amount, amount), independent of the number of open items, plus a bounded search for combined
 * payments over one customer's oldest items.
 */
export class CashApplication {
  private readonly policy: CashApplicationPolicy;
  private readonly balances: Float64Array;
  /** Items whose balance changed in this run, by `currency amount`: the amount maps are built on the starting balances. */
  private readonly moved = new Map<string, Map<number, number[]>>();
  /** Lazily built per customerId and currency: starting balance -> positions. */
  private readonly customerAmounts = new Map<string, Map<string, Map<number, Positions>>>();
  private readonly learned = new Map<string, string>();
  /** Built on the first line that needs it: most lines never look at names. */
  private nameIndex: CustomerNameIndex | null = null;
  private readonly payerNameKeys = new Map<string, string | null>();
  /** The lookup-key hash of each number prefix, and the running hashes of a window after each (see `readNumbers`). */
  private prefixHashes: number[] | null = null;
  private readonly prefixRunning = new Array<number>(21).fill(0);
  /** Remittance advices given to this run, in the order given; an advice splits one line at most. */
  private readonly advices: AdviceEntry[] = [];

  constructor(
    private readonly index: OpenItemIndex,
    policy: Partial<CashApplicationPolicy> = {},
  ) {
    this.policy = { ...DEFAULT_CASH_APPLICATION_POLICY, ...policy };
    this.balances = new Float64Array(index.items.length);
    for (let i = 0; i < index.items.length; i++) this.balances[i] = index.items[i]!.balanceMinor;
  }

  /**
   * Builds the index over `openItems` and `customers` and starts a run.
   *
   * @throws CashApplicationInputError when an open item or customer is malformed (see {@link buildOpenItemIndex}).
   */
  static fromData(input: {
    readonly openItems: readonly OpenItem[];
    readonly customers?: readonly KnownCustomer[];
    readonly policy?: Partial<CashApplicationPolicy>;
  }): CashApplication {
    return new CashApplication(buildOpenItemIndex(input.openItems, input.customers ?? []), input.policy ?? {});
  }

  /** The open balance of an item in this run (after the lines applied so far), or undefined if unknown. */
  openBalanceMinor(invoiceId: string): number | undefined {
    const position = positionOfInvoice(this.index, invoiceId);
    return position === undefined ? undefined : this.balances[position];
  }

  /**
   * Payer accounts learned in this run from lines applied on a quoted reference (normalized account
   * -> customerId), for the caller to store with the customer so later runs know them.
   */
  learnedAccounts(): ReadonlyMap<string, string> {
    return this.learned;
  }

  /**
   * Reads one statement line. Debit lines are not payments and give `null`. For a credit line the
   * result's figures add up to the line amount; an `applied` result has already lowered the running
   * balances when this returns.
   */
  match(line: StatementLine): LineMatch | null {
    if (line.direction !== 'credit') return null;
    const reasons: string[] = [];
    const decision = this.byAdvice(line, reasons) ?? this.decide(line, reasons);
    return this.record(line, decision, reasons);
  }

  /**
   * Gives the run a remittance advice. A later credit line it fits (see `adviceFitsLine`) is split
   * exactly as the advice says, before any other rule. For a transfer matched before the advice
   * came (unapplied or suggested), match that line again: the advice then splits it.
   */
  addAdvice(adviceId: string, advice: RemittanceAdvice): void {
    if (this.advices.some((a) => a.id === adviceId)) return;
    this.advices.push({ id: adviceId, advice, usedBy: null });
  }

  /** The advice that split `lineId` in this run, if any. */
  adviceUsedBy(lineId: string): string | null {
    return this.advices.find((a) => a.usedBy === lineId)?.id ?? null;
  }

  // ---------------------------------------------------------------------------------------------
  // Remittance advices

  /**
   * Rule 0: the one unused advice that fits the line splits it over its invoices, with its
   * deductions; a problem with the advice's invoices (unknown, settled, another currency, another
   * customer's, less open than paid and deducted) makes it a suggestion that says which. Null when
   * no advice, or more than one, fits.
   */
  private byAdvice(line: StatementLine, reasons: string[]): Decision | null {
    if (this.advices.length === 0) return null;
    const fitting: { entry: AdviceEntry; because: string[] }[] = [];
    for (const entry of this.advices) {
      if (entry.usedBy !== null && entry.usedBy !== line.lineId) continue;
      const because = adviceFitsLine(entry.advice, line);
      if (because) fitting.push({ entry, because });
    }
    if (fitting.length === 0) return null;
    if (fitting.length > 1) {
      reasons.push(`${fitting.length} remittance advices fit this line alike (${fitting.map((f) => f.entry.id).join(', ')}): none is followed`);
      return null;
    }
    const { entry, because } = fitting[0]!;
    const { advice } = entry;
    reasons.push(...because);
    const problems: string[] = [];
    const allocations: { position: number; amountMinor: number }[] = [];
    const deductions: { position: number; amountMinor: number; reasonCode: string; booking: 'write-off' | 'kept-open'; why: string }[] = [];
    const customers = new Set<string>();
    for (const adviceLine of advice.lines) {
      const position = positionsOf(this.index.byNumberKey.get(lookupKey(adviceLine.invoiceNumber))).find(
        (p) => compactForm(this.item(p).invoiceNumber) === compactForm(adviceLine.invoiceNumber),
      );
      if (position === undefined) {
        problems.push(`${adviceLine.invoiceNumber} of the advice is not an open item`);
        continue;
      }
      const item = this.item(position);
      customers.add(item.customerId);
      const balance = this.balances[position]!;
      if (item.currency !== advice.currency) problems.push(`${item.invoiceNumber} is in ${item.currency}, the advice in ${advice.currency}`);
      else if (balance <= 0) problems.push(`${item.invoiceNumber} is already settled`);
      else if (adviceLine.paidMinor + adviceLine.deductionMinor > balance) {
        problems.push(`${item.invoiceNumber} has ${money(balance, item.currency)} open, the advice pays and deducts ${money(adviceLine.paidMinor + adviceLine.deductionMinor, item.currency)}`);
      }
      if (adviceLine.paidMinor > 0) allocations.push({ position, amountMinor: adviceLine.paidMinor });
      // The one deduction rule, shared with an advice that comes after its transfer (advice-intake.ts).
      const deduction = decideDeduction(adviceLine, balance, item.currency, this.policy.shortPay);
      if (deduction) deductions.push({ position, amountMinor: deduction.amountMinor, reasonCode: deduction.reasonCode, booking: deduction.booking, why: deduction.why });
    }
    if (customers.size > 1) problems.push(`the advice's invoices belong to ${customers.size} customers`);
    const customerId = customers.size === 1 ? [...customers][0]! : null;
    if (problems.length > 0) {
      reasons.push(...problems.map((p) => `${p}: the advice is not followed without finance`));
      return { kind: 'suggest', customerId, allocations: [], onAccountMinor: 0, confidence: 0.6, candidates: [...new Set(allocations.map((a) => a.position))] };
    }
    entry.usedBy = line.lineId;
    reasons.push(`split as the advice ${entry.id} says over ${allocations.map((a) => this.item(a.position).invoiceNumber).join(', ')}`);
    for (const d of deductions) reasons.push(d.why);
    return { kind: 'apply', customerId, allocations, onAccountMinor: 0, confidence: 0.97, adviceId: entry.id, deductions };
  }

  /** {@link match} over lines in order, leaving out debit lines. */
  matchAll(lines: Iterable<StatementLine>): LineMatch[] {
    const results: LineMatch[] = [];
    for (const line of lines) {
      const result = this.match(line);
      if (result) results.push(result);
    }
    return results;
  }

  // ---------------------------------------------------------------------------------------------
  // The rules

  private decide(line: StatementLine, reasons: string[]): Decision {
    const amount = line.amountMinor;
    if (!Number.isSafeInteger(amount) || amount <= 0) {
      reasons.push('amount is not a positive number of minor units');
      return unapplied(null);
    }
    const text = this.lineText(line, reasons);
    const hits = this.readReferences(text, reasons);
    const payerReasons: string[] = [];
    const payer = this.identifyPayer(line, payerReasons);

    const strong = hits.filter((h) => READING_RANK[h.reading] <= READING_RANK.loose);
    const weak = hits.filter((h) => READING_RANK[h.reading] > READING_RANK.loose);
    const strongOpen = strong.filter((h) => this.usable(h, line, reasons));

    if (strongOpen.length > 0) {
      const customers = new Set(strongOpen.map((h) => this.item(h.position).customerId));
      if (customers.size > 1) {
        reasons.push(`the quoted invoices belong to ${customers.size} different customers`);
        reasons.push(...payerReasons);
        return suggestAmong(null, strongOpen.map((h) => h.position), 0.5);
      }
      let quoted = strongOpen;
      // A weaker reading of another invoice of the same customer joins when the sum then fits exactly.
      const [customerId] = customers;
      const extra = weak.filter((h) => this.item(h.position).customerId === customerId && !quoted.some((q) => q.position === h.position));
      if (extra.length > 0 && extra.every((h) => this.usable(h, line, [])) && this.sumOf([...quoted, ...extra]) === amount) {
        quoted = [...quoted, ...extra];
      }
      return this.settleQuoted(line, text, quoted, payer, payerReasons, reasons);
    }

    // Weak readings may be noise (a date read as a number): their problems are not worth a reason.
    const weakOpen = weak.filter((h) => this.usable(h, line, []));
    if (weakOpen.length > 0) {
      const byAmount = weakOpen.filter((h) => this.balances[h.position] === amount);
      const byPayer = weakOpen.filter((h) => payer !== null && this.item(h.position).customerId === payer.customerId);
      const confirmed = byAmount.length > 0 ? byAmount : byPayer;
      if (confirmed.length === 1) {
        const hit = confirmed[0]!;
        const how = byAmount.length > 0 ? 'the amount equals its balance' : 'the payer is its customer';
        reasons.push(`${describeHit(hit, this.item(hit.position))}; ${how}`);
        return this.settleQuoted(line, text, confirmed, payer, payerReasons, reasons, 0.9, true);
      }
      if (confirmed.length > 1) {
        const customers = new Set(confirmed.map((h) => this.item(h.position).customerId));
        if (customers.size === 1 && byAmount.length === 0 && this.sumOf(confirmed) === amount) {
          reasons.push(`${confirmed.length} invoices of the payer quoted loosely add up to the amount`);
          return this.settleQuoted(line, text, confirmed, payer, payerReasons, reasons, 0.9, true);
        }
        reasons.push(`${confirmed.length} invoices fit the loosely written numbers equally`);
        reasons.push(...payerReasons);
        return suggestAmong(customers.size === 1 ? [...customers][0]! : null, confirmed.map((h) => h.position), 0.5);
      }
      for (const hit of weakOpen) {
        reasons.push(`${describeHit(hit, this.item(hit.position))}, but neither the amount nor the payer confirms it`);
      }
    }

    if (strong.length > 0) {
      // Every quoted invoice is in another currency or settled. The number may be a mistyped other
      // one: that reading counts only when the payer confirms it; else the payment is not for open items.
      const near = this.nearMisses(line, text, strong, new Set(strong.map((h) => h.position)));
      if (near.length === 1) {
        const only = near[0]!;
        if (payer && payer.customerId === this.item(only.position).customerId) return this.typoReading(line, only, payer, payerReasons, reasons, true);
        reasons.push(`"${only.written}" may also be a mistyped ${this.item(only.position).invoiceNumber}, whose balance equals the amount`);
        reasons.push(...payerReasons);
        return suggestAmong(this.item(only.position).customerId, [only.position], 0.5);
      }
      reasons.push(...payerReasons);
      return unapplied(this.item(strong[0]!.position).customerId);
    }

    const typo = this.readTypos(line, text, payer, payerReasons, reasons);
    if (typo) return typo;

    if (payer) return this.matchByPayer(line, payer, payerReasons, reasons);

    if (line.payerName) {
      const bySimilarName = this.matchBySimilarName(line, payerReasons, reasons);
      if (bySimilarName) return bySimilarName;
    }

    reasons.push(...payerReasons);
    return this.matchByAmountOnly(line, reasons);
  }

  /** Rule 3: the quoted items take the payment; exact, combined, short, partial or over. */
  private settleQuoted(
    line: StatementLine,
    text: LineText,
    hits: readonly Hit[],
    payer: Payer | null,
    payerReasons: readonly string[],
    reasons: string[],
    baseOverride?: number,
    alreadyDescribed = false,
  ): Decision {
    const amount = line.amountMinor;
    const currency = line.currency;
    const positions = [...new Set(hits.map((h) => h.position))].sort((a, b) => compareByAge(this.item(a), this.item(b)));
    const customerId = this.item(positions[0]!).customerId;
    let base = baseOverride ?? Math.min(...hits.map((h) => BASE_CONFIDENCE[h.reading]));
    if (!alreadyDescribed) for (const hit of hits) reasons.push(describeHit(hit, this.item(hit.position)));
    if (payer && payer.customerId !== customerId) {
      base -= 0.15;
      reasons.push(`the payer is known as ${payer.customerId}, the invoice belongs to ${customerId}`);
    } else if (payer) {
      reasons.push(...payerReasons);
    }
    const total = positions.reduce((s, p) => s + this.balances[p]!, 0);
    const numbers = positions.map((p) => this.item(p).invoiceNumber).join(', ');

    // A mistyped number can be another valid number. When the amount does not fit the quoted
    // invoice but equals the balance of an item one character off what was written, both readings
    // are plausible and neither is applied, unless the payer is known as that item's customer and
    // not as the quoted one's. When the amount fits but the payer is known as another customer, an
    // item of the payer one character off with that balance is the better reading. RF references
    // are safe from this (check digits).
    const payerConflict = payer !== null && payer.customerId !== customerId;
    if ((amount !== total || payerConflict) && hits.every((h) => h.reading !== 'rf')) {
      const near = this.nearMisses(line, text, hits, new Set(positions));
      const only = near.length === 1 ? near[0]! : null;
      if (only && payer && payer.customerId === this.item(only.position).customerId && payerConflict) {
        return this.typoReading(line, only, payer, payerReasons, reasons, true);
      }
      if (amount !== total && near.length > 0) {
        for (const n of near) reasons.push(`"${n.written}" may also be a mistyped ${this.item(n.position).invoiceNumber}, whose balance equals the amount`);
        reasons.push(...payerReasons);
        return suggestAmong(customerId, [...positions, ...near.map((n) => n.position)], 0.5);
      }
    }

    if (amount === total) {
      reasons.push(positions.length === 1 ? 'amount equals the open balance' : `amount equals the open balances of ${numbers} together`);
      return { kind: 'apply', customerId, allocations: positions.map((p) => ({ position: p, amountMinor: this.balances[p]! })), onAccountMinor: 0, confidence: base, quoted: true };
    }

    if (amount > total) {
      const rest = amount - total;
      const allocations = positions.map((p) => ({ position: p, amountMinor: this.balances[p]! }));
      if (this.policy.allowOnAccount) {
        reasons.push(`overpaid by ${money(rest, currency)}: kept as on-account credit of ${customerId}`);
        return { kind: 'apply', customerId, allocations, onAccountMinor: rest, confidence: base - 0.1, quoted: true };
      }
      reasons.push(`overpaid by ${money(rest, currency)}: the rest stays unapplied (no on-account credit by policy)`);
      return { kind: 'apply', customerId, allocations, onAccountMinor: 0, confidence: base - 0.1, quoted: true };
    }

    // Less than the quoted balances.
    if (positions.length > 1) {
      const search = findSubsetsWithSum(positions.map((p) => this.balances[p]!), amount, 1, positions.length, this.policy.combined.maxSteps);
      if (search.kind === 'unique') {
        const chosen = search.indices.map((i) => positions[i]!);
        reasons.push(`amount equals the open balances of ${chosen.map((p) => this.item(p).invoiceNumber).join(', ')}; the other quoted invoices stay open`);
        return { kind: 'apply', customerId, allocations: chosen.map((p) => ({ position: p, amountMinor: this.balances[p]! })), onAccountMinor: 0, confidence: base - 0.05, quoted: true };
      }
    }
    const shortfall = total - amount;
    const last = positions[positions.length - 1]!;
    if (shortfall < this.balances[last]! && this.withinShortPayTolerance(shortfall, total, currency)) {
      const allocations = positions.map((p) => ({ position: p, amountMinor: p === last ? this.balances[p]! - shortfall : this.balances[p]! }));
      reasons.push(`short by ${money(shortfall, currency)}, within tolerance: written off as ${this.policy.shortPay.reasonCode}`);
      return {
        kind: 'apply',
        customerId,
        allocations,
        onAccountMinor: 0,
        writeOff: { position: last, amountMinor: shortfall },
        confidence: base - 0.05,
        quoted: true,
      };
    }
    const allocations: { position: number; amountMinor: number }[] = [];
    let left = amount;
    for (const p of positions) {
      if (left === 0) break;
      const share = Math.min(left, this.balances[p]!);
      allocations.push({ position: p, amountMinor: share });
      left -= share;
    }
    const partial = allocations[allocations.length - 1]!;
    reasons.push(
      `partial payment: short by ${money(shortfall, currency)}${positions.length > 1 ? ', oldest due date first' : ''}; ${this.item(partial.position).invoiceNumber} keeps ${money(this.balances[partial.position]! - partial.amountMinor, currency)} open`,
    );
    return { kind: 'apply', customerId, allocations, onAccountMinor: 0, confidence: base - 0.1, quoted: true };
  }

  /**
   * Open items with exactly the line amount whose invoice number is one edit off a number written on
   * the line (the items in `exclude` left out), or 'too-many' when too many items have the amount.
   */
  private typoCandidates(line: StatementLine, text: LineText, exclude: ReadonlySet<number>): { position: number; written: string }[] | 'too-many' {
    // Count before filtering: a round amount can be shared by thousands of items. The numbers
    // written on the line are read only when some item has the amount (most amounts are unique).
    let size = 0;
    this.index.byAmount.get(line.currency)?.some(line.amountMinor, () => ++size > this.policy.maxTypoCandidates);
    const candidates = size > this.policy.maxTypoCandidates ? null : this.openWithAmount(line.currency, line.amountMinor, null, this.policy.maxTypoCandidates);
    if (candidates !== null && candidates.length <= this.policy.maxTypoCandidates && candidates.every((p) => exclude.has(p))) return [];
    const windows: WindowForms[] = [];
    for (const field of text.fields) {
      for (const window of numberWindows(words(field), 5)) {
        windows.push({ window, compact: compactForm(window.written), group: groupForm(window.written) });
      }
    }
    if (windows.length === 0) return [];
    if (candidates === null || candidates.length > this.policy.maxTypoCandidates) return 'too-many';
    const found: { position: number; written: string }[] = [];
    for (const position of candidates) {
      if (exclude.has(position)) continue;
      const number = this.item(position).invoiceNumber;
      const compact = compactForm(number);
      const group = groupForm(number);
      const prefix = letterPrefix(number);
      for (const w of windows) {
        let fits = withinOneEdit(w.compact, compact) || withinOneEdit(w.group, group);
        if (!fits && w.window.startsWithDigit && prefix !== '') {
          const bareCompact = compact.slice(prefix.length);
          const bareGroup = group.slice(prefix.length);
          fits = (bareCompact.length >= 6 && withinOneEdit(w.compact, bareCompact)) || (bareGroup.length >= 6 && withinOneEdit(w.group, bareGroup));
        }
        if (fits) {
          found.push({ position, written: w.window.written });
          break;
        }
      }
    }
    return found;
  }

  /**
   * Open items with exactly the line amount whose number is one edit off a number written on the
   * line. Checks the items with that amount when they are few; when many items share the amount
   * (a round sum), looks up every one-digit edit of what was written for the quoted `hits` instead,
   * so the answer never depends on how common the amount is.
   */
  private nearMisses(line: StatementLine, text: LineText, hits: readonly Hit[], exclude: ReadonlySet<number>): { position: number; written: string }[] {
    const byAmount = this.typoCandidates(line, text, exclude);
    if (byAmount !== 'too-many') return byAmount;
    const found = new Map<number, string>();
    for (const hit of hits) {
      if (hit.reading === 'rf') continue;
      const compact = compactForm(hit.written);
      for (const variant of oneDigitEdits(compact)) {
        for (const position of positionsOf(this.index.byNumberKey.get(lookupKey(variant)))) {
          if (exclude.has(position) || found.has(position)) continue;
          const item = this.item(position);
          if (item.currency !== line.currency || this.balances[position] !== line.amountMinor) continue;
          if (withinOneEdit(compact, compactForm(item.invoiceNumber)) || withinOneEdit(groupForm(hit.written), groupForm(item.invoiceNumber))) found.set(position, hit.written);
        }
      }
    }
    return [...found].map(([position, written]) => ({ position, written }));
  }

  /** Rule 2, last resort: one mistyped character in an invoice number, confirmed by the exact amount. */
  private readTypos(line: StatementLine, text: LineText, payer: Payer | null, payerReasons: readonly string[], reasons: string[]): Decision | null {
    const found = this.typoCandidates(line, text, new Set());
    if (found === 'too-many') {
      reasons.push('too many open items have this amount to check for mistyped numbers');
      return null;
    }
    if (found.length === 0) return null;
    if (found.length > 1) {
      reasons.push(`${found.length} open items with this amount have a number one character off what was written`);
      reasons.push(...payerReasons);
      return suggestAmong(null, found.map((f) => f.position), 0.5);
    }
    return this.typoReading(line, found[0]!, payer, payerReasons, reasons, false);
  }

  /**
   * Applies the one open item whose number is one character off what was written and whose balance
   * equals the amount. `contested`: the written number is itself another invoice; then the payer
   * being the near item's customer is what decides (0.85).
   */
  private typoReading(
    line: StatementLine,
    found: { readonly position: number; readonly written: string },
    payer: Payer | null,
    payerReasons: readonly string[],
    reasons: string[],
    contested: boolean,
  ): Decision {
    const { position, written } = found;
    const item = this.item(position);
    reasons.push(`"${written}" is one character off ${item.invoiceNumber}; the amount equals its balance`);
    let confidence = 0.85;
    if (payer && payer.customerId === item.customerId) {
      confidence = contested ? 0.85 : 0.9;
      reasons.push(...payerReasons);
    } else if (payer) {
      confidence = 0.65;
      reasons.push(`the payer is known as ${payer.customerId}, the invoice belongs to ${item.customerId}`);
    }
    return { kind: 'apply', customerId: item.customerId, allocations: [{ position, amountMinor: line.amountMinor }], onAccountMinor: 0, confidence };
  }

  /**
   * Rule 4 by a name that is not exactly a known one: the customer whose master-data name the payer
   * name resembles closely (`names.ts`: legal forms, case, punctuation, accents and transliteration,
   * word order and abbreviations aside) is the payer when no other customer's name comes close.
   * A name that resembles several customers, or one not closely enough, only suggests. Null when no
   * customer's name resembles it (the amount-only rule follows).
   */
  private matchBySimilarName(line: StatementLine, payerReasons: readonly string[], reasons: string[]): Decision | null {
    const { minSimilarityToApply, margin } = this.policy.nameMatching;
    const candidates = this.similarNames(line.payerName!);
    if (candidates.length === 0) return null;
    const best = candidates[0]!;
    const rivals = candidates.slice(1).filter((c) => c.similarity >= minSimilarityToApply || best.similarity - c.similarity < margin);
    if (best.similarity < minSimilarityToApply || rivals.length > 0) {
      const resembling = rivals.length > 0 ? [best, ...rivals] : [best];
      const positions = resembling.flatMap((c) => this.openWithAmount(line.currency, line.amountMinor, c.customerId));
      if (positions.length === 0) return null;
      reasons.push(...payerReasons);
      reasons.push(
        rivals.length > 0
          ? `payer name "${line.payerName}" resembles ${resembling.length} customers alike: ${resembling.map(describeName).join(', ')}`
          : `payer name "${line.payerName}" resembles ${describeName(best)}, not closely enough to apply`,
      );
      const customers = new Set(positions.map((p) => this.item(p).customerId));
      return suggestAmong(customers.size === 1 ? [...customers][0]! : null, positions, 0.5, this.policy.maxSuggestedCandidates);
    }
    reasons.push(...payerReasons);
    reasons.push(`payer name "${line.payerName}" matches ${describeName(best)}: legal form, case, punctuation, accents, word order and abbreviations aside`);
    return this.matchByPayer(line, { customerId: best.customerId, by: 'similar-name', similarity: best.similarity }, [], reasons, candidates);
  }

  /** Customers whose names resemble `payerName` at least `minSimilarityToConsider`, most similar first. */
  private similarNames(payerName: string): NameCandidate[] {
    this.nameIndex ??= new CustomerNameIndex(this.index.customerNames);
    return this.nameIndex.lookup(payerName, this.policy.nameMatching.minSimilarityToConsider);
  }

  /** Rule 4: a known payer without a usable reference. */
  private matchByPayer(line: StatementLine, payer: Payer, payerReasons: readonly string[], reasons: string[], similar?: readonly NameCandidate[]): Decision {
    const amount = line.amountMinor;
    const currency = line.currency;
    const customerId = payer.customerId;
    reasons.push(...payerReasons);
    const exact = this.openWithAmount(currency, amount, customerId);
    if (exact.length === 1) {
      // Only when another customer has an item open for exactly this amount can there be a rival:
      // the (costlier) name search is left out otherwise.
      if (payer.by !== 'account' && line.payerName && this.anotherCustomerHasAmount(currency, amount, customerId)) {
        // A name is weaker than an account: another customer the name could also be must not have the amount.
        const others = (similar ?? this.similarNames(line.payerName)).filter((c) => c.customerId !== customerId);
        const rivalItems = others.flatMap((c) => this.openWithAmount(currency, amount, c.customerId));
        if (rivalItems.length > 0) {
          const rivalCustomers = [...new Set(rivalItems.map((p) => this.item(p).customerId))];
          reasons.push(`amount equals the open balance of ${this.item(exact[0]!).invoiceNumber}, but also of an item of ${rivalCustomers.join(', ')}, whose name the payer name could also be`);
          return suggestAmong(null, [exact[0]!, ...rivalItems], 0.5, this.policy.maxSuggestedCandidates);
        }
      }
      reasons.push(`amount equals the open balance of ${this.item(exact[0]!).invoiceNumber}, the only item of ${customerId} with it`);
      const confidence = payer.by === 'account' ? 0.88 : nameConfidence(payer.by === 'name' ? 1 : (payer.similarity ?? 0));
      return { kind: 'apply', customerId, allocations: [{ position: exact[0]!, amountMinor: amount }], onAccountMinor: 0, confidence };
    }
    if (exact.length > 1) {
      reasons.push(`${exact.length} open items of ${customerId} equal the amount and no reference tells them apart`);
      return suggestAmong(customerId, exact, 0.5, this.policy.maxSuggestedCandidates);
    }

    // The customer's oldest open items in the currency; one more than searched, to know whether there are more.
    const limit = this.policy.combined.maxCandidates;
    const open: number[] = [];
    for (const p of this.index.byCustomer.get(customerId) ?? []) {
      if (this.balances[p]! > 0 && this.item(p).currency === currency) open.push(p);
      if (open.length > limit) break;
    }
    const considered = open.slice(0, limit);
    const maxItems = this.policy.combined.maxItems;
    if (considered.length >= 2 && maxItems >= 2) {
      const search = findSubsetsWithSum(considered.map((p) => this.balances[p]!), amount, 2, maxItems, this.policy.combined.maxSteps);
      const limited = open.length > considered.length ? ` (only the ${considered.length} oldest open items searched)` : '';
      if (search.kind === 'unique') {
        const chosen = search.indices.map((i) => considered[i]!);
        reasons.push(`amount equals the open balances of ${chosen.map((p) => this.item(p).invoiceNumber).join(', ')} together: combined payment${limited}`);
        return {
          kind: 'apply',
          customerId,
          allocations: chosen.map((p) => ({ position: p, amountMinor: this.balances[p]! })),
          onAccountMinor: 0,
          confidence: payer.by === 'account' ? 0.85 : 0.78,
        };
      }
      if (search.kind === 'ambiguous') {
        reasons.push(`several sets of open items of ${customerId} add up to the amount${limited}`);
        const union = [...new Set(search.solutions.flat())].map((i) => considered[i]!);
        return suggestAmong(customerId, union, 0.4, this.policy.maxSuggestedCandidates * 2);
      }
      if (search.kind === 'gave-up') reasons.push(`the search for a combined payment stopped at its bound${limited}`);
    }

    // Short or over payment of one item, without a reference: only a suggestion.
    const near = considered.filter((p) => {
      const balance = this.balances[p]!;
      return balance > amount && this.withinShortPayTolerance(balance - amount, balance, currency);
    });
    if (near.length === 1) {
      const position = near[0]!;
      const shortfall = this.balances[position]! - amount;
      reasons.push(`short by ${money(shortfall, currency)} against ${this.item(position).invoiceNumber}, within tolerance, but no reference quoted`);
      return { kind: 'suggest', customerId, allocations: [{ position, amountMinor: amount }], onAccountMinor: 0, writeOff: { position, amountMinor: shortfall }, confidence: 0.6 };
    }
    if (open.length === 1 && amount > this.balances[open[0]!]!) {
      const position = open[0]!;
      const rest = amount - this.balances[position]!;
      reasons.push(`more than the only open item ${this.item(position).invoiceNumber} of ${customerId}; the rest of ${money(rest, currency)} would be on-account credit`);
      return {
        kind: 'suggest',
        customerId,
        allocations: [{ position, amountMinor: this.balances[position]! }],
        onAccountMinor: this.policy.allowOnAccount ? rest : 0,
        confidence: 0.6,
      };
    }
    reasons.push(open.length === 0 ? `${customerId} has no open item in ${currency}` : `no open item of ${customerId} fits the amount`);
    return unapplied(customerId);
  }

  /** Rule 5: nobody known, nothing quoted. An amount alone never applies. */
  private matchByAmountOnly(line: StatementLine, reasons: string[]): Decision {
    const same = this.openWithAmount(line.currency, line.amountMinor, null, this.policy.maxSuggestedCandidates);
    if (same.length === 1) {
      const item = this.item(same[0]!);
      reasons.push(`payer unknown and nothing quoted; the amount equals the balance of ${item.invoiceNumber} only`);
      return { kind: 'suggest', customerId: item.customerId, allocations: [{ position: same[0]!, amountMinor: line.amountMinor }], onAccountMinor: 0, confidence: 0.5 };
    }
    if (same.length > 1 && same.length <= this.policy.maxSuggestedCandidates) {
      reasons.push(`payer unknown and nothing quoted; ${same.length} open items equal the amount`);
      return suggestAmong(null, same, 0.3);
    }
    reasons.push(same.length === 0 ? 'payer unknown, nothing quoted, and no open item has this amount' : `payer unknown and nothing quoted; ${same.length} open items equal the amount`);
    return unapplied(null);
  }

  // ---------------------------------------------------------------------------------------------
  // Reading the line

  /**
   * The fields a payer quotes in: every structured reference (RF references are taken as such,
   * others read as text), the remittance text, the end-to-end id and the customer reference.
   */
  private lineText(line: StatementLine, reasons: string[]): LineText & { rf: string[] } {
    const rf: string[] = [];
    const fields: string[] = [];
    const structuredAll = [...(line.structuredReferences ?? []), line.structuredReference ?? ''];
    for (const structured of new Set(structuredAll.map((s) => s.trim()).filter((s) => s !== ''))) {
      if (/^RF\d{2}/i.test(structured.replace(/\s+/g, ''))) {
        const normalized = normalizeRfReference(structured);
        if (normalized) rf.push(normalized);
        else reasons.push(`structured reference ${compactForm(structured)} has wrong check digits or form: ignored`);
      } else {
        fields.push(structured);
      }
    }
    for (const raw of new Set([line.remittanceText, line.endToEndId ?? '', line.customerReference ?? ''])) {
      if (raw === '' || raw.toUpperCase() === 'NOTPROVIDED') continue;
      const found = locateRfReferences(raw);
      let rest = raw;
      for (const f of found) {
        rf.push(f.reference);
        rest = rest.slice(0, f.index) + ' '.repeat(f.length) + rest.slice(f.index + f.length);
      }
      for (const word of words(rest)) {
        if (RF_LIKE_WORD.test(word) && word.length >= 6) reasons.push(`${word.toUpperCase()} in the text has wrong check digits: ignored`);
      }
      fields.push(rest);
    }
    return { fields, rf: [...new Set(rf)] };
  }

  /** RF references and invoice numbers quoted on the line, one best reading per open item. */
  private readReferences(text: LineText & { rf: readonly string[] }, reasons: string[]): Hit[] {
    const best = new Map<number, Hit>();
    for (const reference of text.rf) {
      const position = this.index.byRfReference.get(reference);
      if (position === undefined) reasons.push(`RF reference ${reference} is not on any open item`);
      else keepBest(best, { position, reading: 'rf', written: reference });
    }
    for (const field of text.fields) {
      for (const hit of this.readNumbers(field)) keepBest(best, hit);
    }
    return [...best.values()].sort((a, b) => READING_RANK[a.reading] - READING_RANK[b.reading] || compareByAge(this.item(a.position), this.item(b.position)));
  }

  /**
   * Invoice numbers in one field. Where readings overlap, the stronger and then the longer wins, so
   * the words of `INV 2026 000123` are not read again as `2026 000123` of some other invoice.
   */
  private readNumbers(field: string): Hit[] {
    const fieldWords = words(field);
    if (fieldWords.length === 0) return [];
    const found: { hit: Hit; start: number; length: number }[] = [];
    const table = this.index.byNumberKey;
    const prefixes = this.index.numberPrefixes;
    this.prefixHashes ??= prefixes.map(hashLookupKey);
    const withPrefix = this.prefixRunning;
    // The windows of `numberWindows(fieldWords)` in its order, each hashed word by word as its lookup
    // key (alone and after each prefix); its text is joined and looked up only when the table holds
    // a key of that hash (most word groups of a remittance text are no invoice number).
    for (let start = 0; start < fieldWords.length; start++) {
      const startsWithDigit = /^[0-9]/.test(fieldWords[start]!);
      let hash = LOOKUP_KEY_HASH_START;
      for (let k = 0; k < prefixes.length; k++) withPrefix[k] = this.prefixHashes[k]!;
      let size = 0;
      let hasDigit = false;
      for (let length = 1; length <= MAX_WINDOW_TOKENS && start + length <= fieldWords.length; length++) {
        const word = fieldWords[start + length - 1]!;
        hash = hashLookupKeyFrom(hash, word);
        if (startsWithDigit) for (let k = 0; k < prefixes.length; k++) withPrefix[k] = hashLookupKeyFrom(withPrefix[k]!, word);
        size += word.length;
        if (/[0-9]/.test(word)) hasDigit = true;
        if (size > 40) break;
        if (!hasDigit || size < 4) continue;
        let written: string | null = null;
        if (table.mayHoldHash(hash)) {
          written = fieldWords.slice(start, start + length).join(' ');
          for (const position of positionsOf(table.get(written))) {
            const reading = readingStrength(written, this.item(position).invoiceNumber);
            if (reading) found.push({ hit: { position, reading, written }, start, length });
          }
        }
        if (startsWithDigit) {
          for (let k = 0; k < prefixes.length; k++) {
            if (!table.mayHoldHash(withPrefix[k]!)) continue;
            const prefix = prefixes[k]!;
            written ??= fieldWords.slice(start, start + length).join(' ');
            for (const position of positionsOf(table.get(prefix + written))) {
              const strength = readingStrength(`${prefix} ${written}`, this.item(position).invoiceNumber);
              if (strength) {
                const reading: Reading = strength === 'zeros' ? 'zeros' : 'prefixless';
                found.push({ hit: { position, reading, written }, start, length });
              }
            }
          }
        }
      }
    }
    found.sort((a, b) => READING_RANK[a.hit.reading] - READING_RANK[b.hit.reading] || b.length - a.length || a.start - b.start);
    const taken = new Array<boolean>(fieldWords.length).fill(false);
    const accepted: Hit[] = [];
    for (const f of found) {
      let free = true;
      for (let i = f.start; i < f.start + f.length; i++) if (taken[i]) free = false;
      if (!free) {
        // The same words may name several invoices equally (colliding spellings): keep those too.
        const twin = accepted.find((h) => h.written === f.hit.written && h.reading === f.hit.reading);
        if (twin) accepted.push(f.hit);
        continue;
      }
      for (let i = f.start; i < f.start + f.length; i++) taken[i] = true;
      accepted.push(f.hit);
    }
    return accepted;
  }

  /** The customer the payer account or name is known for; an account wins over a name. */
  private identifyPayer(line: StatementLine, reasons: string[]): Payer | null {
    if (line.payerAccount) {
      const account = normalizeAccount(line.payerAccount);
      const learned = this.learned.get(account);
      const known = this.index.customersByAccount.get(account) ?? (learned ? [learned] : []);
      if (known.length === 1) {
        reasons.push(`payer account ${maskAccount(account)} is known for ${known[0]}${learned && !this.index.customersByAccount.has(account) ? ' (learned in this run)' : ''}`);
        return { customerId: known[0]!, by: 'account' };
      }
      if (known.length > 1) reasons.push(`payer account ${maskAccount(account)} is known for ${known.length} customers: not used`);
    }
    if (line.payerName) {
      const name = this.payerNameKey(line.payerName);
      const known = name === null ? [] : (this.index.customersByName.get(name) ?? []);
      if (known.length === 1) {
        reasons.push(`payer name "${line.payerName}" is known for ${known[0]}`);
        return { customerId: known[0]!, by: 'name' };
      }
      if (known.length > 1) reasons.push(`payer name "${line.payerName}" is known for ${known.length} customers: not used`);
    }
    return null;
  }

  /** {@link normalizePayerName}, remembered per name as written (statements repeat their payers). */
  private payerNameKey(payerName: string): string | null {
    let key = this.payerNameKeys.get(payerName);
    if (key === undefined) {
      key = normalizePayerName(payerName);
      if (this.payerNameKeys.size >= 20_000) this.payerNameKeys.clear();
      this.payerNameKeys.set(payerName, key);
    }
    return key;
  }

  // ---------------------------------------------------------------------------------------------
  // Running balances and lookups

  private item(position: number): OpenItem {
    return this.index.items[position]!;
  }

  private sumOf(hits: readonly Hit[]): number {
    return [...new Set(hits.map((h) => h.position))].reduce((s, p) => s + this.balances[p]!, 0);
  }

  /** A quoted item can take the payment: same currency and still open. Says why not otherwise. */
  private usable(hit: Hit, line: StatementLine, reasons: string[]): boolean {
    const item = this.item(hit.position);
    if (item.currency !== line.currency) {
      reasons.push(`${item.invoiceNumber} is in ${item.currency}, the payment in ${line.currency}: never applied across currencies`);
      return false;
    }
    if (this.balances[hit.position]! <= 0) {
      reasons.push(`${item.invoiceNumber} is quoted but already settled`);
      return false;
    }
    return true;
  }

  /**
   * Open items (of `customerId`, or of anyone) whose running balance equals `amount`, oldest first
   * (left unsorted when there are more than `sortUpTo`: the caller only counts them then).
   */
  private openWithAmount(currency: string, amount: number, customerId: string | null, sortUpTo = Number.MAX_SAFE_INTEGER): number[] {
    const base = customerId === null ? this.index.byAmount.get(currency)?.get(amount) : this.customerAmountMap(customerId, currency).get(amount);
    const moved = this.movedWith(currency, amount);
    const result: number[] = [];
    if (typeof base === 'number') {
      if (this.fits(base, amount, customerId)) result.push(base);
    } else if (base !== undefined) {
      for (const p of base) if (this.fits(p, amount, customerId)) result.push(p);
    }
    if (moved) {
      const seen = new Set(result);
      for (const p of moved) {
        if (!seen.has(p) && this.fits(p, amount, customerId)) {
          seen.add(p);
          result.push(p);
        }
      }
    }
    return result.length < 2 || result.length > sortUpTo ? result : result.sort((a, b) => compareByAge(this.item(a), this.item(b)));
  }

  /**
   * True when an item of a customer other than `customerId` has exactly `amount` open in `currency`
   * now: the items {@link openWithAmount} can find for any other customer are among these.
   */
  private anotherCustomerHasAmount(currency: string, amount: number, customerId: string): boolean {
    if (this.index.byAmount.get(currency)?.some(amount, (p) => this.fitsOther(p, amount, customerId))) return true;
    const moved = this.movedWith(currency, amount);
    if (moved !== undefined) for (const p of moved) if (this.fitsOther(p, amount, customerId)) return true;
    return false;
  }

  /** The item's running balance is `amount` and it is `customerId`'s (any customer's for null). */
  private fits(position: number, amount: number, customerId: string | null): boolean {
    return this.balances[position] === amount && (customerId === null || this.item(position).customerId === customerId);
  }

  /** The item's running balance is `amount` and it is not `customerId`'s. */
  private fitsOther(position: number, amount: number, customerId: string): boolean {
    return this.balances[position] === amount && this.item(position).customerId !== customerId;
  }

  /** Items whose balance changed in this run to `amount` in `currency` (some may have changed again since). */
  private movedWith(currency: string, amount: number): number[] | undefined {
    return this.moved.size === 0 ? undefined : this.moved.get(currency)?.get(amount);
  }

  /** The customer's items in `currency` by starting balance, oldest first (one position without an array). */
  private customerAmountMap(customerId: string, currency: string): Map<number, Positions> {
    let byCurrency = this.customerAmounts.get(customerId);
    if (!byCurrency) this.customerAmounts.set(customerId, (byCurrency = new Map()));
    let map = byCurrency.get(currency);
    if (!map) {
      map = new Map();
      const positions = this.index.byCustomer.get(customerId);
      if (positions !== undefined) {
        for (const p of positions) {
          const item = this.item(p);
          if (item.currency !== currency) continue;
          const list = map.get(item.balanceMinor);
          if (list === undefined) map.set(item.balanceMinor, p);
          else if (typeof list === 'number') map.set(item.balanceMinor, [list, p]);
          else list.push(p);
        }
      }
      byCurrency.set(currency, map);
    }
    return map;
  }

  private withinShortPayTolerance(shortfall: number, balance: number, currency: string): boolean {
    return withinShortPayTolerance(this.policy.shortPay, shortfall, balance, currency);
  }

  private setBalance(position: number, balance: number): void {
    this.balances[position] = balance;
    if (balance > 0) {
      const currency = this.item(position).currency;
      let byAmount = this.moved.get(currency);
      if (!byAmount) this.moved.set(currency, (byAmount = new Map()));
      const list = byAmount.get(balance);
      if (list) list.push(position);
      else byAmount.set(balance, [position]);
    }
  }

  /** Applies the threshold, records an applied result in the running balances and shapes the result. */
  private record(line: StatementLine, decision: Decision, reasons: string[]): LineMatch {
    let kind = decision.kind;
    const confidence = Math.max(0, Math.min(1, Math.round(decision.confidence * 100) / 100));
    if (kind === 'apply' && confidence < this.policy.minConfidenceToApply) {
      kind = 'suggest';
      reasons.push(`confidence ${confidence} is below the ${this.policy.minConfidenceToApply} needed to apply`);
    }
    if (kind === 'apply') {
      for (const a of decision.allocations) this.setBalance(a.position, this.balances[a.position]! - a.amountMinor);
      if (decision.writeOff) this.setBalance(decision.writeOff.position, this.balances[decision.writeOff.position]! - decision.writeOff.amountMinor);
      for (const d of decision.deductions ?? []) if (d.booking === 'write-off') this.setBalance(d.position, this.balances[d.position]! - d.amountMinor);
      if (decision.quoted && this.policy.learnPayerAccounts && line.payerAccount && decision.customerId) {
        const account = normalizeAccount(line.payerAccount);
        if (account !== '' && !this.index.customersByAccount.has(account) && !this.learned.has(account)) this.learned.set(account, decision.customerId);
      }
    }
    const allocations: Allocation[] = decision.allocations.map((a) => {
      const item = this.item(a.position);
      return { invoiceId: item.invoiceId, invoiceNumber: item.invoiceNumber, amountMinor: a.amountMinor };
    });
    const allocated = allocations.reduce((s, a) => s + a.amountMinor, 0);
    const result: LineMatch = {
      lineId: line.lineId,
      amountMinor: line.amountMinor,
      currency: line.currency,
      status: kind === 'apply' ? 'applied' : kind === 'suggest' ? 'suggested' : 'unapplied',
      customerId: decision.customerId,
      allocations,
      unappliedMinor: line.amountMinor - allocated - decision.onAccountMinor,
      onAccountMinor: decision.onAccountMinor,
      confidence,
      reasons,
      ...(decision.writeOff
        ? { shortPayWriteOff: { invoiceId: this.item(decision.writeOff.position).invoiceId, amountMinor: decision.writeOff.amountMinor, reasonCode: this.policy.shortPay.reasonCode } }
        : {}),
      ...(decision.candidates
        ? { candidates: decision.candidates.map((p) => ({ invoiceId: this.item(p).invoiceId, invoiceNumber: this.item(p).invoiceNumber })) }
        : {}),
      ...(decision.adviceId ? { adviceId: decision.adviceId } : {}),
      ...(decision.deductions && decision.deductions.length > 0
        ? {
            deductions: decision.deductions.map((d) => ({
              invoiceId: this.item(d.position).invoiceId,
              invoiceNumber: this.item(d.position).invoiceNumber,
              amountMinor: d.amountMinor,
              reasonCode: d.reasonCode,
              booking: d.booking,
              why: d.why,
            })),
          }
        : {}),
    };
    return result;
  }
}

/** Every string one digit edit away from `text`: a digit replaced, inserted or deleted, or neighbours swapped. */
function oneDigitEdits(text: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i <= text.length; i++) {
    const head = text.slice(0, i);
    const tail = text.slice(i);
    for (let d = 0; d <= 9; d++) out.add(`${head}${d}${tail}`);
    if (i < text.length) {
      const rest = text.slice(i + 1);
      out.add(head + rest);
      if (/[0-9]/.test(text[i]!)) for (let d = 0; d <= 9; d++) out.add(`${head}${d}${rest}`);
      if (i + 1 < text.length) out.add(head + text[i + 1]! + text[i]! + text.slice(i + 2));
    }
  }
  out.delete(text);
  return out;
}

/** Keeps the strongest reading of each item (the first of equally strong ones). */
function keepBest(best: Map<number, Hit>, hit: Hit): void {
  const existing = best.get(hit.position);
  if (!existing || READING_RANK[hit.reading] < READING_RANK[existing.reading]) best.set(hit.position, hit);
}

function unapplied(customerId: string | null): Decision {
  return { kind: 'unapplied', customerId, allocations: [], onAccountMinor: 0, confidence: 0 };
}

function suggestAmong(customerId: string | null, positions: readonly number[], confidence: number, limit?: number): Decision {
  const candidates = limit === undefined ? positions : positions.slice(0, limit);
  return { kind: 'suggest', customerId, allocations: [], onAccountMinor: 0, confidence, candidates };
}

/** The confidence of a payer identified by name: 0.80 at similarity 0.9 up to 0.82 for the same name. */
function nameConfidence(similarity: number): number {
  return Math.round(800 + Math.max(0, similarity - 0.9) * 200) / 1000;
}

function describeName(candidate: NameCandidate): string {
  return `"${candidate.name}" of ${candidate.customerId} (similarity ${candidate.similarity.toFixed(2)})`;
}

function describeHit(hit: Hit, item: OpenItem): string {
  switch (hit.reading) {
    case 'rf':
      return `RF reference ${hit.written} is on ${item.invoiceNumber}`;
    case 'exact':
      return `invoice number ${item.invoiceNumber} quoted`;
    case 'loose':
      return `invoice number ${item.invoiceNumber} quoted as "${hit.written}"`;
    case 'prefixless':
      return `"${hit.written}" reads as ${item.invoiceNumber} without its prefix`;
    case 'zeros':
      return `"${hit.written}" reads as ${item.invoiceNumber} up to zeros`;
  }
}

function money(minor: number, currency: string): string {
  try {
    return `${formatAmount({ minor, currency })} ${currency}`;
  } catch {
    return `${minor} minor units of ${currency}`;
  }
}

/**
 * Matches the credit lines of statements in order against one running view of the open balances
 * (see {@link CashApplication}); debit lines are left out. Convenience for one-shot callers.
 *
 * @throws CashApplicationInputError when an open item or customer is malformed.
 */
export function matchStatementLines(
  lines: Iterable<StatementLine>,
  input: { readonly openItems: readonly OpenItem[]; readonly customers?: readonly KnownCustomer[]; readonly policy?: Partial<CashApplicationPolicy> },
): LineMatch[] {
  return CashApplication.fromData(input).matchAll(lines);
}

/** Every line of a parsed statement file, all accounts, in file order. */
export function statementLines(file: ParsedStatementFile): StatementLine[] {
  return file.statements.flatMap((s) => s.lines).sort((a, b) => a.sequence - b.sequence);
}
