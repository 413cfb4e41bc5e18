/**
 * The product's prediction run: learn from the product's own invoices and payments, keep the model
 * versioned with its held-out evaluation, and store for every open item its prediction, for every
 * customer its risk, and the 13-week cash-in forecast with a backtest of the one made four weeks
 * earlier. Run daily by the schedule `DailyPaymentPredictions` (retraining when the current model
 * is older than `retrainEveryDays`) and on demand.
 */
import type { Invoice } from '../invoices/invoice';
import type { Customer } from '../customers/customer';
import type { Clock } from '../time/clock';
import { addCalendarDays, calendarDateIn } from '../time/clock';
import { dayNumber, type HistoryInvoice } from './history';
import { knowledgeAt, populationOf, type PopulationFigures } from './features';
import { predictPayment, trainPaymentModel, type PaymentModel, type PaymentPrediction } from './model';
import { cashInForecast, forecastAccuracy, type ForecastAccuracy, type ForecastWeek } from './forecast';
import { customerRisk, type CustomerRisk } from './risk';

export interface StoredModel {
  readonly model: PaymentModel;
  readonly trainedAt: string;
}

export interface StoredForecast {
  readonly madeOn: string;
  readonly modelVersion: string;
  readonly weeks: readonly ForecastWeek[];
  /** The open items the forecast covered, with their open amounts then. */
  readonly items: readonly { readonly invoiceId: string; readonly currency: string; readonly openMinor: number }[];
  /** The forecast made about four weeks earlier against what arrived since (null when there was none). */
  readonly backtest: { readonly madeOn: string; readonly accuracy: readonly ForecastAccuracy[] } | null;
}

export interface StoredRisk extends CustomerRisk {
  readonly scoredOn: string;
  /** Earlier scores (date and score), the last 60 days: the sharp-rise flag compares with the one of a month ago. */
  readonly scores: readonly { readonly on: string; readonly score: number }[];
}

/** The port the run writes through (DynamoDB in the product, memory in tests). */
export interface PredictionStore {
  currentModel(): Promise<StoredModel | null>;
  /** Stores the model under its version and makes it the current one. */
  saveModel(model: StoredModel): Promise<void>;
  savePredictions(predictions: readonly PaymentPrediction[]): Promise<void>;
  predictions(invoiceIds: readonly string[]): Promise<Map<string, PaymentPrediction>>;
  risks(): Promise<Map<string, StoredRisk>>;
  risk(customerId: string): Promise<StoredRisk | null>;
  saveRisks(risks: readonly StoredRisk[]): Promise<void>;
  /** The latest forecast made on or before `date`. */
  forecastMadeOnOrBefore(date: string): Promise<StoredForecast | null>;
  saveForecast(forecast: StoredForecast): Promise<void>;
  /** Keeps the figures of all customers for the event refreshes until the next run (`event-refresh.ts`); absent: not kept. */
  savePopulation?(population: PopulationFigures): Promise<void>;
}

export interface PredictionRunDeps {
  readonly invoices: { all(): Promise<Invoice[]> };
  readonly customers: { all(): Promise<Customer[]> };
  readonly store: PredictionStore;
  readonly clock: Clock;
  readonly settings: { readonly businessTimeZone: string; readonly retrainEveryDays: number };
}

const LIVE = new Set(['OPEN', 'PARTIALLY_PAID', 'OVERDUE', 'DISPUTED']);

/** The country a customer's locale names (`de-DE` gives `DE`), else the locale itself. */
export function countryOf(customer: Pick<Customer, 'locale'> | undefined): string {
  const locale = customer?.locale ?? '';
  return /^[a-z]{2}-([A-Z]{2})$/.exec(locale)?.[1] ?? (locale || 'unknown');
}

/**
 * An invoice of the product as a history record: paid on the day (business time) of the allocation
 * that settled it; never paid when written off or credited; its first dispute, its reminders
 * (dunning letters sent) and its promises with their dates; channel `import` for imported open
 * items, `email` for invoices sent by e-mail, else `paper`.
 */
export function historyOf(invoice: Invoice, customer: Customer | undefined, timeZone: string): HistoryInvoice {
  const day = (instant: string) => calendarDateIn(new Date(instant), timeZone);
  const settled = invoice.status === 'PAID' && invoice.allocations.length > 0 ? invoice.allocations.map((a) => a.at).sort().at(-1)! : null;
  const disputes = invoice.dunning.disputes ?? [];
  return {
    invoiceId: invoice.invoiceId,
    customerId: invoice.customerId,
    country: countryOf(customer),
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    amountMinor: invoice.totalMinor,
    currency: invoice.currency,
    disputedOn: disputes.length > 0 ? day(disputes.map((d) => d.openedAt).sort()[0]!) : null,
    channel: invoice.source === 'import' ? 'import' : invoice.sentAt ? 'email' : 'paper',
    paidDate: settled ? day(settled) : null,
    reminders: invoice.dunning.history.filter((h) => h.level > 0 && h.channel !== 'none' && h.messageId !== null).map((h) => day(h.at)),
    promises: (invoice.dunning.promises ?? []).map((p) => ({ madeOn: day(p.recordedAt), promisedFor: p.promisedDate })),
  };
}

export interface PredictionRunSummary {
  readonly asOf: string;
  readonly modelVersion: string;
  readonly retrained: boolean;
  readonly evaluation: PaymentModel['evaluation'];
  readonly predictions: number;
  readonly customers: number;
  readonly sharpRises: readonly string[];
}

export async function runPredictions(deps: PredictionRunDeps, options: { readonly retrain?: boolean } = {}): Promise<PredictionRunSummary> {
  const now = deps.clock.now();
  const today = calendarDateIn(now, deps.settings.businessTimeZone);
  // Facts of today count from tomorrow's cutoff: predictions made today know everything up to now.
  const cutoff = addCalendarDays(today, 1);
  const [invoices, customers] = await Promise.all([deps.invoices.all(), deps.customers.all()]);
  const customerById = new Map(customers.map((c) => [c.customerId, c]));
  const real = invoices.filter((i) => !i.chargesOf && i.status !== 'CREDITED');
  const history = real.map((i) => historyOf(i, customerById.get(i.customerId), deps.settings.businessTimeZone));
  let stored = await deps.store.currentModel();
  const stale = !stored || dayNumber(today) - dayNumber(calendarDateIn(new Date(stored.trainedAt), deps.settings.businessTimeZone)) >= deps.settings.retrainEveryDays;
  const retrained = options.retrain === true || stale;
  if (retrained) {
    stored = { model: trainPaymentModel(history, cutoff), trainedAt: now.toISOString() };
    await deps.store.saveModel(stored);
  }
  const model = stored!.model;
  const knowledge = knowledgeAt(history, cutoff);
  const open = real.filter((i) => LIVE.has(i.status) && i.balanceMinor > 0);
  const historyById = new Map(history.map((h) => [h.invoiceId, h]));
  const computedAt = now.toISOString();
  const predictions = open.map((i) => ({ ...predictPayment(model, knowledge, historyById.get(i.invoiceId)!), computedAt }));
  await deps.store.savePredictions(predictions);
  await deps.store.savePopulation?.(populationOf(knowledge));

  const previous = await deps.store.risks();
  const monthAgo = addCalendarDays(today, -30);
  const byCustomer = new Map<string, HistoryInvoice[]>();
  for (const h of history) byCustomer.set(h.customerId, [...(byCustomer.get(h.customerId) ?? []), h]);
  const risks: StoredRisk[] = [];
  for (const [customerId, list] of byCustomer) {
    const earlier = (previous.get(customerId)?.scores ?? []).filter((s) => s.on >= addCalendarDays(today, -60) && s.on < today);
    const reference = [...earlier].filter((s) => s.on <= monthAgo).at(-1) ?? null;
    const risk = customerRisk(model, knowledge, list, reference?.score ?? null);
    if (!risk) continue;
    risks.push({ ...risk, scoredOn: today, scores: [...earlier, { on: today, score: risk.score }] });
  }
  await deps.store.saveRisks(risks);

  const predictionById = new Map(predictions.map((p) => [p.invoiceId, p]));
  const weeks = cashInForecast(
    open.map((i) => ({ invoiceId: i.invoiceId, currency: i.currency, openMinor: i.balanceMinor, dueDate: i.dueDate, latenessQuantiles: predictionById.get(i.invoiceId)!.latenessQuantiles })),
    cutoff,
  );
  const earlierForecast = await deps.store.forecastMadeOnOrBefore(addCalendarDays(today, -28));
  let backtest: StoredForecast['backtest'] = null;
  if (earlierForecast) {
    const covered = new Map(earlierForecast.items.map((i) => [i.invoiceId, i]));
    const arrived = real
      .filter((i) => covered.has(i.invoiceId))
      .flatMap((i) => i.allocations.map((a) => ({ currency: i.currency, amountMinor: a.amountMinor, paidDate: calendarDateIn(new Date(a.at), deps.settings.businessTimeZone) })));
    const past = earlierForecast.weeks.filter((w) => addCalendarDays(w.weekStart, 7) <= cutoff);
    backtest = { madeOn: earlierForecast.madeOn, accuracy: forecastAccuracy(past, arrived) };
  }
  await deps.store.saveForecast({
    madeOn: today,
    modelVersion: model.version,
    weeks,
    items: open.map((i) => ({ invoiceId: i.invoiceId, currency: i.currency, openMinor: i.balanceMinor })),
    backtest,
  });
  return {
    asOf: today,
    modelVersion: model.version,
    retrained,
    evaluation: model.evaluation,
    predictions: predictions.length,
    customers: risks.length,
    sharpRises: risks.filter((r) => r.sharpRise).map((r) => r.customerId),
  };
}
