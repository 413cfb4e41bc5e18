/**
 * The public HTTP API (v1), declared once. The CDK stack builds the API Gateway resources and
 * methods from this table, and the local gateway routes requests with it; both enforce `access`
 * through the same authorizer function.
 */
import type { FunctionId } from './functions';

export type Role = 'storefront' | 'finance';
export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface RouteDefinition {
  readonly method: HttpMethod;
  /** API Gateway resource path with `{param}` placeholders. */
  readonly path: string;
  readonly functionId: FunctionId;
  /** Roles allowed to call the route. */
  readonly access: readonly Role[];
}

const both: readonly Role[] = ['storefront', 'finance'];
const storefront: readonly Role[] = ['storefront'];
const finance: readonly Role[] = ['finance'];

export const routes: readonly RouteDefinition[] = [
  { method: 'PUT', path: '/customers/{customerId}', functionId: 'PutCustomer', access: both },
  { method: 'GET', path: '/customers/{customerId}', functionId: 'GetCustomer', access: both },
  { method: 'POST', path: '/orders', functionId: 'PlaceOrder', access: storefront },
  { method: 'GET', path: '/orders/{orderId}', functionId: 'GetOrder', access: both },
  { method: 'POST', path: '/orders/{orderId}/shipments', functionId: 'ReportShipment', access: storefront },
  { method: 'POST', path: '/orders/{orderId}/cancel', functionId: 'CancelOrder', access: storefront },
  { method: 'POST', path: '/orders/{orderId}/credit-decision', functionId: 'RecordCreditDecision', access: finance },
  { method: 'GET', path: '/invoices', functionId: 'ListInvoices', access: both },
  { method: 'GET', path: '/invoices/{invoiceId}', functionId: 'GetInvoice', access: both },
  { method: 'POST', path: '/invoices/import', functionId: 'ImportInvoices', access: finance },
  { method: 'POST', path: '/payments', functionId: 'RecordPayment', access: storefront },
  { method: 'GET', path: '/reports/ledger-check', functionId: 'LedgerCheck', access: finance },
];

/** Turns `/orders/{orderId}/shipments` into a matcher that yields `{ orderId }`. */
export function matchRoute(
  method: string,
  path: string,
  table: readonly RouteDefinition[] = routes,
): { route: RouteDefinition; pathParameters: Record<string, string> } | { route: undefined; allowedMethods: string[] } {
  const segments = path.split('/').filter(Boolean);
  const allowedMethods: string[] = [];
  for (const route of table) {
    const routeSegments = route.path.split('/').filter(Boolean);
    if (routeSegments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const fits = routeSegments.every((seg, i) => {
      const actual = segments[i] ?? '';
      const param = /^\{(.+)\}$/.exec(seg);
      if (param?.[1]) {
        params[param[1]] = decodeURIComponent(actual);
        return actual.length > 0;
      }
      return seg === actual;
    });
    if (!fits) continue;
    if (route.method === method) return { route, pathParameters: params };
    allowedMethods.push(route.method);
  }
  return { route: undefined, allowedMethods };
}
