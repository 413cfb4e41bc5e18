/** Reading invoices. */
import { NotFoundError, ValidationError } from '../errors';
import { invoiceView } from './invoice';
import { attentionShown } from '../attention/attention';
import type { CoreDeps } from '../deps';
import { isCalendarDate } from '../time/clock';
import { maySee, ownerScope, type Caller } from '../access/caller';
import type { Invoice } from './invoice';
import type { InvoiceStore } from '../ports';

/** The invoice if the caller may see it; another storefront's invoice is not found (404). */
export async function visibleInvoice(invoices: Pick<InvoiceStore, 'get'>, caller: Caller, invoiceId: string): Promise<Invoice> {
  const invoice = await invoices.get(invoiceId);
  if (!invoice || !maySee(caller, invoice.ownerId)) throw new NotFoundError('Invoice', invoiceId);
  return invoice;
}

export async function getInvoice(deps: Pick<CoreDeps, 'invoices'>, caller: Caller, invoiceId: string) {
  const invoice = await visibleInvoice(deps.invoices, caller, invoiceId);
  return { ...invoiceView(invoice), ...attentionShown(invoice) };
}

export const INVOICE_STATUSES = ['OPEN', 'PARTIALLY_PAID', 'PAID', 'OVERDUE', 'DISPUTED', 'WRITTEN_OFF', 'CREDITED'];

/**
 * Invoices of a customer (optionally in one status) or all invoices in a status; paginated. With
 * `dueOnOrBefore` (a calendar date), only invoices due on or before it: "at least N days past due"
 * is `dueOnOrBefore` = today minus N days, read through the indexes' due-date sort key.
 *
 * A storefront lists only its own: by customer only for a customer it registered (another's gives
 * an empty list, as an unknown one does), otherwise from the `byOwner` index (then neither
 * `customerId` nor `status` is needed).
 */
export async function listInvoices(
  deps: Pick<CoreDeps, 'invoices' | 'customers'>,
  caller: Caller,
  query: { customerId?: string | undefined; status?: string | undefined; limit?: string | undefined; cursor?: string | undefined; dueOnOrBefore?: string | undefined },
) {
  const limit = query.limit === undefined ? 50 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw ValidationError.of('limit', 'must be a whole number from 1 to 200');
  if (query.status !== undefined && !INVOICE_STATUSES.includes(query.status)) throw ValidationError.of('status', `must be one of ${INVOICE_STATUSES.join(', ')}`);
  const owner = ownerScope(caller);
  if (!query.customerId && !query.status && owner === null) throw ValidationError.of('customerId', 'give customerId or status (or both)');
  if (query.dueOnOrBefore !== undefined && !isCalendarDate(query.dueOnOrBefore)) throw ValidationError.of('dueOnOrBefore', 'must be a calendar date YYYY-MM-DD');
  const due = query.dueOnOrBefore;
  if (owner !== null && query.customerId) {
    const customer = await deps.customers.get(query.customerId);
    if (!customer || !maySee(caller, customer.registeredBy)) return { items: [], cursor: null };
  }
  if (owner !== null && !query.customerId) {
    const page = await deps.invoices.listByOwner(owner, limit, query.cursor, { dueOnOrBefore: due, status: query.status });
    return { items: page.items.map(invoiceView), cursor: page.cursor ?? null };
  }
  if (query.customerId) {
    const page = await deps.invoices.listByCustomer(query.customerId, limit, query.cursor, due);
    const items = query.status ? page.items.filter((i) => i.status === query.status) : page.items;
    return { items: items.map(invoiceView), cursor: page.cursor ?? null };
  }
  const page = await deps.invoices.listByStatus(query.status!, limit, query.cursor, due);
  return { items: page.items.map(invoiceView), cursor: page.cursor ?? null };
}
