/**
 * API Gateway (REST, Lambda proxy) in and out: parses the request, checks the Idempotency-Key of
 * mutating calls, and maps results and errors to JSON responses. Errors are always
 * `{"error": {"code", "message", "details"}}` with a 4xx that says what is wrong, or a 500 that
 * says nothing internal.
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ConflictError, DomainError, ForbiddenFieldError, NotFoundError, ValidationError } from '../core/errors';
import { scopeOf, type Caller } from '../core/access/caller';
import { InvalidCursorError } from '../adapters/dynamodb/document-client';
import type { IdempotencyStore, StoredResponse } from '../adapters/dynamodb/idempotency-store';
import type { Clock } from '../core/time/clock';
import type { Role } from '../../lib/definitions/routes';
import { logger, wrapHandler } from './observability';
import { asStepError } from './transient-errors';

export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The parsed JSON body (undefined when there is none). */
  readonly body: unknown;
  readonly rawBody: string;
  readonly role: Role;
  readonly clientName: string;
  /** Who calls: the client id and role the authorizer found for the key (its scope checked against them). */
  readonly caller: Caller;
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

export function errorResponse(statusCode: number, code: string, message: string, details: unknown = []): APIGatewayProxyResult {
  return { statusCode, headers: JSON_HEADERS, body: JSON.stringify({ error: { code, message, details } }) };
}

/** Maps an error to its HTTP answer; unexpected errors are logged and become a bare 500. */
export function toErrorResponse(error: unknown): APIGatewayProxyResult {
  if (error instanceof ValidationError) return errorResponse(400, error.code, error.message, error.problems);
  if (error instanceof ForbiddenFieldError) return errorResponse(403, error.code, error.message, error.problems);
  if (error instanceof MissingCallerError) return errorResponse(403, 'FORBIDDEN', error.message);
  if (error instanceof InvalidCursorError) return errorResponse(400, 'VALIDATION_FAILED', 'cursor: is not one this API returned', [{ field: 'cursor', problem: 'is not one this API returned' }]);
  if (error instanceof NotFoundError) return errorResponse(404, error.code, error.message, [{ entity: error.entity, id: error.id }]);
  if (error instanceof ConflictError) return errorResponse(409, error.code, error.message);
  if (error instanceof DomainError) return errorResponse(400, error.code, error.message);
  logger.error('Unexpected error', error instanceof Error ? error : new Error(String(error)));
  return errorResponse(500, 'INTERNAL', 'The request could not be completed; it is safe to retry with the same Idempotency-Key');
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
  const { clientId, role, scope } = authorizer;
  if (typeof clientId !== 'string' || clientId === '') throw new MissingCallerError('no client id');
  if (role !== 'storefront' && role !== 'finance') throw new MissingCallerError('no role');
  const caller: Caller = { clientId, role };
  if (scope !== scopeOf(caller)) throw new MissingCallerError('the scope does not fit the role');
  return caller;
}

function headerMap(event: APIGatewayProxyEvent): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v ?? undefined;
  return headers;
}

function parseRequest(event: APIGatewayProxyEvent, rawBodyOnly = false): ApiRequest {
  const authorizer = (event.requestContext?.authorizer ?? {}) as Record<string, unknown>;
  const caller = callerOf(authorizer);
  const rawBody = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  const headers = headerMap(event);
  let body: unknown;
  if (rawBody.trim() !== '' && !rawBodyOnly) {
    const type = headers['content-type'] ?? 'application/json';
    if (!/json/i.test(type)) throw ValidationError.of('(body)', `must be JSON (content-type application/json), not ${type}`);
    try {
      body = JSON.parse(rawBody);
    } catch {
      throw ValidationError.of('(body)', 'is not valid JSON');
    }
  }
  return {
    method: event.httpMethod,
    path: event.path,
    pathParameters: Object.fromEntries(Object.entries(event.pathParameters ?? {}).map(([k, v]) => [k, v ?? ''])),
    query: event.queryStringParameters ?? {},
    headers,
    body,
    rawBody,
    role: caller.role,
    clientName: typeof authorizer.clientName === 'string' ? authorizer.clientName : caller.clientId,
    caller,
  };
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
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      await work();
      return;
    } catch (error) {
      if (attempt === 3) {
        logger.error(`Could not ${what}`, error instanceof Error ? error : new Error(String(error)));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 50 * 2 ** attempt));
    }
  }
}

/**
 * Builds an API Gateway handler around `run`. With `idempotency`, a call carrying an
 * Idempotency-Key returns the first response again for the same key and body, 422 for the same
 * key with another body, and 409 while the first call with that key is still running.
 */
export function apiHandler(options: ApiHandlerOptions, run: (request: ApiRequest, context: Context) => Promise<ApiResult>) {
  const inner = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    let request: ApiRequest;
    try {
      request = parseRequest(event, options.rawBody === true);
    } catch (error) {
      return toErrorResponse(error);
    }
    const key = request.headers['idempotency-key'];
    if (!options.idempotency || key === undefined) {
      try {
        return toResponse(await run(request, context));
      } catch (error) {
        return toErrorResponse(error);
      }
    }
    if (key.length < 1 || key.length > 255) {
      return errorResponse(400, 'VALIDATION_FAILED', 'Idempotency-Key: must be 1 to 255 characters', [{ field: 'Idempotency-Key', problem: 'must be 1 to 255 characters' }]);
    }
    const { store, clock } = options.idempotency;
    const scopedKey = `${request.caller.clientId}|${request.method} ${request.path}|${key}`;
    const requestHash = createHash('sha256').update(request.rawBody).digest('hex');
    const claim = await store.claim(scopedKey, requestHash, clock.now());
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
      response = toResponse(await run(request, context));
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
  return wrapHandler(inner);
}

/**
 * Builds a Step Functions task handler: validates the task input with `parse` and runs `run`.
 * Errors are thrown as they are, so that the state machine sees their name (`OrderCancelled`),
 * except transient failures of DynamoDB, SES and Step Functions, which are thrown under the names
 * the state machines retry (`TransientStoreError`, `TransientEmailError`, `TransientWorkflowError`).
 */
export function stepHandler<I, R>(parse: (input: unknown) => I, run: (input: I) => Promise<R>) {
  return wrapHandler(async (event: unknown) => {
    try {
      return await run(parse(event));
    } catch (error) {
      throw asStepError(error);
    }
  });
}
