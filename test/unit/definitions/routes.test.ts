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
