/**
 * The lists and views the finance console reads: orders by status or customer, customers, and an
 * order's execution. A storefront lists only its own orders and customers (see `access/caller.ts`).
 */
import { NotFoundError, ValidationError } from '../errors';
import type { CustomerLister, ExecutionReader, OrderLister } from '../finance-ports';
import { formatAmount } from '../money/money';
import { executionView } from '../orders/execution-view';
import { orderView, type OrderStatus } from '../orders/order';
import type { CustomerStore, OrderStore } from '../ports';
import { maySee, ownerScope, type Caller } from '../access/caller';

export const ORDER_STATUSES: readonly OrderStatus[] = ['RECEIVED', 'CREDIT_HOLD', 'AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED', 'INVOICED', 'COMPLETED', 'REJECTED', 'CANCELLED'];

function limitOf(text: string | undefined): number {
  const limit = text === undefined ? 50 : Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw ValidationError.of('limit', 'must be a whole number from 1 to 200');
  return limit;
}

/**
 * Orders of a customer (`customerId`, optionally only in `status`), or in a status, newest first;
 * without either, every order a page of a scan at a time. Paginated with `limit` and `cursor`.
 * A storefront gets only its own: of a customer it registered (another's gives an empty list, as
 * an unknown one does), or from the `byOwner` index.
 */
export async function listOrders(
  deps: { readonly orderLists: OrderLister; readonly customers: Pick<CustomerStore, 'get'> },
  caller: Caller,
  query: { status?: string | undefined; customerId?: string | undefined; limit?: string | undefined; cursor?: string | undefined },
) {
  const problems: { field: string; problem: string }[] = [];
  let limit = 50;
  try {
    limit = limitOf(query.limit);
  } catch (error) {
    if (error instanceof ValidationError) problems.push(...error.problems);
  }
  if (query.status !== undefined && !ORDER_STATUSES.includes(query.status as OrderStatus)) problems.push({ field: 'status', problem: `must be one of ${ORDER_STATUSES.join(', ')}` });
  if (query.customerId !== undefined && query.customerId.trim() === '') problems.push({ field: 'customerId', problem: 'must not be empty' });
  if (problems.length) throw new ValidationError(problems);
  const owner = ownerScope(caller);
  if (owner !== null) {
    if (query.customerId) {
      const customer = await deps.customers.get(query.customerId);
      if (!customer || !maySee(caller, customer.registeredBy)) return { items: [], cursor: null };
    } else {
      const page = await deps.orderLists.listByOwner(owner, limit, query.cursor, query.status);
      return { items: page.items.map(orderView), cursor: page.cursor ?? null };
    }
  }
  const page = query.customerId
    ? await deps.orderLists.listByCustomer(query.customerId, limit, query.cursor)
    : query.status
      ? await deps.orderLists.listByStatus(query.status, limit, query.cursor)
      : await deps.orderLists.listAll(limit, query.cursor);
  const items = query.customerId && query.status ? page.items.filter((o) => o.status === query.status) : page.items;
  return { items: items.map(orderView), cursor: page.cursor ?? null };
}

/**
 * Customers with their terms (no balances: `GET /customers/{customerId}` has them), paginated;
 * for a storefront only those it registered.
 */
export async function listCustomers(deps: { readonly customerLists: CustomerLister }, caller: Caller, query: { limit?: string | undefined; cursor?: string | undefined }) {
  const owner = ownerScope(caller);
  const limit = limitOf(query.limit);
  const page = owner === null ? await deps.customerLists.list(limit, query.cursor) : await deps.customerLists.listByRegisteredBy(owner, limit, query.cursor);
  return {
    items: page.items.map((c) => ({
      customerId: c.customerId,
      name: c.name,
      email: c.email,
      currency: c.currency,
      creditLimit: formatAmount({ minor: c.creditLimitMinor, currency: c.currency }),
      paymentTermsDays: c.paymentTermsDays,
      dunningPolicyId: c.dunningPolicyId,
      blocked: c.blocked,
      onAccountCredit: formatAmount({ minor: c.onAccountCreditMinor, currency: c.currency }),
      registeredBy: c.registeredBy ?? null,
    })),
    cursor: page.cursor ?? null,
  };
}

/** The order's lifecycle execution: its definition, the states it went through, and where it is. */
export async function getOrderExecution(deps: { readonly orders: Pick<OrderStore, 'get'>; readonly executions: ExecutionReader }, orderId: string) {
  const order = await deps.orders.get(orderId);
  if (!order) throw new NotFoundError('Order', orderId);
  const record = await deps.executions.orderExecution(order.executionName);
  if (!record) throw new NotFoundError('Execution', order.executionName);
  return executionView(orderId, record);
}
