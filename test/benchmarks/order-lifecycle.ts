/**
 * Benchmark of the order lifecycle on the local AWS. Starts its own local AWS (fresh data folder,
 * free ports) unless BENCH_URL points at a running one, then measures:
 *  1. one order's whole lifecycle (place -> ship -> invoice -> email -> pay -> COMPLETED), sequentially;
 *  2. POST /orders latency (p50, p99) under C concurrent clients;
 *  3. orders per second through the whole lifecycle with C concurrent clients.
 * Usage: npm run bench:orders -- [--orders 200] [--concurrency 20]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalAws } from '../../local-aws/runtime';
import { ApiDriver } from '../integration/support/api-driver';

const { values } = parseArgs({ options: { orders: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '20' }, sequential: { type: 'string', default: '20' } } });
const ORDERS = Number(values.orders);
const CONCURRENCY = Number(values.concurrency);
const SEQUENTIAL = Number(values.sequential);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function summary(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `${label}: n=${sorted.length} p50=${percentile(sorted, 50).toFixed(1)} ms p90=${percentile(sorted, 90).toFixed(1)} ms p99=${percentile(sorted, 99).toFixed(1)} ms max=${(sorted.at(-1) ?? NaN).toFixed(1)} ms`;
}

async function lifecycle(api: ApiDriver, customerId: string, onPlaced?: (ms: number) => void): Promise<void> {
  const t0 = performance.now();
  const placed = await api.post('/orders', { customerId, currency: 'EUR', lines: [{ sku: 'CHAIR-1', quantity: 3, unitPrice: '149.90' }, { sku: 'DESK-2', quantity: 1, unitPrice: '599.00' }] });
  onPlaced?.(performance.now() - t0);
  if (placed.status !== 202) throw new Error(`POST /orders answered ${placed.status}: ${JSON.stringify(placed.body)}`);
  const orderId = String(placed.body.orderId);
  await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT', 60_000);
  const shipped = await api.post(`/orders/${orderId}/shipments`, {});
  if (shipped.status !== 202) throw new Error(`shipment answered ${shipped.status}`);
  const invoiced = await api.waitForOrderStatus(orderId, 'INVOICED', 60_000);
  const invoice = await api.waitFor('the invoice email', () => api.get(`/invoices/${String(invoiced.body.invoiceId)}`), (r) => r.body.sentAt !== null, 60_000);
  const paid = await api.post('/payments', { amount: invoice.body.balance, currency: 'EUR', reference: invoice.body.number, valueDate: '2026-12-01', providerPaymentId: `psp-${orderId}` });
  if (paid.body.status !== 'applied') throw new Error(`payment ${JSON.stringify(paid.body)}`);
  await api.waitForOrderStatus(orderId, 'COMPLETED', 60_000);
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let stop = async () => undefined as void;
  let api: ApiDriver;
  if (process.env.BENCH_URL) {
    api = new ApiDriver(process.env.BENCH_URL, { storefront: 'local-storefront-key', finance: 'local-finance-key' });
  } else {
    const dataDir = mkdtempSync(join(tmpdir(), 'otc-bench-'));
    const t = performance.now();
    process.stderr.write('starting the local AWS...\n');
    const local = await startLocalAws({ ports: { gateway: 0, dynamodb: 0, ses: 0, stepFunctions: 0, s3: 0 }, dataDir });
    process.stderr.write(`local AWS ready in ${(performance.now() - t).toFixed(0)} ms\n`);
    api = new ApiDriver(local.url, local.apiKeys);
    stop = async () => {
      await local.stop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  }
  try {
    const customers = Array.from({ length: CONCURRENCY }, (_, i) => `bench-${Date.now().toString(36)}-${i}`);
    for (const customerId of customers) {
      const r = await api.registerCustomer(customerId, { name: `Bench ${customerId}`, email: `${customerId}@example.com`, currency: 'EUR', creditLimit: '100000000.00', paymentTermsDays: 30 });
      if (r.status !== 201) throw new Error(`PUT customer answered ${r.status}`);
    }

    process.stderr.write(`1/3 ${SEQUENTIAL} lifecycles one after another...\n`);
    const sequential: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      const t = performance.now();
      await lifecycle(api, customers[0]!);
      sequential.push(performance.now() - t);
    }

    process.stderr.write(`2/3 and 3/3 ${ORDERS} lifecycles with ${CONCURRENCY} concurrent clients...\n`);
    const placeLatencies: number[] = [];
    let next = 0;
    let done = 0;
    const t0 = performance.now();
    await Promise.all(
      customers.map(async (customerId) => {
        while (next < ORDERS) {
          next++;
          await lifecycle(api, customerId, (ms) => placeLatencies.push(ms));
          done++;
          if (done % 20 === 0) process.stderr.write(`   ${done}/${ORDERS} orders completed\n`);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const check = await api.ledgerCheck();

    console.log(summary('one order lifecycle, sequential', sequential));
    console.log(summary(`POST /orders under ${CONCURRENCY} concurrent clients`, placeLatencies));
    console.log(`whole lifecycle throughput: ${ORDERS} orders in ${seconds.toFixed(1)} s = ${(ORDERS / seconds).toFixed(1)} orders/s with ${CONCURRENCY} concurrent clients`);
    console.log(`ledger check after the run: balanced=${check.balanced}${check.problems.length ? ` problems=${check.problems.join('; ')}` : ''}`);
  } finally {
    await stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
