/**
 * Order step AwaitOrderSettlement (.waitForTaskToken): the token is kept on every invoice of the
 * order with a balance until a settlement resumes it; an order not fully shipped is thrown as
 * `OrderNotFullyShipped` (the machine waits for the next shipment).
 */
import * as z from 'zod';
import { awaitOrderSettlement } from '../../core/orders/order-settlement';
import type { CoreDeps } from '../../core/deps';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { invoiceReader, orderStore, workflow } from '../../shared/wiring';

const input = z.object({ orderId: z.string().min(1), taskToken: z.string().min(1) });

export function makeHandler(deps: Pick<CoreDeps, 'orders' | 'invoices' | 'workflow'>) {
  return stepHandler((event) => parseWith(input, event), (command) => awaitOrderSettlement(deps, command));
}

export const handler = makeHandler({ orders: orderStore(), invoices: invoiceReader(), workflow: workflow() });
