/**
 * Payment-date prediction without any database:
 *
 *   npm run predict:generate -- --out FILE.csv [--customers 300] [--months 18] [--start 2025-01-01] [--seed 1] [--paid-until YYYY-MM-DD]
 *   npm run predict:evaluate -- --history FILE.csv --cutoff YYYY-MM-DD --out PREDICTIONS.csv [--forecast-out WEEKS.csv]
 *
 * The history file's header is
 * `invoice_id,customer_id,country,issue_date,due_date,amount,currency,disputed,channel,paid_date`.
 * `evaluate` trains on what was known at the cutoff, predicts every invoice open at the cutoff or
 * issued after it, writes `invoice_id,predicted_paid_date,low,high` (the 80% interval) and, with
 * `--forecast-out`, `week_start,currency,expected,low,high` for 13 weeks from the cutoff, and prints
 * a JSON summary (progress goes to stderr). A disputed invoice's dispute counts as known from its
 * issue date (the file has no dispute date).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { formatAmount, parseAmount, isCurrency } from '../lambdas/core/money/money';
import { isCalendarDate } from '../lambdas/core/time/clock';
import type { HistoryInvoice } from '../lambdas/core/prediction/history';
import { evaluatePaymentModel } from '../lambdas/core/prediction/evaluation';
import { csvLines } from '../lambdas/core/reports/aging';
import { generateHistory } from '../test/benchmarks/prediction/synthetic-history';

export const HISTORY_HEADER = ['invoice_id', 'customer_id', 'country', 'issue_date', 'due_date', 'amount', 'currency', 'disputed', 'channel', 'paid_date'] as const;

export class HistoryFileError extends Error {}

/** Reads a history file; a bad row is refused naming its line, field and problem. */
export function readHistoryCsv(text: string): HistoryInvoice[] {
  const rows = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false }) as string[][];
  const header = rows[0]?.map((h) => h.trim());
  if (!header || HISTORY_HEADER.some((name, i) => header[i] !== name) || header.length !== HISTORY_HEADER.length) {
    throw new HistoryFileError(`the header must be ${HISTORY_HEADER.join(',')}`);
  }
  const seen = new Set<string>();
  return rows.slice(1).map((row, index) => {
    const line = index + 2;
    const field = (name: (typeof HISTORY_HEADER)[number]) => row[HISTORY_HEADER.indexOf(name)]!.trim();
    const fail = (name: string, problem: string): never => {
      throw new HistoryFileError(`line ${line}, ${name}: ${problem}`);
    };
    const invoiceId = field('invoice_id') || fail('invoice_id', 'is empty');
    if (seen.has(invoiceId)) fail('invoice_id', `"${invoiceId}" appears twice`);
    seen.add(invoiceId);
    const date = (name: 'issue_date' | 'due_date' | 'paid_date') => (isCalendarDate(field(name)) ? field(name) : fail(name, `"${field(name)}" is not a date YYYY-MM-DD`));
    const currency = isCurrency(field('currency')) ? field('currency') : fail('currency', `"${field('currency')}" is not an ISO 4217 currency`);
    let amountMinor = 0;
    try {
      amountMinor = parseAmount(field('amount'), currency).minor;
    } catch (error) {
      fail('amount', (error as Error).message);
    }
    if (amountMinor <= 0) fail('amount', 'must be positive');
    const disputed = field('disputed');
    if (disputed !== 'true' && disputed !== 'false') fail('disputed', `"${disputed}" is neither true nor false`);
    const issueDate = date('issue_date');
    const dueDate = date('due_date');
    if (dueDate < issueDate) fail('due_date', 'is before the issue date');
    const paidDate = field('paid_date') === '' ? null : date('paid_date');
    return {
      invoiceId,
      customerId: field('customer_id') || fail('customer_id', 'is empty'),
      country: field('country'),
      issueDate,
      dueDate,
      amountMinor,
      currency,
      disputedOn: disputed === 'true' ? issueDate : null,
      channel: field('channel'),
      paidDate,
    };
  });
}

export function historyCsv(history: readonly HistoryInvoice[]): string {
  return csvLines([
    [...HISTORY_HEADER],
    ...history.map((i) => [
      i.invoiceId,
      i.customerId,
      i.country,
      i.issueDate,
      i.dueDate,
      formatAmount({ minor: i.amountMinor, currency: i.currency }),
      i.currency,
      i.disputedOn !== null ? 'true' : 'false',
      i.channel,
      i.paidDate ?? '',
    ]),
  ]);
}

function usage(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

export function main(argv: readonly string[]): void {
  const [command, ...rest] = argv;
  const log = (message: string) => process.stderr.write(`${message}\n`);
  if (command === 'generate') {
    const { values } = parseArgs({
      args: rest as string[],
      options: { out: { type: 'string' }, customers: { type: 'string', default: '300' }, months: { type: 'string', default: '18' }, start: { type: 'string', default: '2025-01-01' }, seed: { type: 'string', default: '1' }, 'paid-until': { type: 'string' } },
    });
    if (!values.out) usage('--out FILE.csv is required');
    if (!isCalendarDate(values.start)) usage('--start must be a date YYYY-MM-DD');
    if (values['paid-until'] !== undefined && !isCalendarDate(values['paid-until'])) usage('--paid-until must be a date YYYY-MM-DD');
    for (const name of ['customers', 'months', 'seed'] as const) if (!/^\d+$/.test(values[name]!) || Number(values[name]) < 1) usage(`--${name} must be a positive whole number`);
    const history = generateHistory({
      customers: Number(values.customers),
      months: Number(values.months),
      start: values.start!,
      seed: Number(values.seed),
      // Payments seen up to this day (default: the end of the issuing period).
      extractedOn: values['paid-until'],
    });
    writeFileSync(values.out!, historyCsv(history));
    log(`wrote ${history.length} invoices of ${values.customers} customers to ${values.out}`);
    return;
  }
  if (command === 'evaluate') {
    const { values } = parseArgs({
      args: rest as string[],
      options: { history: { type: 'string' }, cutoff: { type: 'string' }, out: { type: 'string' }, 'forecast-out': { type: 'string' } },
    });
    if (!values.history) usage('--history FILE.csv is required');
    if (!values.cutoff || !isCalendarDate(values.cutoff)) usage('--cutoff YYYY-MM-DD is required');
    if (!values.out) usage('--out PREDICTIONS.csv is required');
    let history: HistoryInvoice[];
    try {
      history = readHistoryCsv(readFileSync(values.history!, 'utf8'));
    } catch (error) {
      if (error instanceof HistoryFileError || (error as { code?: string }).code?.startsWith('CSV_')) usage(`${values.history}: ${(error as Error).message}`);
      throw error;
    }
    log(`read ${history.length} invoices`);
    const evaluation = evaluatePaymentModel(history, values.cutoff!, {}, log);
    writeFileSync(values.out!, csvLines([['invoice_id', 'predicted_paid_date', 'low', 'high'], ...evaluation.predictions.map((p) => [p.invoiceId, p.predictedPaidDate, p.low, p.high])]));
    if (values['forecast-out']) {
      writeFileSync(
        values['forecast-out'],
        csvLines([
          ['week_start', 'currency', 'expected', 'low', 'high'],
          ...evaluation.forecast.map((w) => [w.weekStart, w.currency, ...[w.expectedMinor, w.lowMinor, w.highMinor].map((minor) => formatAmount({ minor, currency: w.currency }))]),
        ]),
      );
    }
    process.stdout.write(`${JSON.stringify(evaluation.summary, null, 2)}\n`);
    return;
  }
  usage('usage: predict generate --out FILE.csv [...] | predict evaluate --history FILE.csv --cutoff YYYY-MM-DD --out PREDICTIONS.csv [--forecast-out WEEKS.csv]');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv.slice(2));
