/**
 * Who calls, and what it may see. Every API client (one key) has a client id and a role:
 *
 * - `finance` sees and changes everything;
 * - `storefront` sees and changes only what it owns: the customers it registered (the customer's
 *   `registeredBy` is its client id) and their orders and invoices (which carry the same owner as
 *   `ownerId`), with the payments, disputes and promises on them.
 *
 * - `customer` is a buyer who opened their portal page through a signed pay link
 *   (`lambdas/core/portal/pay-link.ts`): it sees only that one customer's data (`customerId`) and
 *   calls only the portal routes; it owns nothing, so every owner check refuses it.
 *
 * A record of another owner is answered exactly like a record that does not exist (404, or left
 * out of a list), so a storefront can never learn that another storefront's record exists.
 */
export type CallerRole = 'storefront' | 'finance' | 'customer';

export interface Caller {
  /** The API client's id (`ApiClients.clientId`): the owner of what a storefront registers; `paylink:<linkId>` for a customer. */
  readonly clientId: string;
  readonly role: CallerRole;
  /** The one customer a `customer` caller may see (absent for the other roles). */
  readonly customerId?: string;
}

/** The owner whose records the caller is limited to; `null` for finance, which sees everything. */
export function ownerScope(caller: Caller): string | null {
  return caller.role === 'finance' ? null : caller.clientId;
}

/**
 * The scope as the authorizer passes it to the handlers in its context: `all` for finance, the
 * client id for a storefront, `customer:<customerId>` for a customer.
 */
export function scopeOf(caller: Caller): string {
  if (caller.role === 'customer') return `customer:${caller.customerId ?? ''}`;
  return ownerScope(caller) ?? 'all';
}

/**
 * True when the caller may see a record owned by `ownerId`. A record without an owner (written
 * before owners were recorded) belongs to no storefront: only finance sees it. A customer owns
 * nothing: it reaches its own records only through {@link maySeeCustomer}.
 */
export function maySee(caller: Caller, ownerId: string | undefined | null): boolean {
  if (caller.role === 'customer') return false;
  const scope = ownerScope(caller);
  return scope === null || (typeof ownerId === 'string' && ownerId === scope);
}

/** True when the caller may see the records of customer `customerId`: finance always, a customer only its own. */
export function maySeeCustomer(caller: Caller, customer: { readonly customerId: string; readonly registeredBy?: string }): boolean {
  if (caller.role === 'customer') return caller.customerId === customer.customerId;
  return maySee(caller, customer.registeredBy);
}

/** The record when the caller may see it, else `undefined` (then treated as not existing). */
export function visible<T>(caller: Caller, record: T | undefined, ownerOf: (record: T) => string | undefined | null): T | undefined {
  return record !== undefined && maySee(caller, ownerOf(record)) ? record : undefined;
}
