/**
 * The payment-date model: trained on what was known at a cutoff, chosen by measurement between
 * robust per-customer statistics (shrunk towards similar customers) and boosted trees, with an 80%
 * interval and late-payment probabilities from conformal residuals measured on held-out periods.
 *
 * Training never reads past the cutoff: the history is cut by {@link historyKnownAt} first, and
 * the examples are invoices seen from earlier "pseudo-cutoffs", labelled by payments made before
 * the real cutoff.
 */
import { dateOfDay, dayNumber, historyKnownAt, latenessDays, type HistoryInvoice } from './history';
import { featureVector, featuresOf, knowledgeAt, FEATURE_NAMES, type Features, type InvoiceFacts, type Knowledge } from './features';
import { contributionsBoostedTrees, fitBoostedTrees, predictBoostedTrees, DEFAULT_BOOST, type BoostedTrees, type BoostOptions } from './gbt';
import { mean, quantileSorted } from './stats';

export type ModelKind = 'shrunk-median' | 'boosted-trees' | 'blend';
/** Residuals are calibrated per situation at the cutoff (Mondrian conformal). */
export type Situation = 'past-due' | 'not-yet-due' | 'not-yet-issued';

export interface ModelEvaluation {
  /** The held-out period: examples seen from pseudo-cutoffs in it, labelled by payments before the cutoff. */
  readonly heldOutFrom: string;
  readonly heldOutTo: string;
  readonly trainingExamples: number;
  readonly heldOutExamples: number;
  /** Mean absolute error in days of each candidate on the held-out period. */
  readonly maeDays: Readonly<Record<ModelKind | 'due-date' | 'customer-median', number>>;
  /** Share of held-out payments inside the 80% interval (the interval is calibrated on this period, so near 0.8 by construction). */
  readonly coverage: number;
  readonly chosen: ModelKind;
}

export interface PaymentModel {
  readonly version: string;
  readonly cutoff: string;
  readonly kind: ModelKind;
  readonly trees: BoostedTrees | null;
  /** Sorted normalised residuals ((actual - point) / scale), at 2.5% steps, per situation. */
  readonly residuals: Readonly<Record<Situation, readonly number[]>>;
  readonly evaluation: ModelEvaluation;
}

export interface TrainOptions {
  /** Days between pseudo-cutoffs (default 14). */
  readonly stepDays?: number;
  /** How far back the first pseudo-cutoff lies (default 400 days). */
  readonly lookbackDays?: number;
  /** Invoices issued this many days after a pseudo-cutoff are examples of it too (default 28). */
  readonly horizonDays?: number;
  readonly boost?: BoostOptions;
  /** Relative improvement the trees need over the statistics to be chosen (default 0.03). */
  readonly minImprovement?: number;
}

interface Example {
  readonly invoice: HistoryInvoice;
  readonly features: Features;
  readonly row: number[];
  readonly lateness: number;
  readonly situation: Situation;
  readonly cutoff: number;
}

export function situationOf(features: Pick<Features, 'pastDueAtCutoff' | 'daysToDue' | 'termsDays'>, issuedBeforeCutoff: boolean): Situation {
  if (!issuedBeforeCutoff) return 'not-yet-issued';
  return features.pastDueAtCutoff > 0 ? 'past-due' : 'not-yet-due';
}

/** The smallest lateness still possible at the cutoff: an invoice open then is paid on or after it. */
export function latenessFloor(knowledge: Knowledge, invoice: Pick<InvoiceFacts, 'issueDate' | 'dueDate'>): number {
  const due = dayNumber(invoice.dueDate);
  return Math.max(dayNumber(invoice.issueDate), knowledge.cutoff) - due;
}

/** The robust statistics' point: the customer's recent median shrunk to similar customers, conditioned on what is already late. */
export function statisticsPoint(knowledge: Knowledge, invoice: InvoiceFacts, features: Features): number {
  const floor = latenessFloor(knowledge, invoice);
  const profile = knowledge.customers.get(invoice.customerId);
  if (features.pastDueAtCutoff > 0) {
    const later = (profile?.lateness ?? []).filter((l) => l >= floor).sort((a, b) => a - b);
    return later.length >= 2 ? Math.max(floor, quantileSorted(later, 0.5)) : floor + Math.max(7, features.spread);
  }
  return Math.max(floor, features.shrunkLateness + (features.disputed ? 14 : 0));
}

/** The scale residuals are normalised by: the customer's spread, never below a few days. */
function scaleOf(features: Features): number {
  return 3 + Math.min(features.spread, 60);
}

function examplesAt(known: readonly HistoryInvoice[], pseudoCutoff: number, labelBefore: number, horizonDays: number): Example[] {
  const knowledge = knowledgeAt(known, dateOfDay(pseudoCutoff));
  const examples: Example[] = [];
  for (const invoice of known) {
    const issue = dayNumber(invoice.issueDate);
    const openAtCutoff = issue < pseudoCutoff && (invoice.paidDate === null || dayNumber(invoice.paidDate) >= pseudoCutoff);
    const issuedSoonAfter = issue >= pseudoCutoff && issue < pseudoCutoff + horizonDays;
    if (!openAtCutoff && !issuedSoonAfter) continue;
    let lateness = latenessDays(invoice);
    if (lateness === null) {
      // Still unpaid at the real cutoff: only a long delay is a label worth keeping (its lower bound).
      const pastDue = labelBefore - dayNumber(invoice.dueDate);
      if (pastDue < 60) continue;
      lateness = pastDue;
    }
    const features = featuresOf(knowledge, invoice);
    examples.push({ invoice, features, row: featureVector(features), lateness, situation: situationOf(features, issue < pseudoCutoff), cutoff: pseudoCutoff });
  }
  return examples;
}

interface Candidate {
  readonly kind: ModelKind;
  readonly trees: BoostedTrees | null;
}

function pointOf(candidate: Candidate, knowledge: Knowledge, invoice: InvoiceFacts, features: Features): number {
  const floor = latenessFloor(knowledge, invoice);
  if (candidate.kind === 'boosted-trees' && candidate.trees) return Math.max(floor, predictBoostedTrees(candidate.trees, featureVector(features)));
  if (candidate.kind === 'blend' && candidate.trees) return Math.max(floor, (predictBoostedTrees(candidate.trees, featureVector(features)) + statisticsPoint(knowledge, invoice, features)) / 2);
  return statisticsPoint(knowledge, invoice, features);
}

function residualQuantiles(values: number[]): number[] {
  const sorted = values.sort((a, b) => a - b);
  if (sorted.length === 0) return [-1, 0, 1];
  return Array.from({ length: 41 }, (_, k) => quantileSorted(sorted, k / 40));
}

/**
 * Trains a model on `history` as known at `cutoffDate`. The later pseudo-cutoffs are held out:
 * both candidates are fitted on the earlier ones and measured on them; the simpler wins unless
 * the trees beat it by `minImprovement`; the residuals there calibrate the interval. The chosen
 * kind is then refitted on all examples.
 */
export function trainPaymentModel(history: readonly HistoryInvoice[], cutoffDate: string, options: TrainOptions = {}, progress?: (message: string) => void): PaymentModel {
  const cutoff = dayNumber(cutoffDate);
  const known = historyKnownAt(history, cutoff);
  const step = options.stepDays ?? 14;
  const lookback = options.lookbackDays ?? 400;
  const horizon = options.horizonDays ?? 28;
  const earliest = Math.min(...known.map((i) => dayNumber(i.issueDate)), cutoff);
  const first = Math.max(cutoff - lookback, earliest + 60);
  const last = cutoff - 45;
  const heldOutFrom = Math.max(first + step, last - 120);
  const train: Example[] = [];
  const heldOut: Example[] = [];
  for (let c = last; c >= first; c -= step) {
    const examples = examplesAt(known, c, cutoff, horizon);
    (c >= heldOutFrom ? heldOut : train).push(...examples);
  }
  progress?.(`training on ${train.length} examples, holding out ${heldOut.length} (pseudo-cutoffs from ${dateOfDay(first)} to ${dateOfDay(last)})`);
  const statistics: Candidate = { kind: 'shrunk-median', trees: null };
  const boost = options.boost ?? DEFAULT_BOOST;
  const earlyTrees: Candidate = { kind: 'boosted-trees', trees: train.length >= 200 ? fitBoostedTrees(train.map((e) => e.row), train.map((e) => e.lateness), boost) : null };
  const knowledgeCache = new Map<number, Knowledge>();
  const knowledgeFor = (c: number) => {
    let k = knowledgeCache.get(c);
    if (!k) knowledgeCache.set(c, (k = knowledgeAt(known, dateOfDay(c))));
    return k;
  };
  const heldOutInvoices = heldOut.map((e) => ({ e, k: knowledgeFor(e.cutoff) }));
  const invoiceFacts = (e: Example): InvoiceFacts => e.invoice;
  const errors = (points: number[]) => mean(heldOut.map((e, i) => Math.abs(e.lateness - points[i]!)));
  const statisticsPoints = heldOutInvoices.map(({ e, k }) => pointOf(statistics, k, invoiceFacts(e), e.features));
  const treePoints = earlyTrees.trees ? heldOutInvoices.map(({ e, k }) => pointOf(earlyTrees, k, invoiceFacts(e), e.features)) : statisticsPoints;
  const blendPoints = heldOutInvoices.map(({ e, k }, i) => Math.max(latenessFloor(k, e.invoice), (treePoints[i]! + statisticsPoints[i]!) / 2));
  const maeStatistics = errors(statisticsPoints);
  const maeTrees = earlyTrees.trees ? errors(treePoints) : Number.NaN;
  const maeBlend = earlyTrees.trees ? errors(blendPoints) : Number.NaN;
  const minImprovement = options.minImprovement ?? 0.03;
  // The simplest that wins: the statistics unless trees (alone or averaged with the statistics) beat them clearly.
  const bestTreeKind: ModelKind = maeBlend < maeTrees ? 'blend' : 'boosted-trees';
  const chosen: ModelKind = earlyTrees.trees && Math.min(maeTrees, maeBlend) < maeStatistics * (1 - minImprovement) ? bestTreeKind : 'shrunk-median';
  const chosenPoints = chosen === 'boosted-trees' ? treePoints : chosen === 'blend' ? blendPoints : statisticsPoints;
  const bySituation: Record<Situation, number[]> = { 'past-due': [], 'not-yet-due': [], 'not-yet-issued': [] };
  heldOut.forEach((e, i) => bySituation[e.situation].push((e.lateness - chosenPoints[i]!) / scaleOf(e.features)));
  const residuals = {
    'past-due': residualQuantiles(bySituation['past-due']),
    'not-yet-due': residualQuantiles(bySituation['not-yet-due']),
    'not-yet-issued': residualQuantiles(bySituation['not-yet-issued'].length >= 20 ? bySituation['not-yet-issued'] : [...bySituation['not-yet-due']]),
  };
  let inside = 0;
  heldOut.forEach((e, i) => {
    const r = residuals[e.situation];
    const s = scaleOf(e.features);
    if (e.lateness >= chosenPoints[i]! + s * quantileSorted(r, 0.1) && e.lateness <= chosenPoints[i]! + s * quantileSorted(r, 0.9)) inside++;
  });
  progress?.(`held-out MAE: statistics ${maeStatistics.toFixed(2)} days, boosted trees ${maeTrees.toFixed(2)} days, their average ${maeBlend.toFixed(2)} days; chosen ${chosen}`);
  const all = [...train, ...heldOut];
  const trees = chosen !== 'shrunk-median' ? fitBoostedTrees(all.map((e) => e.row), all.map((e) => e.lateness), boost) : null;
  return {
    version: `${cutoffDate}-${chosen}`,
    cutoff: cutoffDate,
    kind: chosen,
    trees,
    residuals,
    evaluation: {
      heldOutFrom: dateOfDay(heldOutFrom),
      heldOutTo: dateOfDay(last),
      trainingExamples: train.length,
      heldOutExamples: heldOut.length,
      maeDays: {
        'shrunk-median': round2(maeStatistics),
        'boosted-trees': round2(maeTrees),
        blend: round2(maeBlend),
        'due-date': round2(mean(heldOut.map((e) => Math.abs(e.lateness)))),
        'customer-median': round2(mean(heldOut.map((e) => Math.abs(e.lateness - e.features.customerMedian)))),
      },
      coverage: heldOut.length > 0 ? round2(inside / heldOut.length) : Number.NaN,
      chosen,
    },
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

export interface PaymentPrediction {
  readonly invoiceId: string;
  readonly predictedPaidDate: string;
  /** The 80% interval of the payment date. */
  readonly low: string;
  readonly high: string;
  /** Predicted days after the due date (negative: early). */
  readonly latenessDays: number;
  readonly probabilityLate: { readonly over0: number; readonly over30: number; readonly over60: number };
  /** The few factors that weigh most, in words. */
  readonly reasons: readonly string[];
  /** Whether the customer's own history was there, or only that of similar customers. */
  readonly basis: 'customer history' | 'similar customers';
  readonly modelVersion: string;
  readonly cutoff: string;
  /** Lateness (days after due) at the 0%, 5%, ..., 100% points of the predictive distribution. */
  readonly latenessQuantiles: readonly number[];
  /** When the prediction was made and stored (the one clock); absent on predictions stored before it was kept. */
  readonly computedAt?: string;
  /** The domain event type that had it made again (`event-refresh.ts`); absent: the prediction run. */
  readonly refreshedBy?: string;
}

/** The probability that lateness exceeds `days`, read from the quantile points. */
export function probabilityOver(quantiles: readonly number[], days: number): number {
  return 1 - cdfAt(quantiles, days);
}

/** The share of the distribution at or below `days` (linear between the quantile points). */
export function cdfAt(quantiles: readonly number[], days: number): number {
  const n = quantiles.length - 1;
  if (days < quantiles[0]!) return 0;
  if (days >= quantiles[n]!) return 1;
  let k = 0;
  while (k < n && quantiles[k + 1]! <= days) k++;
  const lo = quantiles[k]!;
  const hi = quantiles[k + 1]!;
  const within = hi > lo ? (days - lo) / (hi - lo) : 1;
  return (k + within) / n;
}

/**
 * The prediction for one invoice, seen at the knowledge's cutoff (which must be the model's own
 * cutoff or later; the model's residuals are reused as they are).
 */
export function predictPayment(model: PaymentModel, knowledge: Knowledge, invoice: InvoiceFacts): PaymentPrediction {
  const features = featuresOf(knowledge, invoice);
  const floor = latenessFloor(knowledge, invoice);
  const candidate: Candidate = { kind: model.kind, trees: model.trees };
  const point = pointOf(candidate, knowledge, invoice, features);
  const scale = scaleOf(features);
  const situation = situationOf(features, dayNumber(invoice.issueDate) < knowledge.cutoff);
  const residuals = model.residuals[situation];
  const latenessQuantiles = Array.from({ length: 21 }, (_, k) => Math.max(floor, point + scale * quantileSorted(residuals, k / 20)));
  for (let k = 1; k < latenessQuantiles.length; k++) latenessQuantiles[k] = Math.max(latenessQuantiles[k]!, latenessQuantiles[k - 1]!);
  const due = dayNumber(invoice.dueDate);
  const middle = Math.round(latenessQuantiles[10]!);
  const basis = features.paidCount > 0 ? 'customer history' : 'similar customers';
  return {
    invoiceId: invoice.invoiceId,
    predictedPaidDate: dateOfDay(due + middle),
    low: dateOfDay(due + Math.floor(latenessQuantiles[2]!)),
    high: dateOfDay(due + Math.ceil(latenessQuantiles[18]!)),
    latenessDays: middle,
    probabilityLate: {
      over0: round2(probabilityOver(latenessQuantiles, 0)),
      over30: round2(probabilityOver(latenessQuantiles, 30)),
      over60: round2(probabilityOver(latenessQuantiles, 60)),
    },
    reasons: reasonsFor(model, knowledge, invoice, features, point),
    basis,
    modelVersion: model.version,
    cutoff: dateOfDay(knowledge.cutoff),
    latenessQuantiles: latenessQuantiles.map((q) => Math.round(q * 10) / 10),
  };
}

type Factor = 'history' | 'trend' | 'amount' | 'dispute' | 'past-due' | 'other-overdue' | 'terms' | 'calendar' | 'similar' | 'reminders' | 'promises';

const FACTOR_OF: Record<(typeof FEATURE_NAMES)[number], Factor> = {
  shrunkLateness: 'history',
  customerMedian: 'history',
  recentMean: 'history',
  lastLateness: 'history',
  spread: 'history',
  paidCount: 'history',
  shareOver30: 'history',
  daysSinceLastPayment: 'history',
  trend: 'trend',
  amountRatio: 'amount',
  disputed: 'dispute',
  disputeRate: 'dispute',
  pastDueAtCutoff: 'past-due',
  daysToDue: 'terms',
  termsDays: 'terms',
  otherOpenMaxOverdue: 'other-overdue',
  dueDayOfMonth: 'calendar',
  dueDayOfWeek: 'calendar',
  monthEffect: 'calendar',
  channelMedian: 'similar',
  countryMedian: 'similar',
  groupMedian: 'similar',
  remindersSent: 'reminders',
  promisesBrokenShare: 'promises',
  projectedLateness: 'trend',
  monthEndPayerShare: 'calendar',
  dueToMonthEnd: 'calendar',
};

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function describe(factor: Factor, knowledge: Knowledge, invoice: InvoiceFacts, f: Features): string {
  const profile = knowledge.customers.get(invoice.customerId);
  const days = (n: number) => `${Math.round(Math.abs(n))} day${Math.round(Math.abs(n)) === 1 ? '' : 's'} ${n < 0 ? 'early' : 'late'}`;
  switch (factor) {
    case 'history': {
      const recent = profile?.lateness.slice(-6) ?? [];
      if (recent.length === 0) return 'customer has no payment history';
      return `customer paid its last ${recent.length} invoice${recent.length === 1 ? '' : 's'} ${days(mean(recent))} on average`;
    }
    case 'trend':
      if (Math.abs(f.trend) < 1 && profile && Math.abs(profile.slope) > 0.02) return `customer's lateness is drifting by ${Math.round(profile.slope * 30)} days a month`;
      return `customer's lateness ${f.trend >= 0 ? 'rose' : 'fell'} by ${Math.round(Math.abs(f.trend))} days against its earlier invoices`;
    case 'amount': {
      const ratio = 2 ** f.amountRatio;
      return ratio >= 1 ? `amount ${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1)}x its usual` : `amount ${Math.round(ratio * 100)}% of its usual`;
    }
    case 'dispute':
      return f.disputed ? 'invoice is disputed' : `customer disputed ${Math.round(f.disputeRate * 100)}% of its invoices`;
    case 'past-due':
      return `already ${f.pastDueAtCutoff} days past due`;
    case 'other-overdue':
      return f.otherOpenMaxOverdue > 0 ? `another invoice of the customer is ${f.otherOpenMaxOverdue} days overdue` : 'no other invoice of the customer is overdue';
    case 'terms':
      return `payment terms of ${f.termsDays} days`;
    case 'calendar': {
      const month = MONTHS[Number(invoice.dueDate.slice(5, 7)) - 1];
      if (f.monthEndPayerShare >= 0.6) return `customer pays in a month-end run (${Math.round(f.monthEndPayerShare * 100)}% of its payments)`;
      return f.dueDayOfMonth >= 25 ? `due at the end of ${month}` : `due in ${month}`;
    }
    case 'similar': {
      const similar = knowledge.byGroup.get(`${invoice.country}|${invoice.channel}`);
      return `customers in ${invoice.country} receiving ${invoice.channel} invoices pay ${days(f.groupMedian)} (median${similar ? ` of ${similar.count} payments` : ''})`;
    }
    case 'reminders':
      return `${f.remindersSent} reminder${f.remindersSent === 1 ? '' : 's'} sent`;
    case 'promises':
      return `customer broke ${Math.round(f.promisesBrokenShare * 100)}% of its promises to pay`;
  }
}

/** The three factors that weigh most, in words, each with what it adds to the predicted lateness. */
function reasonsFor(model: PaymentModel, knowledge: Knowledge, invoice: InvoiceFacts, features: Features, point: number): string[] {
  const weights = new Map<Factor, number>();
  const add = (factor: Factor, value: number) => weights.set(factor, (weights.get(factor) ?? 0) + value);
  const globalMedian = knowledge.global.median;
  if (model.kind !== 'shrunk-median' && model.trees) {
    // A blend halves each tree contribution (the statistics' half is credited to history and the group).
    const share = model.kind === 'blend' ? 0.5 : 1;
    const { byFeature } = contributionsBoostedTrees(model.trees, featureVector(features));
    FEATURE_NAMES.forEach((name, i) => add(FACTOR_OF[name], share * byFeature[i]!));
    if (model.kind === 'blend') {
      add('similar', 0.5 * (features.groupMedian - globalMedian));
      if (features.paidCount > 0) add('history', 0.5 * (features.shrunkLateness - features.groupMedian));
    }
  } else {
    const own = features.paidCount > 0 ? features.shrunkLateness - features.groupMedian : 0;
    add('similar', features.groupMedian - globalMedian);
    if (features.paidCount > 0) add('history', own);
    if (features.disputed) add('dispute', 14);
    if (features.pastDueAtCutoff > 0) add('past-due', point - features.shrunkLateness);
  }
  const ranked = [...weights].filter(([, w]) => Math.abs(w) >= 0.5).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1])).slice(0, 3);
  const reasons = ranked.map(([factor, w]) => `${describe(factor, knowledge, invoice, features)} (${w >= 0 ? '+' : '-'}${Math.round(Math.abs(w))} days)`);
  if (features.paidCount === 0) {
    const similar = knowledge.byGroup.get(`${invoice.country}|${invoice.channel}`);
    reasons.unshift(
      `no payment history: predicted from similar customers (${similar && similar.count >= 5 ? `${invoice.country}, ${invoice.channel}, ${similar.count} payments` : 'all customers'})`,
    );
  }
  if (reasons.length === 0 && features.paidCount > 0) reasons.push(describe('history', knowledge, invoice, features));
  if (reasons.length === 0) reasons.push(`in line with all customers (median ${Math.round(globalMedian)} days after due)`);
  return reasons;
}
