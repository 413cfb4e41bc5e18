/** Invoice step RecordInvoiceSettled: count the settled invoice on its order; resume the order when it was the last. */
import * as z from 'zod';
import { recordInvoiceSettled } from '../../core/orders/order-steps';
import type { CoreDeps } from '../../core/deps';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { orderStore, workflow } from '../../shared/wiring';

const input = z.object({ orderId: z.string().min(1), invoiceId: z.string().min(1) });

export function makeHandler(deps: Pick<CoreDeps, 'orders' | 'workflow'>) {
  return stepHandler((event) => parseWith(input, event), (command) => recordInvoiceSettled(deps, command));
}

export const handler = makeHandler({ orders: orderStore(), workflow: workflow() });
