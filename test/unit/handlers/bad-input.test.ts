/**
 * Bad input through the real handler modules of every declared route: ids in paths, query
 * parameters, body size and control characters are refused with a 4xx naming the parameter or
 * field, before the handler touches a store (the handlers here are wired to real DynamoDB
 * adapters with no DynamoDB behind them: any store call would fail the test with a 500).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { BODY_LIMITS, routes, type RouteDefinition } from '../../../lib/definitions/routes';
import { functions } from '../../../lib/definitions/functions';
import { tables } from '../../../lib/definitions/tables';
import { stateMachines } from '../../../lib/definitions/state-machines';
import { buckets } from '../../../lib/definitions/buckets';
import { apiEvent, errorOf, lambdaContext, stubHandlerEnvironment } from '../../support/api-events';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
const handlers = new Map<string, Handler>();

beforeAll(async () => {
  stubHandlerEnvironment();
  for (const table of tables) vi.stubEnv(table.envVar, `test-${table.id}`);
  for (const machine of stateMachines) vi.stubEnv(machine.envVar, `arn:aws:states:eu-central-1:123456789012:stateMachine:${machine.name}`);
  for (const bucket of buckets) vi.stubEnv(bucket.envVar, `test-${bucket.id.toLowerCase()}`);
  // Nothing listens here: a handler that reached a store would fail at once, not after retries.
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', 'http://127.0.0.1:9');
  vi.stubEnv('AWS_ENDPOINT_URL_SFN', 'http://127.0.0.1:9');
  vi.stubEnv('AWS_ENDPOINT_URL_SES', 'http://127.0.0.1:9');
  vi.stubEnv('AWS_ENDPOINT_URL_S3', 'http://127.0.0.1:9');
  vi.stubEnv('AWS_S3_FORCE_PATH_STYLE', 'true');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
  vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
  for (const route of routes) {
    const entry = functions.find((f) => f.id === route.functionId)!.entry;
    const module = (await import(`../../../${entry}`)) as { handler: Handler };
    handlers.set(`${route.method} ${route.path}`, module.handler);
  }
}, 120_000);

afterAll(() => {
  vi.unstubAllEnvs();
});

const validIds: Record<string, string> = {
  customerId: 'C-1',
  orderId: '7d3c1a52-0f7e-4bb0-9f7e-2b1c1f0e8a11',
  invoiceId: 'I-1',
  paymentId: 'P-1',
  statementId: 'st-0123456789abcdef',
  adviceId: 'adv-0123456789abcdef01234567',
  importId: 'import-0123456789abcdef',
  runId: 'run-2026-03-02',
  policyId: 'default',
  disputeId: 'D-1',
  creditNoteId: 'CN-1',
  webhookId: 'wh_0123456789abcdef01234567',
  mandateId: 'MD-C-1-0001',
  fileId: 'DD-20270312-ABC',
  refundId: 'RFD-1',
  period: '2026-11',
};

function paramsOf(route: RouteDefinition): string[] {
  return [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}

/** The event API Gateway hands the route's function. */
function eventFor(route: RouteDefinition, options: { pathParameters?: Record<string, string>; query?: Record<string, string>; multi?: Record<string, string[]>; body?: string; isBase64Encoded?: boolean } = {}): APIGatewayProxyEvent {
  const pathParameters = options.pathParameters ?? Object.fromEntries(paramsOf(route).map((p) => [p, validIds[p]!]));
  const path = route.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(pathParameters[name] ?? ''));
  const event = apiEvent(route.method, path, { role: route.access.includes('finance') ? 'finance' : 'storefront', pathParameters, ...(options.query ? { query: options.query } : {}) });
  return {
    ...event,
    resource: route.path,
    body: options.body ?? null,
    isBase64Encoded: options.isBase64Encoded ?? false,
    multiValueQueryStringParameters: options.multi ?? (options.query ? Object.fromEntries(Object.entries(options.query).map(([k, v]) => [k, [v]])) : null),
  };
}

async function call(route: RouteDefinition, options: Parameters<typeof eventFor>[1] = {}) {
  const handler = handlers.get(`${route.method} ${route.path}`)!;
  return handler(eventFor(route, options), lambdaContext);
}

const withParameters = routes.filter((r) => paramsOf(r).length > 0);
const badIds: [string, string][] = [
  ['a space', 'C 1'],
  ['a slash', '../etc'],
  ['65 characters', 'a'.repeat(65)],
  ['a NUL', 'C\u00001'],
  ['a line break', 'C\n1'],
  ['a non-ASCII letter', 'Müller'],
  ['a percent sign', 'C%201'],
  ['a leading dot', '.hidden'],
];

describe('ids in paths', () => {
  it('has a path parameter on most routes (the table below covers each)', () => {
    expect(withParameters.length).toBeGreaterThanOrEqual(18);
  });

  for (const route of withParameters) {
    for (const name of paramsOf(route)) {
      it.each(badIds)(`${route.method} ${route.path}: ${name} with %s is a 400 naming ${name}`, async (_, bad) => {
        // Act
        const response = await call(route, { pathParameters: { ...Object.fromEntries(paramsOf(route).map((p) => [p, validIds[p]!])), [name]: bad } });

        // Assess
        expect(response.statusCode).toBe(400);
        expect(errorOf(response).details).toEqual([{ field: name, problem: 'must be 1-64 letters, digits, ".", "_", ":" or "-", starting with a letter or digit (path parameter)' }]);
      });
    }
  }
});

describe('query parameters', () => {
  it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))('%s refuses a parameter it does not declare, naming it', async (_, route) => {
    // Act
    const response = await call(route, { query: { colour: 'red' } });

    // Assess
    expect(response.statusCode).toBe(400);
    const takes = Object.keys(route.query ?? {});
    expect(errorOf(response).details).toEqual([{ field: 'colour', problem: `is not a query parameter of ${route.method} ${route.path} (${takes.length ? `it takes ${takes.join(', ')}` : 'it takes none'})` }]);
  });

  const route = (method: string, path: string) => routes.find((r) => r.method === method && r.path === path)!;

  it.each([
    ['GET', '/invoices', { status: 'OPEN', limit: 'abc' }, 'limit', 'must be a whole number from 1 to 200'],
    ['GET', '/invoices', { status: 'OPEN', limit: '1e2' }, 'limit', 'must be a whole number from 1 to 200'],
    ['GET', '/invoices', { status: 'NOPE' }, 'status', 'must be one of OPEN, PARTIALLY_PAID, PAID, OVERDUE, DISPUTED, WRITTEN_OFF, CREDITED'],
    ['GET', '/invoices', { customerId: 'C 1' }, 'customerId', 'must be 1-64 letters, digits, ".", "_", ":" or "-", starting with a letter or digit'],
    ['GET', '/invoices', { customerId: 'x'.repeat(3000) }, 'customerId', 'must be 1-64 letters, digits, ".", "_", ":" or "-", starting with a letter or digit'],
    ['GET', '/invoices', { status: 'OPEN', dueOnOrBefore: '2026-02-30' }, 'dueOnOrBefore', 'must be a calendar date YYYY-MM-DD'],
    ['GET', '/invoices', { status: 'OPEN', cursor: 'not a cursor!' }, 'cursor', 'is not one this API returned'],
    ['GET', '/orders', { status: 'NOPE' }, 'status', 'must be one of RECEIVED, CREDIT_HOLD, AWAITING_SHIPMENT, PARTIALLY_SHIPPED, INVOICED, COMPLETED, REJECTED, CANCELLED'],
    ['GET', '/customers', { limit: '201' }, 'limit', 'must be a whole number from 1 to 200'],
    ['GET', '/payments/unapplied', { limit: '-1' }, 'limit', 'must be a whole number from 1 to 200'],
    ['GET', '/remittances/{statementId}', { limit: '1001' }, 'limit', 'must be a whole number from 1 to 1000'],
    ['GET', '/reports/aging', { asOf: 'yesterday' }, 'asOf', 'must be a calendar date YYYY-MM-DD'],
    ['GET', '/reports/kpis', { period: '2026-3' }, 'period', 'must be a month YYYY-MM from 1900-01 on'],
    ['GET', '/reports/kpis', { period: '0001-01' }, 'period', 'must be a month YYYY-MM from 1900-01 on'],
    ['GET', '/invoices', { status: 'OPEN', dueOnOrBefore: '0001-02-29' }, 'dueOnOrBefore', 'must be a calendar date YYYY-MM-DD'],
    ['GET', '/reports/kpis', { trendMonths: 'six' }, 'trendMonths', 'must be a whole number from 1 to 24'],
  ] as const)('%s %s %j is a 400 naming %s', async (method, path, query, field, problem) => {
    // Act
    const response = await call(route(method, path), { query });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).details).toEqual([{ field, problem }]);
  });

  it('refuses a parameter given twice, naming it', async () => {
    // Act
    const response = await call(route('GET', '/invoices'), { query: { status: 'PAID' }, multi: { status: ['OPEN', 'PAID'] } });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).details).toEqual([{ field: 'status', problem: 'is given 2 times; give it once' }]);
  });

  it('names every problem of a query at once, in the order the route declares its parameters', async () => {
    // Act
    const response = await call(route('GET', '/invoices'), { query: { cursor: '%%%', status: 'NOPE', limit: '0', extra: '1' } });

    // Assess
    expect(errorOf(response).details.map((d) => d.field)).toEqual(['limit', 'status', 'cursor', 'extra']);
  });
});

describe('body size', () => {
  const placeOrder = routes.find((r) => r.path === '/orders' && r.method === 'POST')!;
  const upload = routes.find((r) => r.path === '/remittances')!;

  it('answers 413 for a JSON body over 1 MiB, saying the limit', async () => {
    // Act
    const response = await call(placeOrder, { body: JSON.stringify({ externalRef: 'x'.repeat(BODY_LIMITS.json) }) });

    // Assess
    expect(response.statusCode).toBe(413);
    expect(errorOf(response)).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'The request body is 1,048,594 bytes; POST /orders accepts at most 1 MiB (1,048,576 bytes)',
      details: [{ field: '(body)', problem: 'is 1048594 bytes, more than the 1048576 bytes this route accepts' }],
    });
  });

  it('counts the bytes of a base64-encoded body (as API Gateway hands it over), not its encoding', async () => {
    // Act
    const file = Buffer.alloc(BODY_LIMITS.bulk + 1, 'a');
    const response = await call(upload, { body: file.toString('base64'), isBase64Encoded: true });

    // Assess
    expect(response.statusCode).toBe(413);
    expect(errorOf(response).message).toBe('The request body is 4,194,305 bytes; POST /remittances accepts at most 4 MiB (4,194,304 bytes)');
  });
});

describe('text in JSON bodies', () => {
  const putCustomer = routes.find((r) => r.path === '/customers/{customerId}' && r.method === 'PUT')!;
  const recordPayment = routes.find((r) => r.path === '/payments' && r.method === 'POST')!;
  const customer = { name: 'ACME GmbH', email: 'ap@acme.example', currency: 'EUR', creditLimit: '100.00', paymentTermsDays: 14 };

  it.each([
    ['a NUL in the name', { ...customer, name: 'ACME\u0000GmbH' }, 'name', 'must not contain control characters (only tab and line breaks are allowed in free text)'],
    ['an escape in the email', { ...customer, email: 'ap\u001b@acme.example' }, 'email', 'must not contain control characters (only tab and line breaks are allowed in free text)'],
    ['a C1 control in a key', { ...customer, ['x\u0085']: 1 }, '"x\u0085"', "(the field's name) must not contain control characters (only tab and line breaks are allowed in free text)"],
    ['a lone surrogate', { ...customer, name: 'ACME \ud800' }, 'name', 'is not valid Unicode (it holds a lone surrogate)'],
  ])('refuses %s before the handler runs, naming the field', async (_, body, field, problem) => {
    // Act
    const response = await call(putCustomer, { body: JSON.stringify(body) });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).details).toEqual([{ field, problem }]);
  });

  it('refuses a body nested deeper than 32 levels', async () => {
    // Act
    const response = await call(recordPayment, { body: `${'['.repeat(100_000)}${']'.repeat(100_000)}` });

    // Assess
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).details[0]?.problem).toBe('is nested more than 32 levels deep');
  });

  it('names the path of a control character deep in the body', async () => {
    // Act
    const response = await call(recordPayment, { body: JSON.stringify({ amount: '1.00', invoiceIds: ['I-1', 'I-\u0007'] }) });

    // Assess
    expect(errorOf(response).details).toEqual([{ field: 'invoiceIds[1]', problem: 'must not contain control characters (only tab and line breaks are allowed in free text)' }]);
  });

  it('refuses a body that is not JSON, or JSON sent as another content type', async () => {
    expect(errorOf(await call(putCustomer, { body: '{"name": ' })).details).toEqual([{ field: '(body)', problem: 'is not valid JSON' }]);
  });
});

describe('input that would make a record too large to store', () => {
  const putPolicy = routes.find((r) => r.path === '/dunning/policies/{policyId}')!;
  const policy = {
    name: 'Long history',
    graceDays: 3,
    levels: [{ level: 1, name: 'Reminder', daysPastDue: 3, minDaysSincePrevious: 0, template: 'friendly-reminder' }],
    interest: {
      reference: 'ECB',
      margin: '5',
      fixing: 'daily',
      // 25,000 rates fit in 1 MiB of JSON but not in a 400 KB item.
      rates: Array.from({ length: 25_000 }, (_, i) => ({ from: new Date(Date.UTC(1950, 0, 1 + i)).toISOString().slice(0, 10), rate: '1.5' })),
    },
  };

  it('refuses a policy with more reference rates than a record holds, naming the field', async () => {
    const response = await call(putPolicy, { pathParameters: { policyId: 'long' }, body: JSON.stringify(policy) });
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).details).toEqual([{ field: 'interest.rates', problem: 'must have at most 1000 rates' }]);
  });

  it('answers 400 (not 500) when DynamoDB refuses an item over 400 KB, alone or in a transaction', async () => {
    const { apiHandler } = await import('../../../lambdas/shared/http');
    const tooLarge = Object.assign(new Error('Item size has exceeded the maximum allowed size'), { name: 'ValidationException' });
    const cancelled = Object.assign(new Error('Transaction cancelled'), {
      name: 'TransactionCanceledException',
      CancellationReasons: [{ Code: 'None' }, { Code: 'ValidationError', Message: 'Item size to update has exceeded the maximum allowed size' }],
    });
    const other = Object.assign(new Error('One or more parameter values were invalid'), { name: 'ValidationException' });
    const answer = (error: Error) => apiHandler({}, async () => Promise.reject(error))(apiEvent('POST', '/orders', { body: {} }), lambdaContext);
    for (const error of [tooLarge, cancelled]) {
      const response = await answer(error);
      expect(response.statusCode).toBe(400);
      expect(errorOf(response).details).toEqual([{ field: '(body)', problem: 'makes a record larger than the 400 KB the database stores; send less' }]);
    }
    expect((await answer(other)).statusCode).toBe(500);
  });
});
