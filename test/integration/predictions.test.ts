/**
 * Payment predictions on the local AWS through HTTP: after imported open items and payments, the
 * prediction run (on demand) stores a versioned model, a prediction per open item (shown to finance
 * on the invoice, not to a storefront), customer risk (on the customer) and the cash-in forecast
 * (JSON and CSV).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, uniqueId, type ApiDriver, type BodyOf } from './support/api-driver';

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

describe('payment predictions', () => {
  const open: { invoiceId: string; customerId: string }[] = [];
  const customers: string[] = [];

  it('learns from imported items and payments and stores predictions, risk and the forecast', async () => {
    for (let c = 0; c < 4; c++) {
      const customerId = uniqueId('predict');
      customers.push(customerId);
      expect((await api.registerCustomer(customerId, { name: `Customer ${c}`, email: `${customerId}@example.com`, currency: 'EUR', locale: 'de-DE', creditLimit: '1000000.00', paymentTermsDays: 30 })).status).toBe(201);
    }
    const items = Array.from({ length: 48 }, (_, n) => ({
      number: `P-${customers[n % 4]}-${n}`,
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
    // The older half is paid now (some long after due), the newer half stays open.
    for (const item of items.slice(0, 24)) {
      const paid = await api.op('postPayments', { body: { amount: item.total, currency: 'EUR', reference: item.number, valueDate: day(0), providerPaymentId: uniqueId('psp') } });
      expect(paid.status).toBe(201);
    }
    for (const item of items.slice(24)) open.push({ invoiceId: ids.get(item.number)!, customerId: item.customerId });

    const run = await api.op<'postPredictionsRuns', { retrained: boolean; predictions: number; modelVersion: string; evaluation: { chosen: string } }>('postPredictionsRuns', { body: { retrain: true } }, { as: 'finance' });
    expect(run.status).toBe(201);
    expect(run.body.retrained).toBe(true);
    expect(run.body.predictions).toBeGreaterThanOrEqual(24);
    expect(run.body.modelVersion).toMatch(/^\d{4}-\d{2}-\d{2}-(shrunk-median|boosted-trees|blend)$/);

    const again = await api.op<'postPredictionsRuns', { retrained: boolean; modelVersion: string }>('postPredictionsRuns', { body: {} }, { as: 'finance' });
    expect(again.body).toMatchObject({ retrained: false, modelVersion: run.body.modelVersion });
  });

  it('shows finance the prediction on the invoice with its reasons, and a storefront none', async () => {
    const asFinance = await api.op<'getInvoicesInvoiceId', { prediction: { predictedPaidDate: string; interval80: { low: string; high: string }; probabilityLate: { over0: number; over30: number; over60: number }; reasons: string[] } }>('getInvoicesInvoiceId', { path: { invoiceId: open[0]!.invoiceId } });
    expect(asFinance.status).toBe(200);
    const p = asFinance.body.prediction;
    expect(p.predictedPaidDate >= day(0)).toBe(true);
    expect(p.interval80.low <= p.predictedPaidDate && p.predictedPaidDate <= p.interval80.high).toBe(true);
    expect(p.probabilityLate.over0).toBeGreaterThanOrEqual(p.probabilityLate.over30);
    expect(p.reasons.length).toBeGreaterThan(0);
    const asShop = await api.op('getInvoicesInvoiceId', { path: { invoiceId: open[0]!.invoiceId } }, { as: 'storefront' });
    expect(asShop.status).toBe(200);
    expect(asShop.body).not.toHaveProperty('prediction');
  });

  it('shows finance the customer\'s risk with reasons and a suggested credit limit', async () => {
    const customer = await api.op<'getCustomersCustomerId', { risk: { score: number; reasons: string[]; suggestedCreditLimit: string; sharpRise: boolean } }>('getCustomersCustomerId', { path: { customerId: customers[0]! } });
    expect(customer.body.risk.score).toBeGreaterThanOrEqual(0);
    expect(customer.body.risk.score).toBeLessThanOrEqual(1);
    expect(customer.body.risk.reasons.length).toBeGreaterThan(0);
    expect(customer.body.risk.suggestedCreditLimit).toMatch(/^\d+\.\d{2}$/);
  });

  it('answers the cash-in forecast as JSON and CSV', async () => {
    const json = await api.op<'getReportsCashForecast', { madeOn: string; weeks: { weekStart: string; currency: string; expected: string }[] }>('getReportsCashForecast');
    expect(json.status).toBe(200);
    expect(json.body.madeOn).toBe(day(0));
    expect(json.body.weeks.filter((w) => w.currency === 'EUR')).toHaveLength(13);
    const csv = await api.op('getReportsCashForecast', {}, { headers: { accept: 'text/csv' } });
    expect(csv.status).toBe(200);
    expect(String(csv.body).split('\r\n')[0]).toBe('week_start,currency,expected,low,high');
  });

  it('refuses a run request it cannot read, naming the field', async () => {
    const bad = await api.op<'postPredictionsRuns', { error: { problems: { field: string }[] } }>('postPredictionsRuns', { body: { retrain: 'yes' } as unknown as BodyOf<'postPredictionsRuns'> }, { as: 'finance' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('retrain');
  });
});
