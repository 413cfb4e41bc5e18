/**
 * API Gateway (REST, Lambda proxy) events and a Lambda context for handler tests, and the
 * environment a handler module reads when it is imported.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { vi } from 'vitest';
import { matchRoute, movesMoney } from '../../lib/definitions/routes';

export interface ApiEventOptions {
  /** An object is sent as JSON; a string is sent as it is (to send broken JSON). */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly role?: 'storefront' | 'finance';
  readonly clientName?: string;
  /** The caller's client id (default `test-shop` for a storefront, `test-finance` for finance: SHOP and FINANCE of `builders.ts`). */
  readonly clientId?: string;
  /** The whole authorizer context instead (to send a broken one). */
  readonly authorizer?: Record<string, unknown>;
  /**
   * The Idempotency-Key header. Routes that move money require one: without this option such a
   * route gets a fresh key per event, as a real client sends; `null` sends none (to test the 428).
   */
  readonly idempotencyKey?: string | null;
}

let generatedKeys = 0;

/** The context the authorizer gives a handler: client id, role, scope (`all` for finance, else the client id) and name. */
function authorizerContext(options: ApiEventOptions): Record<string, unknown> {
  const role = options.role ?? 'storefront';
  const clientId = options.clientId ?? (role === 'finance' ? 'test-finance' : 'test-shop');
  return { clientId, role, scope: role === 'finance' ? 'all' : clientId, clientName: options.clientName ?? clientId };
}

export function apiEvent(method: string, path: string, options: ApiEventOptions = {}): APIGatewayProxyEvent {
  const body = options.body === undefined ? null : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...options.headers };
  const match = matchRoute(method, path);
  const resource = match.route?.path ?? path;
  if (typeof options.idempotencyKey === 'string') headers['Idempotency-Key'] = options.idempotencyKey;
  else if (options.idempotencyKey === undefined && movesMoney(method, resource) && !Object.keys(headers).some((h) => h.toLowerCase() === 'idempotency-key')) {
    headers['Idempotency-Key'] = `test-key-${++generatedKeys}`;
  }
  return {
    httpMethod: method,
    path,
    resource,
    body,
    isBase64Encoded: false,
    headers,
    multiValueHeaders: {},
    pathParameters: options.pathParameters ?? null,
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'test-api',
      authorizer: options.authorizer ?? authorizerContext(options),
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: {} as APIGatewayProxyEvent['requestContext']['identity'],
      path,
      stage: 'test',
      requestId: 'request-1',
      requestTimeEpoch: 0,
      resourceId: 'resource-1',
      resourcePath: path,
    },
  };
}

export const lambdaContext: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'test-function',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-central-1:123456789012:function:test-function',
  memoryLimitInMB: '256',
  awsRequestId: 'aws-request-1',
  logGroupName: '/aws/lambda/test-function',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

/** The JSON body of a response. */
export function bodyOf<T = Record<string, unknown>>(response: APIGatewayProxyResult): T {
  return JSON.parse(response.body) as T;
}

/** The error of an error response: `{"error": {"code", "message", "details"}}`. */
export function errorOf(response: APIGatewayProxyResult): { code: string; message: string; details: { field?: string; problem?: string }[] } {
  const body = bodyOf<{ error: { code: string; message: string; details: { field?: string; problem?: string }[] } }>(response);
  return body.error;
}

/**
 * The environment the handler modules read at import (`export const handler = makeHandler(real
 * adapters)`): set it before a dynamic `await import(...)` of a handler module. No network is used.
 */
export function stubHandlerEnvironment(): void {
  const env: Record<string, string> = {
    AWS_REGION: 'eu-central-1',
    CUSTOMERS_TABLE: 'test-customers',
    ORDERS_TABLE: 'test-orders',
    INVOICES_TABLE: 'test-invoices',
    PAYMENTS_TABLE: 'test-payments',
    LEDGER_TABLE: 'test-ledger',
    COUNTERS_TABLE: 'test-counters',
    IDEMPOTENCY_TABLE: 'test-idempotency',
    API_CLIENTS_TABLE: 'test-api-clients',
    CREDIT_NOTES_TABLE: 'test-credit-notes',
    DIRECT_DEBITS_TABLE: 'test-direct-debits',
    OUTBOX_TABLE: 'test-outbox',
    ORDER_LIFECYCLE_STATE_MACHINE_ARN: 'arn:aws:states:eu-central-1:123456789012:stateMachine:OrderLifecycle',
    INVOICE_SETTLEMENT_STATE_MACHINE_ARN: 'arn:aws:states:eu-central-1:123456789012:stateMachine:InvoiceSettlement',
    BUSINESS_TIME_ZONE: 'Europe/Berlin',
    // The stage decides which webhook URLs are allowed (https to public hosts outside 'local').
    STAGE: 'test',
    INVOICE_NUMBER_PREFIX: 'INV',
    SES_FROM_ADDRESS: 'billing@example.com',
    SELLER_JSON: JSON.stringify({ name: 'Example Trading GmbH', address: ['Musterstrasse 1'], iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', vatId: 'DE123456789' }),
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
}
