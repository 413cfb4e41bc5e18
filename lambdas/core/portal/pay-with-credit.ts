/**
 * The portal's payment of chosen open items (`POST /portal/checkout`), with the customer's
 * on-account credit used first when the customer asks (`useCredit`): the credit is applied
 * through the product's one credit path (`applyCredit`, the same as finance's
 * `POST /customers/{customerId}/credit/apply`: the invoice's `allocatePayment` transition, journal
 * customer credit against receivables), item by item in the order chosen, and only what is left
 * goes to the card (a provider checkout for exactly those remainders). When the credit covers
 * everything, there is no checkout (`url` null).
 *
 * Applying credit moves money, so it needs the request's Idempotency-Key: each item's
 * application is named from it, and the same request again replays the first answer.
 */
import { ValidationError } from '../errors';
import { formatAmount, money } from '../money/money';
import { applyCredit, type CreditApplyDeps } from '../sepa/refunds';
import { checkoutOf, chosenItems, type CardPaymentProvider, type CheckoutItem } from '../payments/card-payments';
import type { Caller } from '../access/caller';
import type { CoreDeps } from '../deps';

export interface PayChosenDeps extends Pick<CoreDeps, 'invoices' | 'customers'> {
  readonly cards: CardPaymentProvider;
  readonly credit: CreditApplyDeps;
}

export async function payChosenItems(deps: PayChosenDeps, caller: Caller, body: unknown, urls: { readonly successUrl: string; readonly cancelUrl: string }, requestId: string | undefined) {
  const { customer, items, currency, useCredit } = await chosenItems(deps, caller, body);
  const m = (minor: number) => formatAmount(money(minor, currency));
  const fromCredit: { invoiceId: string; number: string; amountMinor: number; balanceAfter: string; status: string }[] = [];
  let card: CheckoutItem[] = [...items];
  if (useCredit) {
    if (!requestId) throw ValidationError.of('Idempotency-Key', 'is required when on-account credit is used (it moves money)');
    if (customer.currency !== currency) throw ValidationError.of('useCredit', `your on-account credit is in ${customer.currency}; the items chosen are in ${currency}`);
    if (customer.onAccountCreditMinor <= 0) throw ValidationError.of('useCredit', 'you have no on-account credit to use');
    let left = customer.onAccountCreditMinor;
    card = [];
    for (const [n, item] of items.entries()) {
      const use = Math.min(left, item.amountMinor);
      if (use > 0) {
        // One application per item, named from the request (the same request applies nothing twice).
        const applied = await applyCredit(deps.credit, customer.customerId, { invoiceId: item.invoiceId, amount: m(use) }, `${n}${requestId}`);
        fromCredit.push({ invoiceId: item.invoiceId, number: item.number, amountMinor: use, balanceAfter: applied.balance, status: applied.status });
        left -= use;
      }
      if (item.amountMinor > use) card.push({ ...item, amountMinor: item.amountMinor - use });
    }
  }
  const credit = {
    amount: m(fromCredit.reduce((sum, c) => sum + c.amountMinor, 0)),
    items: fromCredit.map((c) => ({ invoiceId: c.invoiceId, number: c.number, amount: m(c.amountMinor), balance: c.balanceAfter, status: c.status })),
  };
  if (card.length === 0) return { sessionId: null, url: null, currency, amount: m(0), items: [], credit };
  return { ...(await checkoutOf(deps, customer, card, currency, urls)), credit };
}
