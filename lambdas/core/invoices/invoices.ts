/** Reading invoices. */
import { NotFoundError, ValidationError } from '../errors';
import { invoiceView } from './invoice';
import { attentionShown } from '../attention/attention';
import type { CoreDeps } from '../deps';
import { isCalendarDate } from '../time/clock';

export async function getInvoice(deps: Pick<CoreDeps, 'invoices'>, invoiceId: string) {
  const invoice = await deps.invoices.get(invoiceId);
  if (!invoice) throw new NotFoundError('Invoice', invoiceId);
  return { ...invoiceView(invoice), ...attentionShown(invoice) };
}

export const INVOICE_STATUSES = ['OPEN', 'PARTIALLY_PAID', 'PAID', 'OVERDUE', 'DISPUTED', 'WRITTEN_OFF', 'CREDITED'];

/**
 * Invoices of a customer (optionally in one status) or all invoices in a status; paginated. With
 * `dueOnOrBefore` (a calendar date), only invoices due on or before it: "at least N days past due"
 * is `dueOnOrBefore` = today minus N days, read through the indexes' due-date sort key.
 */
export async function listInvoices(
  deps: Pick<CoreDeps, 'invoices'>,
  query: { customerId?: string | undefined; status?: string | undefined; limit?: string | undefined; cursor?: string | undefined; dueOnOrBefore?: string | undefined },
) {
  const limit = query.limit === undefined ? 50 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw ValidationError.of('limit', 'must be a whole number from 1 to 200');
  if (query.status !== undefined && !INVOICE_STATUSES.includes(query.status)) throw ValidationError.of('status', `must be one of ${INVOICE_STATUSES.join(', ')}`);
  if (!query.customerId && !query.status) throw ValidationError.of('customerId', 'give customerId or status (or both)');
  if (query.dueOnOrBefore !== undefined && !isCalendarDate(query.dueOnOrBefore)) throw ValidationError.of('dueOnOrBefore', 'must be a calendar date YYYY-MM-DD');
  const due = query.dueOnOrBefore;
  if (query.customerId) {
    const page = await deps.invoices.listByCustomer(query.customerId, limit, query.cursor, due);
    const items = query.status ? page.items.filter((i) => i.status === query.status) : page.items;
    return { items: items.map(invoiceView), cursor: page.cursor ?? null };
  }
  const page = await deps.invoices.listByStatus(query.status!, limit, query.cursor, due);
  return { items: page.items.map(invoiceView), cursor: page.cursor ?? null };
}
