/**
 * The customer portal's API (the `customer` role: a pay link): the page's data, a card payment of
 * chosen items (a Stripe Checkout Session; the money is recorded by the webhook), a dispute, a
 * promise to pay, the billing email and the documents; the customer's SEPA mandates with the mandate
 * text (signed and revoked through finance's paths, `core/sepa/portal-mandates.ts`). Each route is one use case of
 * `core/portal/portal.ts` or `core/payments/card-payments.ts`; this module maps requests to them.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { auditCheckout, portalCustomer, portalDispute, portalInvoice, portalPromise, portalView, updateBillingEmail, type PortalPolicyDeps } from '../../core/portal/portal';
import type { CardPaymentProvider } from '../../core/payments/card-payments';
import { payChosenItems, type PayChosenDeps } from '../../core/portal/pay-with-credit';
import { getInvoiceDocument, negotiateInvoiceDocumentType, NotAcceptableError } from '../../core/invoices/invoice-documents';
import { PORTAL_DOCUMENT_TYPES, portalEinvoice } from '../../core/portal/portal-einvoice';
import type { CoreDeps } from '../../core/deps';
import { NotFoundError } from '../../core/errors';
import { apiHandler, type ApiHandlerOptions, type ApiRequest, type ApiResult } from '../../shared/http';
import { dunningActionDeps } from '../../shared/dunning-wiring';
import { clock, coreSettings, customerStore, idempotency, invoiceReader, newId, postingWriter, recordedFactWorkflow } from '../../shared/wiring';
import { cardPayments, portalActivityStore, portalUrl } from '../../shared/portal-wiring';
import { openDispute } from '../../core/dunning/actions';
import { portalMandates, portalRevokeMandate, portalSignMandate, type PortalMandateDeps } from '../../core/sepa/portal-mandates';
import { mandateDeps, sepaSettings } from '../../shared/sepa-wiring';
import { handler as statementHandler } from './customer-statement';
import { handler as financeHandler } from './portal-finance';

export interface PortalHandlerDeps extends PortalPolicyDeps {
  readonly invoices: PortalPolicyDeps['invoices'] & CoreDeps['invoices'];
  readonly dunning: Parameters<typeof openDispute>[0];
  readonly cards: CardPaymentProvider;
  readonly coreSettings: CoreDeps['settings'];
  readonly portalUrl: () => string;
  /** On-account credit applied first (the one credit path). */
  readonly credit: PayChosenDeps['credit'];
  /** Mandates on the page (issue 13): finance's mandate paths, the seller as creditor. */
  readonly sepa: PortalMandateDeps;
}

export function makeHandler(deps: PortalHandlerDeps, options: ApiHandlerOptions) {
  const routes: Record<string, (request: ApiRequest) => Promise<ApiResult>> = {
    'GET /portal': async (request) => ({ statusCode: 200, body: { ...(await portalView(deps, request.caller)), directDebit: await portalMandates(deps.sepa, request.caller) } }),
    'POST /portal/mandates': async (request) => ({ statusCode: 201, body: await portalSignMandate(deps.sepa, request.caller, request.body, request.origin, request.keyedId?.()) }),
    'POST /portal/mandates/revoke': async (request) => ({ statusCode: 200, body: await portalRevokeMandate(deps.sepa, request.caller, request.body, request.origin) }),
    'POST /portal/checkout': async (request) => {
      const base = deps.portalUrl();
      const checkout = await payChosenItems(
        deps,
        request.caller,
        request.body,
        { successUrl: `${base}?checkout=paid&session={CHECKOUT_SESSION_ID}`, cancelUrl: `${base}?checkout=cancelled` },
        request.keyedId?.(),
      );
      await auditCheckout(deps, request.caller, request.origin, checkout);
      return { statusCode: 201, body: checkout };
    },
    'POST /portal/disputes': async (request) => ({ statusCode: 201, body: await portalDispute(deps, request.caller, request.body, request.origin) }),
    'POST /portal/promises': async (request) => portalPromise(deps, request.caller, request.body, request.origin),
    'PUT /portal/billing-email': async (request) => ({ statusCode: 200, body: await updateBillingEmail(deps, request.caller, request.body, request.origin) }),
    'GET /portal/invoices/{invoiceId}/document': async (request) => {
      const customer = await portalCustomer(deps, request.caller);
      const invoice = await portalInvoice(deps, customer, request.pathParameters.invoiceId ?? '');
      try {
        if (negotiateInvoiceDocumentType(request.headers.accept, PORTAL_DOCUMENT_TYPES) === 'application/xml') {
          const xml = await portalEinvoice({ invoices: deps.invoices, settings: deps.coreSettings }, request.caller, customer, invoice);
          const headers = { 'content-type': 'application/xml; charset=utf-8', vary: 'Accept', 'content-disposition': `attachment; filename="${xml.fileName}"`, 'cache-control': 'private, no-cache', 'x-content-type-options': 'nosniff' };
          return { statusCode: 200, headers, body: xml.body };
        }
        // Ownership checked above; the document is rendered as finance's route renders it.
        const document = await getInvoiceDocument({ invoices: deps.invoices, customers: deps.customers, settings: deps.coreSettings }, { clientId: request.caller.clientId, role: 'finance' }, invoice.invoiceId, request.headers.accept);
        const common = { 'content-type': document.contentType, vary: 'Accept', 'cache-control': 'private, no-cache', 'x-content-type-options': 'nosniff' };
        const headers =
          typeof document.body === 'string'
            ? { ...common, 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'" }
            : { ...common, 'content-disposition': `inline; filename="${document.fileName}"` };
        return { statusCode: 200, headers, body: document.body };
      } catch (error) {
        if (!(error instanceof NotAcceptableError)) throw error;
        return { statusCode: 406, body: { error: { code: error.code, message: error.message, details: [{ field: 'Accept', problem: `must accept one of ${error.available.join(', ')}` }] } } };
      }
    },
  };
  return apiHandler(options, async (request) => {
    const route = routes[`${request.method} ${request.resource}`];
    if (!route) throw new NotFoundError('Route', `${request.method} ${request.resource}`);
    return route(request);
  });
}

const dunning = dunningActionDeps();
const portalHandler = makeHandler(
  {
    customers: customerStore(),
    invoices: invoiceReader(),
    activity: portalActivityStore(),
    clock,
    newId,
    settings: { businessTimeZone: coreSettings().businessTimeZone },
    policies: dunning.store,
    coreSettings: coreSettings(),
    dunning,
    cards: cardPayments(),
    portalUrl,
    credit: { customers: customerStore(), invoices: invoiceReader(), workflow: recordedFactWorkflow(), postings: postingWriter(), clock, newId },
    sepa: { customers: customerStore(), activity: portalActivityStore(), clock, newId, mandates: mandateDeps(), creditorName: sepaSettings().seller.name },
  },
  { idempotency: idempotency() },
);

/**
 * The one Lambda of the portal's routes: the customer's routes above, the statement of account
 * (`customer-statement.ts`) and finance's side (`portal-finance.ts`), each its own handler.
 */
export const handler = (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
  if (event.resource === '/customers/{customerId}/statement') return statementHandler(event, context);
  if (event.resource.startsWith('/customers/')) return financeHandler(event, context);
  return portalHandler(event, context);
};
