/**
 * The console's only way out: the public HTTP API, with the finance key in `x-api-key`, always
 * through the client generated from openapi.json (lib/api-client), whose types follow the
 * contract (`typed`, and `typedDownload` for CSV, PDF and HTML answers). The connection (API base
 * URL and key) is kept in sessionStorage, so it is gone when the tab closes. Errors become
 * sentences finance can act on. The local runtime's own routes (`/_local/...`, not the API) are
 * in `local-runtime.ts`.
 */
import { ApiError as ClientError, createClient, download, OPERATIONS, type Client, type DownloadMediaType, type DownloadOperation, type Ops } from '../../api-client/client';

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

let connectionSource: () => Connection | undefined = loadConnection;

/** For tests of the page without sessionStorage. */
export function useConnectionSource(source: () => Connection | undefined): void {
  connectionSource = source;
}

/** The connection the calls use now (undefined: none yet). */
export function currentConnection(): Connection | undefined {
  return connectionSource();
}

/** The typed client generated from openapi.json, as this connection. */
export type TypedClient = Client<Ops>;

/**
 * Calls the API through the typed client generated from openapi.json (with the connection's
 * address and key, no retries): the console's only way to the API. A refusal becomes an
 * {@link ApiError} naming the method and path that were refused; an API that cannot be reached, a
 * sentence saying so.
 */
export async function typed<T>(call: (client: TypedClient) => Promise<T>): Promise<T> {
  const connection = connectionSource();
  if (!connection) throw new NotConnectedError();
  let method = 'GET';
  const client = createClient<Ops>(OPERATIONS, {
    serverUrl: baseUrlOf(connection),
    auth: { apiKey: { apiKey: connection.apiKey } },
    retry: { retries: 0 },
    clientHeader: false,
    onRequest: (request) => {
      method = request.method;
    },
  });
  try {
    return await call(client);
  } catch (error) {
    if (error instanceof ClientError) {
      const problem = (error.body ?? {}) as { error?: { code?: string; message?: string; details?: unknown }; message?: string };
      const details = Array.isArray(problem.error?.details) ? (problem.error.details as FieldProblem[]) : [];
      const url = new URL(error.url, window.location.origin);
      const message = problem.error?.message ?? (typeof problem.message === 'string' ? problem.message : typeof error.body === 'string' && error.body ? error.body : error.statusText);
      throw new ApiError(error.status, problem.error?.code, message, details, method, `${url.pathname}${url.search}`);
    }
    if (error instanceof TypeError) throw new Error(`Could not reach the API at ${baseUrlOf(connection)} (${error.message}). Is it running, and is the address right?`);
    throw error;
  }
}

/**
 * One of an operation's non-JSON answers (a CSV, the PDF or HTML of a document, an XML file)
 * through the generated client's `download`: `Accept` is the media type, the body the bytes.
 */
export function typedDownload<K extends DownloadOperation>(operation: K, mediaType: DownloadMediaType<K>, args: Ops[K]['args'], signal?: AbortSignal): Promise<Blob> {
  return typed((client) => download(client, operation, mediaType, args, signal ? { signal } : {}));
}

/** Saves a downloaded file under `filename` (the browser's download). */
export function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
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
