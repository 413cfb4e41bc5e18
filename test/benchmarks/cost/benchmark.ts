/**
 * What one order costs on AWS, measured on the local stack: runs orders along four paths (the happy
 * path with one invoice and its email; an order shipped in three parts; an invoice dunned twice and
 * then paid; an invoice paid by a bank statement line), counts from the local runtime's own records
 * what each path used per order (state transitions from the executions' histories; Lambda
 * invocations and GB-seconds at the configured memory, DynamoDB consumed capacity, API requests, SES
 * messages, S3 requests, scheduler invocations and metric values from its usage meter), prices them
 * with `prices-us-east-1.json` and prints the cost per 1,000 orders with the breakdown. The last line
 * is a JSON summary.
 * Usage: npm run bench:cost -- [--orders 10] [--concurrency 1] [--paths happy,threeShipments,statementLine,dunnedTwiceThenPaid]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalAws, type LocalAws } from '../../../local-aws/runtime';
import { AWS_CALL_LATENCY_MS, countStateTransitions, emptyUsage, UNMETERED_HEADER, type UsageCounts } from '../../../local-aws/usage';
import { ApiDriver, type Role } from '../../integration/support/api-driver';

/** The benchmark's own reads (polling until something happened) are not part of an order's cost. */
class BenchmarkApi extends ApiDriver {
  override get<T = Record<string, unknown>>(path: string, as: Role = 'finance') {
    return this.call<T>('GET', path, { as, headers: { [UNMETERED_HEADER]: '1' } });
  }
}

const { values } = parseArgs({ options: { orders: { type: 'string', default: '10' }, concurrency: { type: 'string', default: '1' }, paths: { type: 'string', default: 'happy,threeShipments,statementLine,dunnedTwiceThenPaid' } } });
const ORDERS = Number(values.orders);
const PATHS = new Set(values.paths.split(','));
/**
 * Orders in flight at once. The local Lambdas share one process: an invocation's measured duration
 * includes the others' work while they overlap, so GB-seconds are only meaningful one at a time.
 */
const CONCURRENCY = Number(values.concurrency);

interface PriceTable {
  region: string;
  pricesAsOf: string;
  source: string;
  prices: Record<string, number>;
}
const priceTable = JSON.parse(readFileSync(new URL('./prices-us-east-1.json', import.meta.url), 'utf8')) as PriceTable;
const p = priceTable.prices as Record<
  | 'stepFunctionsStandardPerTransition'
  | 'stepFunctionsExpressPerRequest'
  | 'lambdaPerRequest'
  | 'lambdaArmPerGbSecond'
  | 'dynamodbOnDemandPerReadUnit'
  | 'dynamodbOnDemandPerWriteUnit'
  | 'apiGatewayRestPerRequest'
  | 'sesPerMessage'
  | 's3StandardPerPutRequest'
  | 's3StandardPerGetRequest'
  | 'eventBridgeSchedulerPerInvocation'
  | 'eventBridgeCustomEventPerEvent'
  | 'cloudWatchLogsIngestPerGb',
  number
>;

/** The local state machines are all Standard workflows; an Express one would be named here. */
const EXPRESS_MACHINES = new Set<string>();

interface PathFigures extends UsageCounts {
  writeUnitsByTarget: Record<string, number>;
  writeCalls: Record<string, { calls: number; units: number }>;
  gbSecondsByFunction: Record<string, number>;
  gbSecondsAwsEstimateByFunction: Record<string, number>;
  standardTransitions: number;
  expressTransitions: number;
  transitionsByMachine: Record<string, number>;
}

type Snapshot = {
  usage: UsageCounts;
  transitions: Record<string, number>;
  writes: Record<string, number>;
  writeCalls: Record<string, { calls: number; units: number }>;
  gbSeconds: Record<string, number>;
  gbSecondsAwsEstimate: Record<string, number>;
};

function perOrder(before: Snapshot, after: Snapshot, orders: number): PathFigures {
  const usage = emptyUsage();
  for (const key of Object.keys(usage) as (keyof UsageCounts)[]) usage[key] = (after.usage[key] - before.usage[key]) / orders;
  const byMachine: Record<string, number> = {};
  let standard = 0;
  let express = 0;
  for (const [machine, n] of Object.entries(after.transitions)) {
    const delta = (n - (before.transitions[machine] ?? 0)) / orders;
    if (delta === 0) continue;
    byMachine[machine] = delta;
    if (EXPRESS_MACHINES.has(machine)) express += delta;
    else standard += delta;
  }
  const delta = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(b)
        .map(([target, n]) => [target, (n - (a[target] ?? 0)) / orders] as const)
        .filter(([, n]) => n > 0)
        .sort((x, y) => y[1] - x[1]),
    );
  const writeCalls = Object.fromEntries(
    Object.entries(after.writeCalls)
      .map(([key, n]) => [key, { calls: (n.calls - (before.writeCalls[key]?.calls ?? 0)) / orders, units: (n.units - (before.writeCalls[key]?.units ?? 0)) / orders }] as const)
      .filter(([, n]) => n.calls > 0)
      .sort((x, y) => y[1].units - x[1].units),
  );
  return {
    ...usage,
    writeUnitsByTarget: delta(before.writes, after.writes),
    writeCalls,
    gbSecondsByFunction: delta(before.gbSeconds, after.gbSeconds),
    gbSecondsAwsEstimateByFunction: delta(before.gbSecondsAwsEstimate, after.gbSecondsAwsEstimate),
    standardTransitions: standard,
    expressTransitions: express,
    transitionsByMachine: byMachine,
  };
}

function costs(f: PathFigures): Record<string, number> {
  return {
    'Step Functions (Standard transitions)': f.standardTransitions * p.stepFunctionsStandardPerTransition,
    'Step Functions (Express requests)': f.expressTransitions > 0 ? p.stepFunctionsExpressPerRequest : 0,
    'Lambda requests': f.lambdaInvocations * p.lambdaPerRequest,
    'Lambda duration (GB-s)': f.lambdaGbSeconds * p.lambdaArmPerGbSecond,
    'DynamoDB reads': f.readUnits * p.dynamodbOnDemandPerReadUnit,
    'DynamoDB writes': f.writeUnits * p.dynamodbOnDemandPerWriteUnit,
    'API Gateway requests': f.apiRequests * p.apiGatewayRestPerRequest,
    'SES messages': f.emails * p.sesPerMessage,
    'S3 requests': f.s3PutRequests * p.s3StandardPerPutRequest + f.s3GetRequests * p.s3StandardPerGetRequest,
    'EventBridge (Scheduler and events)': f.schedulerInvocations * p.eventBridgeSchedulerPerInvocation + f.eventBridgeEvents * p.eventBridgeCustomEventPerEvent,
    'CloudWatch custom metrics (EMF log ingestion)': (f.metricLogBytes / 1024 ** 3) * p.cloudWatchLogsIngestPerGb,
  };
}

const round = (n: number, digits = 4) => Math.round(n * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dataDir = mkdtempSync(join(tmpdir(), 'otc-cost-'));
  process.stderr.write('starting the local AWS...\n');
  const local: LocalAws = await startLocalAws({ ports: { gateway: 0, dynamodb: 0, ses: 0, stepFunctions: 0, s3: 0 }, dataDir });
  const api = new BenchmarkApi(local.url, local.apiKeys);
  const sfnDir = join(dataDir, 'stepfunctions');
  const snapshot = (): Snapshot => ({
    usage: local.usage.snapshot(),
    transitions: countStateTransitions(sfnDir),
    writes: local.usage.writeUnitsByTarget(),
    writeCalls: local.usage.writeCallsByOperation(),
    gbSeconds: local.usage.lambdaGbSecondsByFunction(),
    gbSecondsAwsEstimate: local.usage.lambdaGbSecondsAwsEstimateByFunction(),
  });
  const runningExecutions = async () => {
    let n = 0;
    for (const arn of Object.values(local.stateMachineArns)) {
      const listed = (await local.stepFunctions.handle('ListExecutions', { stateMachineArn: arn, statusFilter: 'RUNNING', maxResults: 1000 })) as { executions: unknown[] };
      n += listed.executions.length;
    }
    return n;
  };
  const results: Record<string, PathFigures> = {};
  const run = id();
  try {
    const customers = new Map<string, string>();
    const customerFor = async (path: string, i: number) => {
      const customerId = `cost-${run}-${path}-${i}`;
      const r = await api.registerCustomer(customerId, { name: `Cost ${path} ${i}`, email: `${customerId}@example.com`, currency: 'EUR', creditLimit: '1000000.00', paymentTermsDays: 14 });
      if (r.status !== 201) throw new Error(`PUT customer answered ${r.status}: ${JSON.stringify(r.body)}`);
      customers.set(`${path}-${i}`, customerId);
      return customerId;
    };

    const paths: { name: string; label: string; prepare?: () => Promise<void>; order: (customerId: string, i: number) => Promise<void>; afterAll?: () => Promise<void> }[] = [
      {
        name: 'happy',
        label: 'happy path: one shipment, one invoice emailed, paid online',
        order: async (customerId) => {
          const { orderId } = await placeAndAwaitShipment(api, customerId, [{ sku: 'CHAIR-1', quantity: 2, unitPrice: '149.90' }]);
          const [invoice] = await ship(api, orderId, [undefined]);
          await pay(api, invoice!, `psp-${orderId}`);
          await api.waitForOrderStatus(orderId, 'COMPLETED', 60_000);
        },
      },
      {
        name: 'threeShipments',
        label: 'an order shipped in three parts: three invoices, each emailed and paid',
        order: async (customerId) => {
          const lines = [
            { sku: 'CHAIR-1', quantity: 1, unitPrice: '149.90' },
            { sku: 'DESK-2', quantity: 1, unitPrice: '599.00' },
            { sku: 'LAMP-3', quantity: 1, unitPrice: '49.00' },
          ];
          const { orderId } = await placeAndAwaitShipment(api, customerId, lines);
          const invoices = await ship(api, orderId, lines.map((l) => [{ sku: l.sku, quantity: 1 }]));
          for (const [k, invoice] of invoices.entries()) await pay(api, invoice, `psp-${orderId}-${k}`);
          await api.waitForOrderStatus(orderId, 'COMPLETED', 60_000);
        },
      },
    ];

    for (const path of paths.filter((p) => PATHS.has(p.name))) {
      const ids = await Promise.all(Array.from({ length: ORDERS }, (_, i) => customerFor(path.name, i)));
      await api.waitFor('no running executions', runningExecutions, (n) => n === 0, 60_000);
      const before = snapshot();
      const t = performance.now();
      await inBatches(ids, CONCURRENCY, (customerId, i) => path.order(customerId, i), (done) => process.stderr.write(`\r${path.name}: ${done}/${ORDERS} orders`));
      await api.waitFor('the executions of the path to end', runningExecutions, (n) => n === 0, 120_000);
      results[path.name] = perOrder(before, snapshot(), ORDERS);
      process.stderr.write(` (${((performance.now() - t) / 1000).toFixed(1)} s)\n`);
    }

    // A statement line applied: the invoice is paid by one line of an uploaded bank statement (one
    // statement per order, the worst case; a statement of many lines shares its fixed part).
    if (PATHS.has('statementLine')) {
      const ids = await Promise.all(Array.from({ length: ORDERS }, (_, i) => customerFor('statement', i)));
      await api.waitFor('no running executions', runningExecutions, (n) => n === 0, 60_000);
      const before = snapshot();
      const t = performance.now();
      await inBatches(ids, CONCURRENCY, async (customerId, i) => {
        const { orderId } = await placeAndAwaitShipment(api, customerId, [{ sku: 'CHAIR-1', quantity: 1, unitPrice: '149.90' }]);
        const [invoice] = await ship(api, orderId, [undefined]);
        const csv = `date,amount,currency,reference,payer_name,payer_account\n${new Date().toISOString().slice(0, 10)},${invoice!.balance},EUR,${invoice!.number},Cost statement ${i},\n`;
        const accepted = await api.call<{ statementId: string }>('POST', '/remittances', { body: csv, as: 'finance', headers: { 'content-type': 'text/csv' } });
        if (accepted.status !== 202) throw new Error(`POST /remittances answered ${accepted.status}: ${JSON.stringify(accepted.body).slice(0, 300)}`);
        await api.waitFor('the statement to be processed', () => api.get<{ status: string }>(`/remittances/${accepted.body.statementId}`), (r) => r.body.status === 'completed', 60_000);
        await api.waitForOrderStatus(orderId, 'COMPLETED', 60_000);
      }, (done) => process.stderr.write(`\rstatementLine: ${done}/${ORDERS} orders`));
      await api.waitFor('the executions of the path to end', runningExecutions, (n) => n === 0, 120_000);
      results.statementLine = perOrder(before, snapshot(), ORDERS);
      process.stderr.write(` (${((performance.now() - t) / 1000).toFixed(1)} s)\n`);
    }
    // Dunned twice, then paid (last: it moves the clock): invoiced on the same day, the clock moves past
    // the first two reminder levels (3 and 17 days past due; the daily runs in between are part of the cost), then paid.
    if (PATHS.has('dunnedTwiceThenPaid')) {
      const ids = await Promise.all(Array.from({ length: ORDERS }, (_, i) => customerFor('dunned', i)));
      await api.waitFor('no running executions', runningExecutions, (n) => n === 0, 60_000);
      const before = snapshot();
      const t = performance.now();
      const invoices: { orderId: string; invoice: Invoice }[] = [];
      await inBatches(ids, CONCURRENCY, async (customerId) => {
        const { orderId } = await placeAndAwaitShipment(api, customerId, [{ sku: 'DESK-1', quantity: 1, unitPrice: '800.00' }]);
        const [invoice] = await ship(api, orderId, [undefined]);
        invoices.push({ orderId, invoice: invoice! });
      }, (done) => process.stderr.write(`\rdunned: ${done}/${ORDERS} invoiced`));
      const due = invoices[0]!.invoice.dueDate;
      const moved = await api.post('/_local/clock', { to: `${addDays(due, 18)}T09:00:00Z` }, 'finance');
      if (moved.status !== 200) throw new Error(`the clock move answered ${moved.status}: ${JSON.stringify(moved.body)}`);
      for (const { orderId, invoice } of invoices) {
        const now = (await api.get<Invoice>(`/invoices/${invoice.invoiceId}`)).body;
        if (now.dunning.level !== 2) throw new Error(`invoice ${invoice.invoiceId} is at dunning level ${now.dunning.level}, not 2`);
        await pay(api, now, `psp-${orderId}`);
      }
      for (const { orderId } of invoices) await api.waitForOrderStatus(orderId, 'COMPLETED', 60_000);
      await api.waitFor('the executions of the path to end', runningExecutions, (n) => n === 0, 120_000);
      results.dunnedTwiceThenPaid = perOrder(before, snapshot(), ORDERS);
      process.stderr.write(` (${((performance.now() - t) / 1000).toFixed(1)} s)\n`);
    }

  } finally {
    await local.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  console.log(`Cost per 1,000 orders on AWS, ${priceTable.region}, prices as of ${priceTable.pricesAsOf} (test/benchmarks/cost/prices-us-east-1.json), ${ORDERS} orders per path`);
  const summary: Record<string, Record<string, number>> = {};
  for (const [name, f] of Object.entries(results)) {
    const breakdown = costs(f);
    const total = Object.values(breakdown).reduce((s, c) => s + c, 0);
    console.log(`\n${name}: USD ${(total * 1000).toFixed(4)} per 1,000 orders`);
    console.log(
      `  per order: ${round(f.standardTransitions, 2)} Standard transitions (${Object.entries(f.transitionsByMachine).map(([m, n]) => `${m.replace(/^local-/, '')} ${round(n, 2)}`).join(', ')}), ${round(f.expressTransitions, 2)} Express; ` +
        `${round(f.lambdaInvocations, 2)} Lambda invocations, ${round(f.lambdaGbSeconds, 4)} GB-s; ${round(f.readUnits, 2)} RRU, ${round(f.writeUnits, 2)} WRU in ${round(f.dynamodbRequests, 2)} DynamoDB calls; ` +
        `${round(f.apiRequests, 2)} API requests; ${round(f.emails, 2)} emails; S3 ${round(f.s3PutRequests, 2)} PUT-class, ${round(f.s3GetRequests, 2)} GET-class; ` +
        `${round(f.schedulerInvocations, 2)} scheduler invocations, ${round(f.eventBridgeEvents, 2)} EventBridge events; ${round(f.metricValues, 2)} custom metric values (${round(f.metricLogBytes, 0)} bytes of EMF log)`,
    );
    console.log(`  Lambda GB-s by function (each handler's own wall time here): ${Object.entries(f.gbSecondsByFunction).map(([t, n]) => `${t} ${round(n, 3)}`).join(', ')}`);
    console.log(
      `  Lambda GB-s on AWS, estimated (${round(f.lambdaCpuMs, 0)} ms process CPU at the function's vCPU share + AWS calls at ${Object.entries(AWS_CALL_LATENCY_MS).map(([k, v]) => `${k} ${v} ms`).join(', ')}): ` +
        `${round(f.lambdaGbSecondsAwsEstimate, 4)} GB-s; ${Object.entries(f.gbSecondsAwsEstimateByFunction).map(([t, n]) => `${t} ${round(n, 3)}`).join(', ')}`,
    );
    console.log(`  write units by table and index: ${Object.entries(f.writeUnitsByTarget).map(([t, n]) => `${t} ${round(n, 1)}`).join(', ')}`);
    console.log(`  write calls (table(s) operation: calls, units incl. indexes): ${Object.entries(f.writeCalls).map(([t, n]) => `${t} ${round(n.calls, 2)}x ${round(n.units, 1)}`).join('; ')}`);
    for (const [what, usd] of Object.entries(breakdown)) if (usd > 0) console.log(`  ${what.padEnd(48)} USD ${(usd * 1000).toFixed(4)}`);
    const estimatedTotal = total - breakdown['Lambda duration (GB-s)']! + f.lambdaGbSecondsAwsEstimate * p.lambdaArmPerGbSecond;
    const floor = total - breakdown['Lambda duration (GB-s)']!;
    console.log(`  with the estimated AWS Lambda duration instead: USD ${(estimatedTotal * 1000).toFixed(4)}; with no Lambda duration at all: USD ${(floor * 1000).toFixed(4)}; SES alone: USD ${(f.emails * p.sesPerMessage * 1000).toFixed(4)}`);
    summary[name] = {
      usdPer1000Orders: round(total * 1000, 4),
      standardTransitions: round(f.standardTransitions, 2),
      expressTransitions: round(f.expressTransitions, 2),
      lambdaInvocations: round(f.lambdaInvocations, 2),
      lambdaGbSeconds: round(f.lambdaGbSeconds, 4),
      lambdaGbSecondsAwsEstimate: round(f.lambdaGbSecondsAwsEstimate, 4),
      usdPer1000OrdersAwsDurationEstimate: round(estimatedTotal * 1000, 4),
      readUnits: round(f.readUnits, 2),
      writeUnits: round(f.writeUnits, 2),
      apiRequests: round(f.apiRequests, 2),
      emails: round(f.emails, 2),
      s3Requests: round(f.s3PutRequests + f.s3GetRequests, 2),
      eventBridgeEvents: round(f.eventBridgeEvents + f.schedulerInvocations, 2),
      customMetricValues: round(f.metricValues, 2),
    };
  }
  console.log(JSON.stringify({ region: priceTable.region, pricesAsOf: priceTable.pricesAsOf, paths: summary }));
}

interface Invoice {
  invoiceId: string;
  number: string;
  balance: string;
  dueDate: string;
  sentAt: string | null;
  dunning: { level: number };
}

function id(): string {
  return Math.floor(performance.now() * 1000).toString(36);
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

async function placeAndAwaitShipment(api: BenchmarkApi, customerId: string, lines: { sku: string; quantity: number; unitPrice: string }[]) {
  const placed = await api.post('/orders', { customerId, currency: 'EUR', lines });
  if (placed.status !== 202) throw new Error(`POST /orders answered ${placed.status}: ${JSON.stringify(placed.body)}`);
  const orderId = String(placed.body.orderId);
  await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT', 60_000);
  return { orderId };
}

/** Reports the shipments one after another (undefined: all of it) and answers each shipment's invoice once emailed. */
async function ship(api: BenchmarkApi, orderId: string, shipments: ({ sku: string; quantity: number }[] | undefined)[]): Promise<Invoice[]> {
  const invoices: Invoice[] = [];
  for (const lines of shipments) {
    const shipped = await api.post(`/orders/${orderId}/shipments`, lines ? { lines } : {});
    if (shipped.status !== 202) throw new Error(`shipment answered ${shipped.status}: ${JSON.stringify(shipped.body)}`);
    const order = await api.waitFor(`invoice ${invoices.length + 1} of ${orderId}`, () => api.get<{ invoiceIds: string[] }>(`/orders/${orderId}`), (r) => (r.body.invoiceIds ?? []).length === invoices.length + 1, 60_000);
    const invoiceId = order.body.invoiceIds.at(-1)!;
    const invoice = await api.waitFor('the invoice email', () => api.get<Invoice>(`/invoices/${invoiceId}`), (r) => r.status === 200 && r.body.sentAt !== null, 60_000);
    invoices.push(invoice.body);
  }
  return invoices;
}

async function pay(api: BenchmarkApi, invoice: Invoice, providerPaymentId: string): Promise<void> {
  const paid = await api.post('/payments', { amount: invoice.balance, currency: 'EUR', reference: invoice.number, valueDate: new Date().toISOString().slice(0, 10), providerPaymentId });
  if (paid.body.status !== 'applied') throw new Error(`payment ${JSON.stringify(paid.body)}`);
}

async function inBatches<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>, progress: (done: number) => void): Promise<void> {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
      progress(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

await main();
