/**
 * The measured evaluation of the payment-date model on a history: train at a cutoff with what was
 * known then, predict every invoice open at the cutoff or issued after it, and compare with what
 * happened (and with two baselines: the due date, and the customer's median lateness before the
 * cutoff). The same function backs `npm run predict:evaluate` and the product's stored evaluation.
 */
import { dayNumber, latenessDays, type HistoryInvoice } from './history';
import { knowledgeAt } from './features';
import { predictPayment, trainPaymentModel, type PaymentModel, type PaymentPrediction, type TrainOptions } from './model';
import { cashInForecast, forecastAccuracy, type ForecastAccuracy, type ForecastWeek } from './forecast';
import { mean, median } from './stats';

export interface EvaluationSummary {
  readonly cutoff: string;
  readonly model: { readonly version: string; readonly kind: string; readonly heldOut: PaymentModel['evaluation'] };
  /** Invoices predicted (open at the cutoff or issued after it). */
  readonly predicted: number;
  /** Of those, the ones paid in the history: the test set the errors are measured on. */
  readonly testSize: number;
  readonly maeDays: { readonly model: number; readonly dueDateBaseline: number; readonly customerMedianBaseline: number };
  /** The same errors for invoices open at the cutoff, issued after it, and of customers without paid history at the cutoff. */
  readonly maeDaysBySegment: Readonly<Record<'openAtCutoff' | 'issuedAfterCutoff' | 'noHistory', { readonly size: number; readonly model: number; readonly customerMedianBaseline: number }>>;
  /** Share of paid test invoices whose payment date fell inside the predicted 80% interval. */
  readonly intervalCoverage: number;
  /** Of the test invoices predicted more than 30 days late with probability p, how many were: mean p against the observed share. */
  readonly over30Calibration: { readonly meanProbability: number; readonly observedShare: number };
  readonly forecast: readonly (Omit<ForecastAccuracy, 'weeks'> & { readonly weeks: number })[];
}

export interface Evaluation {
  readonly model: PaymentModel;
  readonly predictions: readonly PaymentPrediction[];
  readonly forecast: readonly ForecastWeek[];
  readonly summary: EvaluationSummary;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function evaluatePaymentModel(history: readonly HistoryInvoice[], cutoff: string, options: TrainOptions = {}, progress?: (message: string) => void): Evaluation {
  const c = dayNumber(cutoff);
  const model = trainPaymentModel(history, cutoff, options, progress);
  const knowledge = knowledgeAt(history, cutoff);
  const test = history.filter((i) => dayNumber(i.issueDate) >= c || i.paidDate === null || dayNumber(i.paidDate) >= c);
  progress?.(`predicting ${test.length} invoices`);
  const predictions = test.map((invoice) => predictPayment(model, knowledge, invoice));
  const paid = test.map((invoice, i) => ({ invoice, prediction: predictions[i]!, lateness: latenessDays(invoice) })).filter((r) => r.lateness !== null);
  const globalMedian = knowledge.global.median;
  const customerMedian = (customerId: string) => {
    const profile = knowledge.customers.get(customerId);
    return profile && profile.lateness.length > 0 ? median(profile.lateness) : globalMedian;
  };
  const errorOf = (rows: typeof paid) => ({
    size: rows.length,
    model: round2(mean(rows.map((r) => Math.abs(r.lateness! - r.prediction.latenessDays)))),
    customerMedianBaseline: round2(mean(rows.map((r) => Math.abs(r.lateness! - customerMedian(r.invoice.customerId))))),
  });
  const open = paid.filter((r) => dayNumber(r.invoice.issueDate) < c);
  const after = paid.filter((r) => dayNumber(r.invoice.issueDate) >= c);
  const noHistory = paid.filter((r) => r.prediction.basis === 'similar customers');
  const inside = paid.filter((r) => r.invoice.paidDate! >= r.prediction.low && r.invoice.paidDate! <= r.prediction.high).length;
  const openItems = history.filter((i) => dayNumber(i.issueDate) < c && (i.paidDate === null || dayNumber(i.paidDate) >= c));
  const predictionById = new Map(predictions.map((p) => [p.invoiceId, p]));
  const forecast = cashInForecast(
    openItems.map((i) => ({ invoiceId: i.invoiceId, currency: i.currency, openMinor: i.amountMinor, dueDate: i.dueDate, latenessQuantiles: predictionById.get(i.invoiceId)!.latenessQuantiles })),
    cutoff,
  );
  const lastDay = Math.max(...history.map((i) => Math.max(dayNumber(i.issueDate), i.paidDate ? dayNumber(i.paidDate) : 0)));
  const completeWeeks = forecast.filter((w) => dayNumber(w.weekStart) + 7 <= lastDay + 1);
  const accuracy = forecastAccuracy(
    completeWeeks,
    openItems.filter((i) => i.paidDate !== null).map((i) => ({ currency: i.currency, amountMinor: i.amountMinor, paidDate: i.paidDate! })),
  );
  const summary: EvaluationSummary = {
    cutoff,
    model: { version: model.version, kind: model.kind, heldOut: model.evaluation },
    predicted: predictions.length,
    testSize: paid.length,
    maeDays: {
      model: errorOf(paid).model,
      dueDateBaseline: round2(mean(paid.map((r) => Math.abs(r.lateness!)))),
      customerMedianBaseline: errorOf(paid).customerMedianBaseline,
    },
    maeDaysBySegment: { openAtCutoff: errorOf(open), issuedAfterCutoff: errorOf(after), noHistory: errorOf(noHistory) },
    intervalCoverage: round2(paid.length > 0 ? inside / paid.length : Number.NaN),
    over30Calibration: {
      meanProbability: round2(mean(paid.map((r) => r.prediction.probabilityLate.over30))),
      observedShare: round2(paid.filter((r) => r.lateness! > 30).length / Math.max(1, paid.length)),
    },
    forecast: accuracy.map(({ weeks, ...rest }) => ({ ...rest, weeks: weeks.length })),
  };
  return { model, predictions, forecast, summary };
}
