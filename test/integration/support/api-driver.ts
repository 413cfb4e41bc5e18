/**
 * A small driver for the product's HTTP API on the local AWS, for integration tests: typed calls,
 * and polling with a deadline (never a fixed sleep).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startLocalAws, type LocalAws, type LocalAwsOptions } from '../../../local-aws/runtime';
import { matchRoute, movesMoney } from '../../../lib/definitions/routes';
import { createClient, OPERATIONS, type Ops } from '../../../lib/api-client/client';

export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export type Role = 'storefront' | 'finance' | 'none';

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
    const registered = await this.put(`/customers/${customerId}`, contact, 'storefront', headers);
    if (registered.status >= 300 || Object.keys(contact).length === Object.keys(body).length) return registered;
    const terms = await this.put(`/customers/${customerId}`, body, 'finance', headers['Idempotency-Key'] ? { 'Idempotency-Key': `${headers['Idempotency-Key']}-terms` } : {});
    return terms.status >= 300 ? terms : registered;
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
    return String((await this.get(`/orders/${orderId}`)).body.status);
  }

  waitForOrderStatus(orderId: string, status: string, timeoutMs?: number) {
    return this.waitFor(`order ${orderId} to be ${status}`, () => this.get(`/orders/${orderId}`), (r) => r.body.status === status, timeoutMs);
  }

  /**
   * The typed client generated from openapi.json (lib/api-client), calling as `role`: no retries
   * (a test sees every answer), a non-2xx answer throws its ApiError with the problem document.
   */
  typed(role: 'storefront' | 'finance' = 'finance') {
    return createClient<Ops>(OPERATIONS, { serverUrl: this.baseUrl, auth: { apiKey: { apiKey: this.keys[role] } }, retry: { retries: 0 }, clientHeader: false, timeout: 60_000 });
  }

  async ledgerCheck() {
    return (await this.get<{ balanced: boolean; problems: string[] }>('/reports/ledger-check')).body;
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
