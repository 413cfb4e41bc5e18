/**
 * Order step CheckCredit, the first state: blocked customers are rejected (`CreditRejected`), orders
 * over the credit limit go on hold (`CreditHold`); a continued execution is told apart first
 * (`ExecutionContinued`). The state machine catches each by name.
 */
import * as z from 'zod';
import { creditCheckStep } from '../../core/orders/order-settlement';
import type { CoreDeps } from '../../core/deps';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { clock, customerStore, invoiceReader, orderStore } from '../../shared/wiring';

/** The execution's input: the order, and for a continuation the execution it continues. */
const input = z.object({ orderId: z.string().min(1), continuedFrom: z.string().min(1).optional() });

export function makeHandler(deps: Pick<CoreDeps, 'orders' | 'customers' | 'invoices' | 'clock'>) {
  return stepHandler((event) => parseWith(input, event), (command) => creditCheckStep(deps, command));
}

export const handler = makeHandler({ orders: orderStore(), customers: customerStore(), invoices: invoiceReader(), clock });
