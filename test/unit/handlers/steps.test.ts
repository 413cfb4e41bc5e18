import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext, stubHandlerEnvironment } from '../../support/api-events';
import { inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { SHOP, aCustomer, paymentRequest } from '../../support/builders';
import { orderAwaitingShipment } from '../../support/scenarios';
import { placeOrder, reportShipment } from '../../../lambdas/core/orders/orders';
import { recordPayment } from '../../../lambdas/core/payments/record-payment';
import { orderRequest } from '../../support/builders';
import { completeOrderOnSettlement } from '../../../lambdas/core/orders/order-steps';

let checkCreditModule: typeof import('../../../lambdas/handlers/steps/check-credit');
let waitForCreditDecisionModule: typeof import('../../../lambdas/handlers/steps/wait-for-credit-decision');
let waitForShipmentModule: typeof import('../../../lambdas/handlers/steps/wait-for-shipment');
let invoiceShipmentModule: typeof import('../../../lambdas/handlers/steps/invoice-shipment');
let markOverdueModule: typeof import('../../../lambdas/handlers/steps/mark-overdue-invoices');
let waitForPaymentModule: typeof import('../../../lambdas/handlers/steps/wait-for-payment');
let recordInvoiceSettledModule: typeof import('../../../lambdas/handlers/steps/record-invoice-settled');
let waitForOrderSettlementModule: typeof import('../../../lambdas/handlers/steps/wait-for-order-settlement');
let completeOrderModule: typeof import('../../../lambdas/handlers/steps/complete-order');

beforeAll(async () => {
  stubHandlerEnvironment();
  checkCreditModule = await import('../../../lambdas/handlers/steps/check-credit');
  waitForCreditDecisionModule = await import('../../../lambdas/handlers/steps/wait-for-credit-decision');
  waitForShipmentModule = await import('../../../lambdas/handlers/steps/wait-for-shipment');
  invoiceShipmentModule = await import('../../../lambdas/handlers/steps/invoice-shipment');
  markOverdueModule = await import('../../../lambdas/handlers/steps/mark-overdue-invoices');
  waitForPaymentModule = await import('../../../lambdas/handlers/steps/wait-for-payment');
  recordInvoiceSettledModule = await import('../../../lambdas/handlers/steps/record-invoice-settled');
  waitForOrderSettlementModule = await import('../../../lambdas/handlers/steps/wait-for-order-settlement');
  completeOrderModule = await import('../../../lambdas/handlers/steps/complete-order');
});

afterAll(() => {
  vi.unstubAllEnvs();
});

let world: InMemoryWorld;

beforeEach(() => {
  world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
  world.customers.seed(aCustomer({ customerId: 'C-1', locale: 'de' }));
});

describe('order lifecycle step handlers', () => {
  it('run the whole lifecycle in its three steps: check credit and wait for the shipment, invoice and email it, await the settlement (the payment settling the last invoice completes the order)', async () => {
    // Prepare
    const { orderId } = await placeOrder(world.deps, SHOP, orderRequest());
    const completing = { ...world.deps, completeOrder: (id: string, settled: Parameters<typeof completeOrderOnSettlement>[2]) => completeOrderOnSettlement(world.deps, id, settled) };

    // Act
    const shipmentToken = world.workflow.newTaskToken('shipment');
    const waitingForShipment = await checkCreditModule.makeHandler(world.deps)({ execution: { orderId }, taskToken: shipmentToken }, lambdaContext);
    const reservedAfterCheck = world.tables.orders.get(orderId)?.creditReservedMinor;
    const { shipment } = await reportShipment(world.deps, SHOP, orderId, {});
    const invoiced = await invoiceShipmentModule.makeHandler(world.deps)({ orderId, shipmentId: shipment.shipmentId }, lambdaContext);
    const settlementToken = world.workflow.newTaskToken('settlement');
    const waitingForSettlement = await waitForOrderSettlementModule.makeHandler(world.deps)({ orderId, taskToken: settlementToken }, lambdaContext);
    await recordPayment(completing, SHOP, paymentRequest({ amount: '100.50', reference: invoiced.number }));

    // Assess
    expect(reservedAfterCheck).toBe(10_050);
    expect(waitingForShipment).toEqual({ waiting: true });
    expect(world.workflow.acceptedResumes(shipmentToken)).toEqual([{ taskToken: shipmentToken, output: { shipmentId: shipment.shipmentId }, accepted: true }]);
    // Due 2026-04-01, overdue from the start of 2026-04-02 business time: 30 days and 13 hours away, so the wait is capped at 30 days.
    expect(invoiced).toMatchObject({ number: 'INV-2026-000001', dueDate: '2026-04-01', orderFullyShipped: true, messageId: 'message-1', sentAt: '2026-03-02T09:00:00.000Z', secondsUntilNextCheck: 30 * 24 * 3600 });
    expect(world.mailer.sent[0]?.subject).toBe('Rechnung INV-2026-000001');
    expect(waitingForSettlement).toEqual({ waiting: true });
    // The payment completed the order and resumed the settlement wait with success: the execution ends there.
    expect(world.tables.orders.get(orderId)?.status).toBe('COMPLETED');
    expect(world.workflow.acceptedResumes(settlementToken)).toEqual([{ taskToken: settlementToken, output: { invoiceId: invoiced.invoiceId, status: 'PAID', orderCompleted: true }, accepted: true }]);
    expect(world.workflow.failures).toEqual([]);
  });

  it('route a settlement that does not complete the order (no completion wired, as for a credit note) to CompleteOrder by the error InvoiceSettled', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world);
    const { shipment } = await reportShipment(world.deps, SHOP, orderId, {});
    const invoiced = await invoiceShipmentModule.makeHandler(world.deps)({ orderId, shipmentId: shipment.shipmentId }, lambdaContext);
    const settlementToken = world.workflow.newTaskToken('settlement');
    await waitForOrderSettlementModule.makeHandler(world.deps)({ orderId, taskToken: settlementToken }, lambdaContext);

    // Act
    await recordPayment(world.deps, SHOP, paymentRequest({ amount: '100.50', reference: invoiced.number }));
    const statusAfterPayment = world.tables.orders.get(orderId)?.status;
    const completed = await completeOrderModule.makeHandler(world.deps)({ orderId }, lambdaContext);

    // Assess
    expect(statusAfterPayment).toBe('INVOICED');
    expect(world.workflow.acceptedResumes(settlementToken)).toEqual([]);
    expect(world.workflow.failures).toEqual([{ taskToken: settlementToken, error: 'InvoiceSettled', cause: expect.stringContaining(invoiced.invoiceId), accepted: true }]);
    expect(completed).toEqual({ status: 'COMPLETED' });
    expect(world.tables.orders.get(orderId)?.status).toBe('COMPLETED');
  });

  it('end an attempt whose credit check left too little time to keep the token (TooLittleTimeToWait, retried), the credit decision kept', async () => {
    // Prepare
    const { orderId } = await placeOrder(world.deps, SHOP, orderRequest());
    const token = world.workflow.newTaskToken('shipment');

    // Act
    const outcome = checkCreditModule.makeHandler(world.deps)({ execution: { orderId }, taskToken: token }, { ...lambdaContext, getRemainingTimeInMillis: () => 3_000 });
    await expect(outcome).rejects.toMatchObject({ name: 'TooLittleTimeToWait' });
    const retryToken = world.workflow.newTaskToken('shipment');
    const retried = await checkCreditModule.makeHandler(world.deps)({ execution: { orderId }, taskToken: retryToken }, lambdaContext);

    // Assess
    expect(retried).toEqual({ waiting: true });
    expect(await world.orders.taskToken(orderId, 'shipment')).toBe(retryToken);
    expect(world.tables.orders.get(orderId)?.creditReservedMinor).toBe(10_050);
  });

  it('complete the order when its invoice is paid before the execution waits for the settlement, and end the wait at once', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world);
    const { shipment } = await reportShipment(world.deps, SHOP, orderId, {});
    const issued = await invoiceShipmentModule.makeHandler(world.deps)({ orderId, shipmentId: shipment.shipmentId }, lambdaContext);
    const completing = { ...world.deps, completeOrder: (id: string, settled: Parameters<typeof completeOrderOnSettlement>[2]) => completeOrderOnSettlement(world.deps, id, settled) };
    await recordPayment(completing, SHOP, paymentRequest({ amount: '100.50', reference: issued.number }));
    const statusAfterPayment = world.tables.orders.get(orderId)?.status;
    const settlementToken = world.workflow.newTaskToken('settlement');

    // Act
    const result = await waitForOrderSettlementModule.makeHandler(world.deps)({ orderId, taskToken: settlementToken }, lambdaContext);

    // Assess
    expect(statusAfterPayment).toBe('COMPLETED');
    expect(result).toEqual({ waiting: false });
    expect(world.workflow.acceptedResumes(settlementToken)).toEqual([{ taskToken: settlementToken, output: { orderCompleted: true }, accepted: true }]);
  });

  it('answer COMPLETED from CompleteOrder when the payment completed the order between its read and its write', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world);
    const { shipment } = await reportShipment(world.deps, SHOP, orderId, {});
    const issued = await invoiceShipmentModule.makeHandler(world.deps)({ orderId, shipmentId: shipment.shipmentId }, lambdaContext);
    await recordPayment(world.deps, SHOP, paymentRequest({ amount: '100.50', reference: issued.number }));
    const orders = world.deps.orders;
    const racing = Object.assign(Object.create(orders) as typeof orders, {
      // The payment's completion wins the race: the step's own conditional write then finds the order COMPLETED.
      transition: async (...args: Parameters<typeof orders.transition>) => (await completeOrderOnSettlement(world.deps, orderId)) && !(await orders.transition(...args)),
    });

    // Act
    const completed = await completeOrderModule.makeHandler({ ...world.deps, orders: racing })({ orderId }, lambdaContext);

    // Assess
    expect(completed).toEqual({ status: 'COMPLETED' });
    expect(world.tables.orders.get(orderId)?.status).toBe('COMPLETED');
  });

  it('tell a continued execution apart before any credit check, by the error name the state machine catches', async () => {
    // Prepare
    const { orderId } = await placeOrder(world.deps, SHOP, orderRequest());

    // Act
    const outcome = checkCreditModule.makeHandler(world.deps)({ execution: { orderId, continuedFrom: 'arn:aws:states:local:execution:OrderLifecycle:order-1' }, taskToken: world.workflow.newTaskToken('shipment') }, lambdaContext);

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'ExecutionContinued' });
    expect(world.tables.orders.get(orderId)?.status).toBe('RECEIVED');
  });

  it('send an order with lines still to ship from the settlement wait to the next shipment (OrderNotFullyShipped), keeping no token', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world);
    const { shipment } = await reportShipment(world.deps, SHOP, orderId, { lines: [{ sku: 'SKU-1', quantity: 1 }] });
    await invoiceShipmentModule.makeHandler(world.deps)({ orderId, shipmentId: shipment.shipmentId }, lambdaContext);
    const settlementToken = world.workflow.newTaskToken('settlement');

    // Act
    const outcome = waitForOrderSettlementModule.makeHandler(world.deps)({ orderId, taskToken: settlementToken }, lambdaContext);

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'OrderNotFullyShipped' });
    expect(await world.invoices.paymentTaskToken(world.tables.orders.get(orderId)!.invoiceIds[0]!)).toBeUndefined();
  });

  it('mark the order’s invoices overdue once their due date passed, and only those with a balance', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world);
    const { shipment } = await reportShipment(world.deps, SHOP, orderId, {});
    const invoiced = await invoiceShipmentModule.makeHandler(world.deps)({ orderId, shipmentId: shipment.shipmentId }, lambdaContext);
    const marked: { invoiceId: string; at: string }[] = [];
    const overdue = { markOverdue: async (invoiceId: string, at: string) => (marked.push({ invoiceId, at }), true) };
    const before = await markOverdueModule.makeHandler({ ...world.deps, overdue })({ orderId }, lambdaContext);
    world.clock.set('2026-04-02T00:00:00Z');

    // Act
    const after = await markOverdueModule.makeHandler({ ...world.deps, overdue })({ orderId }, lambdaContext);

    // Assess
    expect(before.overdueInvoiceIds).toEqual([]);
    expect(before.secondsUntilNextCheck).toBe(30 * 24 * 3600);
    expect(after.overdueInvoiceIds).toEqual([invoiced.invoiceId]);
    expect(marked).toEqual([{ invoiceId: invoiced.invoiceId, at: world.tables.invoices.get(invoiced.invoiceId)!.overdueAt }]);
    expect(after.secondsUntilNextCheck).toBe(30 * 24 * 3600);
  });

  it('put an order over the credit limit on hold and keep the token for the decision', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-1', creditLimitMinor: 5_000 }));
    const { orderId } = await placeOrder(world.deps, SHOP, orderRequest());
    const creditToken = world.workflow.newTaskToken('credit-decision');

    // Act
    const credit = checkCreditModule.makeHandler(world.deps)({ execution: { orderId }, taskToken: world.workflow.newTaskToken('shipment') }, lambdaContext);
    await expect(credit).rejects.toMatchObject({ name: 'CreditHold', message: 'exposure 100.50 EUR with this order exceeds the credit limit 50.00 EUR' });
    const waiting = await waitForCreditDecisionModule.makeHandler(world.deps)({ orderId, taskToken: creditToken }, lambdaContext);

    // Assess
    expect(waiting).toEqual({ waiting: true });
    expect(await world.orders.taskToken(orderId, 'credit-decision')).toBe(creditToken);
  });

  it("reject a blocked customer's order and resume the credit wait at once when finance decided already", async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-2', blocked: true }));
    const blocked = (await placeOrder(world.deps, SHOP, orderRequest({ customerId: 'C-2' }))).orderId;
    const rejectedToken = world.workflow.newTaskToken('credit-decision');

    // Act
    const credit = checkCreditModule.makeHandler(world.deps)({ execution: { orderId: blocked }, taskToken: world.workflow.newTaskToken('shipment') }, lambdaContext);
    await expect(credit).rejects.toMatchObject({ name: 'CreditRejected', message: 'customer C-2 is blocked' });
    const waiting = await waitForCreditDecisionModule.makeHandler(world.deps)({ orderId: blocked, taskToken: rejectedToken }, lambdaContext);

    // Assess
    expect(waiting).toEqual({ waiting: false });
    expect(world.workflow.acceptedResumes(rejectedToken)).toEqual([{ taskToken: rejectedToken, output: { decision: 'reject', reason: 'customer C-2 is blocked' }, accepted: true }]);
  });

  it('send the settlement wait on to CompleteOrder at once (InvoiceSettled) when no invoice of the order is open, keeping no token', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world);
    const { shipment } = await reportShipment(world.deps, SHOP, orderId, {});
    const issued = await invoiceShipmentModule.makeHandler(world.deps)({ orderId, shipmentId: shipment.shipmentId }, lambdaContext);
    await recordPayment(world.deps, SHOP, paymentRequest({ amount: '100.50', reference: issued.number }));
    const settlementToken = world.workflow.newTaskToken('settlement');

    // Act
    const result = waitForOrderSettlementModule.makeHandler(world.deps)({ orderId, taskToken: settlementToken }, lambdaContext);

    // Assess
    await expect(result).rejects.toMatchObject({ name: 'InvoiceSettled' });
    expect(await world.invoices.paymentTaskToken(issued.invoiceId)).toBeUndefined();
    expect(world.workflow.acceptedResumes(settlementToken)).toEqual([]);
  });

  it('reject task input without the fields they need, naming them', async () => {
    // Act
    const outcome = waitForShipmentModule.makeHandler(world.deps)({ orderId: 'O-1' }, lambdaContext);
    const issue = invoiceShipmentModule.makeHandler(world.deps)({ orderId: 'O-1' }, lambdaContext);
    const settled = recordInvoiceSettledModule.makeHandler(world.deps)({ orderId: 'O-1' }, lambdaContext);

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'ValidationError', problems: [{ field: 'taskToken', problem: 'is required' }] });
    await expect(issue).rejects.toMatchObject({ name: 'ValidationError', problems: [{ field: 'shipmentId', problem: 'is required' }] });
    await expect(settled).rejects.toMatchObject({ name: 'ValidationError', problems: [{ field: 'invoiceId', problem: 'is required' }] });
    expect(world.workflow.resumes).toEqual([]);
    expect(world.tables.invoices.size).toBe(0);
  });

  it('resume at once when the invoice is settled before the execution waits for the payment', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world);
    const { shipment } = await reportShipment(world.deps, SHOP, orderId, {});
    const issued = await invoiceShipmentModule.makeHandler(world.deps)({ orderId, shipmentId: shipment.shipmentId }, lambdaContext);
    await recordPayment(world.deps, SHOP, paymentRequest({ amount: '100.50', reference: issued.number }));
    const paymentToken = world.workflow.newTaskToken('payment');

    // Act
    const result = await waitForPaymentModule.makeHandler(world.deps)({ invoiceId: issued.invoiceId, taskToken: paymentToken }, lambdaContext);

    // Assess
    expect(result).toEqual({ waiting: false });
    expect(world.workflow.acceptedResumes(paymentToken)).toEqual([{ taskToken: paymentToken, output: { invoiceId: issued.invoiceId, status: 'PAID' }, accepted: true }]);
  });

  it('refuse to complete an order whose invoice still has a balance, with the error name the state machine catches', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world);
    const { shipment } = await reportShipment(world.deps, SHOP, orderId, {});
    const issued = await invoiceShipmentModule.makeHandler(world.deps)({ orderId, shipmentId: shipment.shipmentId }, lambdaContext);
    await recordPayment(world.deps, SHOP, paymentRequest({ amount: '100.00', reference: issued.number }));

    // Act
    const outcome = completeOrderModule.makeHandler(world.deps)({ orderId }, lambdaContext);

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'InvoiceNotSettled' });
    expect(world.tables.orders.get(orderId)?.status).toBe('INVOICED');
  });
});
