/** Payments taken online: record once, apply to the invoices they name, resume settled orders. */
import { applyPayment, parseRecordPayment, paymentView, type PaymentRequest } from './payment';
import { normalizeRfReference } from '../references/rf-creditor-reference';
import { retryOnConflict } from '../kernel/retry';
import { resumeSettledInvoices } from '../invoices/settlement';
import { settledBy } from '../posting/posting';
import type { Invoice } from '../invoices/invoice';
import type { CoreDeps } from '../deps';

export async function recordPayment(deps: Pick<CoreDeps, 'invoices' | 'postings' | 'workflow' | 'clock' | 'newId'>, body: unknown) {
  const request = parseRecordPayment(body);
  const paymentId = deps.newId();
  const application = await retryOnConflict(
    async () => {
      const candidates = await findInvoices(deps, request);
      const application = applyPayment(paymentId, request, candidates, { now: deps.clock.now(), source: 'online', explicitOrder: request.invoiceIds.length > 0 });
      await deps.postings.post(application.posting);
      return application;
    },
    { attempts: 10 },
  );
  await resumeSettledInvoices(deps, settledBy(application.posting));
  return paymentView(application.payment);
}

/** The invoices a payment names: by id when given, else its reference as number, RF reference or id. */
async function findInvoices(deps: Pick<CoreDeps, 'invoices'>, request: PaymentRequest): Promise<Invoice[]> {
  if (request.invoiceIds.length > 0) {
    const found = await Promise.all(request.invoiceIds.map((id) => deps.invoices.get(id)));
    return found.some((i) => i === undefined) ? [] : (found as Invoice[]);
  }
  if (!request.reference) return [];
  const reference = request.reference.trim();
  const rf = normalizeRfReference(reference);
  const byRf = rf ? await deps.invoices.getByRfReference(rf) : undefined;
  if (byRf) return [byRf];
  const byNumber = await deps.invoices.getByNumber(reference.toUpperCase());
  if (byNumber) return [byNumber];
  const byId = await deps.invoices.get(reference);
  return byId ? [byId] : [];
}
