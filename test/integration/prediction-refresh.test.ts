/**
 * Predictions refreshed on events on the local stack (issue 14): after the prediction run, a
 * payment of one of a customer's open items, and then a dispute on another, predict that
 * customer's other open item again at once (its `computedAt` and `refreshedBy` on the invoice),
 * through the bus rule declared once, without waiting for the daily run; another customer's
 * predictions stay as the run left them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, uniqueId, type ApiDriver } from './support/api-driver';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;

beforeAll(async () => {
  stack = await startTestStack();
  api = stack.api;
});

afterAll(async () => {
  await stack?.stop();
});

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

type Prediction = { predictedPaidDate: string; reasons: string[]; computedAt: string | null; refreshedBy: string | null };
const predictionOf = async (invoiceId: string) => (await api.op<'getInvoicesInvoiceId', { prediction: Prediction | null }>('getInvoicesInvoiceId', { path: { invoiceId } })).body.prediction;

describe('predictions refreshed on events', () => {
  it("a payment and a dispute predict the customer's other open item again at once", async () => {
    const customers: string[] = [];
    for (let c = 0; c < 4; c++) {
      const customerId = uniqueId('refresh');
      customers.push(customerId);
      expect((await api.registerCustomer(customerId, { name: `Refresh ${c}`, email: `${customerId}@example.com`, currency: 'EUR', locale: 'de-DE', creditLimit: '1000000.00', paymentTermsDays: 30 })).status).toBe(201);
    }
    const items = Array.from({ length: 48 }, (_, n) => ({
      number: `R-${customers[n % 4]}-${n}`,
      customerId: customers[n % 4]!,
      currency: 'EUR',
      total: `${100 + n * 10}.00`,
      balance: `${100 + n * 10}.00`,
      issueDate: day(-150 + n * 3),
      dueDate: day(-120 + n * 3),
    }));
    const accepted = await api.op<'postInvoicesImport', { importId: string }>('postInvoicesImport', { body: items }, { as: 'finance' });
    expect(accepted.status).toBe(202);
    const done = await api.waitFor('the import', () => api.op<'getInvoicesImportImportId', { status: string; invoices: { number: string; invoiceId: string }[] }>('getInvoicesImportImportId', { path: { importId: accepted.body.importId } }), (r) => r.body.status !== 'processing', 120_000);
    expect(done.body.status).toBe('completed');
    const ids = new Map(done.body.invoices.map((i) => [i.number, i.invoiceId]));
    for (const item of items.slice(0, 24)) {
      expect((await api.op('postPayments', { body: { amount: item.total, currency: 'EUR', invoiceIds: [ids.get(item.number)!], valueDate: day(0), providerPaymentId: uniqueId('psp') } })).status).toBe(201);
    }
    // The payments' refreshes found no model yet; the run trains one and predicts every open item.
    await stack.local.events.settled();
    const run = await api.op<'postPredictionsRuns', { predictions: number }>('postPredictionsRuns', { body: { retrain: true } }, { as: 'finance' });
    expect(run.status).toBe(201);

    const openOf = (customerId: string) => items.slice(24).filter((i) => i.customerId === customerId);
    const [payNow, disputeNow, watched] = openOf(customers[0]!) as [(typeof items)[number], (typeof items)[number], (typeof items)[number]];
    const otherCustomers = openOf(customers[1]!)[0]!;
    const watchedId = ids.get(watched.number)!;
    const fromRun = (await predictionOf(watchedId))!;
    expect(fromRun).toMatchObject({ refreshedBy: null, computedAt: expect.any(String) });
    const otherFromRun = (await predictionOf(ids.get(otherCustomers.number)!))!;

    // A payment of another open item of the customer.
    const paid = await api.op<'postPayments', { status: string }>('postPayments', { body: { amount: payNow.total, currency: 'EUR', invoiceIds: [ids.get(payNow.number)!], valueDate: day(0), providerPaymentId: uniqueId('psp') } });
    expect(paid.status).toBe(201);
    expect(paid.body.status).toBe('applied');
    const afterPayment = await api.waitFor(
      'the watched item predicted again after the payment',
      () => predictionOf(watchedId),
      (p) => p !== null && p.computedAt !== fromRun.computedAt,
      60_000,
    );
    expect(['PaymentReceived.v1', 'PaymentApplied.v1']).toContain(afterPayment!.refreshedBy);
    expect(Date.parse(afterPayment!.computedAt!)).toBeGreaterThan(Date.parse(fromRun.computedAt!));
    // The paid item has no prediction to show; the other customer's stays as the run left it.
    expect(await predictionOf(ids.get(payNow.number)!)).toBeNull();
    expect(await predictionOf(ids.get(otherCustomers.number)!)).toEqual(otherFromRun);

    // A dispute on another open item of the customer.
    await stack.local.events.settled();
    const settledAfterPayment = (await predictionOf(watchedId))!;
    expect((await api.op('postInvoicesInvoiceIdDisputes', { path: { invoiceId: ids.get(disputeNow.number)! }, body: { reason: 'the delivery was incomplete' } }, { as: 'finance' })).status).toBe(201);
    const afterDispute = await api.waitFor('the watched item predicted again after the dispute', () => predictionOf(watchedId), (p) => p !== null && p.refreshedBy === 'DisputeOpened.v1', 60_000);
    expect(Date.parse(afterDispute!.computedAt!)).toBeGreaterThan(Date.parse(settledAfterPayment.computedAt!));

    // On the bus: the rule's target was invoked for those events, and each delivery succeeded.
    await stack.local.events.settled();
    const published = await api.get<{ items: { 'detail-type': string; detail: { customerId: string }; targets: { rule: string; ok: boolean | null }[] }[] }>('/_local/events', 'finance');
    const refreshes = published.body.items.filter((e) => e.detail.customerId === customers[0] && e.targets.some((t) => t.rule === 'PaymentPredictionRefresh'));
    expect(refreshes.map((e) => e['detail-type'])).toEqual(expect.arrayContaining(['PaymentReceived.v1', 'PaymentApplied.v1', 'DisputeOpened.v1']));
    expect(refreshes.flatMap((e) => e.targets.filter((t) => t.rule === 'PaymentPredictionRefresh')).every((t) => t.ok === true)).toBe(true);
  }, 300_000);
});
