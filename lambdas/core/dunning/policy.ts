/**
 * Dunning policies are data: grace days, levels (days past due, minimum spacing, letter, fee),
 * minimum amounts per currency, an interest rule with a dated reference-rate table, fixed
 * compensation, and what the last level does. Finance lists and changes them through the API;
 * the built-in policies below apply until a stored policy of the same id replaces them.
 *
 * Money is integer minor units; rates are integer micro-percent (1/10,000 of a percentage point:
 * 2.15 % is 21,500), so no computation here ever touches a float.
 */
import * as z from 'zod';
import { ValidationError, type FieldProblem } from '../errors';
import { formatAmount, isCurrency, MoneyError, parseAmount } from '../money/money';
import { calendarDaysBetween, isCalendarDate } from '../time/clock';
import { identifier, parseWith, singleLineText } from '../validation';

/**
 * Which letter a level sends; `none` for a level that sends nothing (handed to a collector);
 * `due-soon` for a reminder before the due date (a pre-due level).
 */
export type LetterTemplate = 'friendly-reminder' | 'firm-reminder' | 'final-notice' | 'none' | 'due-soon';

export interface DunningLevelRule {
  /** 1, 2, 3, ... in order. */
  readonly level: number;
  readonly name: string;
  /** Calendar days after the due date from which an item may reach this level (negative for a pre-due level: days before). */
  readonly daysPastDue: number;
  /** Calendar days that must have passed since the item's previous reminder. */
  readonly minDaysSincePrevious: number;
  readonly template: LetterTemplate;
  /** `letter`: a reminder goes out; `collector`: the item is handed to a collector, the customer gets no letter. */
  readonly action: 'letter' | 'collector';
  /** Fee charged when an item reaches this level, per currency (none for a currency not listed). */
  readonly feesMinor: Readonly<Record<string, number>>;
}

export interface ReferenceRate {
  /** The day from which the rate is in force. */
  readonly from: string;
  /** The rate in micro-percent (2.15 % = 21,500). */
  readonly rateMicros: number;
}

/**
 * Statutory interest: simple interest on the overdue principal from the day after the due date,
 * at the reference rate plus a margin, counted actual/365.
 *
 * `fixing` says which reference rate applies to a day: `half-year-start` the rate in force on
 * 1 January / 1 July of the day's half-year (EU Late Payment Directive, ECB rate),
 * `half-year-eve` the rate in force on 31 December / 30 June before it (UK Late Payment Act,
 * Bank of England base rate), `daily` the rate in force on the day itself.
 */
export interface InterestRule {
  readonly reference: string;
  readonly marginMicros: number;
  readonly fixing: 'half-year-start' | 'half-year-eve' | 'daily';
  /** Ascending by `from`; finance extends it as rates change. */
  readonly rates: readonly ReferenceRate[];
}

/** Fixed compensation per invoice, charged once with the first reminder, by the size of the debt. */
export interface CompensationRule {
  /** Per currency: tiers ascending by `fromMinor`; the last tier whose `fromMinor` the debt reaches applies. */
  readonly tiers: Readonly<Record<string, readonly { fromMinor: number; amountMinor: number }[]>>;
}

export interface DunningPolicy {
  readonly policyId: string;
  readonly name: string;
  readonly graceDays: number;
  readonly levels: readonly DunningLevelRule[];
  /**
   * Reminders before the due date ("your invoice falls due in 3 days"), earliest first: level 0,
   * negative `daysPastDue`, a `due-soon` letter, no fee. They are not dunning levels: an item's
   * level, fees and interest never move because of them (see `pre-due.ts`). Absent: none.
   */
  readonly preDueLevels?: readonly DunningLevelRule[];
  /** Items whose outstanding amount is below this, per currency, are not dunned. */
  readonly minimumAmountsMinor: Readonly<Record<string, number>>;
  readonly interest: InterestRule | null;
  readonly compensation: CompensationRule | null;
  /** Statutory policies for business debts: never applied to consumers (they fall back to the default policy). */
  readonly businessCustomersOnly: boolean;
  /**
   * How many days ahead a customer may promise to pay in the portal and have it accepted at once
   * (further ahead, or for an item with a collector, the promise waits for finance). Absent:
   * {@link DEFAULT_PROMISE_MAX_DAYS}.
   */
  readonly promiseMaxDays?: number;
  readonly updatedAt: string | null;
}

export const DEFAULT_POLICY_ID = 'default';

/** How far ahead a customer's own promise to pay is accepted without finance, unless the policy says otherwise. */
export const DEFAULT_PROMISE_MAX_DAYS = 30;

/** The policy's limit for promises the portal accepts at once. */
export const promiseMaxDaysOf = (policy: Pick<DunningPolicy, 'promiseMaxDays'>): number => policy.promiseMaxDays ?? DEFAULT_PROMISE_MAX_DAYS;

const level = (n: number, name: string, daysPastDue: number, template: LetterTemplate, action: 'letter' | 'collector' = 'letter'): DunningLevelRule => ({
  level: n,
  name,
  daysPastDue,
  minDaysSincePrevious: 7,
  template,
  action,
  feesMinor: {},
});

const STANDARD_LEVELS: readonly DunningLevelRule[] = [
  level(1, 'Friendly reminder', 3, 'friendly-reminder'),
  level(2, 'Firm reminder', 17, 'firm-reminder'),
  level(3, 'Final notice', 31, 'final-notice'),
  level(4, 'Handed to collector', 45, 'none', 'collector'),
];

/** The default policy, exactly as the product specifies it: no fees, no interest. */
export const DEFAULT_POLICY: DunningPolicy = {
  policyId: DEFAULT_POLICY_ID,
  name: 'Default',
  graceDays: 3,
  levels: STANDARD_LEVELS,
  minimumAmountsMinor: { EUR: 500, USD: 500, GBP: 500 },
  interest: null,
  compensation: null,
  businessCustomersOnly: false,
  promiseMaxDays: DEFAULT_PROMISE_MAX_DAYS,
  updatedAt: null,
};

const pct = (text: string): number => percentToMicros(text);

/**
 * ECB main refinancing operations rate, changes since 2022 (the rate in force on 1 January /
 * 1 July applies to the half-year). Finance extends it with `PUT /dunning/policies/eu-late-payment`.
 */
export const ECB_REFERENCE_RATES: readonly ReferenceRate[] = [
  ['2016-03-16', '0.00'],
  ['2022-07-27', '0.50'],
  ['2022-09-14', '1.25'],
  ['2022-11-02', '2.00'],
  ['2022-12-21', '2.50'],
  ['2023-02-08', '3.00'],
  ['2023-03-22', '3.50'],
  ['2023-05-10', '3.75'],
  ['2023-06-21', '4.00'],
  ['2023-08-02', '4.25'],
  ['2023-09-20', '4.50'],
  ['2024-06-12', '4.25'],
  ['2024-09-18', '3.65'],
  ['2024-10-23', '3.40'],
  ['2024-12-18', '3.15'],
  ['2025-02-05', '2.90'],
  ['2025-03-12', '2.65'],
  ['2025-04-23', '2.40'],
  ['2025-06-11', '2.15'],
].map(([from, rate]) => ({ from: from!, rateMicros: pct(rate!) }));

/** Bank of England base rate, changes since 2022. Finance extends it with `PUT /dunning/policies/uk-late-payment`. */
export const BOE_BASE_RATES: readonly ReferenceRate[] = [
  ['2021-12-16', '0.25'],
  ['2022-02-03', '0.50'],
  ['2022-03-17', '0.75'],
  ['2022-05-05', '1.00'],
  ['2022-06-16', '1.25'],
  ['2022-08-04', '1.75'],
  ['2022-09-22', '2.25'],
  ['2022-11-03', '3.00'],
  ['2022-12-15', '3.50'],
  ['2023-02-02', '4.00'],
  ['2023-03-23', '4.25'],
  ['2023-05-11', '4.50'],
  ['2023-06-22', '5.00'],
  ['2023-08-03', '5.25'],
  ['2024-08-01', '5.00'],
  ['2024-11-07', '4.75'],
  ['2025-02-06', '4.50'],
  ['2025-05-08', '4.25'],
  ['2025-08-07', '4.00'],
].map(([from, rate]) => ({ from: from!, rateMicros: pct(rate!) }));

/** EU Late Payment Directive (2011/7/EU): ECB rate + 8 points from the day after the due date, EUR 40 per invoice. */
export const EU_LATE_PAYMENT_POLICY: DunningPolicy = {
  policyId: 'eu-late-payment',
  name: 'EU Late Payment Directive (business customers)',
  graceDays: 3,
  levels: STANDARD_LEVELS,
  minimumAmountsMinor: { EUR: 500, USD: 500, GBP: 500 },
  interest: { reference: 'ECB', marginMicros: pct('8.00'), fixing: 'half-year-start', rates: ECB_REFERENCE_RATES },
  compensation: { tiers: { EUR: [{ fromMinor: 0, amountMinor: 4000 }] } },
  businessCustomersOnly: true,
  promiseMaxDays: DEFAULT_PROMISE_MAX_DAYS,
  updatedAt: null,
};

/** UK Late Payment of Commercial Debts (Interest) Act 1998: base rate + 8 %, GBP 40 / 70 / 100 by debt size. */
export const UK_LATE_PAYMENT_POLICY: DunningPolicy = {
  policyId: 'uk-late-payment',
  name: 'UK Late Payment of Commercial Debts Act (business customers)',
  graceDays: 3,
  levels: STANDARD_LEVELS,
  minimumAmountsMinor: { EUR: 500, USD: 500, GBP: 500 },
  interest: { reference: 'BOE', marginMicros: pct('8.00'), fixing: 'half-year-eve', rates: BOE_BASE_RATES },
  compensation: {
    tiers: {
      GBP: [
        { fromMinor: 0, amountMinor: 4000 },
        { fromMinor: 100_000, amountMinor: 7000 },
        { fromMinor: 1_000_000, amountMinor: 10_000 },
      ],
    },
  },
  businessCustomersOnly: true,
  promiseMaxDays: DEFAULT_PROMISE_MAX_DAYS,
  updatedAt: null,
};

export const BUILT_IN_POLICIES: readonly DunningPolicy[] = [DEFAULT_POLICY, EU_LATE_PAYMENT_POLICY, UK_LATE_PAYMENT_POLICY];

/** `"2.15"` (percent, at most 4 decimals) as micro-percent 21,500. */
export function percentToMicros(text: string): number {
  const match = /^(\d{1,3})(?:\.(\d{1,4}))?$/.exec(text);
  if (!match) throw new RangeError(`"${text}" is not a percentage such as "2.15"`);
  return Number(match[1]) * 10_000 + Number((match[2] ?? '').padEnd(4, '0'));
}

/** Micro-percent as a percentage string with at least 2 decimals (21,500 -> "2.15"). */
export function microsToPercent(micros: number): string {
  const whole = Math.floor(micros / 10_000);
  const fraction = String(micros % 10_000).padStart(4, '0').replace(/0{1,2}$/, '');
  return `${whole}.${fraction.length < 2 ? fraction.padEnd(2, '0') : fraction}`;
}

// ---------------------------------------------------------------------------------------------
// The API shape (amounts as decimal strings per currency, rates as percentage strings) and its
// validation. Every problem names its field.

const percentString = z.string().regex(/^\d{1,3}(\.\d{1,4})?$/, { message: 'must be a percentage such as "2.15" (at most 4 decimals)' });
const amountsPerCurrency = z.record(z.string(), z.string());
/** Days relative to the due date: negative for a pre-due level (at most 90 days before). */
const relativeDays = z.number({ message: 'must be a whole number of days' }).int('must be a whole number of days').min(-90, 'must be at least -90 (90 days before the due date)').max(3650, 'must be at most 3650');
const days = (what: string) => z.number({ message: `must be a whole number of ${what}` }).int(`must be a whole number of ${what}`).min(0, 'must not be negative').max(3650, 'must be at most 3650');

export const policyRequest = z.strictObject({
  name: singleLineText(200),
  graceDays: days('days'),
  levels: z
    .array(
      z.strictObject({
        level: z.number().int('must be a whole number').min(0, 'must be 0 (a level before the due date) or more'),
        name: singleLineText(100),
        daysPastDue: relativeDays,
        minDaysSincePrevious: days('days'),
        template: z.enum(['friendly-reminder', 'firm-reminder', 'final-notice', 'none', 'due-soon'], { message: 'must be friendly-reminder, firm-reminder, final-notice, none or due-soon' }),
        action: z.enum(['letter', 'collector'], { message: 'must be letter or collector' }).default('letter'),
        fees: amountsPerCurrency.default({}),
      }),
    )
    .min(1, 'must have at least one level')
    .max(10, 'must have at most 10 levels'),
  minimumAmounts: amountsPerCurrency.default({}),
  interest: z
    .strictObject({
      reference: z.string().trim().min(1).max(20),
      margin: percentString,
      fixing: z.enum(['half-year-start', 'half-year-eve', 'daily'], { message: 'must be half-year-start, half-year-eve or daily' }),
      rates: z.array(z.strictObject({ from: z.string(), rate: percentString })).min(1, 'must have at least one rate').max(1000, 'must have at most 1000 rates'),
    })
    .nullable()
    .default(null),
  compensation: z
    .record(z.string(), z.array(z.strictObject({ from: z.string(), amount: z.string() })).min(1, 'must have at least one tier').max(100, 'must have at most 100 tiers'))
    .nullable()
    .default(null),
  businessCustomersOnly: z.boolean().default(false),
  promiseMaxDays: days('days').max(365, 'must be at most 365').default(DEFAULT_PROMISE_MAX_DAYS),
});

export type PolicyRequest = z.infer<typeof policyRequest>;

/**
 * Validates a policy sent by finance and turns it into the stored form. Refuses, naming the field:
 * levels out of order (numbers not 1, 2, 3, ...; days past due not increasing; the first level
 * inside the grace days), negative days, unknown currencies, amounts with too many decimals,
 * reference rates out of date order, a collector level anywhere but last.
 */
export function policyFromRequest(policyId: string, body: unknown, now: Date): DunningPolicy {
  parseWith(z.object({ policyId: identifier }), { policyId });
  const request = parseWith(policyRequest, body);
  const problems: FieldProblem[] = [];
  const amount = (field: string, currency: string, text: string, allowZero = true): number => {
    if (!isCurrency(currency)) {
      problems.push({ field, problem: `"${currency}" is not an ISO 4217 currency code` });
      return 0;
    }
    try {
      const { minor } = parseAmount(text, currency);
      if (minor < 0) problems.push({ field, problem: 'must not be negative' });
      else if (minor === 0 && !allowZero) problems.push({ field, problem: 'must be greater than zero' });
      return minor;
    } catch (error) {
      if (error instanceof MoneyError) {
        problems.push({ field, problem: error.message });
        return 0;
      }
      throw error;
    }
  };
  const perCurrency = (field: string, values: Record<string, string>) =>
    Object.fromEntries(Object.entries(values).map(([currency, text]) => [currency, amount(`${field}.${currency}`, currency, text)]));

  // Levels before the due date (negative days) come first; they are numbered 0 and are no dunning levels.
  const isPreDue = (l: { daysPastDue: number; level: number }) => l.daysPastDue < 0 && l.level === 0;
  const firstDunning = request.levels.findIndex((l) => !isPreDue(l));
  const preDueCount = firstDunning === -1 ? request.levels.length : firstDunning;
  const preDueLevels: DunningLevelRule[] = [];
  const levels: DunningLevelRule[] = [];
  request.levels.forEach((l, i) => {
    const field = `levels[${i}]`;
    const previous = request.levels[i - 1];
    const fees = perCurrency(`${field}.fees`, l.fees);
    if (isPreDue(l)) {
      if (i >= preDueCount) problems.push({ field: `${field}.daysPastDue`, problem: 'a level before the due date (negative days) must come before every level after it' });
      if (l.action !== 'letter') problems.push({ field: `${field}.action`, problem: 'must be letter: a level before the due date only reminds' });
      if (l.template !== 'due-soon') problems.push({ field: `${field}.template`, problem: 'must be due-soon for a level before the due date' });
      if (Object.values(fees).some((minor) => minor > 0)) problems.push({ field: `${field}.fees`, problem: 'must be empty: no fee before the due date' });
      if (previous && isPreDue(previous) && l.daysPastDue <= previous.daysPastDue) {
        problems.push({ field: `${field}.daysPastDue`, problem: `must be more than ${previous.daysPastDue}, the days of the level before: levels must be in order` });
      }
      preDueLevels.push({ level: 0, name: l.name, daysPastDue: l.daysPastDue, minDaysSincePrevious: l.minDaysSincePrevious, template: 'due-soon', action: 'letter', feesMinor: {} });
      return;
    }
    const n = i - preDueCount;
    if (l.daysPastDue < 0) problems.push({ field: `${field}.daysPastDue`, problem: 'must not be negative for a dunning level: only a level 0 (template due-soon) reminds before the due date' });
    if (l.level !== n + 1) problems.push({ field: `${field}.level`, problem: `must be ${n + 1}: levels are numbered 1, 2, 3, ... in order` });
    if (previous && !isPreDue(previous) && l.daysPastDue <= previous.daysPastDue) {
      problems.push({ field: `${field}.daysPastDue`, problem: `must be more than ${previous.daysPastDue}, the days past due of level ${previous.level}: levels must be in order` });
    }
    if (n === 0 && l.daysPastDue < request.graceDays) {
      problems.push({ field: `${field}.daysPastDue`, problem: `must be at least graceDays (${request.graceDays})` });
    }
    if (l.action === 'collector' && i !== request.levels.length - 1) {
      problems.push({ field: `${field}.action`, problem: 'collector must be the last level' });
    }
    if (l.action === 'letter' && l.template === 'none') problems.push({ field: `${field}.template`, problem: 'a letter level needs a letter template' });
    if (l.template === 'due-soon') problems.push({ field: `${field}.template`, problem: 'due-soon is only for a level before the due date (negative days)' });
    levels.push({
      level: l.level,
      name: l.name,
      daysPastDue: l.daysPastDue,
      minDaysSincePrevious: l.minDaysSincePrevious,
      template: l.action === 'collector' ? 'none' : l.template,
      action: l.action,
      feesMinor: fees,
    });
  });
  if (levels.length === 0) problems.push({ field: 'levels', problem: 'must have at least one level on or after the due date' });

  let interest: InterestRule | null = null;
  if (request.interest) {
    const rates = request.interest.rates.map((r, i) => {
      if (!isCalendarDate(r.from)) problems.push({ field: `interest.rates[${i}].from`, problem: 'must be a calendar date YYYY-MM-DD' });
      const prior = request.interest!.rates[i - 1];
      if (prior && isCalendarDate(prior.from) && isCalendarDate(r.from) && calendarDaysBetween(prior.from, r.from) <= 0) {
        problems.push({ field: `interest.rates[${i}].from`, problem: `must be after ${prior.from}: rates are listed in date order` });
      }
      return { from: r.from, rateMicros: percentToMicros(r.rate) };
    });
    interest = { reference: request.interest.reference, marginMicros: percentToMicros(request.interest.margin), fixing: request.interest.fixing, rates };
  }

  let compensation: CompensationRule | null = null;
  if (request.compensation) {
    const tiers: Record<string, { fromMinor: number; amountMinor: number }[]> = {};
    for (const [currency, list] of Object.entries(request.compensation)) {
      tiers[currency] = list.map((t, i) => {
        const fromMinor = amount(`compensation.${currency}[${i}].from`, currency, t.from);
        const amountMinor = amount(`compensation.${currency}[${i}].amount`, currency, t.amount, false);
        const prior = list[i - 1];
        if (prior && isCurrency(currency)) {
          try {
            if (parseAmount(prior.from, currency).minor >= fromMinor) problems.push({ field: `compensation.${currency}[${i}].from`, problem: 'tiers must be in increasing order of from' });
          } catch {
            // reported for the prior tier already
          }
        }
        return { fromMinor, amountMinor };
      });
      if (tiers[currency]![0] && tiers[currency]![0].fromMinor !== 0) problems.push({ field: `compensation.${currency}[0].from`, problem: 'the first tier must start at 0' });
    }
    compensation = { tiers };
  }

  const minimumAmountsMinor = perCurrency('minimumAmounts', request.minimumAmounts);
  if (problems.length > 0) throw new ValidationError(problems);
  return {
    policyId,
    name: request.name,
    graceDays: request.graceDays,
    levels,
    ...(preDueLevels.length ? { preDueLevels } : {}),
    minimumAmountsMinor,
    interest,
    compensation,
    businessCustomersOnly: request.businessCustomersOnly,
    promiseMaxDays: request.promiseMaxDays,
    updatedAt: now.toISOString(),
  };
}

/** The policy as the API shows it (and as `PUT` accepts it back). */
export function policyView(policy: DunningPolicy) {
  const amounts = (values: Readonly<Record<string, number>>) => Object.fromEntries(Object.entries(values).map(([c, minor]) => [c, formatAmount({ minor, currency: c })]));
  return {
    policyId: policy.policyId,
    name: policy.name,
    graceDays: policy.graceDays,
    levels: [...(policy.preDueLevels ?? []), ...policy.levels].map((l) => ({
      level: l.level,
      name: l.name,
      daysPastDue: l.daysPastDue,
      minDaysSincePrevious: l.minDaysSincePrevious,
      template: l.template,
      action: l.action,
      fees: amounts(l.feesMinor),
    })),
    minimumAmounts: amounts(policy.minimumAmountsMinor),
    interest: policy.interest
      ? {
          reference: policy.interest.reference,
          margin: microsToPercent(policy.interest.marginMicros),
          fixing: policy.interest.fixing,
          rates: policy.interest.rates.map((r) => ({ from: r.from, rate: microsToPercent(r.rateMicros) })),
        }
      : null,
    compensation: policy.compensation
      ? Object.fromEntries(
          Object.entries(policy.compensation.tiers).map(([c, tiers]) => [
            c,
            tiers.map((t) => ({ from: formatAmount({ minor: t.fromMinor, currency: c }), amount: formatAmount({ minor: t.amountMinor, currency: c }) })),
          ]),
        )
      : null,
    businessCustomersOnly: policy.businessCustomersOnly,
    promiseMaxDays: promiseMaxDaysOf(policy),
    builtIn: policy.updatedAt === null,
    updatedAt: policy.updatedAt,
  };
}

/**
 * The policy that applies to an item: the invoice's override, else the customer's, else the
 * default; a business-only (statutory) policy never applies to a consumer, who gets the default.
 * An id that names no policy also falls back to the default; `note` says why.
 */
export function resolvePolicy(
  policies: ReadonlyMap<string, DunningPolicy>,
  invoicePolicyId: string | null | undefined,
  customer: { dunningPolicyId: string; isConsumer: boolean },
): { policy: DunningPolicy; note: string | null } {
  const wanted = invoicePolicyId || customer.dunningPolicyId || DEFAULT_POLICY_ID;
  const fallback = policies.get(DEFAULT_POLICY_ID) ?? DEFAULT_POLICY;
  const found = policies.get(wanted);
  if (!found) return { policy: fallback, note: `policy ${wanted} does not exist; the default policy applies` };
  if (found.businessCustomersOnly && customer.isConsumer) return { policy: fallback, note: `policy ${wanted} is for business customers only; the default policy applies to this consumer` };
  return { policy: found, note: null };
}

/** Built-in policies overlaid with the stored ones (a stored policy replaces the built-in of the same id). */
export function effectivePolicies(stored: readonly DunningPolicy[]): Map<string, DunningPolicy> {
  const map = new Map<string, DunningPolicy>(BUILT_IN_POLICIES.map((p) => [p.policyId, p]));
  for (const p of stored) map.set(p.policyId, p);
  return map;
}
