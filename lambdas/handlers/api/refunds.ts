/**
 * On-account credit (finance): POST /customers/{customerId}/credit/apply, POST /refunds (201),
 * GET /refunds/{refundId}, GET /refunds/{refundId}/file (`pain.001.001.09`, application/xml),
 * POST /refunds/statements (a camt file as the raw body: confirms or reverses the refunds it shows).
 */
import { applyCredit, getRefund, refundFile, refundView, requestRefund, settleRefunds, type RefundDeps } from '../../core/sepa/refunds';
import { apiHandler, type ApiHandlerOptions } from '../../shared/http';

export function makeHandler(deps: RefundDeps, options: ApiHandlerOptions) {
  return apiHandler(options, async (request) => {
    const { customerId, refundId } = request.pathParameters;
    if (customerId !== undefined) return { statusCode: 200, body: await applyCredit(deps, customerId, request.body, request.keyedId?.()) };
    if (request.resource === '/refunds/statements') return { statusCode: 200, body: await settleRefunds(deps, request.rawBody) };
    if (refundId !== undefined && request.resource.endsWith('/file')) {
      return { statusCode: 200, body: refundFile(await getRefund(deps, refundId), deps.settings.seller), headers: { 'content-type': 'application/xml; charset=utf-8', 'content-disposition': `attachment; filename="${refundId}.xml"` } };
    }
    if (refundId !== undefined) return { statusCode: 200, body: refundView(await getRefund(deps, refundId)) };
    return { statusCode: 201, body: await requestRefund(deps, request.body, request.keyedId?.()) };
  });
}
