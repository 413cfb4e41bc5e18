/** POST /invoices/{invoiceId}/promises: a promise to pay blocks dunning until its date; 201. */
import { recordPromise } from '../../core/dunning/actions';
import type { ApiHandlerOptions } from '../../shared/http';
import { dunningActionDeps, invoiceActionHandler } from '../../shared/dunning-wiring';
import { idempotency } from '../../shared/wiring';

export const makeHandler = (deps: Parameters<typeof recordPromise>[0], options: ApiHandlerOptions) => invoiceActionHandler(recordPromise, 201, deps, options);

export const handler = makeHandler(dunningActionDeps(), { idempotency: idempotency() });
