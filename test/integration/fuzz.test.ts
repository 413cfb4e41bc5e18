/**
 * A bounded, seeded fuzz of the HTTP API on the local stack: 2,000 malformed requests (at least 20 per route) spread
 * over every declared route (bad ids, broken percent-encoding, unknown, repeated and malformed
 * query parameters, forged and borrowed cursors, broken JSON, wrong types, huge strings, control
 * characters, bodies over the limit, wrong methods, bad Idempotency-Keys, bad keys), sent with the
 * finance and the storefront key, plus bad moves of the local clock. Every answer must be a 4xx
 * (never a 5xx, never a success: each request is built to be wrong), nothing may be written (every
 * table's items, the sent emails and the executions are the same before and after), and the
 * ledger check still holds. Prints the figures. `FUZZ_SEED` and `FUZZ_REQUESTS` change the run.
 *
 * raw: every request here is built by hand on purpose (the typed client cannot send a malformed
 * request); test/unit/contract/integration-calls-use-client.test.ts lists this file as raw.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMITS, routes, type RouteDefinition } from '../../lib/definitions/routes';
import { tables } from '../../lib/definitions/tables';
import { localTableName } from '../../local-aws/dynamodb';
import { ROOT_DIR } from '../../local-aws/runtime';
import { pollUntilFinished } from '../support/remittance-files';
import { startTestStack, type ApiDriver } from './support/api-driver';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_206);
// At least 20 per route (76 routes and the local clock): every route meets each kind of malformed request it can.
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 2000);
const CONCURRENCY = 8;

/** mulberry32: a small seeded generator, so that a failing run can be replayed with its seed. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof generator>;

interface FuzzRequest {
  readonly kind: string;
  /** The declared route it was made from (`POST /orders`), or `local` for the clock. */
  readonly route: string;
  readonly method: string;
  /** The request target as sent on the wire (already percent-encoded where it should be). */
  readonly target: string;
  readonly role: 'storefront' | 'finance' | 'none' | 'unknown-key';
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

interface Context {
  readonly ids: Record<string, string>;
  /** Genuine cursors, by the list they came from. */
  readonly cursors: Record<string, string>;
}

const paramsOf = (route: RouteDefinition) => [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
const fill = (route: RouteDefinition, ids: Record<string, string>, override: Record<string, string> = {}) =>
  route.path.replace(/\{([^}]+)\}/g, (_, name: string) => override[name] ?? encodeURIComponent(ids[name] ?? 'x'));

/** Ids that break the path rule, as they go on the wire. */
const BAD_IDS = [
  'a%20b',
  'x'.repeat(65),
  'x'.repeat(3000),
  '%00',
  'C%0A1',
  'M%C3%BCller',
  '..',
  '.',
  '-x',
  'a%2Fb',
  '%F0%9F%92%A3',
  '%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  "1'%20OR%20'1'%3D'1",
  '%E2%80%AE',
  '$%7Bjndi%3Aldap%3A%2F%2Fx%7D',
];
const BAD_ENCODINGS = ['%zz', '%E0%A4%A', '%', 'ab%2', '%C3%28', '%ED%A0%80'];
const BROKEN_JSON = ['{"a":', '[', 'nul', '{"a":1}}', "{'a':1}", '{"a":1,}', '\u0000', '{"a":"\\x41"}', '{"a":01}', '{"a":NaN}', '"unterminated', '{"a":"\ud800"'];
const CONTROL_STRINGS = ['A\u0000B', 'A\u0007', '\u001b[31mred', 'A\u0085B', 'A\u009bB', '\ud800', 'A\udfffB', 'x\u007f'];
const TEXT_FIELDS = ['name', 'email', 'reason', 'payerName', 'reference', 'carrier', 'trackingNumber', 'externalRef', 'currency', 'amount', 'decision', 'customerId', 'policyId', 'asOf'];
const WRONG_VALUES: readonly unknown[] = [12, -1, 1e308, true, null, [], {}, [1, 2], { nested: { deeper: [null] } }, '', ' ', '1.0.0', 'NaN', '-0', '2026-02-30', 'P1D'];

function randomKey(rng: Rng): string {
  return `fuzz_${rng.int(1e6).toString(36)}`;
}

function randomJson(rng: Rng, depth = 0): unknown {
  const roll = rng.int(depth > 2 ? 4 : 6);
  if (roll === 0) return rng.pick(WRONG_VALUES);
  if (roll === 1) return rng.int(2) ? rng.next() * 1e6 : -rng.int(1000);
  if (roll === 2) return rng.pick(['', 'x', 'OPEN', 'approve', 'EUR', '1.00', '2026-01-01', 'ß'.repeat(rng.int(50))]);
  if (roll === 3) return rng.int(2) === 0;
  if (roll === 4) return Array.from({ length: rng.int(4) }, () => randomJson(rng, depth + 1));
  return Object.fromEntries(Array.from({ length: 1 + rng.int(3) }, () => [rng.int(2) ? rng.pick(TEXT_FIELDS) : randomKey(rng), randomJson(rng, depth + 1)]));
}

/** A JSON object every body schema refuses: it always has a field no schema knows, and known fields of the wrong type. */
function wrongObject(rng: Rng): Record<string, unknown> {
  const body: Record<string, unknown> = { [randomKey(rng)]: randomJson(rng) };
  for (let i = rng.int(4); i > 0; i--) body[rng.pick(TEXT_FIELDS)] = rng.pick(WRONG_VALUES);
  return body;
}

/**
 * The finance or the storefront key: mostly one the route lets in (so that the request reaches the
 * function and its rules), sometimes the other (a 403 from the authorizer).
 */
function role(rng: Rng, route: RouteDefinition): 'storefront' | 'finance' {
  if (rng.int(5) === 0) return rng.int(2) ? 'finance' : 'storefront';
  // The portal's routes take a pay link, not a key: a key meets the authorizer's 403.
  const keyed = route.access.filter((r): r is 'storefront' | 'finance' => r !== 'customer');
  return keyed.length ? rng.pick(keyed) : 'finance';
}

const isJsonBodyRoute = (r: RouteDefinition) => r.method !== 'GET' && r.body !== 'file';
const withBody = (r: RouteDefinition) => r.method !== 'GET';

/** A body that is wrong for the route (when it takes one). */
function badBody(rng: Rng, route: RouteDefinition): string | undefined {
  if (!withBody(route)) return undefined;
  if (route.body === 'file') return `x${rng.pick(['not a statement', '<?xml', ':20:', '01,', 'date,'])}${'\u0000'.repeat(rng.int(3))}`;
  return JSON.stringify(rng.int(5) === 0 ? rng.pick([[wrongObject(rng)], 42, 'text', [null]]) : wrongObject(rng));
}

type Mutation = { kind: string; applies: (r: RouteDefinition) => boolean; build: (rng: Rng, r: RouteDefinition, ctx: Context) => Omit<FuzzRequest, 'kind' | 'route'> };

const mutations: Mutation[] = [
  {
    kind: 'bad id',
    applies: (r) => paramsOf(r).length > 0,
    build: (rng, r, ctx) => ({ method: r.method, target: fill(r, ctx.ids, { [rng.pick(paramsOf(r))]: rng.pick(BAD_IDS) }), role: role(rng, r), ...(withBody(r) ? { body: badBody(rng, r)! } : {}) }),
  },
  {
    kind: 'broken percent-encoding',
    applies: () => true,
    build: (rng, r, ctx) => {
      const params = paramsOf(r);
      const where = rng.int(3);
      const target =
        where === 0 && params.length
          ? fill(r, ctx.ids, { [rng.pick(params)]: rng.pick(BAD_ENCODINGS) })
          : where === 1
            ? `${fill(r, ctx.ids)}?${rng.pick(Object.keys(r.query ?? {}).concat('x'))}=${rng.pick(BAD_ENCODINGS)}`
            : `${fill(r, ctx.ids).replace(/^\/([a-z])/, `/$1${rng.pick(BAD_ENCODINGS)}`)}`;
      return { method: r.method, target, role: role(rng, r), ...(withBody(r) ? { body: badBody(rng, r)! } : {}) };
    },
  },
  {
    kind: 'unknown query parameter',
    applies: () => true,
    build: (rng, r, ctx) => ({ method: r.method, target: `${fill(r, ctx.ids)}?${rng.pick(['debug', 'admin', 'x', '__proto__', 'constructor', 'limit%00', 'a%20b', 'CURSOR'])}=${rng.pick(['1', 'true', ''])}`, role: role(rng, r), ...(withBody(r) ? { body: badBody(rng, r)! } : {}) }),
  },
  {
    kind: 'bad query value',
    applies: (r) => Object.keys(r.query ?? {}).length > 0,
    build: (rng, r, ctx) => {
      const [name, spec] = rng.pick(Object.entries(r.query!));
      const values: Record<string, readonly string[]> = {
        limit: ['abc', '0', '-1', '1e2', '99999', '1.5', '%201', ''],
        integer: ['six', '0', '25', '1e1', ''],
        cursor: ['', 'abc', '%00'],
        identifier: ['a%20b', 'x'.repeat(65), '%0A', ''],
        enum: ['NOPE', 'open', '', 'OPEN%00'],
        date: ['2026-02-30', 'today', '2026-1-1', '', '0000-00-00', '2026-02-29'],
        month: ['2026-13', '2026-1', 'march', '', '0001-01', '1899-12'],
      };
      return { method: r.method, target: `${fill(r, ctx.ids)}?${name}=${rng.pick(values[spec.kind]!)}`, role: role(rng, r) };
    },
  },
  {
    kind: 'repeated query parameter',
    applies: (r) => Object.keys(r.query ?? {}).length > 0,
    build: (rng, r, ctx) => {
      const name = rng.pick(Object.keys(r.query!));
      return { method: r.method, target: `${fill(r, ctx.ids)}?${name}=1&${name}=2`, role: role(rng, r) };
    },
  },
  {
    kind: 'forged cursor',
    applies: (r) => r.query?.cursor !== undefined,
    build: (rng, r, ctx) => {
      const genuine = ctx.cursors[rng.pick(Object.keys(ctx.cursors))]!;
      const [payload = '', mac = ''] = genuine.split('.');
      const forged = [
        `${Buffer.from(JSON.stringify({ customerId: 'C-0', orderId: 'x' })).toString('base64url')}.${mac}`,
        `${payload}.${'A'.repeat(43)}`,
        `${payload.slice(0, -2)}.${mac}`,
        Buffer.from(JSON.stringify({ invoiceId: 'I-1' })).toString('base64url'),
        // A genuine cursor of another list (or of this one with other filters).
        genuine,
        `${payload}.${mac.slice(1)}A`,
      ];
      const filters = r.path === '/invoices' ? `status=${rng.pick(['OPEN', 'PAID'])}&` : '';
      const cursor = rng.pick(forged);
      // A genuine cursor is only wrong on another list: never send one to the list it came from.
      const safe = cursor === genuine && ctx.cursors[`${r.path}?${filters}`] === genuine ? forged[1]! : cursor;
      return { method: r.method, target: `${fill(r, ctx.ids)}?${filters}limit=1&cursor=${encodeURIComponent(safe)}`, role: role(rng, r) };
    },
  },
  {
    kind: 'broken JSON',
    applies: isJsonBodyRoute,
    build: (rng, r, ctx) => ({ method: r.method, target: fill(r, ctx.ids), role: role(rng, r), body: rng.pick(BROKEN_JSON) }),
  },
  {
    kind: 'wrong types',
    applies: withBody,
    build: (rng, r, ctx) => ({ method: r.method, target: fill(r, ctx.ids), role: role(rng, r), body: badBody(rng, r)! }),
  },
  {
    kind: 'huge string',
    applies: isJsonBodyRoute,
    build: (rng, r, ctx) => ({
      method: r.method,
      target: fill(r, ctx.ids),
      role: role(rng, r),
      body: JSON.stringify({ [rng.pick(TEXT_FIELDS)]: rng.pick(['A', 'ß', '0', ' ', '%']).repeat(100_000 + rng.int(300_000)) }),
    }),
  },
  {
    kind: 'control characters',
    applies: isJsonBodyRoute,
    build: (rng, r, ctx) => ({ method: r.method, target: fill(r, ctx.ids), role: role(rng, r), body: JSON.stringify({ ...wrongObject(rng), [rng.pick(TEXT_FIELDS)]: rng.pick(CONTROL_STRINGS) }) }),
  },
  {
    kind: 'body over the limit',
    applies: withBody,
    build: (rng, r, ctx) => {
      const limit = r.maxBodyBytes ?? BODY_LIMITS.json;
      const size = limit + 1 + rng.int(4096);
      const body = r.body === 'file' ? Buffer.alloc(size, 'date,1.00,EUR,x,y,z\n') : Buffer.from(`{"name":"${'A'.repeat(size)}"}`);
      return { method: r.method, target: fill(r, ctx.ids), role: role(rng, r), body };
    },
  },
  {
    kind: 'wrong method',
    applies: () => true,
    build: (rng, r, ctx) => {
      const declared = routes.filter((o) => o.path === r.path).map((o) => o.method);
      const method = rng.pick(['DELETE', 'PATCH', 'PUT', 'POST', 'GET', 'OPTIONS'].filter((m) => !declared.includes(m as RouteDefinition['method'])));
      return { method, target: fill(r, ctx.ids), role: role(rng, r), ...(method !== 'GET' ? { body: JSON.stringify(wrongObject(rng)) } : {}) };
    },
  },
  {
    kind: 'bad Idempotency-Key',
    applies: withBody,
    build: (rng, r, ctx) => ({ method: r.method, target: fill(r, ctx.ids), role: role(rng, r), headers: { 'idempotency-key': 'k'.repeat(256 + rng.int(500)) }, body: badBody(rng, r)! }),
  },
  {
    kind: 'bad key',
    applies: () => true,
    build: (rng, r, ctx) => ({ method: r.method, target: fill(r, ctx.ids), role: rng.pick(['none', 'unknown-key'] as const), ...(withBody(r) ? { body: badBody(rng, r)! } : {}) }),
  },
];

/** Bad moves of the local clock: none of them may move it. */
function clockRequest(rng: Rng): FuzzRequest {
  const body = rng.pick([
    JSON.stringify({ advance: 'P9999999D' }),
    JSON.stringify({ advance: `P${'9'.repeat(30)}D` }),
    JSON.stringify({ advance: 'P367D' }),
    JSON.stringify({ to: '2000-01-01T00:00:00Z' }),
    JSON.stringify({ to: 'tomorrow' }),
    JSON.stringify({ advance: 30 }),
    JSON.stringify({ advance: '-P1D' }),
    JSON.stringify({ advance: 'P1D', to: '2100-01-01T00:00:00Z' }),
    JSON.stringify({ advance: 'P1D', speed: 2 }),
    '{"advance":',
    '[]',
  ]);
  return { kind: 'bad clock move', route: 'POST /_local/clock', method: 'POST', target: '/_local/clock', role: 'finance', body };
}

function plan(rng: Rng, ctx: Context, count: number): FuzzRequest[] {
  const planned: FuzzRequest[] = [];
  for (let i = 0; planned.length < count; i++) {
    if (i % 50 === 49) {
      planned.push(clockRequest(rng));
      continue;
    }
    const route = routes[i % routes.length]!;
    const mutation = rng.pick(mutations.filter((m) => m.applies(route)));
    planned.push({ kind: mutation.kind, route: `${route.method} ${route.path}`, ...mutation.build(rng, route, ctx) });
  }
  return planned;
}

// ---- the stack, its data, and what "nothing written" compares ----

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;
let context: Context;
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function send(request: FuzzRequest): Promise<{ status: number; body: string }> {
  const url = new URL(stack.local.url);
  const headers: Record<string, string | number> = { ...request.headers };
  if (request.role === 'storefront' || request.role === 'finance') headers['x-api-key'] = stack.local.apiKeys[request.role];
  if (request.role === 'unknown-key') headers['x-api-key'] = 'not-a-key-of-anyone';
  if (request.body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(request.body);
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method: request.method, path: request.target, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(60_000, () => req.destroy(new Error(`timed out: ${request.method} ${request.target.slice(0, 100)}`)));
    req.on('error', reject);
    req.end(request.body);
  });
}

function canonical(item: Record<string, AttributeValue>): string {
  return JSON.stringify(Object.keys(item).sort().map((k) => [k, item[k]]));
}

/** Every table's items (as a hash and a count), the emails sent and the executions with their status. */
/** The local clock's time now, in milliseconds. */
async function clockNow(): Promise<number> {
  return Date.parse(String((await api.get<{ now: string }>('/_local/clock')).body.now));
}

async function snapshot(): Promise<Record<string, string>> {
  const dynamodb = new DynamoDBClient({ endpoint: stack.local.endpoints.dynamodb, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const result: Record<string, string> = {};
  for (const table of tables) {
    const items: string[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await dynamodb.send(new ScanCommand({ TableName: localTableName(table, 'local'), ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []).map(canonical));
      start = page.LastEvaluatedKey;
    } while (start);
    result[table.id] = `${items.length} items, ${createHash('sha256').update(items.sort().join('\n')).digest('hex').slice(0, 16)}`;
  }
  const emails = await api.get<{ items: unknown[] }>('/_local/emails');
  result.emails = `${emails.body.items.length} sent`;
  const sfn = new SFNClient({ endpoint: stack.local.endpoints.stepFunctions, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  for (const [name, arn] of Object.entries(stack.local.stateMachineArns)) {
    const executions = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 1000 }));
    result[`executions ${name}`] = (executions.executions ?? []).map((e) => `${e.name}:${e.status}`).sort().join(',');
  }
  return result;
}

beforeAll(async () => {
  stack = await startTestStack();
  api = stack.api;
  // Away from the daily dunning run at 06:00 business time: to noon of the next day (the run of
  // that morning happens on the way), so no scheduled run falls into the fuzz.
  const now = new Date(String((await api.get<{ now: string }>('/_local/clock')).body.now));
  const noon = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 10, 0, 0));
  expect((await api.post('/_local/clock', { to: noon.toISOString() }, 'finance')).status).toBe(200);

  const customer = { email: 'ap@fuzz.example', currency: 'EUR', creditLimit: '100000.00', paymentTermsDays: 14 };
  for (const [id, name] of [['C-FUZZ-1', 'Fuzz One GmbH'], ['C-FUZZ-2', 'Fuzz Two AG']] as const) {
    expect((await api.registerCustomer(id, { ...customer, name })).status).toBe(201);
  }
  const order = async () => {
    const placed = await api.post<{ orderId: string }>('/orders', { customerId: 'C-FUZZ-1', currency: 'EUR', lines: [{ sku: 'SKU-1', quantity: 2, unitPrice: '10.00' }] });
    expect(placed.status).toBe(202);
    await api.waitForOrderStatus(placed.body.orderId, 'AWAITING_SHIPMENT');
    return placed.body.orderId;
  };
  const invoiced = await order();
  expect((await api.post(`/orders/${invoiced}/shipments`, {})).status).toBe(202);
  const shipped = await api.waitFor('the invoice', () => api.get<{ status: string; invoiceId: string | null }>(`/orders/${invoiced}`), (r) => r.body.status === 'INVOICED' && r.body.invoiceId !== null);
  const invoiceId = shipped.body.invoiceId!;
  const waiting = await order();
  const dispute = await api.post<{ disputeId: string }>(`/invoices/${invoiceId}/disputes`, { reason: 'fuzz: damaged' }, 'finance');
  expect(dispute.status).toBe(201);
  const statement = readFileSync(join(ROOT_DIR, 'test/fixtures/bank/customer-payments.csv'), 'utf8');
  const uploaded = await api.call<{ statementId: string }>('POST', '/remittances', { as: 'finance', body: statement, headers: { 'content-type': 'text/csv' } });
  expect(uploaded.status).toBe(202);
  expect((await pollUntilFinished<{ status: string }>(api, `/remittances/${uploaded.body.statementId}`)).response.body.status).toBe('completed');
  const unapplied = await api.get<{ items: { paymentId: string }[] }>('/payments/unapplied?limit=1');
  const runs = await api.post<{ runId: string }>('/dunning/runs', { dryRun: true }, 'finance');
  const ordersPage = await api.get<{ cursor: string }>('/orders?limit=1');
  const customersPage = await api.get<{ cursor: string }>('/customers?limit=1');
  context = {
    ids: {
      customerId: 'C-FUZZ-1',
      // The waiting order: the one calls could still change (a shipment, a cancellation).
      orderId: waiting,
      invoiceId,
      paymentId: unapplied.body.items[0]?.paymentId ?? 'P-none',
      statementId: uploaded.body.statementId,
      runId: runs.body.runId,
      policyId: 'default',
      disputeId: dispute.body.disputeId,
    },
    cursors: { '/orders?': ordersPage.body.cursor, '/customers?': customersPage.body.cursor },
  };
  expect(Object.values(context.cursors).every((c) => typeof c === 'string' && c.length > 0)).toBe(true);
  // Let everything the set-up started settle before the "before" picture.
  await stack.local.clock.whenIdle();
}, 180_000);

afterAll(async () => {
  agent.destroy();
  await stack?.stop();
});

describe('fuzz: malformed requests across every route', () => {
  it(`answers ${REQUESTS} malformed requests with a 4xx each, writes nothing, and the ledger still balances (seed ${SEED})`, async () => {
    // Prepare
    const rng = generator(SEED);
    const requests = plan(rng, context, REQUESTS);
    const before = await snapshot();
    const clockBefore = await clockNow();
    const realBefore = Date.now();

    // Act
    const started = performance.now();
    const outcomes: { request: FuzzRequest; status: number; body: string }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < requests.length) {
          const request = requests[next++]!;
          const { status, body } = await send(request);
          outcomes.push({ request, status, body });
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    await stack.local.clock.whenIdle();
    const after = await snapshot();
    const clockAfter = await clockNow();
    const realElapsed = Date.now() - realBefore;
    const ledger = await api.ledgerCheck();

    // Report
    const histogram = (key: (o: (typeof outcomes)[number]) => string) =>
      Object.fromEntries(Object.entries(outcomes.reduce<Record<string, number>>((acc, o) => ({ ...acc, [key(o)]: (acc[key(o)] ?? 0) + 1 }), {})).sort(([a], [b]) => (a < b ? -1 : 1)));
    const namingAField = outcomes.filter((o) => o.status === 400 && /"field":"[^"]+"/.test(o.body)).length;
    console.log(
      [
        `[fuzz] seed ${SEED}: ${outcomes.length} requests over ${routes.length} routes in ${seconds.toFixed(1)} s (${Math.round(outcomes.length / seconds)} requests/s, ${CONCURRENCY} at a time)`,
        `[fuzz] status codes: ${JSON.stringify(histogram((o) => String(o.status)))}`,
        `[fuzz] by kind: ${JSON.stringify(histogram((o) => o.request.kind))}`,
        `[fuzz] 400s naming a field or parameter: ${namingAField} of ${outcomes.filter((o) => o.status === 400).length}`,
        `[fuzz] routes: ${new Set(outcomes.map((o) => o.request.route)).size} (${routes.length} declared and the local clock), ${Math.min(...routes.map((r) => outcomes.filter((o) => o.request.route === `${r.method} ${r.path}`).length))} requests or more each; keys: ${JSON.stringify(histogram((o) => o.request.role))}`,
      ].join('\n'),
    );

    // Assess
    const wrong = outcomes.filter((o) => o.status < 400 || o.status >= 500);
    expect(
      wrong.map((o) => `${o.status} ${o.request.kind}: ${o.request.method} ${o.request.target.slice(0, 120)} ${String(o.request.body ?? '').slice(0, 120)} -> ${o.body.slice(0, 200)}`),
    ).toEqual([]);
    expect(outcomes).toHaveLength(REQUESTS);
    for (const route of routes) expect(outcomes.filter((o) => o.request.route === `${route.method} ${route.path}`).length, `${route.method} ${route.path}`).toBeGreaterThanOrEqual(20);
    expect(after).toEqual(before);
    // The local clock runs on with real time; no bad move may have moved it (forwards or back).
    expect(clockAfter - clockBefore).toBeGreaterThanOrEqual(0);
    expect(clockAfter - clockBefore).toBeLessThanOrEqual(realElapsed + 1_000);
    expect(ledger).toMatchObject({ balanced: true });
  }, 300_000);
});
