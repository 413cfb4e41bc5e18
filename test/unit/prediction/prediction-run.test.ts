/**
 * The product's prediction run over in-memory ports: it learns from the product's invoices, keeps
 * the model versioned with its evaluation, stores predictions, risks and the forecast, retrains
 * only when the model is a week old, backtests the forecast of four weeks earlier; and the
 * cash-forecast route shows the stored forecast as JSON and CSV.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiEvent, bodyOf, lambdaContext, stubHandlerEnvironment } from '../../support/api-events';
import { runPredictions, historyOf } from '../../../lambdas/core/prediction/refresh';
import type { Customer } from '../../../lambdas/core/customers/customer';
import { dayNumber } from '../../../lambdas/core/prediction/history';
import { generateHistory } from '../../benchmarks/prediction/synthetic-history';
import { MemoryPredictionStore, productInvoice } from '../../support/prediction-invoices';

const history = generateHistory({ customers: 50, seed: 11, start: '2025-01-01', months: 16 });
const customers = [...new Set(history.map((h) => h.customerId))].map(
  (customerId) => ({ customerId, locale: `en-${history.find((h) => h.customerId === customerId)!.country}` }) as unknown as Customer,
);

function depsAt(instant: string, store: MemoryPredictionStore) {
  const asOf = instant.slice(0, 10);
  return {
    invoices: { all: async () => history.filter((h) => h.issueDate <= asOf).map((h) => productInvoice(h, asOf)) },
    customers: { all: async () => customers },
    store,
    clock: { now: () => new Date(instant) },
    settings: { businessTimeZone: 'Europe/Berlin', retrainEveryDays: 7 },
  };
}

describe('the prediction run', () => {
  const store = new MemoryPredictionStore();

  it('reads a product invoice as history: paid on its settling allocation\'s business day, country from the locale', () => {
    const invoice = productInvoice(history.find((h) => h.paidDate !== null)!, '2030-01-01');
    const h = historyOf({ ...invoice, allocations: [{ paymentId: 'p', amountMinor: invoice.totalMinor, at: '2026-01-31T23:30:00.000Z' }] }, { locale: 'de-DE' } as Customer, 'Europe/Berlin');
    expect(h.paidDate).toBe('2026-02-01');
    expect(h.country).toBe('DE');
  });

  it('trains, stores a prediction per open item, a risk per customer and the forecast', async () => {
    const summary = await runPredictions(depsAt('2026-02-02T04:30:00Z', store));
    expect(summary.retrained).toBe(true);
    expect(store.models).toHaveLength(1);
    expect(store.models[0]!.model.evaluation.heldOutExamples).toBeGreaterThan(0);
    const open = history.filter((h) => h.issueDate <= '2026-02-02' && (h.paidDate === null || h.paidDate >= '2026-02-02'));
    expect(summary.predictions).toBe(open.length);
    for (const h of open) {
      const p = store.stored.get(h.invoiceId)!;
      expect(p.predictedPaidDate >= '2026-02-03').toBe(true);
      expect(p.reasons.length).toBeGreaterThan(0);
    }
    expect(store.riskById.size).toBe(new Set(history.filter((h) => h.issueDate <= '2026-02-02').map((h) => h.customerId)).size);
    expect(store.forecasts[0]!.weeks.filter((w) => w.currency === 'EUR')).toHaveLength(13);
    expect(store.forecasts[0]!.backtest).toBeNull();
  });

  it('uses the same model the next day, and retrains a week later', async () => {
    expect((await runPredictions(depsAt('2026-02-03T04:30:00Z', store))).retrained).toBe(false);
    expect((await runPredictions(depsAt('2026-02-09T04:30:00Z', store))).retrained).toBe(true);
    expect(store.models).toHaveLength(2);
  });

  it('backtests the forecast made four weeks earlier against what arrived', async () => {
    await runPredictions(depsAt('2026-03-03T04:30:00Z', store));
    const latest = store.forecasts.at(-1)!;
    expect(latest.backtest!.madeOn).toBe('2026-02-03');
    const eur = latest.backtest!.accuracy.find((a) => a.currency === 'EUR')!;
    expect(eur.weeks.length).toBe(4);
    const paidInFirstWeek = history
      .filter((h) => h.currency === 'EUR' && h.issueDate <= '2026-02-03' && h.paidDate !== null && h.paidDate >= '2026-02-04' && h.paidDate < '2026-02-11')
      .filter((h) => dayNumber(h.paidDate!) >= dayNumber('2026-02-04'))
      .reduce((a, h) => a + h.amountMinor, 0);
    // the forecast of 2026-02-03 covered the items open then (not yet paid on 2026-02-03)
    expect(eur.weeks[0]!.actualMinor).toBe(paidInFirstWeek);
    expect(eur.wape).toBeGreaterThan(0);
    expect(eur.wape).toBeLessThan(1);
  });

  describe('GET /reports/cash-forecast', () => {
    let report: typeof import('../../../lambdas/handlers/api/cash-forecast-report');
    beforeAll(async () => {
      stubHandlerEnvironment();
      vi.stubEnv('PREDICTIONS_TABLE', 'test-predictions');
      report = await import('../../../lambdas/handlers/api/cash-forecast-report');
    });
    afterAll(() => vi.unstubAllEnvs());

    it('shows the latest forecast with its backtest as JSON, and its weeks as CSV', async () => {
      const handler = report.makeHandler({ store, clock: { now: () => new Date('2026-03-03T10:00:00Z') }, settings: { businessTimeZone: 'Europe/Berlin' } });
      const json = await handler(apiEvent('GET', '/reports/cash-forecast', { role: 'finance' }), lambdaContext);
      expect(json.statusCode).toBe(200);
      const body = bodyOf(json) as { madeOn: string; weeks: { weekStart: string; currency: string; expected: string; low: string; high: string }[]; backtest: { madeOn: string } };
      expect(body.madeOn).toBe('2026-03-03');
      expect(body.weeks[0]).toMatchObject({ weekStart: '2026-03-04', currency: 'EUR' });
      expect(body.weeks[0]!.expected).toMatch(/^\d+\.\d{2}$/);
      expect(body.backtest.madeOn).toBe('2026-02-03');
      const csv = await handler(apiEvent('GET', '/reports/cash-forecast', { role: 'finance', headers: { Accept: 'text/csv' } }), lambdaContext);
      expect(csv.headers?.['content-type']).toMatch(/^text\/csv/);
      const lines = String(csv.body).trim().split('\r\n');
      expect(lines[0]).toBe('week_start,currency,expected,low,high');
      expect(lines).toHaveLength(1 + body.weeks.length);
    });
  });
});
