/**
 * The console's only way out: the public HTTP API, with the finance key in `x-api-key`. The
 * connection (API base URL and key) is kept in sessionStorage, so it is gone when the tab closes.
 * Errors become sentences finance can act on. `typed` calls through the client generated from
 * openapi.json (lib/api-client), whose types follow the contract.
 */
import { ApiError as ClientError, createClient, OPERATIONS, type Ops } from '../../api-client/client';

export interface Connection {
  /** Without a trailing slash; empty means the origin the console was loaded from. */
  readonly baseUrl: string;
  readonly apiKey: string;
}

const STORAGE_KEY = 'otc.console.connection';

export function loadConnection(): Connection | undefined {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return undefined;
    const value = JSON.parse(raw) as Partial<Connection>;
    if (typeof value.apiKey !== 'string' || value.apiKey === '') return undefined;
    return { baseUrl: typeof value.baseUrl === 'string' ? value.baseUrl : '', apiKey: value.apiKey };
  } catch {
    return undefined;
  }
}

export function saveConnection(connection: Connection): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ baseUrl: connection.baseUrl.replace(/\/+$/, ''), apiKey: connection.apiKey }));
}

export function forgetConnection(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** The API's base URL: the saved one, or this page's origin. */
export function baseUrlOf(connection: Connection | undefined): string {
  return connection?.baseUrl ? connection.baseUrl : window.location.origin;
}

export interface FieldProblem {
  readonly field?: string;
  readonly problem?: string;
}

/** An answer that was not 2xx, with what the API said. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly apiMessage: string,
    readonly details: readonly FieldProblem[],
    readonly method: string,
    readonly path: string,
  ) {
    super(`${method} ${path}: ${status} ${apiMessage}`);
    this.name = 'ApiError';
  }

  /** The gateway's answer for a route it does not have: 404 "No such route" (on AWS and locally). */
  get routeMissing(): boolean {
    return this.status === 404 && this.code === 'NOT_FOUND' && /^no such route$/i.test(this.apiMessage);
  }
}

export class NotConnectedError extends Error {
  constructor() {
    super('No finance key yet: open "Connection" and enter the API address and the finance key.');
    this.name = 'NotConnectedError';
  }
}

export interface CallOptions {
  readonly body?: unknown;
  readonly accept?: string;
  /** Mutating calls send one, so that a retry (double click, flaky network) is applied once. */
  readonly idempotencyKey?: string;
  readonly signal?: AbortSignal;
}

let connectionSource: () => Connection | undefined = loadConnection;

/** For tests of the page without sessionStorage. */
export function useConnectionSource(source: () => Connection | undefined): void {
  connectionSource = source;
}

async function send(method: string, path: string, options: CallOptions): Promise<Response> {
  const connection = connectionSource();
  if (!connection) throw new NotConnectedError();
  const headers: Record<string, string> = { 'x-api-key': connection.apiKey, accept: options.accept ?? 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
  let response: Response;
  try {
    response = await fetch(`${baseUrlOf(connection)}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new Error(`Could not reach the API at ${baseUrlOf(connection)} (${(error as Error).message}). Is it running, and is the address right?`);
  }
  if (!response.ok) {
    const text = await response.text();
    let code: string | undefined;
    let message = text || response.statusText;
    let details: FieldProblem[] = [];
    try {
      const body = JSON.parse(text) as { error?: { code?: string; message?: string; details?: unknown }; message?: string };
      if (body.error) {
        code = body.error.code;
        message = body.error.message ?? message;
        details = Array.isArray(body.error.details) ? (body.error.details as FieldProblem[]) : [];
      } else if (typeof body.message === 'string') {
        message = body.message;
      }
    } catch {
      // not JSON: keep the text
    }
    throw new ApiError(response.status, code, message, details, method, path);
  }
  return response;
}

/** Calls the API and returns its JSON answer. */
export async function api<T = unknown>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const response = await send(method, path, options);
  const text = await response.text();
  return (text ? JSON.parse(text) : {}) as T;
}

/** Calls the API and returns its answer as text (CSV, HTML). */
export async function apiText(method: string, path: string, options: CallOptions = {}): Promise<string> {
  return (await send(method, path, options)).text();
}

/** Calls the API and returns its answer as a Blob (the invoice PDF). */
export async function apiBlob(method: string, path: string, options: CallOptions = {}): Promise<Blob> {
  return (await send(method, path, options)).blob();
}

/** The typed client generated from openapi.json, as this connection. */
export type TypedClient = ReturnType<typeof createClient<Ops>>;

/**
 * Calls the API through the typed client generated from openapi.json (with the connection's
 * address and key, no retries); a refusal becomes an {@link ApiError} like those of {@link api}
 * (`method` names the call in it).
 */
export async function typed<T>(call: (client: TypedClient) => Promise<T>, method = 'GET'): Promise<T> {
  const connection = connectionSource();
  if (!connection) throw new NotConnectedError();
  const client = createClient<Ops>(OPERATIONS, { serverUrl: baseUrlOf(connection), auth: { apiKey: { apiKey: connection.apiKey } }, retry: { retries: 0 }, clientHeader: false });
  try {
    return await call(client);
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    const problem = (error.body ?? {}) as { error?: { code?: string; message?: string; details?: unknown } };
    const details = Array.isArray(problem.error?.details) ? (problem.error.details as FieldProblem[]) : [];
    const url = new URL(error.url, window.location.origin);
    throw new ApiError(error.status, problem.error?.code, problem.error?.message ?? error.statusText, details, method, `${url.pathname}${url.search}`);
  }
}

/**
 * The answer of a route whose contract declares an open object (`anyObject` in
 * `lambdas/shared/api-contract.ts`: reports, the dunning run, the order's execution, the forecast,
 * the collectors' worklist), read as the page's own type `T`. The call goes through the typed
 * client all the same; the page's type is checked against the contract only once the contract
 * describes the fields (as it does for invoices and orders).
 */
export function openObject<T>(answer: Record<string, unknown>): T {
  return answer as T;
}

/** A fresh Idempotency-Key for one action of the user. */
export function newIdempotencyKey(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** An error in words: what failed, why, and for a missing route, that the feature is not there yet. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.routeMissing) return `This API has no ${error.method} ${error.path.split('?')[0]} yet: the feature is not available here.`;
    if (error.status === 401) return 'The API refused the key (401 Unauthorized): check the finance key under "Connection".';
    if (error.status === 403) return `The key may not do this (403: ${error.apiMessage}). Finance routes need the finance key.`;
    const fields = error.details.filter((d) => d.field || d.problem).map((d) => (d.field ? `${d.field} ${d.problem ?? ''}`.trim() : (d.problem ?? '')));
    const what = error.code ? `${error.status} ${error.code}` : String(error.status);
    if (fields.length) return `Refused (${what}): ${fields.join('; ')}.`;
    return `Refused (${what}): ${error.apiMessage}`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
