import { afterEach, describe, expect, it } from 'vitest';
import { apiEvent, lambdaContext } from '../../support/api-events';
import { apiHandler } from '../../../lambdas/shared/http';
import { NotFoundError } from '../../../lambdas/core/errors';
import { problemDocument, problemTemplate } from '../../../lambdas/shared/problem';
import { corsOriginsFrom } from '../../../lib/definitions/settings';
import * as openApiHandler from '../../../lambdas/handlers/api/get-open-api';
import { openApiText } from '../../../lambdas/shared/openapi';

const CONSOLE = 'https://console.example.com';

describe('CORS for the configured origins', () => {
  const before = process.env.CORS_ALLOWED_ORIGINS;
  afterEach(() => {
    if (before === undefined) delete process.env.CORS_ALLOWED_ORIGINS;
    else process.env.CORS_ALLOWED_ORIGINS = before;
  });
  const ok = apiHandler({}, async () => ({ statusCode: 200, body: { fine: true } }));
  const missing = apiHandler({}, async () => {
    throw new NotFoundError('Order', 'O-1');
  });

  it('names a configured origin on answers and on errors, with Vary: Origin; another origin gets no CORS header', async () => {
    // Prepare
    process.env.CORS_ALLOWED_ORIGINS = JSON.stringify([CONSOLE, 'https://portal.example.com']);

    // Act
    const allowed = await ok(apiEvent('GET', '/orders/O-1', { pathParameters: { orderId: 'O-1' }, headers: { Origin: CONSOLE } }), lambdaContext);
    const refused = await missing(apiEvent('GET', '/orders/O-1', { pathParameters: { orderId: 'O-1' }, headers: { origin: CONSOLE } }), lambdaContext);
    const other = await ok(apiEvent('GET', '/orders/O-1', { pathParameters: { orderId: 'O-1' }, headers: { Origin: 'https://evil.example' } }), lambdaContext);
    const none = await ok(apiEvent('GET', '/orders/O-1', { pathParameters: { orderId: 'O-1' } }), lambdaContext);

    // Assess
    for (const response of [allowed, refused]) {
      expect(response.headers).toMatchObject({ 'access-control-allow-origin': CONSOLE, vary: 'Origin', 'access-control-expose-headers': 'location, idempotent-replayed, content-disposition' });
    }
    expect(refused.statusCode).toBe(404);
    for (const response of [other, none]) expect(Object.keys(response.headers ?? {}).filter((h) => h.startsWith('access-control'))).toEqual([]);
  });

  it('answers no CORS header when no origin is configured (the default)', async () => {
    process.env.CORS_ALLOWED_ORIGINS = '[]';
    const response = await ok(apiEvent('GET', '/orders/O-1', { pathParameters: { orderId: 'O-1' }, headers: { Origin: CONSOLE } }), lambdaContext);
    expect(response.headers?.['access-control-allow-origin']).toBeUndefined();
  });

  it('reads origins from a list or comma-separated text and refuses one with a path', () => {
    expect(corsOriginsFrom(undefined)).toEqual([]);
    expect(corsOriginsFrom('https://a.example, http://localhost:5173')).toEqual(['https://a.example', 'http://localhost:5173']);
    expect(corsOriginsFrom(['https://a.example'])).toEqual(['https://a.example']);
    expect(() => corsOriginsFrom('https://a.example/console')).toThrow(/corsAllowedOrigins.*no path/);
    expect(() => corsOriginsFrom('*')).toThrow(/corsAllowedOrigins/);
  });
});

describe('the problem document', () => {
  it('keeps error.code, message and details beside type, title, status and detail', () => {
    expect(problemDocument(409, 'ORDER_NOT_SHIPPABLE', 'Order O-1 is COMPLETED', [])).toEqual({
      type: 'urn:problem-type:order-to-cash:order-not-shippable',
      title: 'Order not shippable',
      status: 409,
      detail: 'Order O-1 is COMPLETED',
      error: { code: 'ORDER_NOT_SHIPPABLE', message: 'Order O-1 is COMPLETED', details: [] },
    });
  });

  it('is the same document as a gateway response template, once API Gateway fills in its message', () => {
    const template = problemTemplate(401, 'UNAUTHORIZED', JSON.stringify('Missing or unknown x-api-key credential'));
    expect(JSON.parse(template)).toEqual(problemDocument(401, 'UNAUTHORIZED', 'Missing or unknown x-api-key credential'));
    expect(JSON.parse(problemTemplate(undefined, 'BAD_REQUEST', '"x"'))).not.toHaveProperty('status');
  });
});

describe('GET /openapi.json', () => {
  it('answers the generated document as JSON to either role', async () => {
    const handler = openApiHandler.makeHandler();
    for (const role of ['finance', 'storefront'] as const) {
      const response = await handler(apiEvent('GET', '/openapi.json', { role }), lambdaContext);
      expect(response.statusCode).toBe(200);
      expect(response.headers?.['content-type']).toBe('application/json; charset=utf-8');
      expect(response.body).toBe(openApiText());
    }
  });
});
