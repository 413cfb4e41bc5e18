/**
 * API Gateway (REST, Lambda proxy) in and out: parses the request, checks the Idempotency-Key of
 * mutating calls, and maps results and errors to JSON responses. Errors are always RFC 9457
 * problem documents (`application/problem+json`: `type`, `title`, `status`, `detail`) that keep
 * `{"error": {"code", "message", "details"}}` (`problem.ts`), with a 4xx that says what is wrong,
 * or a 500 that says nothing internal. Every request first meets its route's rules (`request-rules.ts`): ids in
 * the path, declared query parameters, body size, no control characters in JSON.
 */
import { decodeStatementBytes } from '../core/bank-statements/decode';
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ConflictError, DomainError, ForbiddenFieldError, NotFoundError, ValidationError } from '../core/errors';
import { scopeOf, type Caller } from '../core/access/caller';
import { InvalidCursorError, withCursorScope } from '../adapters/dynamodb/document-client';
import type { IdempotencyStore, StoredResponse } from '../adapters/dynamodb/idempotency-store';
import type { Clock } from '../core/time/clock';
import { movesMoney, type Role } from '../../lib/definitions/routes';
import { logger, wrapHandler } from './observability';
import { retry } from '../core/kernel/retry';
import { asStepError } from './transient-errors';
import { checkBodySize, checkJsonText, checkPathParameters, checkQuery, PayloadTooLargeError, refuse, routeOf } from './request-rules';
import { PROBLEM_CONTENT_TYPE, problemDocument } from './problem';
import { corsHeaders } from './cors';

export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The parsed JSON body (undefined when there is none). */
  readonly body: unknown;
  readonly rawBody: string;
  /** The body's bytes as sent (a PDF remittance advice). */
  readonly rawBytes?: Uint8Array;
  readonly role: Role;
  readonly clientName: string;
  /** The route's resource path (`/payments/{paymentId}/apply`). */
  readonly resource: string;
  /**
   * With an Idempotency-Key: ids derived from the key (the n-th call gives the same id on every
   * retry of the request), so that a retry after a crash or a 5xx finds what the first attempt
   * created instead of creating it again. Absent without a key.
   */
  readonly keyedId?: () => string;
  /** Who calls: the client id and role the authorizer found for the key (its scope checked against them). */
  readonly caller: Caller;
  /** Where the request came from, as API Gateway saw it (for audit entries). */
  readonly origin: { readonly sourceIp: string | null; readonly userAgent: string | null };
}

export interface ApiResult {
  readonly statusCode: number;
  /** JSON-serialized, except a string or bytes (`Uint8Array`, sent base64-encoded) with a content-type header. */
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

export interface ApiHandlerOptions {
  /** Mutating routes honour Idempotency-Key with this store. */
  readonly idempotency?: { readonly store: IdempotencyStore; readonly clock: Clock };
  /** The body is not JSON (a bank statement file): it is handed over as `rawBody` only, whatever its content type. */
  readonly rawBody?: boolean;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/** The one error writer of the API: an RFC 9457 problem document keeping `error.code` and the field details. */
export function errorResponse(statusCode: number, code: string, message: string, details: unknown = []): APIGatewayProxyResult {
  return { statusCode, headers: { 'content-type': PROBLEM_CONTENT_TYPE }, body: JSON.stringify(problemDocument(statusCode, code, message, details)) };
}

/** Maps an error to its HTTP answer; unexpected errors are logged and become a bare 500. */
export function toErrorResponse(error: unknown): APIGatewayProxyResult {
  if (error instanceof ValidationError) return errorResponse(400, error.code, error.message, error.problems);
  if (error instanceof ForbiddenFieldError) return errorResponse(403, error.code, error.message, error.problems);
  if (error instanceof MissingCallerError) return errorResponse(403, 'FORBIDDEN', error.message);
  if (error instanceof InvalidCursorError) return errorResponse(400, 'VALIDATION_FAILED', 'cursor: is not one this API returned', [{ field: 'cursor', problem: 'is not one this API returned' }]);
  if (error instanceof PayloadTooLargeError) {
    return errorResponse(413, 'PAYLOAD_TOO_LARGE', error.message, [{ field: '(body)', problem: `is ${error.bytes} bytes, more than the ${error.limitBytes} bytes this route accepts` }]);
  }
  if (error instanceof NotFoundError) return errorResponse(404, error.code, error.message, [{ entity: error.entity, id: error.id }]);
  if (error instanceof ConflictError) return errorResponse(409, error.code, error.message);
  if (error instanceof DomainError) return errorResponse(400, error.code, error.message);
  if (isItemTooLarge(error)) {
    // Input that passed every rule but would make a record over DynamoDB's 400 KB: still the caller's to change.
    const problem = 'makes a record larger than the 400 KB the database stores; send less';
    return errorResponse(400, 'VALIDATION_FAILED', `(body): ${problem}`, [{ field: '(body)', problem }]);
  }
  logger.error('Unexpected error', error instanceof Error ? error : new Error(String(error)));
  return errorResponse(500, 'INTERNAL', 'The request could not be completed; it is safe to retry with the same Idempotency-Key');
}

/** DynamoDB refusing an item over 400 KB, alone or in a transaction. */
function isItemTooLarge(error: unknown): boolean {
  const e = error as { name?: string; message?: string; CancellationReasons?: { Code?: string; Message?: string }[] } | null;
  const tooLarge = (message: string | undefined) => /item size (to update )?has exceeded the maximum allowed size/i.test(message ?? '');
  if (e?.name === 'ValidationException') return tooLarge(e.message);
  if (e?.name === 'TransactionCanceledException') return (e.CancellationReasons ?? []).some((r) => r.Code === 'ValidationError' && tooLarge(r.Message));
  return false;
}

/** The request carries no caller identity the authorizer vouched for: nothing is done (fails closed). */
export class MissingCallerError extends Error {
  constructor(problem: string) {
    super(`The request carries no valid caller identity: ${problem}`);
    this.name = 'MissingCallerError';
  }
}

/**
 * The caller the authorizer put in the request context: `clientId`, `role` and `scope` (`all` for
 * finance, the client id for a storefront). Anything missing or inconsistent refuses the request.
 */
export function callerOf(authorizer: Record<string, unknown>): Caller {
  const { clientId, role, scope, customerId } = authorizer;
  if (typeof clientId !== 'string' || clientId === '') throw new MissingCallerError('no client id');
  if (role !== 'storefront' && role !== 'finance' && role !== 'customer') throw new MissingCallerError('no role');
  if (role === 'customer' && (typeof customerId !== 'string' || customerId === '')) throw new MissingCallerError('no customer id');
  const caller: Caller = role === 'customer' ? { clientId, role, customerId: customerId as string } : { clientId, role };
  if (scope !== scopeOf(caller)) throw new MissingCallerError('the scope does not fit the role');
  return caller;
}

function headerMap(event: APIGatewayProxyEvent): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v ?? undefined;
  return headers;
}

/**
 * Reads the request and checks it against its route before anything runs (see
 * `request-rules.ts`): body size (413), ids in the path, the query, JSON and its text (400).
 */
function parseRequest(event: APIGatewayProxyEvent, rawBodyOnly = false): { request: ApiRequest; cursorScope: string } {
  const authorizer = (event.requestContext?.authorizer ?? {}) as Record<string, unknown>;
  const caller = callerOf(authorizer);
  const route = routeOf(event.httpMethod, event.resource, event.path);
  const bytes = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8')) : Buffer.alloc(0);
  checkBodySize(route, bytes.length);
  const pathParameters = Object.fromEntries(Object.entries(event.pathParameters ?? {}).map(([k, v]) => [k, v ?? '']));
  const query = event.queryStringParameters ?? {};
  refuse([...checkPathParameters(route, pathParameters), ...checkQuery(route, query, event.multiValueQueryStringParameters)]);
  // A statement file (raw body) may be in a single-byte encoding (Windows-1252, or Windows-1250,
  // ISO-8859-2 or IBM852 from Central European banks) or carry a byte-order mark: decoded as the
  // statement readers decode bytes, so umlauts and Polish letters arrive intact. JSON bodies are UTF-8.
  const rawBody = rawBodyOnly ? decodeStatementBytes(bytes).text : bytes.toString('utf8');
  const headers = headerMap(event);
  let body: unknown;
  if (rawBody.trim() !== '' && !rawBodyOnly && route?.body !== 'file') {
    const type = headers['content-type'] ?? 'application/json';
    if (!/json/i.test(type)) throw ValidationError.of('(body)', `must be JSON (content-type application/json), not ${type.slice(0, 80)}`);
    try {
      body = JSON.parse(rawBody);
    } catch {
      throw ValidationError.of('(body)', 'is not valid JSON');
    }
    refuse(checkJsonText(body));
  }
  const request: ApiRequest = {
    method: event.httpMethod,
    path: event.path,
    pathParameters,
    query,
    headers,
    body,
    rawBody,
    rawBytes: bytes,
    role: caller.role,
    clientName: typeof authorizer.clientName === 'string' ? authorizer.clientName : caller.clientId,
    caller,
    resource: route?.path ?? event.resource ?? event.path,
    origin: { sourceIp: event.requestContext?.identity?.sourceIp ?? null, userAgent: (event.requestContext?.identity?.userAgent ?? headers['user-agent'] ?? null)?.slice(0, 300) ?? null },
  };
  return { request, cursorScope: cursorScopeOf(event.httpMethod, route?.path ?? event.resource ?? event.path, pathParameters, query) };
}

/** `POST /payments/` is `POST /payments`: the route as the idempotency scope counts it. */
export function normalisedRoute(method: string, path: string): string {
  return `${method.toUpperCase()} /${path.split('/').filter(Boolean).join('/')}`;
}

/** Ids derived from a scoped Idempotency-Key: the same sequence on every retry of the request. */
export function keyedIds(scopedKey: string): () => string {
  let n = 0;
  return () => {
    const hex = createHash('sha256').update(`${scopedKey}#${++n}`).digest('hex');
    // Shaped like a UUID (version nibble 5, RFC 4122 variant), as the random ids are.
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
}

/**
 * What a cursor is bound to: the route, its path parameters and its filters (every query
 * parameter but `cursor` and `limit`, which may change from page to page).
 */
function cursorScopeOf(method: string, resource: string, pathParameters: Record<string, string>, query: Readonly<Record<string, string | undefined>>): string {
  const sorted = (entries: [string, string | undefined][]) => JSON.stringify(entries.filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const filters = Object.entries(query).filter(([name]) => name !== 'cursor' && name !== 'limit');
  return `${method} ${resource} ${sorted(Object.entries(pathParameters))} ${sorted(filters)}`;
}

function toResponse(result: ApiResult): APIGatewayProxyResult {
  if (result.body instanceof Uint8Array && result.headers?.['content-type']) {
    return { statusCode: result.statusCode, headers: result.headers, body: Buffer.from(result.body).toString('base64'), isBase64Encoded: true };
  }
  if (typeof result.body === 'string' && result.headers?.['content-type']) {
    return { statusCode: result.statusCode, headers: result.headers, body: result.body };
  }
  return { statusCode: result.statusCode, headers: { ...JSON_HEADERS, ...result.headers }, body: JSON.stringify(result.body) };
}

/** Tries `work` up to 3 times (jittered pauses: the store may be throttled); logs and goes on when it still fails. */
async function bestEffort(what: string, work: () => Promise<void>): Promise<void> {
  await retry(work, { attempts: 3, baseDelayMs: 100 }).catch((error: unknown) => logger.error(`Could not ${what}`, error instanceof Error ? error : new Error(String(error))));
}

/**
 * Builds an API Gateway handler around `run`. With `idempotency`, a call carrying an
 * Idempotency-Key returns the first response again for the same key and body, 422 for the same
 * key with another body, and 409 while the first call with that key is still running.
 */
export function apiHandler(options: ApiHandlerOptions, run: (request: ApiRequest, context: Context) => Promise<ApiResult>) {
  const answer = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    let request: ApiRequest;
    let cursorScope: string;
    try {
      ({ request, cursorScope } = parseRequest(event, options.rawBody === true));
    } catch (error) {
      return toErrorResponse(error);
    }
    const runScoped = (scoped: ApiRequest = request) => withCursorScope(cursorScope, () => run(scoped, context));
    const key = request.headers['idempotency-key'];
    if (key === undefined && movesMoney(request.method, request.resource)) {
      return errorResponse(428, 'IDEMPOTENCY_KEY_REQUIRED', 'This request moves money: send an Idempotency-Key header (a unique value per intended operation, the same on every retry of it)', [
        { field: 'Idempotency-Key', problem: 'is required for requests that move money' },
      ]);
    }
    if (!options.idempotency || key === undefined) {
      try {
        return toResponse(await runScoped());
      } catch (error) {
        return toErrorResponse(error);
      }
    }
    if (key.length < 1 || key.length > 255) {
      return errorResponse(400, 'VALIDATION_FAILED', 'Idempotency-Key: must be 1 to 255 characters', [{ field: 'Idempotency-Key', problem: 'must be 1 to 255 characters' }]);
    }
    const { store, clock } = options.idempotency;
    const scopedKey = `${request.caller.clientId}|${normalisedRoute(request.method, request.path)}|${key}`;
    const requestHash = createHash('sha256').update(request.rawBody).digest('hex');
    // The claim holds as long as this invocation may still run: a retry while it runs gets 409, never a second effect.
    const claim = await store.claim(scopedKey, requestHash, clock.now(), context.getRemainingTimeInMillis());
    if (claim.outcome !== 'claimed') {
      if (claim.requestHash !== requestHash) {
        return errorResponse(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request body', [{ field: 'Idempotency-Key', problem: 'was used with a different request body' }]);
      }
      if (claim.outcome === 'in-progress') {
        return errorResponse(409, 'IDEMPOTENT_REQUEST_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed; retry shortly');
      }
      const stored = claim.response;
      return { statusCode: stored.statusCode, headers: { ...stored.headers, 'idempotent-replayed': 'true' }, body: stored.body };
    }
    let response: APIGatewayProxyResult;
    try {
      response = toResponse(await runScoped({ ...request, keyedId: keyedIds(scopedKey) }));
    } catch (error) {
      response = toErrorResponse(error);
    }
    if (response.statusCode >= 500) {
      // Released so that the client's retry runs; if the store is throttled even then, the claim goes stale and frees itself.
      await bestEffort('release the Idempotency-Key', () => store.release(scopedKey));
      return response;
    }
    const stored: StoredResponse = { statusCode: response.statusCode, body: response.body, headers: (response.headers ?? {}) as Record<string, string> };
    // The work is done: the client gets its answer even when the store cannot keep it now (a 5xx here would invite a second run).
    await bestEffort('keep the first response', () => store.complete(scopedKey, stored));
    return response;
  };
  // CORS for the configured console and portal origins, on every answer (errors and replays too).
  const inner = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const response = await answer(event, context);
    const cors = corsHeaders(Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'origin')?.[1] ?? undefined);
    return Object.keys(cors).length ? { ...response, headers: { ...response.headers, ...cors } } : response;
  };
  return wrapHandler(inner);
}

/**
 * Builds a Step Functions task handler: validates the task input with `parse` and runs `run`.
 * Errors are thrown as they are, so that the state machine sees their name (`OrderCancelled`),
 * except transient failures of DynamoDB, SES and Step Functions, which are thrown under the names
 * the state machines retry (`TransientStoreError`, `TransientEmailError`, `TransientWorkflowError`).
 */
export function stepHandler<I, R>(parse: (input: unknown) => I, run: (input: I, context: Context) => Promise<R>) {
  return wrapHandler(async (event: unknown, context: Context) => {
    try {
      return await run(parse(event), context);
    } catch (error) {
      throw asStepError(error);
    }
  });
}
