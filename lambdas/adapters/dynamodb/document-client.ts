/**
 * One DynamoDB document client per module (created once, reused across invocations). The SDK reads
 * its endpoint from the standard variables (`AWS_ENDPOINT_URL_DYNAMODB` locally).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

let shared: DynamoDBDocumentClient | undefined;

export function documentClient(): DynamoDBDocumentClient {
  shared ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return shared;
}

/**
 * Pagination cursors: a LastEvaluatedKey handed to the caller, and back. A cursor is
 * `<key as base64url JSON>.<HMAC-SHA256 as base64url>`; the HMAC covers the key and the cursor's
 * scope (the request it belongs to: method, resource, path parameters and filters, see
 * {@link withCursorScope}), under the secret in `CURSOR_SECRET` (the stack sets it on AWS, the
 * local runtime keeps one in its data folder). So a cursor is only good for the list it came
 * from, and one that was forged, altered, cut short or taken from another list is refused with
 * {@link InvalidCursorError} (a 400 naming `cursor`) before DynamoDB sees it.
 *
 * Without `CURSOR_SECRET` (unit tests, scripts) a random secret of this process is used: cursors
 * are then good within the process only.
 */
const CURSOR_VERSION = 'otc-cursor-1';
/** Longer than any cursor this API makes (the longest keys are three short attributes). */
export const MAX_CURSOR_LENGTH = 2048;
const CURSOR_FORM = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/;
const MIN_SECRET_LENGTH = 32;

const cursorScope = new AsyncLocalStorage<string>();
let processSecret: Buffer | undefined;
let configuredSecret: { text: string; key: Buffer } | undefined;

/** Runs `work` with cursors bound to `scope` (the API layer sets it per request; see `lambdas/shared/http.ts`). */
export function withCursorScope<T>(scope: string, work: () => T): T {
  return cursorScope.run(scope, work);
}

function cursorSecret(): Buffer {
  const text = process.env.CURSOR_SECRET;
  if (text === undefined || text === '') return (processSecret ??= randomBytes(32));
  if (configuredSecret?.text !== text) {
    if (text.length < MIN_SECRET_LENGTH) throw new Error(`CURSOR_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
    configuredSecret = { text, key: Buffer.from(text, 'utf8') };
  }
  return configuredSecret.key;
}

function signature(payload: string): Buffer {
  return createHmac('sha256', cursorSecret())
    .update(`${CURSOR_VERSION}\n${cursorScope.getStore() ?? ''}\n${payload}`)
    .digest();
}

/** Opaque, signed pagination cursor from a LastEvaluatedKey (undefined when there is no next page). */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  if (!key) return undefined;
  const payload = Buffer.from(JSON.stringify(key)).toString('base64url');
  return `${payload}.${signature(payload).toString('base64url')}`;
}

/** The LastEvaluatedKey of a cursor this API returned for this list; {@link InvalidCursorError} for any other. */
export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  if (cursor.length > MAX_CURSOR_LENGTH || !CURSOR_FORM.test(cursor)) throw new InvalidCursorError();
  const [payload = '', mac = ''] = cursor.split('.');
  // Compared as text: a signature in another (non-canonical) base64 spelling is not the one we made.
  const expected = Buffer.from(signature(payload).toString('base64url'));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidCursorError();
  try {
    const value: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor is not one this API returned');
    this.name = 'InvalidCursorError';
  }
}

/** The cancellation reason codes of a failed transaction, one per item (`None` for items that were fine). */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (error instanceof TransactionCanceledException || (error as { name?: string })?.name === 'TransactionCanceledException') {
    const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    return reasons.map((r) => r.Code ?? 'None');
  }
  return undefined;
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return (error as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/** Removes storage-only attributes (task tokens, index keys) before handing an item to the core. */
export function withoutAttributes<T>(item: Record<string, unknown>, ...names: string[]): T {
  const copy = { ...item };
  for (const name of names) delete copy[name];
  return copy as T;
}
