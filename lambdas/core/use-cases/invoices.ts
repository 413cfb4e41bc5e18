/** Reading invoices. */
import { NotFoundError, ValidationError } from '../errors';
import { invoiceView } from '../invoices/invoice';
import type { CoreDeps } from './deps';

export async function getInvoice(deps: Pick<CoreDeps, 'invoices'>, invoiceId: string) {
  const invoice = await deps.invoices.get(invoiceId);
  if (!invoice) throw new NotFoundError('Invoice', invoiceId);
  return invoiceView(invoice);
}

const STATUSES = ['OPEN', 'PARTIALLY_PAID', 'PAID', 'OVERDUE', 'DISPUTED', 'WRITTEN_OFF', 'CREDITED'];

/** Invoices of a customer (optionally in one status) or all invoices in a status; paginated. */
export async function listInvoices(
  deps: Pick<CoreDeps, 'invoices'>,
  query: { customerId?: string | undefined; status?: string | undefined; limit?: string | undefined; cursor?: string | undefined },
) {
  const limit = query.limit === undefined ? 50 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw ValidationError.of('limit', 'must be a whole number from 1 to 200');
  if (query.status !== undefined && !STATUSES.includes(query.status)) throw ValidationError.of('status', `must be one of ${STATUSES.join(', ')}`);
  if (!query.customerId && !query.status) throw ValidationError.of('customerId', 'give customerId or status (or both)');
  if (query.customerId) {
    const page = await deps.invoices.listByCustomer(query.customerId, limit, query.cursor);
    const items = query.status ? page.items.filter((i) => i.status === query.status) : page.items;
    return { items: items.map(invoiceView), cursor: page.cursor ?? null };
  }
  const page = await deps.invoices.listByStatus(query.status!, limit, query.cursor);
  return { items: page.items.map(invoiceView), cursor: page.cursor ?? null };
}
