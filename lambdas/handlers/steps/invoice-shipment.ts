/**
 * Order step InvoiceShipment: the invoice for one shipment (gapless number, RF reference, ledger
 * entries), then emailed through SES, once.
 */
import * as z from 'zod';
import { directDebitStore } from '../../shared/sepa-wiring';
import type { MandateReader } from '../../core/invoices/invoice-documents';
import { invoiceShipment } from '../../core/orders/invoice-shipment';
import type { CoreDeps } from '../../core/deps';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { countBusinessEvents } from '../../shared/metrics';
import { clock, coreSettings, customerStore, invoiceIssuer, invoiceReader, mailer, orderStore, postingWriter, workflow } from '../../shared/wiring';
import { payLinks } from '../../shared/portal-wiring';
import type { PayLinks } from '../../core/portal/pay-link';
import type { CreditApplicationDeps } from '../../core/sepa/refunds';

const input = z.object({ orderId: z.string().min(1), shipmentId: z.string().min(1) });

export function makeHandler(
  deps: Pick<CoreDeps, 'orders' | 'customers' | 'invoices' | 'mailer' | 'clock' | 'settings'> & { readonly payLinks?: PayLinks; readonly mandates?: MandateReader },
  credit?: CreditApplicationDeps,
) {
  return stepHandler(
    (event) => parseWith(input, event),
    async (command) => {
      const invoiced = await invoiceShipment(deps, command, credit);
      countBusinessEvents({ InvoicesIssued: 1 });
      return invoiced;
    },
  );
}

export const handler = makeHandler({
  orders: orderStore(),
  customers: customerStore(),
  invoices: invoiceIssuer(),
  mailer: mailer(),
  clock,
  settings: coreSettings(),
  payLinks: payLinks(),
  mandates: directDebitStore(),
}, { customers: customerStore(), invoices: invoiceReader(), postings: postingWriter(), workflow: workflow(), clock });
