/**
 * The public HTTP API (v1), declared once. The CDK stack builds the API Gateway resources and
 * methods from this table, and the local gateway routes requests with it; both enforce `access`
 * through the same authorizer function.
 */
import type { FunctionId } from './functions';

export type Role = 'storefront' | 'finance';

/**
 * How long API Gateway (and the local gateway) may keep an authorizer answer per key, at most: a
 * revoked key stops working within this time. The stage's `authorizerCacheTtlSeconds` may be lower.
 */
export const AUTHORIZER_CACHE_TTL_SECONDS = 60;
export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface RouteDefinition {
  readonly method: HttpMethod;
  /** API Gateway resource path with `{param}` placeholders. */
  readonly path: string;
  readonly functionId: FunctionId;
  /**
   * Roles allowed to call the route. A storefront reaches only its own records through it (its
   * customers, their orders and invoices; lists filtered to them): see `lambdas/core/access/caller.ts`.
   */
  readonly access: readonly Role[];
}

const both: readonly Role[] = ['storefront', 'finance'];
const storefront: readonly Role[] = ['storefront'];
const finance: readonly Role[] = ['finance'];

export const routes: readonly RouteDefinition[] = [
  { method: 'PUT', path: '/customers/{customerId}', functionId: 'PutCustomer', access: both },
  { method: 'GET', path: '/customers/{customerId}', functionId: 'GetCustomer', access: both },
  { method: 'GET', path: '/customers', functionId: 'ListCustomers', access: both },
  { method: 'GET', path: '/orders', functionId: 'ListOrders', access: both },
  { method: 'GET', path: '/orders/{orderId}/execution', functionId: 'GetOrderExecution', access: finance },
  { method: 'GET', path: '/reports/aging', functionId: 'AgingReport', access: finance },
  { method: 'GET', path: '/reports/kpis', functionId: 'KpiReport', access: finance },
  { method: 'POST', path: '/orders', functionId: 'PlaceOrder', access: storefront },
  { method: 'GET', path: '/orders/{orderId}', functionId: 'GetOrder', access: both },
  { method: 'POST', path: '/orders/{orderId}/shipments', functionId: 'ReportShipment', access: storefront },
  { method: 'POST', path: '/orders/{orderId}/cancel', functionId: 'CancelOrder', access: storefront },
  { method: 'POST', path: '/orders/{orderId}/credit-decision', functionId: 'RecordCreditDecision', access: finance },
  { method: 'GET', path: '/invoices', functionId: 'ListInvoices', access: both },
  { method: 'GET', path: '/invoices/{invoiceId}', functionId: 'GetInvoice', access: both },
  { method: 'GET', path: '/invoices/{invoiceId}/document', functionId: 'GetInvoiceDocument', access: both },
  { method: 'POST', path: '/invoices/import', functionId: 'ImportInvoices', access: finance },
  { method: 'POST', path: '/payments', functionId: 'RecordPayment', access: storefront },
  { method: 'GET', path: '/payments/unapplied', functionId: 'ListUnappliedPayments', access: finance },
  { method: 'POST', path: '/payments/{paymentId}/apply', functionId: 'ApplyPayment', access: finance },
  { method: 'POST', path: '/remittances', functionId: 'UploadStatement', access: finance },
  { method: 'GET', path: '/remittances/{statementId}', functionId: 'GetStatement', access: finance },
  { method: 'GET', path: '/reports/ledger-check', functionId: 'LedgerCheck', access: finance },
  { method: 'POST', path: '/dunning/runs', functionId: 'StartDunningRun', access: finance },
  { method: 'GET', path: '/dunning/runs/{runId}', functionId: 'GetDunningRun', access: finance },
  { method: 'GET', path: '/dunning/policies', functionId: 'ListDunningPolicies', access: finance },
  { method: 'PUT', path: '/dunning/policies/{policyId}', functionId: 'PutDunningPolicy', access: finance },
  { method: 'POST', path: '/invoices/{invoiceId}/disputes', functionId: 'OpenDispute', access: both },
  { method: 'POST', path: '/invoices/{invoiceId}/disputes/{disputeId}/resolve', functionId: 'ResolveDispute', access: finance },
  { method: 'POST', path: '/invoices/{invoiceId}/promises', functionId: 'RecordPromise', access: finance },
  { method: 'POST', path: '/invoices/{invoiceId}/dunning-block', functionId: 'BlockDunning', access: finance },
  { method: 'PUT', path: '/invoices/{invoiceId}/dunning-policy', functionId: 'SetInvoiceDunningPolicy', access: finance },
  { method: 'POST', path: '/invoices/{invoiceId}/write-off', functionId: 'WriteOffInvoice', access: finance },
  { method: 'GET', path: '/collections/worklist', functionId: 'CollectionsWorklist', access: finance },
  { method: 'GET', path: '/worklists/attention', functionId: 'ListAttentionWorklist', access: finance },
  { method: 'POST', path: '/orders/{orderId}/retry', functionId: 'RetryAfterAttention', access: finance },
  { method: 'POST', path: '/invoices/{invoiceId}/retry', functionId: 'RetryAfterAttention', access: finance },
];

/**
 * Finds the route of a request as API Gateway does: first the resource, where a literal segment
 * wins over a `{param}` at the same place (`/payments/unapplied` before `/payments/{paymentId}`,
 * whatever their order in the table), then the method on that resource. `/orders/{orderId}/shipments`
 * yields `{ orderId }`. Without a route for the method, `allowedMethods` lists the resource's methods.
 */
export function matchRoute(
  method: string,
  path: string,
  table: readonly RouteDefinition[] = routes,
): { route: RouteDefinition; pathParameters: Record<string, string> } | { route: undefined; allowedMethods: string[] } {
  const segments = path.split('/').filter(Boolean);
  let best: { resource: string; literals: readonly boolean[] } | undefined;
  const fitting: { route: RouteDefinition; params: Record<string, string> }[] = [];
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
    fitting.push({ route, params });
    const literals = routeSegments.map((seg) => !/^\{.+\}$/.test(seg));
    if (!best || moreSpecific(literals, best.literals)) best = { resource: route.path, literals };
  }
  const onResource = fitting.filter((f) => f.route.path === best?.resource);
  const chosen = onResource.find((f) => f.route.method === method);
  if (chosen) return { route: chosen.route, pathParameters: chosen.params };
  return { route: undefined, allowedMethods: onResource.map((f) => f.route.method) };
}

/** True when a path with these literal segments is more specific: a literal at the first place they differ. */
function moreSpecific(a: readonly boolean[], b: readonly boolean[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] === true;
  return false;
}
