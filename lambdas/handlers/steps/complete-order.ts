/** Order step CompleteOrder: the order completes once every invoice of it is settled. */
import * as z from 'zod';
import { completeOrder } from '../../core/orders/order-steps';
import type { CoreDeps } from '../../core/deps';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { clock, invoiceReader, orderStore } from '../../shared/wiring';

const input = z.object({ orderId: z.string().min(1) });

export function makeHandler(deps: Pick<CoreDeps, 'orders' | 'invoices' | 'clock'>) {
  return stepHandler((event) => parseWith(input, event), (command) => completeOrder(deps, command));
}

export const handler = makeHandler({ orders: orderStore(), invoices: invoiceReader(), clock });
