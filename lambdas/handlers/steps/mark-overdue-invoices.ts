/** Order step MarkOverdueInvoices: a waiting step timed out; the order's invoices past their due date become OVERDUE. */
import * as z from 'zod';
import { markOverdueInvoices, type OverdueMarker } from '../../core/orders/order-settlement';
import type { CoreDeps } from '../../core/deps';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { clock, invoiceReader, orderStore } from '../../shared/wiring';

const input = z.object({ orderId: z.string().min(1) });

export function makeHandler(deps: Pick<CoreDeps, 'orders' | 'invoices' | 'clock'> & { readonly overdue: OverdueMarker }) {
  return stepHandler((event) => parseWith(input, event), (command) => markOverdueInvoices(deps, command));
}

const invoices = invoiceReader();
export const handler = makeHandler({ orders: orderStore(), invoices, overdue: invoices, clock });
