/**
 * On-account credit (overpayments, credits on paid invoices) leaves the customer's account in one
 * of two ways, both decided by finance:
 *
 * - applied to an open item of the customer (`POST /customers/{customerId}/credit/apply`): the
 *   invoice's `allocatePayment` transition takes it; journal customer credit against receivables;
 * - refunded (`POST /refunds`): a SEPA credit transfer to the customer's IBAN (given, or the one
 *   of the active mandate), written as a `pain.001.001.09` file; journal customer credit against
 *   refunds in transit. The bank statement then confirms it (its debit line with the refund's
 *   end-to-end id: refunds in transit against cash) or reverses it (the same line with a return
 *   reason: the credit goes back to the customer), `POST /refunds/statements` with the camt file.
 *
 * Every step is one posting; the customer's credit is only taken while it is there.
 */
import * as z from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { isOpen, type Invoice } from '../invoices/invoice';
import type { Customer } from '../customers/customer';
import { allocatePayment } from '../invoices/transitions';
import { resumeSettledInvoices, type SettlementDeps } from '../invoices/settlement';
import { retryOnConflict } from '../kernel/retry';
import { journal } from '../ledger/ledger';
import { formatAmount, money } from '../money/money';
import type { CustomerStore, InvoiceStore, PostingWriter } from '../ports';
import { PostingWrittenBeforeError, settledBy, type Posting } from '../posting/posting';
import { calendarDateIn, type Clock } from '../time/clock';
import { decimalIn, decimalString, identifier, parseWith } from '../validation';
import { readStatementFile, StatementParseError } from '../bank-statements/read-statement-file';
import { bicProblem, electronicIban, ibanProblem } from './accounts';
import { writeCreditTransferFile, type CreditTransferFile } from './credit-transfer-file';
import { mandateStatus } from './mandate';
import type { DirectDebitStore } from './ports';
import { addBusinessDays } from './target2-calendar';

export interface Refund {
  readonly refundId: string;
  readonly customerId: string;
  readonly amountMinor: number;
  readonly currency: 'EUR';
  readonly creditorName: string;
  readonly iban: string;
  readonly bic: string | null;
  readonly endToEndId: string;
  readonly messageId: string;
  readonly executionDate: string;
  /** sent: the file is written and the credit taken; confirmed / reversed by the bank statement. */
  readonly status: 'sent' | 'confirmed' | 'reversed';
  readonly createdAt: string;
  readonly confirmedAt: string | null;
  readonly reversedAt: string | null;
  readonly reversalReason: string | null;
}

export interface RefundDeps {
  readonly directDebits: Pick<DirectDebitStore, 'refund' | 'mandatesOf'>;
  readonly customers: Pick<CustomerStore, 'get'>;
  readonly invoices: Pick<InvoiceStore, 'get'> & SettlementDeps['invoices'];
  readonly workflow: SettlementDeps['workflow'];
  readonly postings: PostingWriter;
  readonly clock: Clock;
  readonly newId: () => string;
  readonly settings: { readonly businessTimeZone: string; readonly seller: { readonly name: string; readonly iban: string; readonly bic: string } };
}

export const applyCreditRequest = z.strictObject({ invoiceId: identifier, amount: decimalString });
export const refundRequest = z.strictObject({
  customerId: identifier,
  amount: decimalString,
  iban: z.string().trim().max(42, 'must be at most 42 characters').optional(),
  bic: z.string().trim().max(11, 'must be at most 11 characters').optional(),
  accountHolder: z.string().trim().min(1, 'must not be empty').max(70, 'must be at most 70 characters').optional(),
});

const ids = (deps: Pick<RefundDeps, 'newId'>, requestId?: string) => (requestId ?? deps.newId()).replace(/[^A-Za-z0-9]/g, '').slice(0, 24).toUpperCase();

/** What applying on-account credit to an invoice needs. */
export type CreditApplicationDeps = Pick<RefundDeps, 'customers' | 'invoices' | 'workflow' | 'postings' | 'clock'>;

/** What applying on-account credit by request reads and writes (no SEPA store: the credit stays on the books). */
export type CreditApplyDeps = CreditApplicationDeps & Pick<RefundDeps, 'newId'>;

/**
 * The one way on-account credit reaches an invoice: the invoice's `allocatePayment` transition
 * takes `amountOf(customer, invoice)` (null: nothing to apply), journal customer credit against
 * receivables, the customer's credit taken in the same posting, retried on a concurrent change.
 * `id` names the application: the same id again applies nothing twice (its journal exists).
 */
async function applyCreditTo(
  deps: CreditApplicationDeps,
  customerId: string,
  invoiceId: string,
  id: string,
  amountOf: (customer: Customer, invoice: Invoice) => number | null,
): Promise<{ invoice: Invoice; amountMinor: number } | null> {
  const posting = await retryOnConflict(
    async () => {
      const customer = await deps.customers.get(customerId);
      if (!customer) throw new NotFoundError('Customer', customerId);
      const invoice = await deps.invoices.get(invoiceId);
      if (!invoice || invoice.customerId !== customerId) throw new NotFoundError('Invoice', invoiceId);
      const amountMinor = amountOf(customer, invoice);
      if (amountMinor === null) return null;
      const at = deps.clock.now().toISOString();
      const t = allocatePayment(invoice, { paymentId: `credit-${id}`, amountMinor, currency: invoice.currency, at, note: `on-account credit of ${formatAmount(money(amountMinor, invoice.currency))} applied` });
      const built: Posting = {
        description: `credit applied ${id}`,
        invoices: [{ before: invoice, after: t.invoice }],
        journals: [journal(`credit-applied-${id}`, 'CreditApplied', at, [{ account: 'customer-credit', side: 'debit', amount: money(amountMinor, invoice.currency), reference: invoice.invoiceId }, ...t.journalLines])],
        customerCredit: { customerId, amountMinor: -amountMinor },
      };
      try {
        await deps.postings.post(built);
      } catch (error) {
        if (!(error instanceof PostingWrittenBeforeError)) throw error;
      }
      return { built, invoice: t.invoice, amountMinor };
    },
    { attempts: 5 },
  );
  if (!posting) return null;
  await resumeSettledInvoices(deps, settledBy(posting.built));
  return { invoice: posting.invoice, amountMinor: posting.amountMinor };
}

/** Applies on-account credit of the customer to one of its open items (finance: `POST /customers/{customerId}/credit/apply`). */
export async function applyCredit(deps: CreditApplyDeps, customerId: string, body: unknown, requestId?: string) {
  const request = parseWith(applyCreditRequest, body);
  const applied = await applyCreditTo(deps, customerId, request.invoiceId, ids(deps, requestId), (customer, invoice) => {
    const amountMinor = decimalIn('amount', request.amount, invoice.currency);
    if (amountMinor > customer.onAccountCreditMinor) throw ValidationError.of('amount', `must not exceed the customer's on-account credit of ${formatAmount(money(customer.onAccountCreditMinor, invoice.currency))}`);
    if (!isOpen(invoice) || amountMinor > invoice.balanceMinor) throw ValidationError.of('amount', `must not exceed the invoice's open balance of ${formatAmount(money(isOpen(invoice) ? invoice.balanceMinor : 0, invoice.currency))}`);
    if (invoice.currency !== customer.currency) throw new ConflictError(`Invoice ${invoice.invoiceId} is in ${invoice.currency}; the customer's credit is in ${customer.currency}`, 'CURRENCY_MISMATCH');
    return amountMinor;
  });
  const invoice = applied!.invoice;
  return { invoiceId: invoice.invoiceId, applied: request.amount, balance: formatAmount(money(invoice.balanceMinor, invoice.currency)), status: invoice.status };
}

/**
 * A new invoice of a customer whose setting says so (`autoApplyCredit`) takes the customer's
 * on-account credit, up to its balance, through the same path as finance's application (its
 * journal `credit-applied-auto-<invoiceId>`: a retried issue applies nothing twice). Nothing
 * happens without the setting, without credit, or when the invoice is in another currency than the
 * credit. Returns what was applied (0 when nothing).
 */
export async function applyCreditToNewInvoice(deps: CreditApplicationDeps, invoice: Pick<Invoice, 'invoiceId' | 'customerId'>): Promise<number> {
  const applied = await applyCreditTo(deps, invoice.customerId, invoice.invoiceId, `AUTO${invoice.invoiceId.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`, (customer, current) => {
    if (customer.autoApplyCredit !== true || current.currency !== customer.currency || !isOpen(current)) return null;
    const amountMinor = Math.min(customer.onAccountCreditMinor, current.balanceMinor);
    return amountMinor > 0 ? amountMinor : null;
  });
  return applied?.amountMinor ?? 0;
}

/** The refund's `pain.001.001.09` (the same bytes every time it is asked for). */
export function refundFile(refund: Refund, seller: RefundDeps['settings']['seller']): string {
  const file: CreditTransferFile = {
    messageId: refund.messageId,
    createdAt: refund.createdAt,
    executionDate: refund.executionDate,
    debtor: { name: seller.name, iban: seller.iban, bic: seller.bic || null },
    transfers: [
      { refundId: refund.refundId, endToEndId: refund.endToEndId, amountMinor: refund.amountMinor, currency: 'EUR', creditorName: refund.creditorName, creditorIban: refund.iban, creditorBic: refund.bic, remittance: `Refund of on-account credit, customer ${refund.customerId}` },
    ],
  };
  return writeCreditTransferFile(file);
}

export function refundView(refund: Refund) {
  return {
    refundId: refund.refundId,
    customerId: refund.customerId,
    amount: formatAmount(money(refund.amountMinor, 'EUR')),
    currency: 'EUR',
    ibanEnding: refund.iban.slice(-4),
    endToEndId: refund.endToEndId,
    executionDate: refund.executionDate,
    status: refund.status,
    createdAt: refund.createdAt,
    confirmedAt: refund.confirmedAt,
    reversedAt: refund.reversedAt,
    reversalReason: refund.reversalReason,
  };
}

/** A refund approved by finance: the credit is taken, the credit transfer file written (201). */
export async function requestRefund(deps: RefundDeps, body: unknown, requestId?: string) {
  const request = parseWith(refundRequest, body);
  const id = ids(deps, requestId);
  const refundId = `RFD-${id}`.slice(0, 35);
  const customer = await deps.customers.get(request.customerId);
  if (!customer) throw new NotFoundError('Customer', request.customerId);
  if (customer.currency !== 'EUR') throw new ConflictError(`Customer ${customer.customerId} keeps credit in ${customer.currency}: SEPA refunds are in EUR`, 'NOT_EUR');
  const amountMinor = decimalIn('amount', request.amount, 'EUR');
  const now = deps.clock.now();
  const today = calendarDateIn(now, deps.settings.businessTimeZone);
  const mandate = (await deps.directDebits.mandatesOf(customer.customerId)).find((m) => mandateStatus(m, today) === 'ACTIVE');
  const iban = request.iban ?? mandate?.iban;
  if (!iban) throw ValidationError.of('iban', 'is required: the customer has no active mandate whose account could be used');
  const problems = [
    ...(ibanProblem(iban) ? [{ field: 'iban', problem: ibanProblem(iban)! }] : []),
    ...(request.bic && bicProblem(request.bic) ? [{ field: 'bic', problem: bicProblem(request.bic)! }] : []),
  ];
  if (problems.length > 0) throw new ValidationError(problems);
  const existing = await deps.directDebits.refund(refundId);
  if (existing) return { ...refundView(existing), fileUrl: `/refunds/${refundId}/file` };
  return retryOnConflict(
    async () => {
      const fresh = await deps.customers.get(customer.customerId);
      if (!fresh || amountMinor > fresh.onAccountCreditMinor) throw ValidationError.of('amount', `must not exceed the customer's on-account credit of ${formatAmount(money(fresh?.onAccountCreditMinor ?? 0, 'EUR'))}`);
      const at = now.toISOString();
      const refund: Refund = {
        refundId,
        customerId: customer.customerId,
        amountMinor,
        currency: 'EUR',
        creditorName: request.accountHolder ?? mandate?.accountHolder ?? customer.name,
        iban: electronicIban(iban),
        bic: request.bic?.toUpperCase() ?? (request.iban ? null : (mandate?.bic ?? null)),
        endToEndId: refundId,
        messageId: `CT-${id}`.slice(0, 35),
        executionDate: addBusinessDays(today, 1),
        status: 'sent',
        createdAt: at,
        confirmedAt: null,
        reversedAt: null,
        reversalReason: null,
      };
      refundFile(refund, deps.settings.seller); // every EPC rule checked before anything is stored
      await deps.postings.post({
        description: `refund ${refundId}`,
        invoices: [],
        journals: [journal(`refund-${refundId}`, 'RefundSent', at, [
          { account: 'customer-credit', side: 'debit', amount: money(amountMinor, 'EUR'), reference: refundId },
          { account: 'refunds-in-transit', side: 'credit', amount: money(amountMinor, 'EUR'), reference: refundId },
        ])],
        customerCredit: { customerId: customer.customerId, amountMinor: -amountMinor },
        customerOwnerId: customer.registeredBy ?? null,
        directDebit: { refund: { before: null, after: refund } },
      });
      return { ...refundView(refund), fileUrl: `/refunds/${refundId}/file` };
    },
    { attempts: 5 },
  );
}

export async function getRefund(deps: Pick<RefundDeps, 'directDebits'>, refundId: string): Promise<Refund> {
  const refund = await deps.directDebits.refund(refundId);
  if (!refund) throw new NotFoundError('Refund', refundId);
  return refund;
}

/**
 * The bank statement (camt.053/054) confirms the refunds it shows as debits with their end-to-end
 * ids, and reverses those it shows returned (a return reason): each once.
 */
export async function settleRefunds(deps: RefundDeps, content: string) {
  let lines;
  try {
    lines = readStatementFile(content).statements.flatMap((s) => s.lines);
  } catch (error) {
    if (error instanceof StatementParseError) throw ValidationError.of('body', error.message);
    throw error;
  }
  const results = [];
  for (const line of lines) {
    if (!line.endToEndId?.startsWith('RFD-')) continue;
    const outcome = await retryOnConflict(
      async () => {
        const refund = await deps.directDebits.refund(line.endToEndId!);
        if (!refund) return { endToEndId: line.endToEndId, outcome: 'unknown-refund' };
        const returned = line.direction === 'credit' || Boolean(line.returnReason);
        if (refund.status !== 'sent') return { refundId: refund.refundId, outcome: 'already-recorded', status: refund.status };
        if (line.amountMinor !== refund.amountMinor) return { refundId: refund.refundId, outcome: 'amount-differs', status: refund.status };
        const at = deps.clock.now().toISOString();
        const amount = money(refund.amountMinor, 'EUR');
        const after: Refund = returned ? { ...refund, status: 'reversed', reversedAt: at, reversalReason: line.returnReason ?? 'returned' } : { ...refund, status: 'confirmed', confirmedAt: at };
        await deps.postings.post({
          description: `refund ${refund.refundId} ${after.status}`,
          invoices: [],
          journals: [
            returned
              ? journal(`refund-${refund.refundId}-reversed`, 'RefundReversed', at, [
                  { account: 'refunds-in-transit', side: 'debit', amount, reference: refund.refundId },
                  { account: 'customer-credit', side: 'credit', amount, reference: refund.refundId },
                ])
              : journal(`refund-${refund.refundId}-confirmed`, 'RefundConfirmed', at, [
                  { account: 'refunds-in-transit', side: 'debit', amount, reference: refund.refundId },
                  { account: 'cash', side: 'credit', amount, reference: refund.refundId },
                ]),
          ],
          ...(returned ? { customerCredit: { customerId: refund.customerId, amountMinor: refund.amountMinor } } : {}),
          directDebit: { refund: { before: refund, after } },
        });
        return { refundId: refund.refundId, outcome: after.status, status: after.status };
      },
      { attempts: 5 },
    );
    results.push(outcome);
  }
  if (results.length === 0) throw ValidationError.of('body', 'the statement shows no refund (debit lines with an end-to-end id RFD-...)');
  return { refunds: results };
}
