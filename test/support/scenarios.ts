/**
 * Steps of the order lifecycle and invoice settlement state machines played through the real use
 * cases over the in-memory ports, so a test can start from "a customer with an invoiced order" in
 * one line.
 */
import { putCustomer } from '../../lambdas/core/customers/customers';
import { placeOrder, reportShipment } from '../../lambdas/core/orders/orders';
import { checkCredit, issueInvoiceForShipment, waitForCreditDecision, waitForPayment, waitForShipment } from '../../lambdas/core/orders/order-steps';
import type { Invoice } from '../../lambdas/core/invoices/invoice';
import { contactPart, customerRequest, FINANCE, orderRequest, SHOP } from './builders';
import type { InMemoryWorld } from './in-memory';

/**
 * The storefront SHOP registers the customer (its contact data), then finance sets its terms
 * (credit limit, payment terms, ...): the customer is SHOP's, with the terms of the request.
 */
export async function registerCustomer(world: InMemoryWorld, customerId = 'C-1', overrides: Record<string, unknown> = {}) {
  const request = customerRequest(overrides);
  const registered = await putCustomer(world.deps, SHOP, customerId, contactPart(request));
  const withTerms = await putCustomer(world.deps, FINANCE, customerId, request);
  return { created: registered.created, customer: withTerms.customer };
}

/**
 * Places an order and plays the state machine through CheckCredit (which must approve it) until the
 * order's execution waits for its shipment.
 */
export async function orderAwaitingShipment(world: InMemoryWorld, overrides: Record<string, unknown> = {}) {
  const { orderId } = await placeOrder(world.deps, SHOP, orderRequest(overrides));
  const credit = await checkCredit(world.deps, { orderId });
  if (credit.decision !== 'APPROVED') throw new Error(`the scenario needs an approved order, CheckCredit answered ${credit.decision}: ${credit.reason}`);
  const shipmentToken = world.workflow.newTaskToken('shipment');
  await waitForShipment(world.deps, { orderId, taskToken: shipmentToken });
  return { orderId, shipmentToken };
}

/**
 * Places an order that CheckCredit puts on credit hold, and plays the state machine until the
 * execution waits for finance's decision with `creditToken`.
 */
export async function orderOnCreditHold(world: InMemoryWorld, overrides: Record<string, unknown> = {}) {
  const { orderId } = await placeOrder(world.deps, SHOP, orderRequest(overrides));
  const credit = await checkCredit(world.deps, { orderId });
  if (credit.decision !== 'HOLD') throw new Error(`the scenario needs an order on hold, CheckCredit answered ${credit.decision}: ${credit.reason}`);
  const creditToken = world.workflow.newTaskToken('credit-decision');
  await waitForCreditDecision(world.deps, { orderId, taskToken: creditToken });
  return { orderId, creditToken, credit };
}

/**
 * Reports a shipment (`body` as the storefront sends it) and plays IssueInvoice for it, then the
 * invoice settlement execution up to the point where it waits for the payment with `paymentToken`.
 */
export async function shipAndInvoice(world: InMemoryWorld, orderId: string, body: Record<string, unknown> = {}) {
  const { shipment } = await reportShipment(world.deps, SHOP, orderId, body);
  const issued = await issueInvoiceForShipment(world.deps, { orderId, shipmentId: shipment.shipmentId });
  const paymentToken = world.workflow.newTaskToken('payment');
  await waitForPayment(world.deps, { invoiceId: issued.invoiceId, taskToken: paymentToken });
  return { shipment, issued, paymentToken };
}

/**
 * Places, ships (everything) and invoices an order; its invoice settlement execution then waits for
 * the payment with `paymentToken`. Returns the stored invoice.
 */
export async function invoicedOrder(world: InMemoryWorld, overrides: Record<string, unknown> = {}): Promise<{ orderId: string; invoice: Invoice; paymentToken: string }> {
  const { orderId } = await orderAwaitingShipment(world, overrides);
  const { issued, paymentToken } = await shipAndInvoice(world, orderId);
  const invoice = await world.invoices.get(issued.invoiceId);
  if (!invoice) throw new Error(`invoice ${issued.invoiceId} was not stored`);
  return { orderId, invoice, paymentToken };
}
