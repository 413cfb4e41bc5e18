/** Registering customers and reading them with their balances. */
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { customerFromRequest, customerView, type Customer, type CustomerBalances } from './customer';
import { isOpen } from '../invoices/invoice';
import { identifier } from '../validation';
import type { CoreDeps } from '../deps';
import { maySee, type Caller } from '../access/caller';

function checkCustomerId(customerId: string): void {
  if (!identifier.safeParse(customerId).success) throw ValidationError.of('customerId', 'must be 1-64 letters, digits, ".", "_", ":" or "-"');
}

/**
 * Creates or updates a customer; the currency cannot change while money is open in the old one.
 * A storefront creates customers (it becomes their owner) and changes only its own: another
 * storefront's customer answers as if it did not exist (404). A storefront never sends finance's
 * terms (403 naming the field, nothing written).
 */
export async function putCustomer(deps: Pick<CoreDeps, 'customers' | 'invoices' | 'orders' | 'clock' | 'settings'>, caller: Caller, customerId: string, body: unknown) {
  checkCustomerId(customerId);
  // Two attempts: a create that loses the race for the id to another client reads the winner.
  for (let attempt = 1; ; attempt++) {
    const existing = await deps.customers.get(customerId);
    if (existing && !maySee(caller, existing.registeredBy)) throw new NotFoundError('Customer', customerId);
    const customer = customerFromRequest(customerId, body, existing, deps.clock.now(), caller, deps.settings.customerDefaults);
    if (existing && existing.currency !== customer.currency) {
      const open = (await deps.invoices.allOfCustomer(customerId)).some(isOpen);
      const ordersOpen = (await deps.orders.uninvoicedTotal(customerId, existing.currency)) > 0;
      if (open || ordersOpen || existing.onAccountCreditMinor !== 0) {
        throw new ConflictError(`Customer ${customerId} has open items, orders or credit in ${existing.currency}; the currency cannot change`, 'CURRENCY_LOCKED');
      }
    }
    if (await deps.customers.put(customer)) return { created: !existing, customer: customerView(customer, await balancesOf(deps, customer)) };
    if (attempt >= 2) throw new ConflictError(`Customer ${customerId} changed concurrently; retry`, 'CONCURRENT_UPDATE');
  }
}

/** The customer with its balances; another storefront's customer is not found (404). */
export async function getCustomer(deps: Pick<CoreDeps, 'customers' | 'invoices' | 'orders'>, caller: Caller, customerId: string) {
  checkCustomerId(customerId);
  const customer = await deps.customers.get(customerId);
  if (!customer || !maySee(caller, customer.registeredBy)) throw new NotFoundError('Customer', customerId);
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
