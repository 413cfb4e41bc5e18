/**
 * Order step CompleteOrder: resumed by a settlement of one of its invoices, the order ends the
 * dunning escalation of each settled invoice and completes once every invoice is settled; with
 * one still open it throws `InvoiceNotSettled` and the machine waits again.
 */
import * as z from 'zod';
import { completeOrder } from '../../core/orders/order-steps';
import { settleEscalation } from '../../core/dunning/actions';
import type { CoreDeps } from '../../core/deps';
import type { DunningDeps } from '../../core/dunning/run-dunning';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { dunningStore, escalations } from '../../shared/dunning-wiring';
import { clock, invoiceReader, orderStore, postingWriter } from '../../shared/wiring';

const input = z.object({ orderId: z.string().min(1) });

export function makeHandler(deps: Pick<CoreDeps, 'orders' | 'invoices' | 'clock'> & { readonly dunning?: Pick<DunningDeps, 'store' | 'postings' | 'workflow' | 'clock'> }) {
  return stepHandler(
    (event) => parseWith(input, event),
    (command) => completeOrder({ ...deps, ...(deps.dunning && { endEscalation: (invoiceId: string) => settleEscalation(deps.dunning!, invoiceId) }) }, command),
  );
}

export const handler = makeHandler({
  orders: orderStore(),
  invoices: invoiceReader(),
  clock,
  dunning: { store: dunningStore(), postings: postingWriter(), workflow: escalations(), clock },
});
