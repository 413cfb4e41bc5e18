/** What the API shows of predictions: amounts as decimal strings, dates as calendar dates. */
import { formatAmount } from '../money/money';
import { csvLines } from '../reports/aging';
import type { PaymentPrediction } from './model';
import type { StoredForecast, StoredRisk } from './refresh';

const amount = (minor: number, currency: string) => formatAmount({ minor, currency });

/** The forecast as JSON: per week and currency, expected receipts and the 80% interval; the backtest beside it. */
export function cashForecastView(forecast: StoredForecast | null) {
  if (!forecast) return { madeOn: null, modelVersion: null, weeks: [], backtest: null, note: 'no forecast yet: the prediction run makes one (daily, or POST /predictions/runs)' };
  return {
    madeOn: forecast.madeOn,
    modelVersion: forecast.modelVersion,
    weeks: forecast.weeks.map((w) => ({ weekStart: w.weekStart, currency: w.currency, expected: amount(w.expectedMinor, w.currency), low: amount(w.lowMinor, w.currency), high: amount(w.highMinor, w.currency) })),
    backtest: forecast.backtest
      ? {
          madeOn: forecast.backtest.madeOn,
          currencies: forecast.backtest.accuracy.map((a) => ({
            currency: a.currency,
            wape: Number.isFinite(a.wape) ? a.wape : null,
            coverage: a.coverage,
            weeks: a.weeks.map((w) => ({ weekStart: w.weekStart, expected: amount(w.expectedMinor, a.currency), actual: amount(w.actualMinor, a.currency) })),
          })),
        }
      : null,
  };
}

/** `week_start,currency,expected,low,high`, the same columns as `npm run predict:evaluate -- --forecast-out`. */
export function cashForecastCsv(forecast: StoredForecast | null): string {
  return csvLines([
    ['week_start', 'currency', 'expected', 'low', 'high'],
    ...(forecast?.weeks ?? []).map((w) => [w.weekStart, w.currency, amount(w.expectedMinor, w.currency), amount(w.lowMinor, w.currency), amount(w.highMinor, w.currency)]),
  ]);
}

/** A prediction as shown on an invoice. */
export function predictionView(p: PaymentPrediction) {
  return {
    predictedPaidDate: p.predictedPaidDate,
    interval80: { low: p.low, high: p.high },
    latenessDays: p.latenessDays,
    probabilityLate: p.probabilityLate,
    reasons: p.reasons,
    basis: p.basis,
    modelVersion: p.modelVersion,
    predictedOn: p.cutoff,
    computedAt: p.computedAt ?? null,
    refreshedBy: p.refreshedBy ?? null,
  };
}

/** A customer's risk as shown to finance (on credit holds and the customer). */
export function riskView(r: StoredRisk) {
  return {
    score: r.score,
    reasons: r.reasons,
    suggestedCreditLimit: amount(r.suggestedCreditLimitMinor, r.currency),
    currency: r.currency,
    previousScore: r.previousScore,
    sharpRise: r.sharpRise,
    scoredOn: r.scoredOn,
  };
}
