/** PUT /invoices/{invoiceId}/dunning-policy: the invoice's own dunning policy (null: the customer's). */
import { setInvoicePolicy } from '../../core/dunning/actions';
import type { ApiHandlerOptions } from '../../shared/http';
import { dunningActionDeps, invoiceActionHandler } from '../../shared/dunning-wiring';
import { idempotency } from '../../shared/wiring';

export const makeHandler = (deps: Parameters<typeof setInvoicePolicy>[0], options: ApiHandlerOptions) => invoiceActionHandler(setInvoicePolicy, 200, deps, options);

export const handler = makeHandler(dunningActionDeps(), { idempotency: idempotency() });
