/**
 * Order step CheckCreditAndWaitForShipment (.waitForTaskToken), the first state: blocked customers
 * are rejected (`CreditRejected`), orders over the credit limit go on hold (`CreditHold`); a
 * continued execution is told apart first (`ExecutionContinued`). Each is thrown, failing the task
 * into the state machine's Catch by name. An approved order keeps the task token until its first
 * shipment is reported.
 */
import * as z from 'zod';
import { creditCheckThenWaitForShipment } from '../../core/orders/order-settlement';
import type { CoreDeps } from '../../core/deps';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { clock, customerStore, invoiceReader, orderStore, workflow } from '../../shared/wiring';

/** The execution's input (the order, and for a continuation the execution it continues) and the task token. */
const input = z.object({
  execution: z.object({ orderId: z.string().min(1), continuedFrom: z.string().min(1).optional() }),
  taskToken: z.string().min(1),
});

export function makeHandler(deps: Pick<CoreDeps, 'orders' | 'customers' | 'invoices' | 'clock' | 'workflow'>) {
  return stepHandler(
    (event) => parseWith(input, event),
    (command, context) => creditCheckThenWaitForShipment(deps, { ...command.execution, taskToken: command.taskToken }, () => context.getRemainingTimeInMillis()),
  );
}

export const handler = makeHandler({ orders: orderStore(), customers: customerStore(), invoices: invoiceReader(), workflow: workflow(), clock });
