/**
 * Replays a generated (or exported) payment history into the local stack, day by day on its
 * movable clock, so that predictions, forecast, risk and ranking have a realistic year to learn from:
 *
 *   npm run predict:replay -- --history FILE.csv [--api http://127.0.0.1:3000] --finance-key KEY --storefront-key KEY [--days 365]
 *
 * The history's dates are shifted so that its first issue date is the local clock's today. Each
 * day: the customers that appear are registered (storefront, then finance sets their terms), the
 * invoices issued that day are issued the product's way (an order of one line at the invoice's
 * amount, shipped, invoiced at the customer's terms), the ones paid that day are paid (`POST /payments`
 * quoting the invoice number), a disputed invoice gets its dispute three days
 * after issue, and the clock moves one day (`POST /_local/clock`), so the daily dunning run and the
 * daily prediction run happen as they would. At the end, a prediction run with a new model.
 * Progress goes to stderr, one line a week.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { formatAmount } from '../lambdas/core/money/money';
import { dateOfDay, dayNumber, type HistoryInvoice } from '../lambdas/core/prediction/history';
import { readHistoryCsv } from './predict';

type Role = 'storefront' | 'finance';

/** What the replay needs of an API client (the integration tests' driver is one). */
export interface ReplayClient {
  call<T = Record<string, unknown>>(method: string, path: string, options?: { body?: unknown; as?: Role | 'none' }): Promise<{ status: number; body: T }>;
}

export interface ReplaySummary {
  readonly days: number;
  readonly customers: number;
  readonly imported: number;
  readonly paid: number;
  readonly disputed: number;
  readonly from: string;
  readonly to: string;
  readonly prediction: Record<string, unknown>;
}

async function expectOk<T>(what: string, response: Promise<{ status: number; body: T }>): Promise<T> {
  const r = await response;
  if (r.status >= 300) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 400)}`);
  return r.body;
}

async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function replayHistory(api: ReplayClient, history: readonly HistoryInvoice[], options: { days?: number; log?: (line: string) => void } = {}): Promise<ReplaySummary> {
  const log = options.log ?? (() => undefined);
  const clock = await expectOk('GET /_local/clock', api.call<{ now: string }>('GET', '/_local/clock', { as: 'finance' }));
  const today = dayNumber(clock.now.slice(0, 10));
  const first = Math.min(...history.map((i) => dayNumber(i.issueDate)));
  const shift = (date: string) => dateOfDay(dayNumber(date) - first + today);
  const shifted = history.map((i) => ({ ...i, issueDate: shift(i.issueDate), dueDate: shift(i.dueDate), paidDate: i.paidDate === null ? null : shift(i.paidDate) }));
  const lastIssue = Math.max(...shifted.map((i) => dayNumber(i.issueDate)));
  const days = Math.min(options.days ?? 366, lastIssue - today + 1);
  const registered = new Set<string>();
  const invoiceIds = new Map<string, string>();
  const numbers = new Map<string, { number: string; total: string }>();
  let imported = 0;
  let paid = 0;
  let disputed = 0;
  for (let d = 0; d < days; d++) {
    const date = dateOfDay(today + d);
    const issued = shifted.filter((i) => i.issueDate === date);
    for (const invoice of issued) {
      if (registered.has(invoice.customerId)) continue;
      const terms = dayNumber(invoice.dueDate) - dayNumber(invoice.issueDate);
      const id = invoice.customerId;
      const locale = /^[A-Z]{2}$/.test(invoice.country) ? `en-${invoice.country}` : 'en';
      await expectOk(`register ${id}`, api.call('PUT', `/customers/${id}`, { body: { name: `Customer ${id}`, email: `${id.toLowerCase()}@example.com`, currency: invoice.currency, locale }, as: 'storefront' }));
      await expectOk(`terms of ${id}`, api.call('PUT', `/customers/${id}`, { body: { name: `Customer ${id}`, email: `${id.toLowerCase()}@example.com`, currency: invoice.currency, locale, creditLimit: '100000000.00', paymentTermsDays: Math.max(1, Math.min(terms, 365)) }, as: 'finance' }));
      registered.add(id);
    }
    // Each invoice is issued the product's way (order, shipment, invoice): the import route keeps
    // its items in S3, whose local server refuses requests signed at a moved clock.
    for (const i of issued) {
      const amount = formatAmount({ minor: i.amountMinor, currency: i.currency });
      const order = await expectOk(`order for ${i.invoiceId}`, api.call<{ orderId: string }>('POST', '/orders', { body: { customerId: i.customerId, currency: i.currency, lines: [{ sku: `REPLAY-${i.invoiceId}`, quantity: 1, unitPrice: amount }] }, as: 'storefront' }));
      const status = () => expectOk('GET order', api.call<{ status: string; invoiceId?: string }>('GET', `/orders/${order.orderId}`, { as: 'finance' }));
      await waitFor(`order ${order.orderId} awaiting shipment`, status, (o) => o.status === 'AWAITING_SHIPMENT', 60_000);
      await expectOk(`shipment of ${order.orderId}`, api.call('POST', `/orders/${order.orderId}/shipments`, { body: { carrier: 'DHL', trackingNumber: '00340434161094042557' }, as: 'storefront' }));
      const invoiced = await waitFor(`order ${order.orderId} invoiced`, status, (o) => o.status === 'INVOICED', 60_000);
      const invoice = await expectOk('GET invoice', api.call<{ invoiceId: string; number: string; total: string }>('GET', `/invoices/${invoiced.invoiceId}`, { as: 'finance' }));
      invoiceIds.set(i.invoiceId, invoice.invoiceId);
      numbers.set(i.invoiceId, { number: invoice.number, total: invoice.total });
      imported++;
    }
    for (const invoice of shifted.filter((i) => i.disputedOn !== null && dateOfDay(dayNumber(i.issueDate) + 3) === date && (i.paidDate === null || i.paidDate > date))) {
      const invoiceId = invoiceIds.get(invoice.invoiceId);
      if (!invoiceId) continue;
      await expectOk(`dispute of ${invoice.invoiceId}`, api.call('POST', `/invoices/${invoiceId}/disputes`, { body: { reason: 'goods not as ordered' }, as: 'finance' }));
      disputed++;
    }
    for (const invoice of shifted.filter((i) => i.paidDate === date && invoiceIds.has(i.invoiceId))) {
      const issuedAs = numbers.get(invoice.invoiceId)!;
      await expectOk(
        `payment of ${invoice.invoiceId}`,
        api.call('POST', '/payments', { body: { amount: issuedAs.total, currency: invoice.currency, reference: issuedAs.number, valueDate: date, providerPaymentId: `replay-${invoice.invoiceId}` }, as: 'storefront' }),
      );
      paid++;
    }
    await expectOk('POST /_local/clock', api.call('POST', '/_local/clock', { body: { advance: 'P1D' }, as: 'finance' }));
    await waitFor('the clock', () => expectOk('GET /_local/clock', api.call<{ moving: unknown }>('GET', '/_local/clock', { as: 'finance' })), (v) => v.moving === null, 300_000);
    if (d % 7 === 6 || d === days - 1) log(`replayed ${d + 1} of ${days} days (${date}): ${registered.size} customers, ${imported} invoices, ${paid} paid, ${disputed} disputed`);
  }
  const prediction = await expectOk('POST /predictions/runs', api.call<Record<string, unknown>>('POST', '/predictions/runs', { body: { retrain: true }, as: 'finance' }));
  return { days, customers: registered.size, imported, paid, disputed, from: dateOfDay(today), to: dateOfDay(today + days - 1), prediction };
}

/** A client of the local gateway with the two keys. */
export function httpClient(baseUrl: string, keys: Record<Role, string>): ReplayClient {
  return {
    async call(method, path, options = {}) {
      const role = options.as ?? 'storefront';
      const headers: Record<string, string> = {};
      if (role !== 'none') headers['x-api-key'] = keys[role];
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      if (method === 'POST' && path === '/payments') headers['Idempotency-Key'] = `replay-${path}-${JSON.stringify(options.body).length}-${Math.random().toString(36).slice(2)}`;
      const response = await fetch(`${baseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : {}) as never };
    },
  };
}

async function main(argv: readonly string[]) {
  const { values } = parseArgs({
    args: argv as string[],
    options: { history: { type: 'string' }, api: { type: 'string', default: 'http://127.0.0.1:3000' }, 'finance-key': { type: 'string' }, 'storefront-key': { type: 'string' }, days: { type: 'string' } },
  });
  if (!values.history || !values['finance-key'] || !values['storefront-key']) {
    process.stderr.write('usage: npm run predict:replay -- --history FILE.csv [--api URL] --finance-key KEY --storefront-key KEY [--days N]\n');
    process.exit(2);
  }
  const history = readHistoryCsv(readFileSync(values.history, 'utf8'));
  const summary = await replayHistory(httpClient(values.api!, { finance: values['finance-key']!, storefront: values['storefront-key']! }), history, {
    days: values.days ? Number(values.days) : undefined,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv.slice(2));
