/**
 * `npm run predict:replay` against the local AWS: a generated history is replayed day by day on the
 * local clock (imports, payments, disputes, the daily dunning and prediction runs), then the
 * product predicts from what it recorded: the model learned from the replayed payments, and the
 * collectors' worklist and the forecast read the stored predictions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type ApiDriver } from './support/api-driver';
import { replayHistory } from '../../bin/predict-replay';
import { generateHistory } from '../benchmarks/prediction/synthetic-history';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;

beforeAll(async () => {
  stack = await startTestStack();
  api = stack.api;
});

afterAll(async () => {
  await stack?.stop();
});

describe('replaying a generated history into the local stack', () => {
  it('records the history day by day and predicts from it', async () => {
    const history = generateHistory({ customers: 5, seed: 21, start: '2025-01-01', months: 3 });
    const lines: string[] = [];
    const summary = await replayHistory(api, history, { days: 45, log: (l) => { lines.push(l); process.stderr.write(`${l}\n`); } });
    const issued = history.filter((h) => h.issueDate < '2025-02-15');
    expect(summary.imported).toBe(issued.length);
    expect(summary.paid).toBeGreaterThan(0);
    expect(lines.length).toBeGreaterThanOrEqual(6);
    expect(summary.prediction).toMatchObject({ retrained: true });
    expect(summary.prediction.predictions).toBeGreaterThan(0);
    const forecast = await api.op<'getReportsCashForecast', { madeOn: string; weeks: unknown[] }>('getReportsCashForecast');
    expect(forecast.body.weeks.length).toBeGreaterThan(0);
    // A paid invoice of the replay, read back: paid on its (shifted) day.
    const invoices = await api.op<'getInvoices', { items: { invoiceId: string; status: string }[] }>('getInvoices', { query: { status: 'PAID', limit: 5 } });
    expect(invoices.body.items.length).toBeGreaterThan(0);
  }, 900_000);
});
