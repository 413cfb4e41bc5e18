import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext, stubHandlerEnvironment } from '../../support/api-events';
import { inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { SHOP, aCustomer, paymentRequest } from '../../support/builders';
import { orderAwaitingShipment } from '../../support/scenarios';
import { placeOrder, reportShipment } from '../../../lambdas/core/orders/orders';
import { recordPayment } from '../../../lambdas/core/payments/record-payment';
import { orderRequest } from '../../support/builders';

let checkCreditModule: typeof import('../../../lambdas/handlers/steps/check-credit');
let waitForCreditDecisionModule: typeof import('../../../lambdas/handlers/steps/wait-for-credit-decision');
let waitForShipmentModule: typeof import('../../../lambdas/handlers/steps/wait-for-shipment');
let issueInvoiceModule: typeof import('../../../lambdas/handlers/steps/issue-invoice');
let sendInvoiceModule: typeof import('../../../lambdas/handlers/steps/send-invoice');
let waitForPaymentModule: typeof import('../../../lambdas/handlers/steps/wait-for-payment');
let recordInvoiceSettledModule: typeof import('../../../lambdas/handlers/steps/record-invoice-settled');
let waitForOrderSettlementModule: typeof import('../../../lambdas/handlers/steps/wait-for-order-settlement');
let completeOrderModule: typeof import('../../../lambdas/handlers/steps/complete-order');

beforeAll(async () => {
  stubHandlerEnvironment();
  checkCreditModule = await import('../../../lambdas/handlers/steps/check-credit');
  waitForCreditDecisionModule = await import('../../../lambdas/handlers/steps/wait-for-credit-decision');
  waitForShipmentModule = await import('../../../lambdas/handlers/steps/wait-for-shipment');
  issueInvoiceModule = await import('../../../lambdas/handlers/steps/issue-invoice');
  sendInvoiceModule = await import('../../../lambdas/handlers/steps/send-invoice');
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
  it('run the whole lifecycle: check credit, wait for shipment, issue, send, (settlement) wait for payment and count it, wait for settlement, complete', async () => {
    // Prepare
    const { orderId } = await placeOrder(world.deps, SHOP, orderRequest());

    // Act
    const credit = await checkCreditModule.makeHandler(world.deps)({ orderId }, lambdaContext);
    const shipmentToken = world.workflow.newTaskToken('shipment');
    const waitingForShipment = await waitForShipmentModule.makeHandler(world.deps)({ orderId, taskToken: shipmentToken }, lambdaContext);
    const { shipment } = await reportShipment(world.deps, SHOP, orderId, {});
    const issued = await issueInvoiceModule.makeHandler(world.deps)({ orderId, shipmentId: shipment.shipmentId }, lambdaContext);
    const sent = await sendInvoiceModule.makeHandler(world.deps)({ invoiceId: issued.invoiceId }, lambdaContext);
    const settlementToken = world.workflow.newTaskToken('settlement');
    const waitingForSettlement = await waitForOrderSettlementModule.makeHandler(world.deps)({ orderId, taskToken: settlementToken }, lambdaContext);
    const paymentToken = world.workflow.newTaskToken('payment');
    const waitingForPayment = await waitForPaymentModule.makeHandler(world.deps)({ invoiceId: issued.invoiceId, taskToken: paymentToken }, lambdaContext);
    await recordPayment(world.deps, SHOP, paymentRequest({ amount: '100.50', reference: issued.number }));
    const counted = await recordInvoiceSettledModule.makeHandler(world.deps)({ orderId, invoiceId: issued.invoiceId }, lambdaContext);
    const completed = await completeOrderModule.makeHandler(world.deps)({ orderId }, lambdaContext);

    // Assess
    expect(credit).toEqual({ decision: 'APPROVED', reason: 'exposure 100.50 EUR within the credit limit 10000.00 EUR' });
    expect(waitingForShipment).toEqual({ waiting: true });
    expect(world.workflow.acceptedResumes(shipmentToken)).toEqual([{ taskToken: shipmentToken, output: { shipmentId: shipment.shipmentId }, accepted: true }]);
    expect(issued).toMatchObject({ number: 'INV-2026-000001', dueDate: '2026-04-01', orderFullyShipped: true });
    expect(sent).toEqual({ messageId: 'message-1', sentAt: '2026-03-02T09:00:00.000Z' });
    expect(world.mailer.sent[0]?.subject).toBe('Rechnung INV-2026-000001');
    expect(waitingForSettlement).toEqual({ waiting: true });
    expect(waitingForPayment).toEqual({ waiting: true });
    expect(world.workflow.acceptedResumes(paymentToken)).toHaveLength(1);
    expect(counted).toEqual({ openInvoices: 0 });
    expect(world.workflow.acceptedResumes(settlementToken)).toEqual([{ taskToken: settlementToken, output: { settled: true }, accepted: true }]);
    expect(completed).toEqual({ status: 'COMPLETED' });
    expect(world.tables.orders.get(orderId)?.status).toBe('COMPLETED');
  });

  it('put an order over the credit limit on hold and keep the token for the decision', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-1', creditLimitMinor: 5_000 }));
    const { orderId } = await placeOrder(world.deps, SHOP, orderRequest());
    const creditToken = world.workflow.newTaskToken('credit-decision');

    // Act
    const credit = await checkCreditModule.makeHandler(world.deps)({ orderId }, lambdaContext);
    const waiting = await waitForCreditDecisionModule.makeHandler(world.deps)({ orderId, taskToken: creditToken }, lambdaContext);

    // Assess
    expect(credit).toEqual({ decision: 'HOLD', reason: 'exposure 100.50 EUR with this order exceeds the credit limit 50.00 EUR' });
    expect(waiting).toEqual({ waiting: true });
    expect(await world.orders.taskToken(orderId, 'credit-decision')).toBe(creditToken);
  });

  it("reject a blocked customer's order and resume the credit wait at once when finance decided already", async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-2', blocked: true }));
    const blocked = (await placeOrder(world.deps, SHOP, orderRequest({ customerId: 'C-2' }))).orderId;
    const rejectedToken = world.workflow.newTaskToken('credit-decision');

    // Act
    const credit = await checkCreditModule.makeHandler(world.deps)({ orderId: blocked }, lambdaContext);
    const waiting = await waitForCreditDecisionModule.makeHandler(world.deps)({ orderId: blocked, taskToken: rejectedToken }, lambdaContext);

    // Assess
    expect(credit).toEqual({ decision: 'REJECTED', reason: 'customer C-2 is blocked' });
    expect(waiting).toEqual({ waiting: false });
    expect(world.workflow.acceptedResumes(rejectedToken)).toEqual([{ taskToken: rejectedToken, output: { decision: 'reject', reason: 'customer C-2 is blocked' }, accepted: true }]);
  });

  it('resume the settlement wait at once when no invoice of the order is open', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world);
    const { shipment } = await reportShipment(world.deps, SHOP, orderId, {});
    const issued = await issueInvoiceModule.makeHandler(world.deps)({ orderId, shipmentId: shipment.shipmentId }, lambdaContext);
    await recordPayment(world.deps, SHOP, paymentRequest({ amount: '100.50', reference: issued.number }));
    await recordInvoiceSettledModule.makeHandler(world.deps)({ orderId, invoiceId: issued.invoiceId }, lambdaContext);
    const settlementToken = world.workflow.newTaskToken('settlement');

    // Act
    const result = await waitForOrderSettlementModule.makeHandler(world.deps)({ orderId, taskToken: settlementToken }, lambdaContext);

    // Assess
    expect(result).toEqual({ waiting: false });
    expect(world.workflow.acceptedResumes(settlementToken)).toEqual([{ taskToken: settlementToken, output: { settled: true }, accepted: true }]);
  });

  it('reject task input without the fields they need, naming them', async () => {
    // Act
    const outcome = waitForShipmentModule.makeHandler(world.deps)({ orderId: 'O-1' }, lambdaContext);
    const issue = issueInvoiceModule.makeHandler(world.deps)({ orderId: 'O-1' }, lambdaContext);
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
    const issued = await issueInvoiceModule.makeHandler(world.deps)({ orderId, shipmentId: shipment.shipmentId }, lambdaContext);
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
    const issued = await issueInvoiceModule.makeHandler(world.deps)({ orderId, shipmentId: shipment.shipmentId }, lambdaContext);
    await recordPayment(world.deps, SHOP, paymentRequest({ amount: '100.00', reference: issued.number }));

    // Act
    const outcome = completeOrderModule.makeHandler(world.deps)({ orderId }, lambdaContext);

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'InvoiceNotSettled' });
    expect(world.tables.orders.get(orderId)?.status).toBe('INVOICED');
  });
});
