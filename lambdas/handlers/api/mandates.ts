/**
 * POST /customers/{customerId}/mandates (201 with the mandate and its `mandateId`), GET the
 * customer's mandates, POST /customers/{customerId}/mandates/{mandateId}/revoke (finance).
 */
import { listMandates, recordMandate, revokeCustomerMandate, type MandateDeps } from '../../core/sepa/mandates';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';

export function makeHandler(deps: MandateDeps, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => {
    const { customerId = '', mandateId } = request.pathParameters;
    if (mandateId !== undefined) return { statusCode: 200, body: await revokeCustomerMandate(deps, customerId, mandateId, request.body) };
    if (request.method === 'GET') return { statusCode: 200, body: await listMandates(deps, customerId) };
    return { statusCode: 201, body: await recordMandate(deps, customerId, request.body, request.keyedId?.()) };
  });
}
