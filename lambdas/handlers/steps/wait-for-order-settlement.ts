/** Order step AwaitOrderSettlement (.waitForTaskToken): keep the token until every invoice is settled. */
import * as z from 'zod';
import { waitForOrderSettlement } from '../../core/orders/order-steps';
import type { CoreDeps } from '../../core/deps';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { orderStore, workflow } from '../../shared/wiring';

const input = z.object({ orderId: z.string().min(1), taskToken: z.string().min(1) });

export function makeHandler(deps: Pick<CoreDeps, 'orders' | 'workflow'>) {
  return stepHandler((event) => parseWith(input, event), (command) => waitForOrderSettlement(deps, command));
}

export const handler = makeHandler({ orders: orderStore(), workflow: workflow() });
