/**
 * Bad input through the local gateway, answered as the API documents it: a 4xx naming the
 * parameter or field and the problem, nothing written. The gateway's own refusals (broken
 * percent-encoding, over 10 MB) and the functions' (route rules, signed cursors) together.
 *
 * raw: the requests go by hand-written method and path (`api.call`/`get`/`post`), on purpose: broken
 * ids, encodings and bodies the typed client cannot send; the scan in
 * test/unit/contract/integration-calls-use-client.test.ts lists this file as raw.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type ApiDriver } from './support/api-driver';

type ErrorBody = { error: { code: string; message: string; details: { field: string; problem: string }[] } };

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;

beforeAll(async () => {
  stack = await startTestStack();
  api = stack.api;
  const customer = { email: 'ap@example.com', currency: 'EUR', creditLimit: '1000.00', paymentTermsDays: 14 };
  for (const id of ['C-1', 'C-2', 'C-3']) expect((await api.registerCustomer(id, { ...customer, name: `Customer ${id}` })).status).toBe(201);
});

afterAll(async () => {
  await stack?.stop({ keepData: false });
});

describe('through the local gateway', () => {
  it.each([
    ['/orders/%zz', 'orderId'],
    ['/orders/%E0%A4%A', 'orderId'],
    ['/invoices?status=%zz', 'status'],
    ['/invoices?%zz=1', '%zz'],
    ['/ord%zzers', '(path)'],
  ])('answers broken percent-encoding in %s with a 400 naming %s', async (path, field) => {
    const response = await api.get<ErrorBody>(path);
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([{ field, problem: 'is not valid percent-encoding (each % must start %XX with two hexadecimal digits, and the bytes must be UTF-8)' }]);
  });

  it.each([
    ['/orders/a%20b', 'orderId', 'must be 1-64 letters, digits, ".", "_", ":" or "-", starting with a letter or digit (path parameter)'],
    [`/customers/${'x'.repeat(65)}`, 'customerId', 'must be 1-64 letters, digits, ".", "_", ":" or "-", starting with a letter or digit (path parameter)'],
    ['/invoices?status=OPEN&limit=abc', 'limit', 'must be a whole number from 1 to 200'],
    ['/invoices?status=NOPE', 'status', 'must be one of OPEN, PARTIALLY_PAID, PAID, OVERDUE, DISPUTED, WRITTEN_OFF, CREDITED'],
    ['/customers?sort=name', 'sort', 'is not a query parameter of GET /customers (it takes limit, cursor)'],
    ['/customers?limit=1&limit=2', 'limit', 'is given 2 times; give it once'],
  ])('answers %s with a 400 naming %s', async (path, field, problem) => {
    const response = await api.get<ErrorBody>(path);
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([{ field, problem }]);
  });

  it('answers a body over 10 MB with 413 from the gateway, and one over the route limit with 413 from the function, saying the limit', async () => {
    const gateway = await api.call<ErrorBody>('POST', '/orders', { body: `{"x":"${'a'.repeat(10 * 1024 * 1024)}"}` });
    const route = await api.call<ErrorBody>('PUT', '/customers/C-9', { body: JSON.stringify({ name: 'a'.repeat(2 * 1024 * 1024) }) });
    expect(gateway.status).toBe(413);
    expect(gateway.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: 'The request body is larger than 10,485,760 bytes (10 MB), the most API Gateway accepts' });
    expect(route.status).toBe(413);
    expect(route.body.error.message).toBe('The request body is 2,097,163 bytes; PUT /customers/{customerId} accepts at most 1 MiB (1,048,576 bytes)');
    expect((await api.get('/customers/C-9')).status).toBe(404);
  });

  it('refuses control characters and line breaks in a customer name and email, naming the field, and stores nothing', async () => {
    const base = { email: 'ap@example.com', currency: 'EUR', creditLimit: '1.00', paymentTermsDays: 14 };
    const nul = await api.put<ErrorBody>('/customers/C-CTRL', { ...base, name: 'ACME\u0000' }, 'finance');
    const newline = await api.put<ErrorBody>('/customers/C-CTRL', { ...base, name: 'ACME\nGmbH' }, 'finance');
    const header = await api.put<ErrorBody>('/customers/C-CTRL', { ...base, name: 'ACME', email: 'ap@example.com\r\nBcc: x@example.com' }, 'finance');
    expect(nul.body.error.details).toEqual([{ field: 'name', problem: 'must not contain control characters (only tab and line breaks are allowed in free text)' }]);
    expect(newline.body.error.details).toEqual([{ field: 'name', problem: 'must be one line: no line breaks, tabs or other control characters' }]);
    expect(header.body.error.details).toEqual([{ field: 'email', problem: 'must be one line: no line breaks, tabs or other control characters' }]);
    expect((await api.get('/customers/C-CTRL')).status).toBe(404);
  });
});

describe('signed cursors', () => {
  it('follows a cursor the API returned, and answers 400 naming cursor for a forged, altered or borrowed one', async () => {
    const first = await api.get<{ items: { customerId: string }[]; cursor: string }>('/customers?limit=1');
    const next = await api.get<{ items: { customerId: string }[] }>(`/customers?limit=2&cursor=${encodeURIComponent(first.body.cursor)}`);
    expect(next.status).toBe(200);
    expect(next.body.items.map((c) => c.customerId)).not.toContain(first.body.items[0]!.customerId);

    const [payload, mac] = first.body.cursor.split('.') as [string, string];
    const forged = `${Buffer.from(JSON.stringify({ customerId: 'C-0' })).toString('base64url')}.${mac}`;
    const unsigned = payload;
    const ordersCursor = (await api.get<{ cursor: string | null }>('/orders?limit=1')).body.cursor;
    for (const [what, cursor, path] of [
      ['forged', forged, '/customers'],
      ['altered', `${payload}.${mac.slice(0, -2)}AA`, '/customers'],
      ['unsigned', unsigned, '/customers'],
      ['of another list', first.body.cursor, '/payments/unapplied'],
      ['of another list', first.body.cursor, '/orders'],
    ] as const) {
      const response = await api.get<ErrorBody>(`${path}?limit=1&cursor=${encodeURIComponent(cursor)}`);
      expect(response.status, `${what} cursor on ${path}`).toBe(400);
      expect(response.body.error.details).toEqual([{ field: 'cursor', problem: 'is not one this API returned' }]);
    }
    expect(ordersCursor).toBeNull();
  });

  it('keeps cursors good across a restart on the same data folder (the secret is kept there)', async () => {
    const cursor = (await api.get<{ cursor: string }>('/customers?limit=1')).body.cursor;
    const dataDir = stack.dataDir;
    // Same ports: this process' Lambda modules keep their SDK clients, as a warm Lambda would.
    const port = (url: string) => Number(new URL(url).port);
    const { endpoints } = stack.local;
    const ports = { gateway: port(endpoints.gateway), dynamodb: port(endpoints.dynamodb), ses: port(endpoints.ses), stepFunctions: port(endpoints.stepFunctions) };
    await stack.stop({ keepData: true });
    stack = await startTestStack({ keepDataDir: dataDir, ports });
    api = stack.api;
    expect((await api.get(`/customers?limit=1&cursor=${encodeURIComponent(cursor)}`)).status).toBe(200);
  });
});
