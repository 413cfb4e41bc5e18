/**
 * Resuming what waits on a settled invoice: the order's execution waits in its settlement step
 * (AwaitOrderSettlement, its task token kept on each open invoice, marked as the order's) until the
 * balance is 0. Every path that can settle an invoice (payments, statement lines, manual
 * application, credits, write-offs) calls this after its posting is written. With `completeOrder`
 * (`orders/order-steps.ts` completeOrderOnSettlement) the settlement of an order's last open invoice
 * completes the order here and resumes the step with success, which ends the execution; otherwise
 * the step fails with `InvoiceSettled` and the order goes on to CompleteOrder, which decides the
 * same. A token of an invoice settlement execution (unmarked) is resumed as before. A token that is
 * no longer valid (the step ended already) is harmless.
 */
import type { InvoiceStore, Workflow } from '../ports';
import type { Invoice } from './invoice';
import { orderSettlementToken } from '../orders/order-settlement';

type Settled = Pick<Invoice, 'invoiceId' | 'status' | 'balanceMinor' | 'orderId' | 'dunning'>;

export interface SettlementDeps {
  readonly invoices: Pick<InvoiceStore, 'paymentTaskToken'>;
  readonly workflow: Pick<Workflow, 'resume' | 'fail'>;
  /** Completes the invoice's order when nothing else is open (true), or writes nothing (false). */
  readonly completeOrder?: (orderId: string, settled: readonly Settled[]) => Promise<boolean>;
}

export async function resumeSettledInvoices(deps: SettlementDeps, invoices: readonly Settled[]): Promise<void> {
  for (const invoice of invoices) {
    if (invoice.balanceMinor !== 0) continue;
    const kept = await deps.invoices.paymentTaskToken(invoice.invoiceId);
    if (!kept) {
      // Settled before the order's execution waits for it (paid at once): the order completes here all the same, and its
      // settlement wait, finding it COMPLETED, ends the execution.
      if (invoice.orderId && deps.completeOrder) await deps.completeOrder(invoice.orderId, invoices);
      continue;
    }
    const token = orderSettlementToken(kept);
    if (token === undefined) {
      await deps.workflow.resume(kept, { invoiceId: invoice.invoiceId, status: invoice.status });
      continue;
    }
    if (invoice.orderId && deps.completeOrder && (await deps.completeOrder(invoice.orderId, invoices))) {
      await deps.workflow.resume(token, { invoiceId: invoice.invoiceId, status: invoice.status, orderCompleted: true });
    } else {
      await deps.workflow.fail(token, 'InvoiceSettled', `Invoice ${invoice.invoiceId} is settled; the order completes or waits for its other invoices`);
    }
  }
}
