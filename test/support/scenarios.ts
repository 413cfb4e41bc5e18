/**
 * Steps of the order lifecycle played through the real use cases over the in-memory ports, so a
 * test can start from "a customer with an invoiced order" in one line.
 */
import { putCustomer } from '../../lambdas/core/use-cases/customers';
import { placeOrder, reportShipment } from '../../lambdas/core/use-cases/orders';
import { issueInvoiceForOrder, waitForPayment, waitForShipment } from '../../lambdas/core/use-cases/order-steps';
import type { Invoice } from '../../lambdas/core/invoices/invoice';
import { customerRequest, orderRequest } from './builders';
import type { InMemoryWorld } from './in-memory';

export async function registerCustomer(world: InMemoryWorld, customerId = 'C-1', overrides: Record<string, unknown> = {}) {
  return putCustomer(world.deps, customerId, customerRequest(overrides));
}

/** Places an order and plays the state machine until the order's execution waits for its shipment. */
export async function orderAwaitingShipment(world: InMemoryWorld, overrides: Record<string, unknown> = {}) {
  const { orderId } = await placeOrder(world.deps, orderRequest(overrides));
  const shipmentToken = world.workflow.newTaskToken('shipment');
  await waitForShipment(world.deps, { orderId, taskToken: shipmentToken });
  return { orderId, shipmentToken };
}

/**
 * Places, ships and invoices an order; the execution then waits for the payment with
 * `paymentToken`. Returns the stored invoice.
 */
export async function invoicedOrder(world: InMemoryWorld, overrides: Record<string, unknown> = {}): Promise<{ orderId: string; invoice: Invoice; paymentToken: string }> {
  const { orderId } = await orderAwaitingShipment(world, overrides);
  await reportShipment(world.deps, orderId, {});
  const { invoiceId } = await issueInvoiceForOrder(world.deps, { orderId });
  const paymentToken = world.workflow.newTaskToken('payment');
  await waitForPayment(world.deps, { invoiceId, taskToken: paymentToken });
  const invoice = await world.invoices.get(invoiceId);
  if (!invoice) throw new Error(`invoice ${invoiceId} was not stored`);
  return { orderId, invoice, paymentToken };
}
