/** POST /invoices/{invoiceId}/write-off: write off the balance (or an amount of it) as bad debt. */
import { writeOff } from '../../core/dunning/actions';
import type { ApiHandlerOptions } from '../../shared/http';
import { dunningActionDeps, invoiceActionHandler } from '../../shared/dunning-wiring';
import { idempotency } from '../../shared/wiring';

export const makeHandler = (deps: Parameters<typeof writeOff>[0], options: ApiHandlerOptions) => invoiceActionHandler(writeOff, 200, deps, options);

export const handler = makeHandler(dunningActionDeps(), { idempotency: idempotency() });
