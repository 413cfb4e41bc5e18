import { expect, it } from 'vitest';
import { reportShipment } from '../../../../lambdas/core/orders/orders';
import { issueInvoiceForShipment, waitForShipment } from '../../../../lambdas/core/orders/order-steps';
import { inMemoryWorld } from '../../../support/in-memory';
import { SHOP, aCustomer } from '../../../support/builders';
import { orderAwaitingShipment } from '../../../support/scenarios';

it('a repeated report of an invoiced shipment does not resume the wait for the next one', async () => {
  const world = inMemoryWorld();
  world.customers.seed(aCustomer());
  const { orderId } = await orderAwaitingShipment(world, { lines: [{ sku: 'A', quantity: 2, unitPrice: '1.00' }] });
  await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-1', lines: [{ lineNo: 1, quantity: 1 }] });
  await issueInvoiceForShipment(world.deps, { orderId, shipmentId: 'S-1' });
  const next = world.workflow.newTaskToken('shipment');
  await waitForShipment(world.deps, { orderId, taskToken: next });

  await reportShipment(world.deps, SHOP, orderId, { shipmentId: 'S-1', lines: [{ lineNo: 1, quantity: 1 }] });

  expect(world.workflow.acceptedResumes(next)).toEqual([]);
});
