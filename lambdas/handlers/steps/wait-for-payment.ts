/** Order steps AwaitPayment* (.waitForTaskToken): keep the token until a payment settles the invoice. */
import * as z from 'zod';
import { waitForPayment } from '../../core/orders/order-steps';
import type { CoreDeps } from '../../core/deps';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { invoiceReader, workflow } from '../../shared/wiring';

const input = z.object({ invoiceId: z.string().min(1), taskToken: z.string().min(1) });

export function makeHandler(deps: Pick<CoreDeps, 'invoices' | 'workflow'>) {
  return stepHandler((event) => parseWith(input, event), (command) => waitForPayment(deps, command));
}

export const handler = makeHandler({ invoices: invoiceReader(), workflow: workflow() });
