import { describe, expect, it } from 'vitest';
import { matchRoute, routes, type RouteDefinition } from '../../../lib/definitions/routes';

const finance = ['finance'] as const;
const table: RouteDefinition[] = [
  { method: 'GET', path: '/payments/{paymentId}', functionId: 'RecordPayment', access: finance },
  { method: 'DELETE', path: '/payments/{paymentId}', functionId: 'RecordPayment', access: finance },
  { method: 'GET', path: '/payments/unapplied', functionId: 'ListUnappliedPayments', access: finance },
  { method: 'POST', path: '/payments/{paymentId}/apply', functionId: 'ApplyPayment', access: finance },
];

describe('matchRoute', () => {
  it('lets a literal segment win over a parameter, whatever the order of the table', () => {
    // Act
    const literal = matchRoute('GET', '/payments/unapplied', table);
    const reversed = matchRoute('GET', '/payments/unapplied', [...table].reverse());
    const param = matchRoute('GET', '/payments/P-1', table);

    // Assess
    expect(literal.route?.functionId).toBe('ListUnappliedPayments');
    expect(reversed.route?.functionId).toBe('ListUnappliedPayments');
    expect(param.route?.path).toBe('/payments/{paymentId}');
    expect(param).toMatchObject({ pathParameters: { paymentId: 'P-1' } });
  });

  it('chooses the resource first, then the method: another method on the literal resource does not fall back to the parameter', () => {
    // Act
    const result = matchRoute('DELETE', '/payments/unapplied', table);

    // Assess
    expect(result.route).toBeUndefined();
    expect(result).toMatchObject({ allowedMethods: ['GET'] });
  });

  it('decodes parameters and matches nested paths', () => {
    expect(matchRoute('POST', '/payments/P%201/apply', table)).toMatchObject({ route: { functionId: 'ApplyPayment' }, pathParameters: { paymentId: 'P 1' } });
    expect(matchRoute('POST', '/payments//apply', table).route).toBeUndefined();
  });

  it('routes the cash application API of the product', () => {
    expect(matchRoute('GET', '/payments/unapplied').route?.functionId).toBe('ListUnappliedPayments');
    expect(matchRoute('POST', '/payments/P-1/apply').route?.functionId).toBe('ApplyPayment');
    expect(matchRoute('POST', '/remittances').route?.functionId).toBe('UploadStatement');
    expect(matchRoute('GET', '/remittances/st-1').route?.functionId).toBe('GetStatement');
    for (const route of routes.filter((r) => ['/remittances', '/payments/unapplied'].includes(r.path) || r.path.startsWith('/remittances/') || r.path.endsWith('/apply'))) {
      expect(route.access).toEqual(['finance']);
    }
  });
});

describe('declared query parameters', () => {
  it('take the statuses the core knows, so that the route rules and the use cases agree', async () => {
    const { ORDER_STATUSES } = await import('../../../lambdas/core/reports/finance-lists');
    const { INVOICE_STATUSES } = await import('../../../lambdas/core/invoices/invoices');
    const statusOf = (path: string) => routes.find((r) => r.method === 'GET' && r.path === path)?.query?.status;
    expect(statusOf('/orders')).toEqual({ kind: 'enum', values: ORDER_STATUSES });
    expect(statusOf('/invoices')).toEqual({ kind: 'enum', values: INVOICE_STATUSES });
  });

  it('declare a cursor with a limit on every list, and nothing on the routes that take no query', () => {
    for (const route of routes) {
      const names = Object.keys(route.query ?? {});
      if (names.includes('cursor')) expect(names).toContain('limit');
      if (route.method !== 'GET') expect(names).toEqual([]);
    }
    expect(routes.filter((r) => r.query?.cursor).map((r) => r.path)).toEqual(['/customers', '/orders', '/invoices', '/payments/unapplied', '/remittances/{statementId}', '/worklists/attention', '/collections/files', '/remittances/advices']);
  });
});

describe('matchRoute with broken percent-encoding', () => {
  it('keeps the parameter as sent and names it, instead of throwing', () => {
    expect(matchRoute('GET', '/orders/%E0%A4%A')).toMatchObject({ route: { functionId: 'GetOrder' }, pathParameters: { orderId: '%E0%A4%A' }, undecodable: ['orderId'] });
    expect(matchRoute('GET', '/orders/%zz')).toMatchObject({ undecodable: ['orderId'] });
    expect(matchRoute('GET', '/orders/O%2D1')).toMatchObject({ pathParameters: { orderId: 'O-1' }, undecodable: [] });
  });
});
