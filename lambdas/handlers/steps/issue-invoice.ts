/** Order step IssueInvoice: the invoice for one shipment, with a gapless number, RF reference and ledger entries. */
import * as z from 'zod';
import { issueInvoiceForShipment } from '../../core/orders/order-steps';
import type { CoreDeps } from '../../core/deps';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { countBusinessEvents } from '../../shared/metrics';
import { clock, coreSettings, customerStore, invoiceIssuer, orderStore } from '../../shared/wiring';

const input = z.object({ orderId: z.string().min(1), shipmentId: z.string().min(1) });

export function makeHandler(deps: Pick<CoreDeps, 'orders' | 'customers' | 'invoices' | 'clock' | 'settings'>) {
  return stepHandler(
    (event) => parseWith(input, event),
    async (command) => {
      const issued = await issueInvoiceForShipment(deps, command);
      countBusinessEvents({ InvoicesIssued: 1 });
      return issued;
    },
  );
}

export const handler = makeHandler({ orders: orderStore(), customers: customerStore(), invoices: invoiceIssuer(), clock, settings: coreSettings() });
