/**
 * The local runtime's own routes (`npm start`): its health, the emails the local SES received and
 * the one clock. They are not the product's API (no OpenAPI operation, no deployed stage has them),
 * so they are called here, and only here, with `fetch`; every call to the API goes through the
 * generated client (`api.ts`). `localPath` refuses any path outside `/_local/`, and a unit test
 * (`test/unit/console/api-calls.test.ts`) fails when a `fetch` appears anywhere else in the console.
 */
import { ApiError, baseUrlOf, currentConnection, NotConnectedError, type FieldProblem } from './api';

/** `path` when it is one of the local runtime's routes; anything else is a programming error. */
export function localPath(path: string): string {
  if (!/^\/_local\/[a-z-]+$/.test(path)) throw new Error(`${path} is not a route of the local runtime (/_local/...): call the API through the typed client`);
  return path;
}

/** True when the API is the local runtime (its open health route answers). */
export async function isLocalRuntime(): Promise<boolean> {
  try {
    return (await fetch(`${baseUrlOf(currentConnection())}${localPath('/_local/health')}`)).ok;
  } catch {
    return false;
  }
}

/** Calls one of the local runtime's routes with the connection's key and returns its JSON answer. */
export async function local<T>(method: 'GET' | 'POST', path: string, options: { body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const connection = currentConnection();
  if (!connection) throw new NotConnectedError();
  const route = localPath(path);
  const headers: Record<string, string> = { 'x-api-key': connection.apiKey, accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrlOf(connection)}${route}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), signal: options.signal });
  const text = await response.text();
  let body: { error?: { code?: string; message?: string; details?: unknown } } | undefined;
  try {
    body = text ? (JSON.parse(text) as typeof body) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const details = Array.isArray(body?.error?.details) ? (body.error.details as FieldProblem[]) : [];
    throw new ApiError(response.status, body?.error?.code, body?.error?.message ?? (text || response.statusText), details, method, route);
  }
  return body as T;
}
