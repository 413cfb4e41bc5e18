/** GET /payments/unapplied?limit=&cursor=: finance's worklist of unapplied payments, oldest first. */
import { listUnappliedPayments, type UnappliedPaymentDeps } from '../../core/cash-application/unapplied-payments';
import { apiHandler } from '../../shared/http';
import { paymentStore } from '../../shared/wiring';

export function makeHandler(deps: Pick<UnappliedPaymentDeps, 'payments'>) {
  return apiHandler({}, async (request) => ({ statusCode: 200, body: await listUnappliedPayments(deps, request.query) }));
}

export const handler = makeHandler({ payments: paymentStore() });
