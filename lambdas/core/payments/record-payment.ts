/** Payments taken online: record once, apply to the invoices they name, resume settled orders. */
import { applyPayment, parseRecordPayment, paymentView, type Payment, type PaymentRequest } from './payment';
import { normalizeRfReference } from '../references/rf-creditor-reference';
import { retryOnConflict } from '../kernel/retry';
import { resumeSettledInvoices } from '../invoices/settlement';
import { PostingWrittenBeforeError, settledBy } from '../posting/posting';
import type { Invoice } from '../invoices/invoice';
import type { CoreDeps } from '../deps';

/**
 * Records a payment once: its id comes from `deps.newId` (derived from the request's
 * Idempotency-Key by the API), so a retry of a request whose first attempt was written (a crash or
 * time-out after commit) finds that payment and answers with it, recording nothing.
 */
export async function recordPayment(deps: Pick<CoreDeps, 'invoices' | 'payments' | 'postings' | 'workflow' | 'clock' | 'newId'>, body: unknown) {
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
  ).catch(async (error: unknown) => {
    if (!(error instanceof PostingWrittenBeforeError)) throw error;
    const recorded = await deps.payments.get(paymentId);
    if (!recorded) throw error;
    return { payment: recorded, posting: null };
  });
  // Resumed again for a payment written before: the first attempt may have stopped before it did.
  const settled = application.posting ? settledBy(application.posting) : await settledByPayment(deps, application.payment);
  await resumeSettledInvoices(deps, settled);
  return paymentView(application.payment);
}

/** The invoices a recorded payment settled, as they are now. */
async function settledByPayment(deps: Pick<CoreDeps, 'invoices'>, payment: Payment): Promise<Invoice[]> {
  const invoices = await Promise.all(payment.allocations.map((a) => deps.invoices.get(a.invoiceId)));
  return invoices.filter((i): i is Invoice => i !== undefined && i.balanceMinor === 0);
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
