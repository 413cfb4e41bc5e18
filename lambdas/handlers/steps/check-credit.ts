/** Order step CheckCredit: blocked customers are rejected, orders over the credit limit go on hold. */
import * as z from 'zod';
import { checkCredit } from '../../core/orders/order-steps';
import type { CoreDeps } from '../../core/deps';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { clock, customerStore, invoiceReader, orderStore } from '../../shared/wiring';

const input = z.object({ orderId: z.string().min(1) });

export function makeHandler(deps: Pick<CoreDeps, 'orders' | 'customers' | 'invoices' | 'clock'>) {
  return stepHandler((event) => parseWith(input, event), (command) => checkCredit(deps, command));
}

export const handler = makeHandler({ orders: orderStore(), customers: customerStore(), invoices: invoiceReader(), clock });
