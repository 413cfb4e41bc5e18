/**
 * `npm run predict:generate` and `npm run predict:evaluate` as a user runs them (a child process),
 * on a small generated history; and the history file's reading rules.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { historyCsv, readHistoryCsv, HISTORY_HEADER } from '../../../bin/predict';
import { generateHistory } from '../../benchmarks/prediction/synthetic-history';
import { runTsx } from '../../support/run-command';

const dir = mkdtempSync(join(tmpdir(), 'predict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
  return runTsx('bin/predict.ts', args, { timeoutMs: 240_000 });
}

describe('the predict command', () => {
  it('generates a history and evaluates it at a cutoff, writing the predictions and the weeks', async () => {
    const history = join(dir, 'history.csv');
    const generated = await run('generate', '--out', history, '--customers', '30', '--months', '12', '--seed', '4');
    expect(generated.status, generated.stderr).toBe(0);
    expect(generated.stderr).toMatch(/^wrote \d+ invoices of 30 customers/);
    expect(readFileSync(history, 'utf8').split('\r\n')[0]).toBe(HISTORY_HEADER.join(','));

    const out = join(dir, 'predictions.csv');
    const weeks = join(dir, 'weeks.csv');
    const evaluated = await run('evaluate', '--history', history, '--cutoff', '2025-09-01', '--out', out, '--forecast-out', weeks);
    expect(evaluated.status, evaluated.stderr).toBe(0);
    expect(evaluated.stderr).toMatch(/training on \d+ examples/);
    const summary = JSON.parse(evaluated.stdout) as {
      testSize: number;
      predicted: number;
      maeDays: { model: number; dueDateBaseline: number; customerMedianBaseline: number };
      intervalCoverage: number;
      forecast: { currency: string; wape: number }[];
    };
    expect(summary.testSize).toBeGreaterThan(50);
    expect(summary.maeDays.model).toBeLessThan(summary.maeDays.dueDateBaseline);
    expect(summary.intervalCoverage).toBeGreaterThan(0.6);
    expect(summary.intervalCoverage).toBeLessThan(0.97);
    const rows = readFileSync(out, 'utf8').trim().split('\r\n');
    expect(rows[0]).toBe('invoice_id,predicted_paid_date,low,high');
    expect(rows).toHaveLength(summary.predicted + 1);
    for (const row of rows.slice(1)) {
      const [, date, low, high] = row.split(',');
      expect(low! <= date! && date! <= high!).toBe(true);
      expect(date! >= '2025-09-01').toBe(true);
    }
    const weekRows = readFileSync(weeks, 'utf8').trim().split('\r\n');
    expect(weekRows[0]).toBe('week_start,currency,expected,low,high');
    expect(weekRows[1]).toMatch(/^2025-09-01,[A-Z]{3},\d+\.\d{2},\d+\.\d{2},\d+\.\d{2}$/);
    expect((weekRows.length - 1) % 13).toBe(0);
  });

  it('refuses a missing cutoff or a bad file, naming what is wrong', async () => {
    expect((await run('evaluate', '--history', join(dir, 'none.csv'), '--out', join(dir, 'x.csv'))).stderr).toMatch(/--cutoff YYYY-MM-DD is required/);
    const bad = join(dir, 'bad.csv');
    const history = generateHistory({ customers: 2, seed: 1, start: '2025-01-01', months: 2 });
    const text = historyCsv(history).replace(/,(EUR|USD|GBP|SEK),/, ',EURO,');
    writeFileSync(bad, text);
    const refused = await run('evaluate', '--history', bad, '--cutoff', '2025-02-01', '--out', join(dir, 'x.csv'));
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/line 2, currency: "EURO" is not an ISO 4217 currency/);
  });
});

describe('reading a history file', () => {
  it('reads what it writes', () => {
    const history = generateHistory({ customers: 5, seed: 3, start: '2025-01-01', months: 3 });
    expect(readHistoryCsv(historyCsv(history))).toEqual(history.map((h) => ({ ...h, disputedOn: h.disputedOn === null ? null : h.issueDate })));
  });

  it('names the line and field of a bad row', () => {
    const header = HISTORY_HEADER.join(',');
    expect(() => readHistoryCsv(`${header}\nA,C1,DE,2025-01-01,2025-01-31,12.345,EUR,false,paper,`)).toThrow(/line 2, amount: .*decimals/);
    expect(() => readHistoryCsv(`${header}\nA,C1,DE,2025-01-01,2024-12-31,12.00,EUR,false,paper,`)).toThrow('line 2, due_date: is before the issue date');
    expect(() => readHistoryCsv(`${header}\nA,C1,DE,2025-01-01,2025-01-31,12.00,EUR,yes,paper,`)).toThrow('line 2, disputed: "yes" is neither true nor false');
    expect(() => readHistoryCsv(`${header}\nA,C1,DE,2025-01-01,2025-01-31,12.00,EUR,false,paper,2025-02-30`)).toThrow('line 2, paid_date: "2025-02-30" is not a date YYYY-MM-DD');
    expect(() => readHistoryCsv(`${header}\nA,C1,DE,2025-01-01,2025-01-31,12.00,EUR,false,paper,\nA,C1,DE,2025-01-01,2025-01-31,12.00,EUR,false,paper,`)).toThrow('line 3, invoice_id: "A" appears twice');
    expect(() => readHistoryCsv('invoice,customer\n')).toThrow(/the header must be invoice_id,customer_id/);
  });
});
