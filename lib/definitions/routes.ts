/**
 * The public HTTP API (v1), declared once. The CDK stack builds the API Gateway resources and
 * methods from this table, and the local gateway routes requests with it; both enforce `access`
 * through the same authorizer function.
 */
import type { FunctionId } from './functions';

export type Role = 'storefront' | 'finance' | 'customer';

/**
 * How long API Gateway (and the local gateway) may keep an authorizer answer per key, at most: a
 * revoked key stops working within this time. The stage's `authorizerCacheTtlSeconds` may be lower.
 */
export const AUTHORIZER_CACHE_TTL_SECONDS = 60;
export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

/**
 * A query parameter a route takes, and the form of its value. Checked for every call before the
 * handler runs (`lambdas/shared/request-rules.ts`): a parameter a route does not declare, one
 * given twice, or a value of another form is a 400 naming the parameter.
 */
export type QueryParameter =
  | { readonly kind: 'limit'; readonly max: number }
  /** An opaque, signed pagination cursor the API returned (`lambdas/adapters/dynamodb/document-client.ts`). */
  | { readonly kind: 'cursor' }
  /** Same rule as the ids in paths ({@link PATH_PARAMETER_PATTERN}). */
  | { readonly kind: 'identifier' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  /** A calendar date YYYY-MM-DD. */
  | { readonly kind: 'date' }
  /** A month YYYY-MM. */
  | { readonly kind: 'month' }
  | { readonly kind: 'integer'; readonly min: number; readonly max: number };

/** What the body of a route is: JSON (the default) or a file handed over as it is (a bank statement). */
export type BodyKind = 'json' | 'file';

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
  /** The route moves money: an `Idempotency-Key` is required (428 without it). */
  readonly movesMoney?: true;
  /** The query parameters the route takes (none when absent). */
  readonly query?: Readonly<Record<string, QueryParameter>>;
  /** `json` (default) or `file`. */
  readonly body?: BodyKind;
  /** The largest body the route accepts, in bytes (default {@link BODY_LIMITS}`.json`); larger is a 413. */
  readonly maxBodyBytes?: number;
  /**
   * The route takes no credential: its caller is the payment provider, and the function verifies
   * the provider's signature of the body (`access` is empty). API Gateway runs no authorizer for it.
   */
  readonly signedByProvider?: true;
}

/**
 * Every path parameter is an id: 1-64 letters, digits, ".", "_", ":" or "-", starting with a
 * letter or digit (the ids the product makes: UUIDs, `D-<uuid>`, `st-<hash>`, `run-<date>`, and
 * the customer ids and policy ids callers choose under the same rule).
 */
export const PATH_PARAMETER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
export const PATH_PARAMETER_RULE = 'must be 1-64 letters, digits, ".", "_", ":" or "-", starting with a letter or digit';

/**
 * Body limits per kind of route. JSON messages are small: 1 MiB is far above any valid one. The
 * bulk routes (a bank statement file, an import of up to 10,000 open items, about 1.7 MB) take 4
 * MiB: on AWS the body reaches the function base64-encoded (the API's binary media type is `*` + `/*`)
 * inside Lambda's 6 MB invocation payload, so 4 MiB (5.6 MB encoded) is the most a function can
 * be handed. API Gateway itself refuses more than 10 MB (413, see `lib/constructs/http-api.ts`).
 */
export const BODY_LIMITS = { json: 1024 * 1024, bulk: 4 * 1024 * 1024, gateway: 10 * 1024 * 1024 } as const;

/** The statuses `GET /orders?status=` and `GET /invoices?status=` take (the core's lists; a unit test keeps them equal). */
export const ORDER_STATUS_VALUES = ['RECEIVED', 'CREDIT_HOLD', 'AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED', 'INVOICED', 'COMPLETED', 'REJECTED', 'CANCELLED'] as const;
export const INVOICE_STATUS_VALUES = ['OPEN', 'PARTIALLY_PAID', 'PAID', 'OVERDUE', 'DISPUTED', 'WRITTEN_OFF', 'CREDITED'] as const;

const limit = (max: number): QueryParameter => ({ kind: 'limit', max });
const cursor: QueryParameter = { kind: 'cursor' };

const both: readonly Role[] = ['storefront', 'finance'];
const storefront: readonly Role[] = ['storefront'];
const finance: readonly Role[] = ['finance'];
/** A customer through its pay link: the portal's routes only. */
const customer: readonly Role[] = ['customer'];
const statementQuery: Readonly<Record<string, QueryParameter>> = { from: { kind: 'date' }, to: { kind: 'date' } };

export const routes: readonly RouteDefinition[] = [
  { method: 'PUT', path: '/customers/{customerId}', functionId: 'PutCustomer', access: both },
  { method: 'GET', path: '/customers/{customerId}', functionId: 'GetCustomer', access: both },
  { method: 'GET', path: '/customers', functionId: 'ListCustomers', access: both, query: { limit: limit(200), cursor } },
  {
    method: 'GET',
    path: '/orders',
    functionId: 'ListOrders',
    access: both,
    query: { limit: limit(200), status: { kind: 'enum', values: ORDER_STATUS_VALUES }, customerId: { kind: 'identifier' }, cursor },
  },
  { method: 'GET', path: '/orders/{orderId}/execution', functionId: 'GetOrderExecution', access: finance },
  { method: 'GET', path: '/reports/aging', functionId: 'AgingReport', access: finance, query: { asOf: { kind: 'date' } } },
  { method: 'GET', path: '/reports/kpis', functionId: 'KpiReport', access: finance, query: { period: { kind: 'month' }, trendMonths: { kind: 'integer', min: 1, max: 24 } } },
  { method: 'POST', path: '/orders', functionId: 'PlaceOrder', access: storefront },
  { method: 'GET', path: '/orders/{orderId}', functionId: 'GetOrder', access: both },
  { method: 'POST', path: '/orders/{orderId}/shipments', functionId: 'ReportShipment', access: storefront },
  { method: 'POST', path: '/orders/{orderId}/cancel', functionId: 'CancelOrder', access: storefront },
  { method: 'POST', path: '/orders/{orderId}/credit-decision', functionId: 'RecordCreditDecision', access: finance },
  {
    method: 'GET',
    path: '/invoices',
    functionId: 'ListInvoices',
    access: both,
    query: { limit: limit(200), status: { kind: 'enum', values: INVOICE_STATUS_VALUES }, customerId: { kind: 'identifier' }, dueOnOrBefore: { kind: 'date' }, cursor },
  },
  { method: 'GET', path: '/invoices/{invoiceId}', functionId: 'GetInvoice', access: both },
  { method: 'GET', path: '/invoices/{invoiceId}/document', functionId: 'GetInvoiceDocument', access: both },
  { method: 'POST', path: '/invoices/import', functionId: 'ImportInvoices', access: finance, movesMoney: true, maxBodyBytes: BODY_LIMITS.bulk },
  { method: 'POST', path: '/invoices/import/uploads', functionId: 'CreateUploadUrl', access: finance },
  { method: 'GET', path: '/invoices/import/{importId}', functionId: 'GetInvoiceImport', access: finance },
  { method: 'POST', path: '/invoices/import/{importId}/retry', functionId: 'RetryAfterAttention', access: finance },
  { method: 'POST', path: '/payments', functionId: 'RecordPayment', access: storefront, movesMoney: true },
  { method: 'GET', path: '/payments/unapplied', functionId: 'ListUnappliedPayments', access: finance, query: { limit: limit(200), cursor } },
  { method: 'POST', path: '/payments/{paymentId}/apply', functionId: 'ApplyPayment', access: finance, movesMoney: true },
  { method: 'POST', path: '/remittances', functionId: 'UploadStatement', access: finance, movesMoney: true, body: 'file', maxBodyBytes: BODY_LIMITS.bulk },
  { method: 'POST', path: '/remittances/uploads', functionId: 'CreateUploadUrl', access: finance },
  { method: 'GET', path: '/remittances/{statementId}', functionId: 'GetStatement', access: finance, query: { limit: limit(1000), cursor } },
  { method: 'POST', path: '/remittances/{statementId}/retry', functionId: 'RetryAfterAttention', access: finance },
  { method: 'GET', path: '/reports/ledger-check', functionId: 'LedgerCheck', access: finance },
  { method: 'POST', path: '/dunning/runs', functionId: 'StartDunningRun', access: finance },
  { method: 'GET', path: '/dunning/runs/{runId}', functionId: 'GetDunningRun', access: finance },
  { method: 'GET', path: '/dunning/policies', functionId: 'ListDunningPolicies', access: finance },
  { method: 'PUT', path: '/dunning/policies/{policyId}', functionId: 'PutDunningPolicy', access: finance },
  { method: 'POST', path: '/invoices/{invoiceId}/disputes', functionId: 'OpenDispute', access: both },
  { method: 'POST', path: '/invoices/{invoiceId}/disputes/{disputeId}/resolve', functionId: 'ResolveDispute', access: finance, movesMoney: true },
  { method: 'POST', path: '/invoices/{invoiceId}/promises', functionId: 'RecordPromise', access: finance },
  { method: 'POST', path: '/invoices/{invoiceId}/dunning-block', functionId: 'BlockDunning', access: finance },
  { method: 'PUT', path: '/invoices/{invoiceId}/dunning-policy', functionId: 'SetInvoiceDunningPolicy', access: finance },
  { method: 'POST', path: '/invoices/{invoiceId}/write-off', functionId: 'WriteOffInvoice', access: finance, movesMoney: true },
  { method: 'GET', path: '/collections/worklist', functionId: 'CollectionsWorklist', access: finance },
  { method: 'GET', path: '/worklists/attention', functionId: 'ListAttentionWorklist', access: finance, query: { limit: limit(200), cursor } },
  { method: 'POST', path: '/orders/{orderId}/retry', functionId: 'RetryAfterAttention', access: finance },
  { method: 'POST', path: '/invoices/{invoiceId}/retry', functionId: 'RetryAfterAttention', access: finance },
  { method: 'GET', path: '/openapi.json', functionId: 'GetOpenApi', access: both },
  {
    method: 'GET',
    path: '/invoices/{invoiceId}/einvoice',
    functionId: 'GetInvoiceEinvoice',
    access: both,
    query: { format: { kind: 'enum', values: ['ubl', 'cii', 'xrechnung-ubl', 'xrechnung-cii', 'peppol-bis'] } },
  },
  { method: 'POST', path: '/invoices/{invoiceId}/credit-notes', functionId: 'CreateCreditNote', access: finance, movesMoney: true },
  { method: 'GET', path: '/credit-notes/{creditNoteId}', functionId: 'GetCreditNote', access: both },
  { method: 'GET', path: '/credit-notes/{creditNoteId}/document', functionId: 'GetCreditNote', access: both },
  {
    method: 'GET',
    path: '/credit-notes/{creditNoteId}/einvoice',
    functionId: 'GetCreditNote',
    access: both,
    query: { format: { kind: 'enum', values: ['ubl', 'cii', 'xrechnung-ubl', 'xrechnung-cii', 'peppol-bis'] } },
  },
  { method: 'POST', path: '/predictions/runs', functionId: 'StartPaymentPredictions', access: finance },
  { method: 'GET', path: '/reports/cash-forecast', functionId: 'CashForecastReport', access: finance },
  // Webhooks (issue 16): finance for every customer, a storefront for its own customers.
  { method: 'POST', path: '/webhooks', functionId: 'RegisterWebhook', access: both },
  { method: 'GET', path: '/webhooks', functionId: 'ListWebhooks', access: both },
  { method: 'DELETE', path: '/webhooks/{webhookId}', functionId: 'DeleteWebhook', access: both },
  { method: 'GET', path: '/webhooks/{webhookId}/deliveries', functionId: 'ListWebhookDeliveries', access: both },
  // The customer portal (issue 12): a pay link is the credential; finance revokes links and reads what customers did.
  { method: 'GET', path: '/portal', functionId: 'Portal', access: customer },
  { method: 'POST', path: '/portal/checkout', functionId: 'Portal', access: customer },
  { method: 'POST', path: '/portal/disputes', functionId: 'Portal', access: customer },
  { method: 'POST', path: '/portal/promises', functionId: 'Portal', access: customer },
  { method: 'PUT', path: '/portal/billing-email', functionId: 'Portal', access: customer },
  { method: 'GET', path: '/portal/invoices/{invoiceId}/document', functionId: 'Portal', access: customer },
  { method: 'GET', path: '/customers/{customerId}/statement', functionId: 'Portal', access: ['finance', 'customer'], query: statementQuery },
  { method: 'POST', path: '/customers/{customerId}/pay-links/revoke', functionId: 'Portal', access: finance },
  { method: 'GET', path: '/customers/{customerId}/portal-activity', functionId: 'Portal', access: finance },
  { method: 'POST', path: '/webhooks/stripe', functionId: 'StripeWebhook', access: [], signedByProvider: true },
  { method: 'POST', path: '/customers/{customerId}/mandates', functionId: 'DirectDebitsApi', access: finance },
  { method: 'GET', path: '/customers/{customerId}/mandates', functionId: 'DirectDebitsApi', access: finance },
  { method: 'POST', path: '/customers/{customerId}/mandates/{mandateId}/revoke', functionId: 'DirectDebitsApi', access: finance },
  { method: 'POST', path: '/collections/runs', functionId: 'DirectDebitsApi', access: finance },
  { method: 'GET', path: '/collections/files', functionId: 'DirectDebitsApi', access: finance, query: { limit: limit(200), cursor } },
  { method: 'GET', path: '/collections/files/{fileId}', functionId: 'DirectDebitsApi', access: finance },
  { method: 'POST', path: '/collections/files/{fileId}/cancel', functionId: 'DirectDebitsApi', access: finance },
  { method: 'POST', path: '/collections/returns', functionId: 'DirectDebitsApi', access: finance, movesMoney: true, body: 'file', maxBodyBytes: BODY_LIMITS.bulk },
  { method: 'POST', path: '/customers/{customerId}/credit/apply', functionId: 'DirectDebitsApi', access: finance, movesMoney: true },
  { method: 'POST', path: '/refunds', functionId: 'DirectDebitsApi', access: finance, movesMoney: true },
  { method: 'GET', path: '/refunds/{refundId}', functionId: 'DirectDebitsApi', access: finance },
  { method: 'GET', path: '/refunds/{refundId}/file', functionId: 'DirectDebitsApi', access: finance },
  { method: 'POST', path: '/refunds/statements', functionId: 'DirectDebitsApi', access: finance, movesMoney: true, body: 'file', maxBodyBytes: BODY_LIMITS.bulk },
  // Journals to the ERP (issue 16): served by the ledger check's function.
  { method: 'GET', path: '/ledger/journals', functionId: 'LedgerCheck', access: finance, query: { from: { kind: 'date' }, to: { kind: 'date' }, format: { kind: 'enum', values: ['csv', 'datev'] } } },
  { method: 'GET', path: '/ledger/periods', functionId: 'LedgerCheck', access: finance },
  // Closing a period must not repeat (and changes where every later posting is dated): an Idempotency-Key is required.
  { method: 'POST', path: '/ledger/periods/{period}/close', functionId: 'LedgerCheck', access: finance, movesMoney: true },
  // Issue 13 in the portal: the customer signs a mandate (accepting the mandate text GET /portal shows) or revokes one.
  { method: 'POST', path: '/portal/mandates', functionId: 'Portal', access: customer },
  { method: 'POST', path: '/portal/mandates/revoke', functionId: 'Portal', access: customer },
  // Issue 15: remittance advices (CSV text, or a PDF as application/pdf), served by the statement upload's function.
  { method: 'POST', path: '/remittances/advices', functionId: 'UploadStatement', access: finance, movesMoney: true, body: 'file', maxBodyBytes: BODY_LIMITS.json },
  { method: 'GET', path: '/remittances/advices', functionId: 'UploadStatement', access: finance, query: { limit: limit(200), cursor } },
  { method: 'GET', path: '/remittances/advices/{adviceId}', functionId: 'UploadStatement', access: finance },
];

/** Whether the route with this method and resource path moves money (and so requires an Idempotency-Key). */
export function movesMoney(method: string, resource: string): boolean {
  return routes.some((r) => r.method === method && r.path === resource && r.movesMoney === true);
}

/**
 * Finds the route of a request as API Gateway does: first the resource, where a literal segment
 * wins over a `{param}` at the same place (`/payments/unapplied` before `/payments/{paymentId}`,
 * whatever their order in the table), then the method on that resource. `/orders/{orderId}/shipments`
 * yields `{ orderId }`, percent-decoded; a parameter whose percent-encoding is broken (`%zz`, or
 * bytes that are not UTF-8) is kept as sent and named in `undecodable`. Without a route for the
 * method, `allowedMethods` lists the resource's methods.
 */
export function matchRoute(
  method: string,
  path: string,
  table: readonly RouteDefinition[] = routes,
): { route: RouteDefinition; pathParameters: Record<string, string>; undecodable: string[] } | { route: undefined; allowedMethods: string[] } {
  const segments = path.split('/').filter(Boolean);
  let best: { resource: string; literals: readonly boolean[] } | undefined;
  const fitting: { route: RouteDefinition; params: Record<string, string>; undecodable: string[] }[] = [];
  for (const route of table) {
    const routeSegments = route.path.split('/').filter(Boolean);
    if (routeSegments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const undecodable: string[] = [];
    const fits = routeSegments.every((seg, i) => {
      const actual = segments[i] ?? '';
      const param = /^\{(.+)\}$/.exec(seg);
      if (param?.[1]) {
        const decoded = percentDecode(actual);
        if (decoded === undefined) undecodable.push(param[1]);
        params[param[1]] = decoded ?? actual;
        return actual.length > 0;
      }
      return seg === actual;
    });
    if (!fits) continue;
    fitting.push({ route, params, undecodable });
    const literals = routeSegments.map((seg) => !/^\{.+\}$/.test(seg));
    if (!best || moreSpecific(literals, best.literals)) best = { resource: route.path, literals };
  }
  const onResource = fitting.filter((f) => f.route.path === best?.resource);
  const chosen = onResource.find((f) => f.route.method === method);
  if (chosen) return { route: chosen.route, pathParameters: chosen.params, undecodable: chosen.undecodable };
  return { route: undefined, allowedMethods: onResource.map((f) => f.route.method) };
}

/** True when a path with these literal segments is more specific: a literal at the first place they differ. */
function moreSpecific(a: readonly boolean[], b: readonly boolean[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] === true;
  return false;
}

/** `text` percent-decoded as UTF-8, or undefined when its encoding is broken (`%zz`, `%E0%A4`). */
export function percentDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
