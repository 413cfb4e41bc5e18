/**
 * The local stack's own surface: what it listens on, and the `/_local/` routes (credential, clock
 * limits, progress of a long move, other requests answered while the clock moves).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type ApiDriver } from './support/api-driver';
import { isLoopbackAddress, listenersOf } from './support/listeners';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;
const logLines: string[] = [];

beforeAll(async () => {
  stack = await startTestStack({ log: (line) => logLines.push(line) });
  api = stack.api;
});

afterAll(async () => {
  await stack?.stop();
});

const portOf = (url: string) => Number(new URL(url).port);

describe('what the local stack listens on', () => {
  it('gateway, SES and Step Functions on 127.0.0.1 only, and nothing else of this process on another address', () => {
    // Act
    const own = listenersOf([process.pid]);

    // Assess
    const { gateway, ses, stepFunctions } = stack.local.endpoints;
    for (const url of [gateway, ses, stepFunctions]) {
      expect(own.filter((l) => l.port === portOf(url)).map((l) => l.address), url).toEqual(['127.0.0.1']);
    }
    expect(own.filter((l) => !isLoopbackAddress(l.address))).toEqual([]);
  });

  it('DynamoDB Local (no bind option) listens on its port alone, and answers browsers from the gateway origin only', async () => {
    // Act
    const java = listenersOf([stack.local.dynamodbPid!]);
    const preflight = (origin: string) =>
      fetch(stack.local.endpoints.dynamodb, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-amz-target' } });
    const foreign = await preflight('http://evil.example');
    const gateway = await preflight(stack.local.url);

    // Assess
    expect([...new Set(java.map((l) => l.port))]).toEqual([portOf(stack.local.endpoints.dynamodb)]);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(gateway.headers.get('access-control-allow-origin')).toBe(stack.local.url);
  });
});

describe('the /_local/ routes', () => {
  it('need the finance credential, but for the health check', async () => {
    for (const [method, path, body] of [
      ['GET', '/_local/clock', undefined],
      ['POST', '/_local/clock', { advance: 'P1D' }],
      ['GET', '/_local/emails', undefined],
      ['POST', '/_local/emails/feedback', { messageId: 'x' }],
    ] as const) {
      expect((await api.call(method, path, { as: 'none', ...(body ? { body } : {}) })).status, `${method} ${path} without a key`).toBe(401);
      expect((await api.call(method, path, { as: 'storefront', ...(body ? { body } : {}) })).status, `${method} ${path} as storefront`).toBe(403);
    }
    expect((await api.get('/_local/health', 'none')).status).toBe(200);
    expect((await api.get('/_local/clock', 'finance')).status).toBe(200);
  });

  it('refuse a move of the clock of more than a year at once, at once, naming the field, and move nothing', async () => {
    // Prepare
    const before = Date.parse(String((await api.get('/_local/clock')).body.now));

    // Act
    // performance.now(): this process' Date is the local clock, which the tests move.
    const started = performance.now();
    const huge = await api.post<{ error: { details: { field: string; problem: string }[] } }>('/_local/clock', { advance: 'P9999999D' }, 'finance');
    const answeredMs = performance.now() - started;
    const overAYear = await api.post<{ error: { details: { field: string; problem: string }[] } }>('/_local/clock', { advance: 'P367D' }, 'finance');
    const farTarget = await api.post<{ error: { details: { field: string; problem: string }[] } }>('/_local/clock', { to: new Date(before + 400 * 86_400_000).toISOString() }, 'finance');
    const hugeDigits = await api.post<{ error: { details: { field: string }[] } }>('/_local/clock', { advance: `P${'9'.repeat(400)}D` }, 'finance');

    // Assess
    expect(huge.status).toBe(400);
    expect(answeredMs).toBeLessThan(2_000);
    expect(huge.body.error.details).toEqual([{ field: 'advance', problem: 'must move the clock at most one year (P366D) at once; move it in steps' }]);
    expect(overAYear.status).toBe(400);
    expect(overAYear.body.error.details[0]?.field).toBe('advance');
    expect(farTarget.status).toBe(400);
    expect(farTarget.body.error.details[0]?.field).toBe('to');
    expect(farTarget.body.error.details[0]?.problem).toMatch(/^must be at most one year \(P366D\) after the clock's now/);
    expect(hugeDigits.status).toBe(400);
    expect(hugeDigits.body.error.details[0]?.field).toBe('advance');
    const after = Date.parse(String((await api.get('/_local/clock')).body.now));
    expect(after - before).toBeLessThan(60_000);
  });

  it('refuse moving the clock backwards, and bodies that are not a move, naming the field', async () => {
    // Prepare
    const now = Date.parse(String((await api.get('/_local/clock')).body.now));

    // Act
    const back = await api.post<{ error: { details: { field: string; problem: string }[] } }>('/_local/clock', { to: new Date(now - 86_400_000).toISOString() }, 'finance');
    const negative = await api.post<{ error: { details: { field: string }[] } }>('/_local/clock', { advance: '-P1D' }, 'finance');
    const both = await api.post<{ error: { details: { field: string }[] } }>('/_local/clock', { advance: 'P1D', to: '2030-01-01T00:00:00Z' }, 'finance');
    const unknown = await api.post<{ error: { details: { field: string }[] } }>('/_local/clock', { advance: 'P1D', speed: 2 }, 'finance');
    const notObject = await api.post<{ error: { details: { field: string }[] } }>('/_local/clock', [1], 'finance');
    const wrongType = await api.post<{ error: { details: { field: string }[] } }>('/_local/clock', { advance: 30 }, 'finance');

    // Assess
    expect(back.status).toBe(400);
    expect(back.body.error.details[0]).toMatchObject({ field: 'to', problem: expect.stringContaining('the local clock only moves forward') });
    for (const [response, field] of [
      [negative, 'advance'],
      [both, 'advance'],
      [unknown, 'speed'],
      [notObject, '(body)'],
      [wrongType, 'advance'],
    ] as const) {
      expect(response.status).toBe(400);
      expect(response.body.error.details[0]?.field).toBe(field);
    }
  });

  it('move 300 days with a progress line per simulated week, answering other requests meanwhile, and refuse a second move while moving', { timeout: 240_000 }, async () => {
    // Prepare
    const from = Date.parse(String((await api.get('/_local/clock')).body.now));
    logLines.length = 0;

    // Act: the move answers when it has arrived (about 30 s on 2 cores, more on a busy machine).
    const move = fetch(`${stack.local.url}/_local/clock`, {
      method: 'POST',
      headers: { 'x-api-key': stack.local.apiKeys.finance, 'content-type': 'application/json' },
      body: JSON.stringify({ advance: 'P300D' }),
      signal: AbortSignal.timeout(170_000),
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as { now: string; moving: unknown } }));
    const seenMoving: { percent: number; to: string }[] = [];
    const answerTimes: number[] = [];
    let second: Awaited<ReturnType<ApiDriver['post']>> | undefined;
    let done = false;
    move.then(
      () => (done = true),
      () => (done = true),
    );
    while (!done) {
      const t = performance.now();
      const [clock, health, customers] = await Promise.all([api.get<{ moving: { percent: number; to: string } | null }>('/_local/clock'), api.get('/_local/health', 'none'), api.op('getCustomers', { query: { limit: 5 } })]);
      answerTimes.push(Math.round(performance.now() - t));
      expect([health.status, customers.status]).toEqual([200, 200]);
      if (clock.body.moving) {
        seenMoving.push(clock.body.moving);
        second ??= await api.post('/_local/clock', { advance: 'P1D' }, 'finance');
      }
      // Each request holds the clock for its duration: poll gently, not to slow the move down.
      await new Promise((r) => setTimeout(r, 250));
    }
    const moved = await move;

    // Assess
    expect(moved.status).toBe(200);
    expect(Date.parse(moved.body.now) - from).toBeGreaterThanOrEqual(300 * 86_400_000);
    expect(Date.parse(moved.body.now) - from).toBeLessThan(300 * 86_400_000 + 120_000);
    expect(moved.body.moving).toBeNull();
    // Requests were answered while the clock moved, each without waiting for the move.
    expect(seenMoving.length).toBeGreaterThan(0);
    expect(seenMoving.some((p) => p.percent > 0 && p.percent < 100)).toBe(true);
    expect(Math.max(...answerTimes)).toBeLessThan(5_000);
    expect(second?.status).toBe(409);
    expect((second?.body as { error: { code: string } }).error.code).toBe('CLOCK_MOVING');
    // A line per simulated week (42 full weeks in 300 days, and the arrival).
    const progress = logLines.filter((l) => l.startsWith('clock        moving to '));
    expect(progress.length).toBeGreaterThanOrEqual(42);
    expect(progress.at(-1)).toMatch(/100% \(\d+ timers fired/);
    console.log(`[local-stack] ${progress.at(-1)?.replace(/^clock\s+/, '')}; ${answerTimes.length} rounds of requests answered meanwhile, slowest ${Math.max(...answerTimes)} ms`);
  });
});
