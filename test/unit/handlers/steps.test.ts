import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext, stubHandlerEnvironment } from '../../support/api-events';
import { inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { aCustomer, paymentRequest } from '../../support/builders';
import { orderAwaitingShipment } from '../../support/scenarios';
import { reportShipment } from '../../../lambdas/core/use-cases/orders';
import { recordPayment } from '../../../lambdas/core/use-cases/payments';

let waitForShipmentModule: typeof import('../../../lambdas/handlers/steps/wait-for-shipment');
let issueInvoiceModule: typeof import('../../../lambdas/handlers/steps/issue-invoice');
let sendInvoiceModule: typeof import('../../../lambdas/handlers/steps/send-invoice');
let waitForPaymentModule: typeof import('../../../lambdas/handlers/steps/wait-for-payment');
let completeOrderModule: typeof import('../../../lambdas/handlers/steps/complete-order');

beforeAll(async () => {
  stubHandlerEnvironment();
  waitForShipmentModule = await import('../../../lambdas/handlers/steps/wait-for-shipment');
  issueInvoiceModule = await import('../../../lambdas/handlers/steps/issue-invoice');
  sendInvoiceModule = await import('../../../lambdas/handlers/steps/send-invoice');
  waitForPaymentModule = await import('../../../lambdas/handlers/steps/wait-for-payment');
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
  it('run the whole lifecycle: wait for shipment, issue, send, wait for payment, complete', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world);
    await reportShipment(world.deps, orderId, {});

    // Act
    const issued = await issueInvoiceModule.makeHandler(world.deps)({ orderId }, lambdaContext);
    const sent = await sendInvoiceModule.makeHandler(world.deps)({ invoiceId: issued.invoiceId }, lambdaContext);
    const paymentToken = world.workflow.newTaskToken('payment');
    const waiting = await waitForPaymentModule.makeHandler(world.deps)({ invoiceId: issued.invoiceId, taskToken: paymentToken }, lambdaContext);
    await recordPayment(world.deps, paymentRequest({ amount: '100.50', reference: issued.number }));
    const completed = await completeOrderModule.makeHandler(world.deps)({ orderId }, lambdaContext);

    // Assess
    expect(issued).toMatchObject({ number: 'INV-2026-000001', dueDate: '2026-04-01' });
    expect(sent).toEqual({ messageId: 'message-1', sentAt: '2026-03-02T09:00:00.000Z' });
    expect(world.mailer.sent[0]?.subject).toBe('Rechnung INV-2026-000001');
    expect(waiting).toEqual({ waiting: true });
    expect(world.workflow.acceptedResumes(paymentToken)).toHaveLength(1);
    expect(completed).toEqual({ status: 'COMPLETED' });
    expect(world.tables.orders.get(orderId)?.status).toBe('COMPLETED');
  });

  it('reject task input without the fields they need, naming them', async () => {
    // Act
    const outcome = waitForShipmentModule.makeHandler(world.deps)({ orderId: 'O-1' }, lambdaContext);

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'ValidationError', problems: [{ field: 'taskToken', problem: 'is required' }] });
    expect(world.workflow.resumes).toEqual([]);
  });

  it('resume at once when the invoice is settled before the execution waits for the payment', async () => {
    // Prepare
    const { orderId } = await orderAwaitingShipment(world);
    await reportShipment(world.deps, orderId, {});
    const issued = await issueInvoiceModule.makeHandler(world.deps)({ orderId }, lambdaContext);
    await recordPayment(world.deps, paymentRequest({ amount: '100.50', reference: issued.number }));
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
    await reportShipment(world.deps, orderId, {});
    const issued = await issueInvoiceModule.makeHandler(world.deps)({ orderId }, lambdaContext);
    await recordPayment(world.deps, paymentRequest({ amount: '100.00', reference: issued.number }));

    // Act
    const outcome = completeOrderModule.makeHandler(world.deps)({ orderId }, lambdaContext);

    // Assess
    await expect(outcome).rejects.toMatchObject({ name: 'InvoiceNotSettled' });
    expect(world.tables.orders.get(orderId)?.status).toBe('INVOICED');
  });
});
