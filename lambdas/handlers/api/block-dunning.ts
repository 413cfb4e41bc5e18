/** POST /invoices/{invoiceId}/dunning-block: no reminders until the end date (inclusive), with a reason. */
import { blockDunning } from '../../core/dunning/actions';
import type { ApiHandlerOptions } from '../../shared/http';
import { dunningActionDeps, invoiceActionHandler } from '../../shared/dunning-wiring';
import { idempotency } from '../../shared/wiring';

export const makeHandler = (deps: Parameters<typeof blockDunning>[0], options: ApiHandlerOptions) => invoiceActionHandler(blockDunning, 200, deps, options);

export const handler = makeHandler(dunningActionDeps(), { idempotency: idempotency() });
