import { describe, expect, it } from 'vitest';
import { routes, type RouteDefinition } from '../../../lib/definitions/routes';
import { arnMatches, deniedResources, policyAllows, policyFor } from '../../../lambdas/handlers/auth/route-policy';
import type { ApiClient } from '../../../lambdas/adapters/dynamodb/api-client-store';
import { lambdaContext } from '../../support/api-events';

process.env.API_CLIENTS_TABLE ??= 'ApiClients';
process.env.AWS_REGION ??= 'eu-west-1';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
const { allowedResources, makeHandler, stageArn } = await import('../../../lambdas/handlers/auth/authorizer');

const methodArn = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/PUT/customers/C-1';
const base = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod';
/** The method ARN API Gateway gives the authorizer for a request. */
const request = (method: string, path: string) => `${base}/${method}${path}`;

describe('the authorizer policy', () => {
  it('is scoped to the API and stage of the call', () => {
    expect(stageArn(methodArn)).toBe('arn:aws:execute-api:eu-west-1:123456789012:abc123/prod');
  });

  it('allows exactly the routes of the role, with * for path parameters', () => {
    const storefront = allowedResources(methodArn, 'storefront');
    expect(storefront).toContain('arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/PUT/customers/*');
    expect(storefront).toContain('arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/POST/orders');
    expect(storefront).not.toContain('arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/reports/ledger-check');
    expect(storefront).toHaveLength(routes.filter((r) => r.access.includes('storefront')).length);
    const finance = allowedResources(methodArn, 'finance');
    expect(finance).toContain('arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/reports/ledger-check');
    expect(finance).not.toContain('arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/POST/orders');
  });

  it("IAM's * reaches across /: the allowed resource of GET /orders/{orderId} alone would also match its sub-route", () => {
    expect(arnMatches(`${base}/GET/orders/*`, request('GET', '/orders/O-1/execution'))).toBe(true);
    expect(arnMatches(`${base}/GET/orders/*`, request('GET', '/orders'))).toBe(false);
    expect(arnMatches(`${base}/GET/orders/?-1`, request('GET', '/orders/O-1'))).toBe(true);
  });

  it('denies the sub-routes a storefront may not call under the routes it may call', () => {
    const denied = deniedResources(methodArn, 'storefront');
    // GET /orders/* (GET /orders/{orderId}) reaches GET /orders/{orderId}/execution; GET /invoices/*
    // (GET /invoices/{invoiceId}) reaches finance's GET /invoices/import/{importId}; GET /customers/*
    // (GET /customers/{customerId}) reaches the statement, the portal activity (finance and the
    // customer's pay link only) and finance's GET /customers/{customerId}/mandates
    expect(denied.sort()).toEqual([`${base}/GET/orders/*/execution`, `${base}/GET/invoices/import/*`, `${base}/GET/customers/*/statement`, `${base}/GET/customers/*/portal-activity`, `${base}/GET/customers/*/mandates`].sort());
    // a route no allowed resource reaches needs no deny: POST /invoices/*/disputes does not match .../promises or .../disputes/x/resolve
    expect(arnMatches(`${base}/POST/invoices/*/disputes`, request('POST', '/invoices/I-1/disputes/D-1/resolve'))).toBe(false);
    // nothing the storefront may call is denied
    for (const resource of allowedResources(methodArn, 'storefront')) expect(denied).not.toContain(resource);
  });

  it.each([
    ['GET', '/orders/O-1', true],
    ['GET', '/orders/O-1/execution', false],
    ['POST', '/orders/O-1/shipments', true],
    ['POST', '/orders/O-1/credit-decision', false],
    ['POST', '/orders/O-1/retry', false],
    ['GET', '/invoices/I-1', true],
    ['GET', '/invoices/import/import-0123', false],
    ['POST', '/remittances/uploads', false],
    ['POST', '/invoices/import/uploads', false],
    ['GET', '/invoices/I-1/document', true],
    ['POST', '/invoices/I-1/disputes', true],
    ['POST', '/invoices/I-1/disputes/D-1/resolve', false],
    ['POST', '/invoices/I-1/promises', false],
    ['POST', '/invoices/I-1/dunning-block', false],
    ['POST', '/invoices/I-1/write-off', false],
    ['POST', '/invoices/I-1/retry', false],
    ['PUT', '/invoices/I-1/dunning-policy', false],
    ['POST', '/invoices/import', false],
    ['POST', '/payments', true],
    ['POST', '/payments/P-1/apply', false],
    ['GET', '/payments/unapplied', false],
    ['GET', '/customers', true],
    ['GET', '/orders', true],
  ])("a storefront's policy: %s %s -> %s", (method, path, allowed) => {
    expect(policyAllows(policyFor(methodArn, 'storefront'), request(method, path))).toBe(allowed);
  });

  it('finance reaches every finance route, sub-routes included, and no storefront-only route', () => {
    const policy = policyFor(methodArn, 'finance');
    expect(policyAllows(policy, request('GET', '/orders/O-1/execution'))).toBe(true);
    expect(policyAllows(policy, request('POST', '/invoices/I-1/disputes/D-1/resolve'))).toBe(true);
    expect(policyAllows(policy, request('POST', '/orders/O-1/shipments'))).toBe(false);
    expect(policyAllows(policy, request('POST', '/payments'))).toBe(false);
  });

  /** A request path of the route, each path parameter given `value`. */
  const pathOf = (route: RouteDefinition, value: string) => route.path.replace(/\{[^}]+\}/g, value);

  it.each(['storefront', 'finance'] as const)('for %s, allows every route of the table exactly when the role may call it', (role) => {
    const policy = policyFor(methodArn, role);
    for (const route of routes) {
      for (const value of ['x', 'O-1', 'execution', 'INV-2026-000001']) {
        const arn = request(route.method, pathOf(route, value));
        expect({ route: `${route.method} ${route.path}`, value, allowed: policyAllows(policy, arn) }).toEqual({ route: `${route.method} ${route.path}`, value, allowed: route.access.includes(role) });
      }
    }
  });

  it('holds for a table where a role may call a route but not its sub-route and sub-sub-route', () => {
    const table: RouteDefinition[] = [
      { method: 'GET', path: '/things/{id}', functionId: 'GetOrder', access: ['storefront'] },
      { method: 'GET', path: '/things/{id}/secret', functionId: 'GetOrderExecution', access: ['finance'] },
      { method: 'GET', path: '/things/{id}/parts/{partId}', functionId: 'GetOrder', access: ['finance'] },
    ];
    const policy = policyFor(methodArn, 'storefront', table);
    expect(policyAllows(policy, request('GET', '/things/t-1'))).toBe(true);
    expect(policyAllows(policy, request('GET', '/things/t-1/secret'))).toBe(false);
    expect(policyAllows(policy, request('GET', '/things/t-1/parts/p-1'))).toBe(false);
  });

  it('lets an explicit deny win over an allow, as IAM does', () => {
    const policy = {
      Statement: [
        { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [`${base}/GET/*`] },
        { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: `${base}/GET/orders/*/execution` },
      ],
    };
    expect(policyAllows(policy, request('GET', '/orders/O-1'))).toBe(true);
    expect(policyAllows(policy, request('GET', '/orders/O-1/execution'))).toBe(false);
    expect(policyAllows({ Statement: [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: '*' }] }, request('GET', '/orders'))).toBe(false);
    expect(policyAllows({ Statement: [] }, request('GET', '/orders'))).toBe(false);
  });
});

describe('the authorizer', () => {
  const clients = new Map<string, ApiClient>([
    ['shop-key', { clientId: 'storefront-a1', clientName: 'Shop A', role: 'storefront' }],
    ['finance-key', { clientId: 'finance-f1', clientName: 'AR team', role: 'finance' }],
  ]);
  const handler = makeHandler({ find: async (key) => clients.get(key) });
  const event = (key: string | undefined) => ({
    type: 'REQUEST' as const,
    methodArn: request('GET', '/orders/O-1'),
    resource: '/orders/{orderId}',
    path: '/orders/O-1',
    httpMethod: 'GET',
    headers: key === undefined ? {} : { 'X-Api-Key': key },
    multiValueHeaders: {},
    pathParameters: {},
    queryStringParameters: {},
    multiValueQueryStringParameters: {},
    stageVariables: {},
    requestContext: {} as never,
  });

  it("passes the client id, role, scope and name to the handlers, and the role's policy", async () => {
    const shop = await handler(event('shop-key'), lambdaContext);
    expect(shop.principalId).toBe('storefront-a1');
    expect(shop.context).toEqual({ clientId: 'storefront-a1', role: 'storefront', scope: 'storefront-a1', clientName: 'Shop A' });
    expect(shop.policyDocument).toEqual(policyFor(request('GET', '/orders/O-1'), 'storefront'));
    const finance = await handler(event('finance-key'), lambdaContext);
    expect(finance.context).toEqual({ clientId: 'finance-f1', role: 'finance', scope: 'all', clientName: 'AR team' });
  });

  it('refuses a missing, unknown or revoked key with exactly "Unauthorized" (API Gateway answers 401)', async () => {
    await expect(handler(event(undefined), lambdaContext)).rejects.toThrow(/^Unauthorized$/);
    await expect(handler(event('nope'), lambdaContext)).rejects.toThrow(/^Unauthorized$/);
  });
});
