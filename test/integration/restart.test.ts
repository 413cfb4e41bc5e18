/**
 * An order whose execution waits for its shipment survives a restart of the local AWS: the data
 * (DynamoDB Local's folder), the waiting execution and its task token are all still there, and
 * the shipment reported after the restart carries the order on to a paid invoice.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startTestStack, uniqueId } from './support/api-driver';

let current: Awaited<ReturnType<typeof startTestStack>> | undefined;

afterAll(async () => {
  await current?.stop();
});

describe('restart in the middle of the lifecycle', () => {
  it('resumes the waiting execution where it was', async () => {
    current = await startTestStack();
    let api = current.api;
    const customerId = uniqueId('cust');
    expect((await api.registerCustomer(customerId, { name: 'Restart AG', email: 'ap@restart.example', currency: 'EUR', creditLimit: '5000.00', paymentTermsDays: 30 })).status).toBe(201);
    const placed = await api.op('postOrders', { body: { customerId, currency: 'EUR', lines: [{ sku: 'X', quantity: 2, unitPrice: '50.00' }] } });
    const orderId = String(placed.body.orderId);
    await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');

    const dataDir = current.dataDir;
    // Same ports: this process' Lambda modules keep their SDK clients, as a warm Lambda would.
    const port = (url: string) => Number(new URL(url).port);
    const { endpoints } = current.local;
    const ports = { gateway: port(endpoints.gateway), dynamodb: port(endpoints.dynamodb), ses: port(endpoints.ses), stepFunctions: port(endpoints.stepFunctions), s3: port(endpoints.s3) };
    await current.stop({ keepData: true });
    current = await startTestStack({ keepDataDir: dataDir, ports });
    api = current.api;

    expect(await api.orderStatus(orderId)).toBe('AWAITING_SHIPMENT');
    expect((await api.op('postOrdersOrderIdShipments', { path: { orderId }, body: {} })).status).toBe(202);
    const invoiced = await api.waitForOrderStatus(orderId, 'INVOICED');
    const invoice = await api.op('getInvoicesInvoiceId', { path: { invoiceId: String(invoiced.body.invoiceId) } });
    expect((await api.op('postPayments', { body: { amount: '100.00', currency: 'EUR', reference: invoice.body.rfReference, valueDate: '2026-12-01', providerPaymentId: uniqueId('psp') } })).body).toMatchObject({ status: 'applied' });
    await api.waitForOrderStatus(orderId, 'COMPLETED');
    expect(await api.ledgerCheck()).toMatchObject({ balanced: true });
  });
});
