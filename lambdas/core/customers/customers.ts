/** Registering customers and reading them with their balances. */
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { customerFromRequest, customerView, type Customer, type CustomerBalances } from './customer';
import { isOpen } from '../invoices/invoice';
import { identifier } from '../validation';
import type { CoreDeps } from '../deps';

function checkCustomerId(customerId: string): void {
  if (!identifier.safeParse(customerId).success) throw ValidationError.of('customerId', 'must be 1-64 letters, digits, ".", "_", ":" or "-"');
}

/** Creates or updates a customer; the currency cannot change while money is open in the old one. */
export async function putCustomer(deps: Pick<CoreDeps, 'customers' | 'invoices' | 'orders' | 'clock'>, customerId: string, body: unknown) {
  checkCustomerId(customerId);
  const existing = await deps.customers.get(customerId);
  const customer = customerFromRequest(customerId, body, existing, deps.clock.now());
  if (existing && existing.currency !== customer.currency) {
    const open = (await deps.invoices.allOfCustomer(customerId)).some(isOpen);
    const ordersOpen = (await deps.orders.uninvoicedTotal(customerId, existing.currency)) > 0;
    if (open || ordersOpen || existing.onAccountCreditMinor !== 0) {
      throw new ConflictError(`Customer ${customerId} has open items, orders or credit in ${existing.currency}; the currency cannot change`, 'CURRENCY_LOCKED');
    }
  }
  await deps.customers.put(customer);
  return { created: !existing, customer: customerView(customer, await balancesOf(deps, customer)) };
}

export async function getCustomer(deps: Pick<CoreDeps, 'customers' | 'invoices' | 'orders'>, customerId: string) {
  checkCustomerId(customerId);
  const customer = await deps.customers.get(customerId);
  if (!customer) throw new NotFoundError('Customer', customerId);
  return customerView(customer, await balancesOf(deps, customer));
}

/** Open, overdue and exposure (open plus accepted orders not yet invoiced) of a customer. */
export async function balancesOf(deps: Pick<CoreDeps, 'invoices' | 'orders'>, customer: Pick<Customer, 'customerId' | 'currency'>): Promise<CustomerBalances> {
  const invoices = (await deps.invoices.allOfCustomer(customer.customerId)).filter((i) => isOpen(i) && i.currency === customer.currency);
  const openBalanceMinor = invoices.reduce((a, i) => a + i.balanceMinor, 0);
  const overdueBalanceMinor = invoices.filter((i) => i.status === 'OVERDUE').reduce((a, i) => a + i.balanceMinor, 0);
  const uninvoiced = await deps.orders.uninvoicedTotal(customer.customerId, customer.currency);
  return { openBalanceMinor, overdueBalanceMinor, exposureMinor: openBalanceMinor + uninvoiced };
}
