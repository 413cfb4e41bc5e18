/**
 * The cash-in forecast: per currency and week, the expected receipts of the open items from their
 * predicted payment-date distributions, with an 80% interval; and its error against what arrived.
 */
import { cdfAt } from './model';
import { dateOfDay, dayNumber } from './history';

export interface ForecastItem {
  readonly invoiceId: string;
  readonly currency: string;
  /** The open amount, minor units. */
  readonly openMinor: number;
  readonly dueDate: string;
  /** Lateness quantiles of the item's prediction (0%, 5%, ..., 100%). */
  readonly latenessQuantiles: readonly number[];
}

export interface ForecastWeek {
  readonly weekStart: string;
  readonly currency: string;
  /** Minor units. */
  readonly expectedMinor: number;
  readonly lowMinor: number;
  readonly highMinor: number;
}

/** z of the 10% and 90% normal quantiles. */
const Z80 = 1.2815515655446004;

/**
 * Weeks of 7 days from `from` (inclusive), per currency present in `items`, in currency then week
 * order. An item's chance of arriving in a week is its distribution's mass on the week's days. The
 * interval treats the items as independent payers plus a common share (`commonShare`, default
 * 0.15) of each week's expectation that moves together (a slow month hits everyone), so it does
 * not collapse to nothing when there are many small items.
 */
export function cashInForecast(items: readonly ForecastItem[], from: string, weeks = 13, commonShare = 0.15): ForecastWeek[] {
  const start = dayNumber(from);
  const currencies = [...new Set(items.map((i) => i.currency))].sort();
  const rows: ForecastWeek[] = [];
  for (const currency of currencies) {
    const own = items.filter((i) => i.currency === currency);
    for (let w = 0; w < weeks; w++) {
      const weekStart = start + 7 * w;
      let expected = 0;
      let variance = 0;
      for (const item of own) {
        const due = dayNumber(item.dueDate);
        const p = Math.max(0, cdfAt(item.latenessQuantiles, weekStart + 7 - due - 0.5) - cdfAt(item.latenessQuantiles, weekStart - due - 0.5));
        expected += item.openMinor * p;
        variance += item.openMinor * item.openMinor * p * (1 - p);
      }
      const sigma = Math.sqrt(variance + (commonShare * expected) ** 2);
      rows.push({
        weekStart: dateOfDay(weekStart),
        currency,
        expectedMinor: Math.round(expected),
        lowMinor: Math.max(0, Math.round(expected - Z80 * sigma)),
        highMinor: Math.round(expected + Z80 * sigma),
      });
    }
  }
  return rows;
}

export interface ArrivedPayment {
  readonly currency: string;
  readonly amountMinor: number;
  readonly paidDate: string;
}

export interface ForecastAccuracy {
  readonly currency: string;
  /** Weighted absolute percentage error over the weeks: sum |actual - expected| / sum actual. */
  readonly wape: number;
  /** Share of weeks whose receipts fell inside the interval. */
  readonly coverage: number;
  readonly weeks: readonly { readonly weekStart: string; readonly expectedMinor: number; readonly actualMinor: number }[];
}

/** Compares forecast weeks with the payments that arrived in them (only weeks entirely in the past should be passed). */
export function forecastAccuracy(forecast: readonly ForecastWeek[], arrived: readonly ArrivedPayment[]): ForecastAccuracy[] {
  const byCurrency = new Map<string, ForecastWeek[]>();
  for (const row of forecast) byCurrency.set(row.currency, [...(byCurrency.get(row.currency) ?? []), row]);
  return [...byCurrency].map(([currency, rows]) => {
    const weeks = rows.map((row) => {
      const start = dayNumber(row.weekStart);
      const actualMinor = arrived
        .filter((p) => p.currency === currency && dayNumber(p.paidDate) >= start && dayNumber(p.paidDate) < start + 7)
        .reduce((a, p) => a + p.amountMinor, 0);
      return { weekStart: row.weekStart, expectedMinor: row.expectedMinor, actualMinor, inside: actualMinor >= row.lowMinor && actualMinor <= row.highMinor };
    });
    const actual = weeks.reduce((a, w) => a + w.actualMinor, 0);
    const error = weeks.reduce((a, w) => a + Math.abs(w.actualMinor - w.expectedMinor), 0);
    return {
      currency,
      wape: actual > 0 ? Math.round((error / actual) * 1000) / 1000 : Number.NaN,
      coverage: Math.round((weeks.filter((w) => w.inside).length / Math.max(1, weeks.length)) * 100) / 100,
      weeks: weeks.map(({ inside: _inside, ...w }) => w),
    };
  });
}
