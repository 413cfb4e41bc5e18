/**
 * Payments taken online: record once, apply to the invoices they name, resume settled orders.
 *
 * A storefront's payment carries its payment provider's id (`providerPaymentId`): the payment id
 * is derived from the client and that id ({@link paymentIdFor}), so the one posting that records
 * it can only be written once. Sending it again (a retry, a webhook delivered twice) records
 * nothing and answers the payment recorded first. It settles only invoices the storefront may
 * see: another storefront's invoice is treated as an unknown one (the payment stays unapplied,
 * `unknown-reference`, for finance).
 */
import { applyPayment, parseRecordPayment, paymentIdFor, paymentView, type Payment, type PaymentRequest } from './payment';
import { normalizeRfReference } from '../references/rf-creditor-reference';
import { retryOnConflict } from '../kernel/retry';
import { resumeSettledInvoices, type SettlementDeps } from '../invoices/settlement';
import { PostingWrittenBeforeError, settledBy } from '../posting/posting';
import { maySee, type Caller } from '../access/caller';
import { ValidationError } from '../errors';
import { PaymentExistsError } from '../ports';
import type { Invoice } from '../invoices/invoice';
import type { CoreDeps } from '../deps';

/**
 * Records the payment and applies it. `created` is false when the same client sent the same
 * provider payment id before: then nothing is written and `payment` is the one recorded first.
 */
export async function recordPayment(
  deps: Pick<CoreDeps, 'invoices' | 'payments' | 'postings' | 'workflow' | 'clock' | 'newId'> & Pick<SettlementDeps, 'completeOrder'>,
  caller: Caller,
  body: unknown,
): Promise<{ created: boolean; payment: ReturnType<typeof paymentView> }> {
  const request = parseRecordPayment(body);
  if (caller.role === 'storefront' && !request.providerPaymentId) {
    throw ValidationError.of('providerPaymentId', "is required: your payment provider's id of this payment (1-255 characters)");
  }
  return recordValidPayment(deps, caller, request);
}

/**
 * The same for a payment already validated: the card payments the product takes itself (the
 * payment provider's webhook) come this way, with the amounts the customer chose per invoice.
 */
export async function recordValidPayment(
  deps: Pick<CoreDeps, 'invoices' | 'payments' | 'postings' | 'workflow' | 'clock' | 'newId'> & Pick<SettlementDeps, 'completeOrder'>,
  caller: Caller,
  request: PaymentRequest,
): Promise<{ created: boolean; payment: ReturnType<typeof paymentView> }> {
  const paymentId = request.providerPaymentId ? paymentIdFor(caller.clientId, request.providerPaymentId) : deps.newId();
  const recordedBefore = async (): Promise<Payment | undefined> => (request.providerPaymentId ? deps.payments.get(paymentId) : undefined);
  const first = await recordedBefore();
  if (first) return { created: false, payment: paymentView(first) };
  let application;
  try {
    application = await retryOnConflict(
      async () => {
        const candidates = await findInvoices(deps, caller, request);
        const application = applyPayment(paymentId, request, candidates, {
          now: deps.clock.now(),
          source: 'online',
          explicitOrder: request.invoiceIds.length > 0,
          recordedBy: caller.clientId,
        });
        await deps.postings.post(application.posting);
        return application;
      },
      { attempts: 10 },
    );
  } catch (error) {
    // The same provider payment was recorded meanwhile (a concurrent call): answer that one.
    if (error instanceof PaymentExistsError || error instanceof PostingWrittenBeforeError) {
      const recorded = await recordedBefore();
      if (recorded) return { created: false, payment: paymentView(recorded) };
    }
    throw error;
  }
  await resumeSettledInvoices(deps, settledBy(application.posting));
  return { created: true, payment: paymentView(application.payment) };
}

/**
 * The invoices a payment names, among those the caller may see: by id when given (one it may not
 * see makes the whole list unknown, as an id that does not exist does), else its reference as
 * number, RF reference or id.
 */
async function findInvoices(deps: Pick<CoreDeps, 'invoices'>, caller: Caller, request: PaymentRequest): Promise<Invoice[]> {
  const seen = (invoice: Invoice | undefined): invoice is Invoice => invoice !== undefined && maySee(caller, invoice.ownerId);
  if (request.invoiceIds.length > 0) {
    const found = await Promise.all(request.invoiceIds.map((id) => deps.invoices.get(id)));
    return found.every(seen) ? found : [];
  }
  if (!request.reference) return [];
  const reference = request.reference.trim();
  const rf = normalizeRfReference(reference);
  const byRf = rf ? await deps.invoices.getByRfReference(rf) : undefined;
  if (seen(byRf)) return [byRf];
  const byNumber = await deps.invoices.getByNumber(reference.toUpperCase());
  if (seen(byNumber)) return [byNumber];
  const byId = await deps.invoices.get(reference);
  return seen(byId) ? [byId] : [];
}
