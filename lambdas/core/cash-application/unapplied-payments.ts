/**
 * Finance's worklist of unapplied payments (`GET /payments/unapplied`) and applying one by hand
 * (`POST /payments/{paymentId}/apply`): the payment's money moves from unapplied cash to the
 * invoices finance names, settled invoices resume their waiting executions, and the payer's
 * account and name are remembered for the customer so the matcher knows them next time.
 */
import * as z from 'zod';
import { applyUnappliedPayment, type ManualAdviceDeductions, type ManualAllocation } from './application';
import { cashPaymentView } from './statement-record';
import { NotFoundError, ValidationError } from '../errors';
import type { Invoice } from '../invoices/invoice';
import type { InvoiceStore, PostingWriter, UnappliedPaymentStore, Workflow } from '../ports';
import { retryOnConflict } from '../kernel/retry';
import { resumeSettledInvoices } from '../invoices/settlement';
import { settledBy } from '../posting/posting';
import type { Clock } from '../time/clock';
import { decimalIn, decimalString, identifier, parseWith } from '../validation';

export interface UnappliedPaymentDeps {
  readonly payments: UnappliedPaymentStore;
  readonly postings: PostingWriter;
  readonly invoices: Pick<InvoiceStore, 'get' | 'paymentTaskToken'>;
  readonly workflow: Workflow;
  readonly clock: Clock;
}

/** The unapplied worklist, oldest first, with the matcher's suggestion where there is one. */
export async function listUnappliedPayments(deps: Pick<UnappliedPaymentDeps, 'payments'>, query: { limit?: string | undefined; cursor?: string | undefined }) {
  const limit = query.limit === undefined ? 50 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw ValidationError.of('limit', 'must be a whole number from 1 to 200');
  const page = await deps.payments.listUnapplied(limit, query.cursor);
  return { items: page.items.map(cashPaymentView), cursor: page.cursor ?? null };
}

export const applyPaymentRequest = z.strictObject({
  allocations: z
    .array(z.strictObject({ invoiceId: identifier, amount: decimalString }))
    .min(1, 'must name at least one invoice')
    .max(40, 'must name at most 40 invoices'),
});

export type ApplyPaymentRequest = z.infer<typeof applyPaymentRequest>;


/**
 * Applies an unapplied payment by hand (see `applyUnappliedPayment` for the checks); the rest stays
 * unapplied, and the payment leaves the worklist when nothing is left.
 *
 * @throws NotFoundError when the payment does not exist; ConflictError (409) when it is applied in
 *   full already; ValidationError naming the allocation field that is wrong.
 * @param advice the deductions of a remittance advice that splits the payment (`advice-intake.ts`),
 *   booked in the same transaction by the one deduction rule.
 */
export async function applyPaymentByHand(deps: UnappliedPaymentDeps, paymentId: string, body: unknown, requestId?: string, advice?: ManualAdviceDeductions) {
  const request = parseWith(applyPaymentRequest, body);
  const application = await retryOnConflict(
    async () => {
      const payment = await deps.payments.get(paymentId);
      if (!payment) throw new NotFoundError('Payment', paymentId);
      // A retry of a request whose application was written: nothing more to write.
      if (requestId && payment.applications?.includes(requestId)) return { payment, posting: null };
      const allocations: ManualAllocation[] = request.allocations.map((a, i) => ({
        invoiceId: a.invoiceId,
        amountMinor: decimalIn(`allocations[${i}].amount`, a.amount, payment.currency, { allowZero: false }),
      }));
      const wanted = [...allocations.map((a) => a.invoiceId), ...(advice?.deductions ?? []).map((d) => d.invoiceId)];
      const found = await Promise.all([...new Set(wanted)].map((id) => deps.invoices.get(id)));
      const invoices = new Map(found.filter((i): i is Invoice => i !== undefined).map((i) => [i.invoiceId, i]));
      const application = applyUnappliedPayment(payment, allocations, invoices, deps.clock.now(), requestId, advice);
      await deps.postings.post(application.posting);
      return application;
    },
    { attempts: 5 },
  );
  if (application.posting) await resumeSettledInvoices(deps, settledBy(application.posting));
  return cashPaymentView(application.payment);
}
