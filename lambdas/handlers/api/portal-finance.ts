/**
 * Finance's side of the portal: POST /customers/{customerId}/pay-links/revoke (every link of the
 * customer issued until now stops working; later messages carry fresh ones) and
 * GET /customers/{customerId}/portal-activity (what the customer did, newest first).
 */
import { portalActivity, revokePayLinks, type PortalDeps } from '../../core/portal/portal';
import { NotFoundError } from '../../core/errors';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';
import { clock, coreSettings, customerStore, idempotency, invoiceReader, newId } from '../../shared/wiring';
import { portalActivityStore } from '../../shared/portal-wiring';

export function makeHandler(deps: PortalDeps, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => {
    const customerId = request.pathParameters.customerId ?? '';
    if (request.resource === '/customers/{customerId}/pay-links/revoke') return { statusCode: 200, body: await revokePayLinks(deps, request.caller, customerId, request.body, request.origin) };
    if (request.resource === '/customers/{customerId}/portal-activity') return { statusCode: 200, body: await portalActivity(deps, customerId) };
    throw new NotFoundError('Route', request.resource);
  });
}

export const handler = makeHandler(
  { customers: customerStore(), invoices: invoiceReader(), activity: portalActivityStore(), clock, newId, settings: { businessTimeZone: coreSettings().businessTimeZone } },
  { idempotency: idempotency() },
);
