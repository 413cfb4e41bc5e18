/** GET /invoices/{invoiceId}: number, RF reference, amounts, status, dates, dunning and allocations; for finance, the payment prediction with its reasons. */
import { getInvoice } from '../../core/invoices/invoices';
import type { CoreDeps } from '../../core/deps';
import type { PredictionStore } from '../../core/prediction/refresh';
import { predictionView } from '../../core/prediction/views';
import { apiHandler } from '../../shared/http';
import { invoiceReader } from '../../shared/wiring';
import { optionalPredictionStore } from '../../shared/prediction-wiring';

export function makeHandler(deps: Pick<CoreDeps, 'invoices'> & { predictions?: Pick<PredictionStore, 'predictions'> }) {
  return apiHandler({}, async (request) => {
    const invoice = await getInvoice(deps, request.caller, request.pathParameters.invoiceId ?? '');
    if (request.caller.role !== 'finance' || !deps.predictions) return { statusCode: 200, body: invoice };
    const prediction = (await deps.predictions.predictions([invoice.invoiceId])).get(invoice.invoiceId);
    const open = ['OPEN', 'PARTIALLY_PAID', 'OVERDUE', 'DISPUTED'].includes(invoice.status);
    return { statusCode: 200, body: { ...invoice, prediction: open && prediction ? predictionView(prediction) : null } };
  });
}

export const handler = makeHandler({ invoices: invoiceReader(), predictions: optionalPredictionStore() });
