/**
 * A small driver for the product's HTTP API on the local AWS, for integration tests: calls through
 * the typed client generated from openapi.json (`op`), and polling with a deadline (never a fixed
 * sleep). `call`/`get`/`post`/`put` take a hand-written method and path: they are the raw escape
 * hatch for what the client cannot send (malformed bodies, unknown routes, missing keys, wrong
 * content types) and for the local stack's own `/_local/*` endpoints, which are not part of the
 * API contract. test/unit/integration-calls-use-client.test.ts lists where they may be used.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startLocalAws, type LocalAws, type LocalAwsOptions } from '../../../local-aws/runtime';
import { matchRoute, movesMoney } from '../../../lib/definitions/routes';
import { ApiError, createClient, OPERATIONS, type Ops, type ParseAs } from '../../../lib/api-client/client';

export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export type Role = 'storefront' | 'finance' | 'none';

/** An operation of the generated client (`postOrders`, `getInvoicesInvoiceId`, ...). */
export type OperationName = keyof Ops & keyof typeof OPERATIONS;

/**
 * What a test reads of an operation's answer: the success result's declared fields, typed, and
 * any other field (a problem document's `error`, fields of a loosely declared result) as unknown.
 */
export type Answer<K extends OperationName> = Ops[K]['result'] & Record<string, unknown>;

export interface OpOptions {
  /** The key the request carries; by default finance for GET, the storefront otherwise (as `get`/`post`). */
  readonly as?: Role;
  /** A credential of its own instead of the role's key (a customer's pay link on the portal routes, a bad key). */
  readonly key?: string;
  readonly headers?: Record<string, string>;
  /** Send a money-moving operation without the Idempotency-Key the driver adds (to test the 428). */
  readonly noIdempotencyKey?: boolean;
  /** How to read the answer (`text`, `arrayBuffer` for documents); by default as the operation declares. */
  readonly parseAs?: ParseAs;
}

/**
 * The declared body of an operation. A test that sends a body outside it on purpose (to see the
 * 400 name the field) casts to it: the client sends what it is given, the server judges it.
 */
export type BodyOf<K extends OperationName> = Ops[K]['args'] extends { body?: infer B } ? B : never;

/** The arguments of an operation, its headers optional (the driver adds the Idempotency-Key). */
type Args<K extends OperationName> = Omit<Ops[K]['args'], 'headers'> & { headers?: Record<string, string> };
/** The arguments of an operation as `op` takes them. */
export type ArgsOf<K extends OperationName> = Args<K>;
/** The arguments, optional when none of them is required. */
type OpArgs<K extends OperationName> = Record<string, never> extends Args<K> ? [args?: Args<K>, options?: OpOptions] : [args: Args<K>, options?: OpOptions];

/** Fields of a customer only finance may send (the rest a storefront registers). */
const FINANCE_TERMS = ['creditLimit', 'paymentTermsDays', 'dunningPolicyId', 'blocked'];

export class ApiDriver {
  constructor(
    readonly baseUrl: string,
    private readonly keys: { storefront: string; finance: string },
  ) {}

  /** The same API as another storefront (its key), finance as before. */
  asStorefront(key: string): ApiDriver {
    return new ApiDriver(this.baseUrl, { storefront: key, finance: this.keys.finance });
  }

  /**
   * The storefront registers the customer with the contact data of `body`, then finance sets the
   * terms `body` carries (credit limit, payment terms, dunning policy, block), as the product
   * requires. Answers the storefront's registration (201), or the first refusal.
   */
  async registerCustomer(customerId: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<ApiResponse> {
    const contact = Object.fromEntries(Object.entries(body).filter(([k]) => !FINANCE_TERMS.includes(k)));
    type Customer = Ops['putCustomersCustomerId']['args']['body'] & {};
    const registered = await this.op('putCustomersCustomerId', { path: { customerId }, body: contact as Customer }, { as: 'storefront', headers });
    if (registered.status >= 300 || Object.keys(contact).length === Object.keys(body).length) return registered;
    const terms = await this.op('putCustomersCustomerId', { path: { customerId }, body: body as Customer }, { as: 'finance', headers: headers['Idempotency-Key'] ? { 'Idempotency-Key': `${headers['Idempotency-Key']}-terms` } : {} });
    return terms.status >= 300 ? terms : registered;
  }

  /**
   * One operation of the typed client generated from openapi.json (lib/api-client), as a client
   * sends it: the role's key, an Idempotency-Key on a money-moving operation unless the test passes
   * its own (or `noIdempotencyKey`), no retries (a test sees every answer). Answers every status
   * (a 4xx is not thrown) with the parsed body and the headers; a network failure or timeout throws.
   * `T` narrows a loosely declared result (`Record<string, unknown>`) where a test knows more.
   */
  async op<K extends OperationName, T = Answer<K>>(name: K, ...[args, options = {}]: OpArgs<K>): Promise<ApiResponse<T>> {
    const operation = OPERATIONS[name];
    const role = options.as ?? (operation.method === 'GET' ? 'finance' : 'storefront');
    const { headers: argHeaders, ...input } = (args ?? {}) as { headers?: Record<string, string> };
    const headers: Record<string, string> = { ...argHeaders, ...options.headers };
    if (!options.noIdempotencyKey && movesMoney(operation.method, operation.path) && !Object.keys(headers).some((h) => h.toLowerCase() === 'idempotency-key')) {
      headers['Idempotency-Key'] = randomUUID();
    }
    const client = this.client(options.key ?? (role === 'none' ? undefined : this.keys[role]));
    const call = randomUUID();
    // Accept */* as the driver always sent, unless the test sends its own (in whatever case).
    const sent: Record<string, string> = { Accept: '*/*', [CALL_HEADER]: call };
    for (const [header, value] of Object.entries(headers)) sent[header.toLowerCase() === 'accept' ? 'Accept' : header] = value;
    const send = client[name] as unknown as (args: unknown, init: { headers: Record<string, string>; idempotencyKey: false; parseAs: ParseAs }) => Promise<unknown>;
    try {
      // By default the body is read as the driver always did (JSON when it parses, else the text),
      // whatever the operation declares (`stream` leaves the body unread).
      const result = await send(input, { headers: sent, idempotencyKey: false, parseAs: options.parseAs ?? 'stream' });
      const answered = this.answered(call)!;
      const body = options.parseAs ? result : parseText(await answered.text());
      return { status: answered.status, body: (body ?? {}) as T, headers: answered.headers };
    } catch (error) {
      const answered = this.answered(call);
      if (!(error instanceof ApiError) || !answered) throw error;
      return { status: error.status, body: (error.body ?? {}) as T, headers: answered.headers };
    }
  }

  /** The answers by call, kept by the clients' fetch until `op` takes them. */
  private readonly answers = new Map<string, Response>();
  private readonly clients = new Map<string, ReturnType<typeof createClient<Ops>>>();

  private answered(call: string): Response | undefined {
    const response = this.answers.get(call);
    this.answers.delete(call);
    return response;
  }

  /** One generated client per key (made once: a client has a method per operation). */
  private client(key: string | undefined) {
    let client = this.clients.get(key ?? '');
    if (!client) {
      client = createClient<Ops>(OPERATIONS, {
        serverUrl: this.baseUrl,
        ...(key === undefined ? {} : { auth: { apiKey: { apiKey: key } } }),
        retry: { retries: 0 },
        clientHeader: false,
        timeout: 60_000,
        // Notes each answer under the call's marker header (taken off the request first), so `op` reads its status and headers.
        fetch: async (input, init) => {
          const headers = new Headers(init?.headers);
          const call = headers.get(CALL_HEADER);
          headers.delete(CALL_HEADER);
          const response = await fetch(input, { ...init, headers });
          if (call) this.answers.set(call, response);
          return response;
        },
      });
      this.clients.set(key ?? '', client);
    }
    return client;
  }

  /**
   * A request as a client sends it. Routes that move money require an Idempotency-Key: a call to one
   * without that header gets a fresh key (a real client keeps the key across its retries; tests
   * that retry pass theirs), unless `noIdempotencyKey` (to test the 428).
   */
  async call<T = Record<string, unknown>>(method: string, path: string, options: { body?: unknown; as?: Role; headers?: Record<string, string>; noIdempotencyKey?: boolean } = {}): Promise<ApiResponse<T>> {
    const role = options.as ?? 'storefront';
    const headers: Record<string, string> = { ...options.headers };
    const route = matchRoute(method, path.split('?')[0]!).route;
    if (!options.noIdempotencyKey && route && movesMoney(method, route.path) && !Object.keys(headers).some((h) => h.toLowerCase() === 'idempotency-key')) {
      headers['Idempotency-Key'] = randomUUID();
    }
    if (role !== 'none') headers['x-api-key'] = this.keys[role];
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: body as T, headers: response.headers };
  }

  get<T = Record<string, unknown>>(path: string, as: Role = 'finance') {
    return this.call<T>('GET', path, { as });
  }

  post<T = Record<string, unknown>>(path: string, body: unknown, as: Role = 'storefront', headers: Record<string, string> = {}) {
    return this.call<T>('POST', path, { body, as, headers });
  }

  put<T = Record<string, unknown>>(path: string, body: unknown, as: Role = 'storefront', headers: Record<string, string> = {}) {
    return this.call<T>('PUT', path, { body, as, headers });
  }

  /** Polls `read` until `done` holds or the deadline passes; fails with the last value seen. */
  async waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: T = await read();
    let delay = 20;
    while (!done(last)) {
      if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(last).slice(0, 800)}`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 250);
      last = await read();
    }
    return last;
  }

  async orderStatus(orderId: string): Promise<string> {
    return String((await this.op('getOrdersOrderId', { path: { orderId } })).body.status);
  }

  waitForOrderStatus(orderId: string, status: string, timeoutMs?: number) {
    return this.waitFor(`order ${orderId} to be ${status}`, () => this.op('getOrdersOrderId', { path: { orderId } }), (r) => r.body.status === status, timeoutMs);
  }

  /**
   * An order of one line at `unitPrice` for `customerId`, placed, shipped, invoiced and emailed:
   * its invoice as `GET /invoices/{invoiceId}` answers it, with the order's id.
   */
  async emailedInvoice<T = Answer<'getInvoicesInvoiceId'>>(customerId: string, unitPrice: string, currency = 'EUR'): Promise<T & { orderId: string }> {
    const placed = await this.op('postOrders', { body: { customerId, currency, lines: [{ sku: 'ITEM', quantity: 1, unitPrice }] } });
    if (placed.status !== 202) throw new Error(`POST /orders answered ${placed.status}: ${JSON.stringify(placed.body).slice(0, 500)}`);
    const orderId = String(placed.body.orderId);
    await this.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
    const shipped = await this.op('postOrdersOrderIdShipments', { path: { orderId }, body: { carrier: 'DHL' } });
    if (shipped.status !== 202) throw new Error(`POST /orders/${orderId}/shipments answered ${shipped.status}: ${JSON.stringify(shipped.body).slice(0, 500)}`);
    const invoiceId = String((await this.waitForOrderStatus(orderId, 'INVOICED')).body.invoiceId);
    const invoice = await this.waitFor(
      'the invoice to be emailed',
      () => this.op<'getInvoicesInvoiceId', T & { sentAt: string | null }>('getInvoicesInvoiceId', { path: { invoiceId } }),
      (r) => r.status === 200 && r.body.sentAt !== null,
    );
    return { ...invoice.body, orderId };
  }

  /**
   * The typed client generated from openapi.json (lib/api-client), calling as `role`: no retries
   * (a test sees every answer), a non-2xx answer throws its ApiError with the problem document.
   */
  typed(role: 'storefront' | 'finance' = 'finance') {
    return createClient<Ops>(OPERATIONS, { serverUrl: this.baseUrl, auth: { apiKey: { apiKey: this.keys[role] } }, retry: { retries: 0 }, clientHeader: false, timeout: 60_000 });
  }

  async ledgerCheck() {
    return (await this.op('getReportsLedgerCheck')).body;
  }
}

/** Marks a request inside the driver; never sent. */
const CALL_HEADER = 'x-driver-call';

/** A body as the driver reads it: JSON when it parses, `{}` when empty, else the text. */
function parseText(text: string): unknown {
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Starts the local AWS on free ports with a fresh data folder; `stop` removes the folder. */
export async function startTestStack(options: Partial<LocalAwsOptions> & { keepDataDir?: string } = {}): Promise<{ local: LocalAws; api: ApiDriver; dataDir: string; stop: (opts?: { keepData?: boolean }) => Promise<void> }> {
  const dataDir = options.keepDataDir ?? mkdtempSync(join(tmpdir(), 'otc-it-'));
  const { keepDataDir: _keep, ...rest } = options;
  const local = await startLocalAws({ ports: { gateway: 0, dynamodb: 0, ses: 0, stepFunctions: 0, s3: 0 }, dataDir, ...rest });
  return {
    local,
    api: new ApiDriver(local.url, local.apiKeys),
    dataDir,
    stop: async (opts = {}) => {
      await local.stop();
      if (!opts.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/** A unique id per test run, so tests never collide on names. */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}
