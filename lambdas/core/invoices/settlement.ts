/**
 * Resuming what waits on a settled invoice: the order's execution waits in the invoice's settlement
 * step (its task token kept on the invoice) until the balance is 0. Every path that can settle an
 * invoice (payments, statement lines, manual application, credits, write-offs) calls this after
 * its posting is written. A token that is no longer valid (the step ended already) is harmless.
 */
import type { InvoiceStore, Workflow } from '../ports';
import type { Invoice } from './invoice';

export interface SettlementDeps {
  readonly invoices: Pick<InvoiceStore, 'paymentTaskToken'>;
  readonly workflow: Pick<Workflow, 'resume'>;
}

export async function resumeSettledInvoices(deps: SettlementDeps, invoices: readonly Pick<Invoice, 'invoiceId' | 'status' | 'balanceMinor'>[]): Promise<void> {
  for (const invoice of invoices) {
    if (invoice.balanceMinor !== 0) continue;
    const token = await deps.invoices.paymentTaskToken(invoice.invoiceId);
    if (token) await deps.workflow.resume(token, { invoiceId: invoice.invoiceId, status: invoice.status });
  }
}
