/** Order step WaitForShipment (.waitForTaskToken): keep the token until the shipment is reported. */
import * as z from 'zod';
import { waitForShipment } from '../../core/orders/order-steps';
import type { CoreDeps } from '../../core/deps';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { clock, orderStore, workflow } from '../../shared/wiring';

const input = z.object({ orderId: z.string().min(1), taskToken: z.string().min(1) });

export function makeHandler(deps: Pick<CoreDeps, 'orders' | 'workflow' | 'clock'>) {
  return stepHandler((event) => parseWith(input, event), (command) => waitForShipment(deps, command));
}

export const handler = makeHandler({ orders: orderStore(), workflow: workflow(), clock });
