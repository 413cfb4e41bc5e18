/**
 * Order step IssueInvoice: the invoice for one shipment, with a gapless number, RF reference and
 * ledger entries; then, for a customer whose setting says so, its on-account credit applied to it
 * (the path of `POST /customers/{customerId}/credit/apply`, once even when the step is retried).
 */
import * as z from 'zod';
import { issueInvoiceForShipment } from '../../core/orders/order-steps';
import type { CoreDeps } from '../../core/deps';
import { applyCreditToNewInvoice, type CreditApplicationDeps } from '../../core/sepa/refunds';
import { parseWith } from '../../core/validation';
import { stepHandler } from '../../shared/http';
import { countBusinessEvents } from '../../shared/metrics';
import { clock, coreSettings, customerStore, invoiceIssuer, invoiceReader, orderStore, postingWriter, workflow } from '../../shared/wiring';

const input = z.object({ orderId: z.string().min(1), shipmentId: z.string().min(1) });

export function makeHandler(deps: Pick<CoreDeps, 'orders' | 'customers' | 'invoices' | 'clock' | 'settings'>, credit?: CreditApplicationDeps) {
  return stepHandler(
    (event) => parseWith(input, event),
    async (command) => {
      const issued = await issueInvoiceForShipment(deps, command);
      countBusinessEvents({ InvoicesIssued: 1 });
      if (!credit) return issued;
      const invoice = await deps.invoices.get(issued.invoiceId);
      if (invoice) await applyCreditToNewInvoice(credit, invoice);
      return issued;
    },
  );
}

export const handler = makeHandler(
  { orders: orderStore(), customers: customerStore(), invoices: invoiceIssuer(), clock, settings: coreSettings() },
  { customers: customerStore(), invoices: invoiceReader(), postings: postingWriter(), workflow: workflow(), clock },
);
