/**
 * Features of an invoice at a cutoff: what was known about its customer, its group of similar
 * customers and the invoice itself at the start of the cutoff day. Built only from
 * {@link historyKnownAt}, so an invoice paid on or after the cutoff counts as open, and a dispute,
 * reminder or promise dated on or after it does not exist.
 */
import { dayNumber, historyKnownAt, latenessDays, type HistoryInvoice } from './history';
import { mad, mean, median } from './stats';

/** The features, by name, in the order of the vector the models read. */
export const FEATURE_NAMES = [
  'shrunkLateness',
  'customerMedian',
  'recentMean',
  'lastLateness',
  'spread',
  'trend',
  'paidCount',
  'shareOver30',
  'disputeRate',
  'amountRatio',
  'termsDays',
  'disputed',
  'pastDueAtCutoff',
  'daysToDue',
  'otherOpenMaxOverdue',
  'dueDayOfMonth',
  'dueDayOfWeek',
  'monthEffect',
  'channelMedian',
  'countryMedian',
  'remindersSent',
  'promisesBrokenShare',
  'daysSinceLastPayment',
  'groupMedian',
  'projectedLateness',
  'monthEndPayerShare',
  'dueToMonthEnd',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];
export type Features = Record<FeatureName, number>;

/** Prior weight (in invoices) of the group's figure against the customer's own. */
const SHRINKAGE = 3;
const RECENT = 6;

export interface CustomerProfile {
  readonly customerId: string;
  readonly country: string;
  readonly channel: string;
  /** Lateness of the paid invoices, in the order they were paid. */
  readonly lateness: readonly number[];
  /** Due days of the paid invoices, in the same order. */
  readonly paidDueDays: readonly number[];
  /** Least-squares slope of lateness against the due day over the recent payments (days per day). */
  readonly slope: number;
  /** Share of payments made in the last days or first two days of a month (a month-end payment run). */
  readonly monthEndShare: number;
  readonly medianLateness: number;
  readonly recentMean: number;
  readonly spread: number;
  readonly trend: number;
  readonly shareOver30: number;
  readonly disputeRate: number;
  readonly medianAmountMinor: number;
  readonly lastPaidDay: number | null;
  readonly promisesKept: number;
  readonly promisesBroken: number;
  /** Open items (issued before the cutoff, not paid before it) with their due days. */
  readonly openDueDays: ReadonlyMap<string, number>;
}

export interface GroupFigures {
  readonly median: number;
  readonly spread: number;
  readonly count: number;
}

/** What was known at one cutoff, indexed for feature building. */
export interface Knowledge {
  readonly cutoff: number;
  readonly customers: ReadonlyMap<string, CustomerProfile>;
  readonly global: GroupFigures;
  readonly byCountry: ReadonlyMap<string, GroupFigures>;
  readonly byChannel: ReadonlyMap<string, GroupFigures>;
  /** Country and channel: the customers most like one without history. */
  readonly byGroup: ReadonlyMap<string, GroupFigures>;
  /** Per calendar month of the due date (1..12): how much later than all payments those were paid (median, shrunk). */
  readonly monthEffect: ReadonlyMap<number, number>;
}

export function groupKey(country: string, channel: string): string {
  return `${country}|${channel}`;
}

function figures(lateness: readonly number[]): GroupFigures {
  return { median: median(lateness), spread: mad(lateness), count: lateness.length };
}

/**
 * A figure shrunk towards a prior: `count` own observations against {@link SHRINKAGE} of the prior,
 * less when the customer differs from the prior by more than its own spread (`ownSpread`): a
 * customer that always pays 10 days late stays at 10 among customers who pay on time.
 */
function shrink(own: number, count: number, prior: number, ownSpread?: number): number {
  if (count === 0 || !Number.isFinite(own)) return prior;
  const weight = ownSpread === undefined || !Number.isFinite(ownSpread) ? SHRINKAGE : SHRINKAGE * Math.min(1, ((ownSpread + 1) / (Math.abs(own - prior) + 1)) ** 2);
  return (count * own + weight * prior) / (count + weight);
}

/** Builds what was known at `cutoff` (a date) from the whole history; later facts are cut away first. */
export function knowledgeAt(history: readonly HistoryInvoice[], cutoffDate: string): Knowledge {
  const cutoff = dayNumber(cutoffDate);
  const known = historyKnownAt(history, cutoff);
  const byCustomer = new Map<string, HistoryInvoice[]>();
  for (const invoice of known) {
    const list = byCustomer.get(invoice.customerId);
    if (list) list.push(invoice);
    else byCustomer.set(invoice.customerId, [invoice]);
  }
  const all: number[] = [];
  const countries = new Map<string, number[]>();
  const channels = new Map<string, number[]>();
  const groups = new Map<string, number[]>();
  const push = (map: Map<string, number[]>, key: string, value: number) => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  const months = new Map<string, number[]>();
  const customers = new Map<string, CustomerProfile>();
  for (const [customerId, invoices] of byCustomer) {
    const paid = invoices.filter((i) => i.paidDate !== null).sort((a, b) => dayNumber(a.paidDate!) - dayNumber(b.paidDate!));
    const lateness = paid.map((i) => latenessDays(i)!);
    const last = invoices[invoices.length - 1]!;
    for (const l of lateness) {
      all.push(l);
      push(countries, last.country, l);
      push(channels, last.channel, l);
      push(groups, groupKey(last.country, last.channel), l);
    }
    for (const i of paid) push(months, String(Number(i.dueDate.slice(5, 7))), latenessDays(i)!);
    const recent = lateness.slice(-RECENT);
    const previous = lateness.slice(-2 * RECENT, -RECENT);
    let promisesKept = 0;
    let promisesBroken = 0;
    for (const invoice of invoices) {
      for (const promise of invoice.promises ?? []) {
        const due = dayNumber(promise.promisedFor);
        if (due >= cutoff) continue;
        if (invoice.paidDate !== null && dayNumber(invoice.paidDate) <= due) promisesKept++;
        else promisesBroken++;
      }
    }
    const openDueDays = new Map<string, number>();
    for (const invoice of invoices) if (invoice.paidDate === null) openDueDays.set(invoice.invoiceId, dayNumber(invoice.dueDate));
    const window = paid.slice(-2 * RECENT);
    const xs = window.map((i) => dayNumber(i.dueDate));
    const ys = window.map((i) => latenessDays(i)!);
    const mx = mean(xs);
    const my = mean(ys);
    let sxy = 0;
    let sxx = 0;
    xs.forEach((x, k) => {
      sxy += (x - mx) * (ys[k]! - my);
      sxx += (x - mx) ** 2;
    });
    const slope = window.length >= 4 && sxx > 0 ? Math.max(-0.5, Math.min(0.5, sxy / sxx)) : 0;
    const monthEndShare = paid.length > 0 ? paid.filter((i) => Number(i.paidDate!.slice(8, 10)) >= 28 || Number(i.paidDate!.slice(8, 10)) <= 2).length / paid.length : 0;
    customers.set(customerId, {
      customerId,
      country: last.country,
      channel: last.channel,
      lateness,
      paidDueDays: paid.map((i) => dayNumber(i.dueDate)),
      slope,
      monthEndShare,
      medianLateness: median(lateness),
      recentMean: mean(recent),
      spread: mad(lateness.slice(-2 * RECENT)),
      trend: previous.length > 0 && recent.length > 0 ? mean(recent) - mean(previous) : 0,
      shareOver30: lateness.length > 0 ? lateness.filter((l) => l > 30).length / lateness.length : Number.NaN,
      disputeRate: invoices.filter((i) => i.disputedOn !== null).length / invoices.length,
      medianAmountMinor: median(invoices.map((i) => i.amountMinor)),
      lastPaidDay: paid.length > 0 ? dayNumber(paid[paid.length - 1]!.paidDate!) : null,
      promisesKept,
      promisesBroken,
      openDueDays,
    });
  }
  const toFigures = (map: Map<string, number[]>) => new Map([...map].map(([k, v]) => [k, figures(v)] as const));
  const global = all.length > 0 ? figures(all) : { median: 0, spread: 5, count: 0 };
  const monthEffect = new Map([...months].map(([m, values]) => [Number(m), shrink(median(values) - global.median, values.length / 10, 0)] as const));
  return { cutoff, customers, global, byCountry: toFigures(countries), byChannel: toFigures(channels), byGroup: toFigures(groups), monthEffect };
}

/** The figures of the customers most like this one: same country and channel, else country, else everyone. */
export function similarCustomers(knowledge: Knowledge, country: string, channel: string): GroupFigures & { readonly basis: 'country and channel' | 'country' | 'all customers' } {
  const countryFigures = knowledge.byCountry.get(country);
  const countryMedian = countryFigures ? shrink(countryFigures.median, countryFigures.count, knowledge.global.median) : knowledge.global.median;
  const group = knowledge.byGroup.get(groupKey(country, channel));
  if (group && group.count >= 5) return { ...group, median: shrink(group.median, group.count, countryMedian), basis: 'country and channel' };
  if (countryFigures && countryFigures.count >= 5) return { ...countryFigures, median: countryMedian, basis: 'country' };
  return { ...knowledge.global, basis: 'all customers' };
}

/** The facts of the invoice being predicted; its dispute only counts when known at the cutoff. */
export type InvoiceFacts = Pick<HistoryInvoice, 'invoiceId' | 'customerId' | 'country' | 'issueDate' | 'dueDate' | 'amountMinor' | 'channel' | 'disputedOn' | 'reminders'>;

/**
 * The feature vector of `invoice` at the knowledge's cutoff. A customer without paid invoices gets
 * its similar customers' figures in place of its own (and `paidCount` 0 says so).
 */
export function featuresOf(knowledge: Knowledge, invoice: InvoiceFacts): Features {
  const { cutoff } = knowledge;
  const profile = knowledge.customers.get(invoice.customerId);
  const similar = similarCustomers(knowledge, invoice.country, invoice.channel);
  const n = profile?.lateness.length ?? 0;
  const own = (value: number | undefined, fallback: number) => (n > 0 && value !== undefined && Number.isFinite(value) ? value : fallback);
  const due = dayNumber(invoice.dueDate);
  const issue = dayNumber(invoice.issueDate);
  const known = issue < cutoff;
  let otherOpenMaxOverdue = 0;
  for (const [id, openDue] of profile?.openDueDays ?? []) {
    if (id !== invoice.invoiceId && openDue < cutoff) otherOpenMaxOverdue = Math.max(otherOpenMaxOverdue, cutoff - openDue);
  }
  const dueDate = new Date(due * 86_400_000);
  const promises = (profile?.promisesKept ?? 0) + (profile?.promisesBroken ?? 0);
  const medianAmount = profile?.medianAmountMinor;
  const customerMedian = own(profile?.medianLateness, similar.median);
  return {
    shrunkLateness: shrink(profile ? median(profile.lateness.slice(-2 * RECENT)) : Number.NaN, Math.min(n, 2 * RECENT), similar.median, profile?.spread),
    customerMedian,
    recentMean: own(profile?.recentMean, similar.median),
    lastLateness: own(profile?.lateness[n - 1], similar.median),
    spread: own(profile?.spread, similar.spread),
    trend: own(profile?.trend, 0),
    paidCount: n,
    shareOver30: own(profile?.shareOver30, 0),
    disputeRate: profile?.disputeRate ?? 0,
    amountRatio: medianAmount && medianAmount > 0 && invoice.amountMinor > 0 ? Math.log2(invoice.amountMinor / medianAmount) : 0,
    termsDays: due - issue,
    disputed: known && invoice.disputedOn !== null && dayNumber(invoice.disputedOn) < cutoff ? 1 : 0,
    pastDueAtCutoff: known ? Math.max(0, cutoff - due) : 0,
    daysToDue: due - cutoff,
    otherOpenMaxOverdue,
    dueDayOfMonth: dueDate.getUTCDate(),
    dueDayOfWeek: dueDate.getUTCDay(),
    monthEffect: knowledge.monthEffect.get(dueDate.getUTCMonth() + 1) ?? 0,
    channelMedian: knowledge.byChannel.get(invoice.channel)?.median ?? knowledge.global.median,
    countryMedian: knowledge.byCountry.get(invoice.country)?.median ?? knowledge.global.median,
    remindersSent: known ? (invoice.reminders ?? []).filter((d) => dayNumber(d) < cutoff).length : 0,
    promisesBrokenShare: promises > 0 ? (profile!.promisesBroken / promises) : 0,
    daysSinceLastPayment: profile?.lastPaidDay != null ? cutoff - profile.lastPaidDay : 365,
    groupMedian: similar.median,
    projectedLateness: profile && n >= 4 ? own(profile.recentMean, similar.median) + profile.slope * (due - mean(profile.paidDueDays.slice(-RECENT))) : similar.median,
    monthEndPayerShare: profile?.monthEndShare ?? 0,
    dueToMonthEnd: Date.UTC(dueDate.getUTCFullYear(), dueDate.getUTCMonth() + 1, 0) / 86_400_000 - due,
  };
}

export function featureVector(features: Features): number[] {
  return FEATURE_NAMES.map((name) => (Number.isFinite(features[name]) ? features[name] : 0));
}

/** The figures of all customers a prediction run computed, as stored (maps as entry lists). */
export interface PopulationFigures {
  readonly cutoff: number;
  readonly global: GroupFigures;
  readonly byCountry: readonly (readonly [string, GroupFigures])[];
  readonly byChannel: readonly (readonly [string, GroupFigures])[];
  readonly byGroup: readonly (readonly [string, GroupFigures])[];
  readonly monthEffect: readonly (readonly [number, number])[];
}

/** What a run keeps of its knowledge for the refreshes until the next run. */
export function populationOf(knowledge: Knowledge): PopulationFigures {
  return {
    cutoff: knowledge.cutoff,
    global: knowledge.global,
    byCountry: [...knowledge.byCountry],
    byChannel: [...knowledge.byChannel],
    byGroup: [...knowledge.byGroup],
    monthEffect: [...knowledge.monthEffect],
  };
}

/** A customer's own knowledge with the figures of all customers of the latest run (none kept yet: its own). */
export function withPopulation(own: Knowledge, population: PopulationFigures | null): Knowledge {
  if (!population) return own;
  return {
    ...own,
    global: population.global,
    byCountry: new Map(population.byCountry),
    byChannel: new Map(population.byChannel),
    byGroup: new Map(population.byGroup),
    monthEffect: new Map(population.monthEffect),
  };
}
