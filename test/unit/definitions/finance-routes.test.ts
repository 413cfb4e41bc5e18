/** The finance console's routes resolve to their functions, literal segments before `{param}` ones. */
import { describe, expect, it } from 'vitest';
import { matchRoute, routes } from '../../../lib/definitions/routes';

const fn = (method: string, path: string) => {
  const match = matchRoute(method, path);
  return match.route ? [match.route.functionId, match.pathParameters, match.route.access] : [undefined, match.allowedMethods];
};

describe('finance console routes', () => {
  it('lists orders and customers next to creating them, to both roles (a storefront gets its own only)', () => {
    expect(fn('GET', '/orders')).toEqual(['ListOrders', {}, ['storefront', 'finance']]);
    expect(fn('POST', '/orders')).toEqual(['PlaceOrder', {}, ['storefront']]);
    expect(fn('GET', '/customers')).toEqual(['ListCustomers', {}, ['storefront', 'finance']]);
    expect(fn('GET', '/customers/C-1')).toEqual(['GetCustomer', { customerId: 'C-1' }, ['storefront', 'finance']]);
  });

  it("reads an order's execution beside its other sub-resources", () => {
    expect(fn('GET', '/orders/O-1/execution')).toEqual(['GetOrderExecution', { orderId: 'O-1' }, ['finance']]);
    expect(fn('POST', '/orders/O-1/execution')).toEqual([undefined, ['GET']]);
    expect(fn('GET', '/orders/O-1')).toEqual(['GetOrder', { orderId: 'O-1' }, ['storefront', 'finance']]);
  });

  it('serves the reports under /reports, finance only', () => {
    expect(fn('GET', '/reports/aging')).toEqual(['AgingReport', {}, ['finance']]);
    expect(fn('GET', '/reports/kpis')).toEqual(['KpiReport', {}, ['finance']]);
    expect(fn('GET', '/reports/ledger-check')).toEqual(['LedgerCheck', {}, ['finance']]);
  });

  it('declares each method and path once', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
