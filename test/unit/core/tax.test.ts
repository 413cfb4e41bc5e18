import { beforeEach, describe, expect, it } from 'vitest';
import { lineTax, normalizeRate, rateBasisPoints, taxSummary, TaxRateError } from '../../../lambdas/core/tax/tax';
import { invoiceView } from '../../../lambdas/core/invoices/invoice';
import { getOrder, placeOrder } from '../../../lambdas/core/orders/orders';
import { checkCredit } from '../../../lambdas/core/orders/order-steps';
import { ledgerCheck } from '../../../lambdas/core/reports/ledger-check';
import { recordPayment } from '../../../lambdas/core/payments/record-payment';
import { ValidationError } from '../../../lambdas/core/errors';
import { inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { SHOP, aCustomer, orderRequest, paymentRequest } from '../../support/builders';
import { invoicedOrder } from '../../support/scenarios';

describe('tax rates', () => {
  it.each([
    ['0', 0, '0'],
    ['7', 700, '7'],
    ['7.5', 750, '7.5'],
    ['19', 1_900, '19'],
    ['100', 10_000, '100'],
    ['8.1', 810, '8.1'],
    ['19.00', 1_900, '19'],
    ['7.50', 750, '7.5'],
    ['007', 700, '7'],
    ['0.05', 5, '0.05'],
  ])('reads "%s" as %i basis points, written "%s"', (rate, basisPoints, canonical) => {
    // Act / Assess
    expect(rateBasisPoints(rate)).toBe(basisPoints);
    expect(normalizeRate(rate)).toBe(canonical);
  });

  it.each(['101', '100.01', '1.234', '-1', '', '7,5', ' 7', '19%', '1e2', '.5', '1000'])('refuses "%s" as a rate with TaxRateError naming it', (rate) => {
    // Act
    const outcome = () => rateBasisPoints(rate);

    // Assess
    expect(outcome).toThrow(TaxRateError);
    expect(outcome).toThrow(`"${rate}" is not a tax rate`);
  });
});

describe('tax of a line: rounded per line, half up', () => {
  it.each([
    // net (minor), rate, tax (minor), why
    [10_000, '19', 1_900, 'exact'],
    [50, '19', 10, '9.5 rounds up'],
    [150, '7', 11, '10.5 rounds up'],
    [149, '7', 10, '10.43 rounds down'],
    [1_050, '7.5', 79, '78.75 rounds up'],
    [1_030, '7.5', 77, '77.25 rounds down'],
    [1_234, '0', 0, 'no tax at 0 %'],
    [1_234, '100', 1_234, 'all of it at 100 %'],
    [0, '19', 0, 'nothing on nothing'],
    [-50, '19', -10, 'a negative net rounds away from zero'],
  ])('taxes %i at %s %% as %i (%s)', (net, rate, tax) => {
    // Act / Assess
    expect(lineTax(net, rate)).toBe(tax);
  });

  it('stays exact for nets beyond what a double multiplies exactly', () => {
    // Prepare
    const net = 9_007_199_254_740_991; // Number.MAX_SAFE_INTEGER
    const expected = Number((BigInt(net) * 1_900n + 5_000n) / 10_000n);

    // Act / Assess
    expect(lineTax(net, '19')).toBe(expected);
  });

  it('refuses a line with a rate that is not one', () => {
    // Act / Assess
    expect(() => lineTax(100, '101')).toThrow(TaxRateError);
  });
});

describe('tax summary of an invoice', () => {
  it('sums nets and line taxes per rate, leaves out lines without a rate and orders rates by value, not text', () => {
    // Act
    const summary = taxSummary([
      { netMinor: 1_000, taxMinor: 190, taxRatePercent: '19' },
      { netMinor: 150, taxMinor: 11, taxRatePercent: '7.5' },
      { netMinor: 150, taxMinor: 11, taxRatePercent: '7.5' },
      { netMinor: 500, taxMinor: 0, taxRatePercent: null },
      { netMinor: 200, taxMinor: 0, taxRatePercent: '0' },
      { netMinor: 2_000, taxMinor: 380, taxRatePercent: '19' },
    ]);

    // Assess
    expect(summary).toEqual([
      { ratePercent: '0', netMinor: 200, taxMinor: 0 },
      { ratePercent: '7.5', netMinor: 300, taxMinor: 22 },
      { ratePercent: '19', netMinor: 3_000, taxMinor: 570 },
    ]);
  });

  it('is empty for lines without tax', () => {
    // Act / Assess
    expect(taxSummary([{ netMinor: 1_000, taxMinor: 0, taxRatePercent: null }])).toEqual([]);
  });
});

describe('taxed orders and their invoices', () => {
  let world: InMemoryWorld;

  beforeEach(() => {
    world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    world.customers.seed(aCustomer({ customerId: 'C-1' }));
  });

  it('shows each line its own tax, and totals VAT per category and rate rounded once (EN 16931 BR-CO-17)', async () => {
    // Act: 0.50 at 19 % is 0.095 -> 0.10; 1.50 at 7 % twice is 0.105 -> 0.11 per line, but 0.21 on the sum, which is the VAT owed
    const { orderId } = await placeOrder(
      world.deps, SHOP,
      orderRequest({
        lines: [
          { sku: 'PEN', quantity: 1, unitPrice: '0.50', taxRate: '19' },
          { sku: 'BOOK-A', quantity: 1, unitPrice: '1.50', taxRate: '7' },
          { sku: 'BOOK-B', quantity: 1, unitPrice: '1.50', taxRate: '7.00' },
          { sku: 'VOUCHER', quantity: 1, unitPrice: '5.00' },
        ],
      }),
    );

    // Assess
    const order = world.tables.orders.get(orderId)!;
    expect(order.lines.map((l) => [l.sku, l.taxRatePercent, l.amountMinor, l.taxMinor, l.grossMinor])).toEqual([
      ['PEN', '19', 50, 10, 60],
      ['BOOK-A', '7', 150, 11, 161],
      ['BOOK-B', '7', 150, 11, 161],
      ['VOUCHER', null, 500, 0, 500],
    ]);
    expect(order).toMatchObject({ netTotalMinor: 850, taxTotalMinor: 31, totalMinor: 881 });
    expect(await getOrder(world.deps, SHOP, orderId)).toMatchObject({
      netTotal: '8.50',
      taxTotal: '0.31',
      total: '8.81',
      lines: [
        { sku: 'PEN', taxRate: '19', amount: '0.50', tax: '0.10', gross: '0.60' },
        { sku: 'BOOK-A', taxRate: '7', tax: '0.11' },
        { sku: 'BOOK-B', taxRate: '7', tax: '0.11' },
        { sku: 'VOUCHER', taxRate: null, tax: '0.00', gross: '5.00' },
      ],
    });
  });

  it('taxes a 7.5 % line and counts the gross total in the credit check', async () => {
    // Prepare: 10.50 at 7.5 % is 0.7875 -> 0.79
    world.customers.seed(aCustomer({ customerId: 'C-1', creditLimitMinor: 1_128 }));

    // Act
    const { orderId } = await placeOrder(world.deps, SHOP, orderRequest({ lines: [{ sku: 'A', quantity: 1, unitPrice: '10.50', taxRate: '7.5' }] }));

    const credit = await checkCredit(world.deps, { orderId });

    // Assess
    expect(world.tables.orders.get(orderId)).toMatchObject({ netTotalMinor: 1_050, taxTotalMinor: 79, totalMinor: 1_129 });
    expect(credit).toEqual({ decision: 'HOLD', reason: 'exposure 11.29 EUR with this order exceeds the credit limit 11.28 EUR' });
  });

  it.each([
    ['101', 'must be a decimal percent from 0 to 100 such as "19" or "7.5"'],
    ['1.234', 'must be a decimal percent from 0 to 100 such as "19" or "7.5"'],
    ['-1', 'must be a decimal percent from 0 to 100 such as "19" or "7.5"'],
    ['19%', 'must be a decimal percent from 0 to 100 such as "19" or "7.5"'],
  ])('refuses the rate "%s" naming lines[i].taxRate, and writes nothing', async (taxRate, problem) => {
    // Act
    const error = await placeOrder(
      world.deps, SHOP,
      orderRequest({ lines: [{ sku: 'A', quantity: 1, unitPrice: '1.00', taxRate: '19' }, { sku: 'B', quantity: 1, unitPrice: '1.00', taxRate }] }),
    ).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual([{ field: 'lines[1].taxRate', problem }]);
    expect(world.tables.orders.size).toBe(0);
  });

  it('refuses a rate given as a number, naming it', async () => {
    // Act
    const error = await placeOrder(world.deps, SHOP, orderRequest({ lines: [{ sku: 'A', quantity: 1, unitPrice: '1.00', taxRate: 19 }] })).catch((e: unknown) => e);

    // Assess
    expect((error as ValidationError).problems.map((p) => p.field)).toEqual(['lines[0].taxRate']);
  });

  it('invoices with the lines taxed, the tax per rate, and net, tax and gross totals', async () => {
    // Act
    const { invoice } = await invoicedOrder(world, {
      lines: [
        { sku: 'CHAIR', quantity: 2, unitPrice: '100.00', taxRate: '19' },
        { sku: 'BOOK', quantity: 3, unitPrice: '12.99', taxRate: '7' },
        { sku: 'MAP', quantity: 1, unitPrice: '4.99', taxRate: '7' },
        { sku: 'VOUCHER', quantity: 1, unitPrice: '10.00' },
      ],
    });

    // Assess: 38.97 at 7 % = 2.7279 -> 2.73; 4.99 at 7 % = 0.3493 -> 0.35
    expect(invoice.lines.map((l) => [l.sku, l.amountMinor, l.taxRatePercent, l.taxMinor])).toEqual([
      ['CHAIR', 20_000, '19', 3_800],
      ['BOOK', 3_897, '7', 273],
      ['MAP', 499, '7', 35],
      ['VOUCHER', 1_000, null, 0],
    ]);
    expect(invoice.taxes).toEqual([
      { ratePercent: '7', netMinor: 4_396, taxMinor: 308 },
      { ratePercent: '19', netMinor: 20_000, taxMinor: 3_800 },
    ]);
    expect(invoice).toMatchObject({ netTotalMinor: 25_396, taxTotalMinor: 4_108, totalMinor: 29_504, balanceMinor: 29_504 });
    expect(invoiceView(invoice)).toMatchObject({
      netTotal: '253.96',
      taxTotal: '41.08',
      total: '295.04',
      taxes: [
        { rate: '7', net: '43.96', tax: '3.08' },
        { rate: '19', net: '200.00', tax: '38.00' },
      ],
    });
  });

  it('posts receivables (gross) against revenue (net) and tax payable (tax), and the books stay balanced through the payment', async () => {
    // Prepare
    const { invoice } = await invoicedOrder(world, { lines: [{ sku: 'CHAIR', quantity: 2, unitPrice: '100.00', taxRate: '19' }] });

    // Act
    await recordPayment(world.deps, SHOP, paymentRequest({ amount: '238.00', reference: invoice.number }));

    // Assess
    expect(world.tables.ledger.filter((r) => r.journalId === `invoice-${invoice.invoiceId}`).map((r) => [r.account, r.side, r.amountMinor, r.reference])).toEqual([
      ['receivables', 'debit', 23_800, invoice.invoiceId],
      ['revenue', 'credit', 20_000, invoice.invoiceId],
      ['tax-payable', 'credit', 3_800, invoice.invoiceId],
    ]);
    const check = await ledgerCheck(world.deps);
    expect(check).toMatchObject({ balanced: true, problems: [], receivablesControl: { EUR: '0.00' }, openItemsTotal: { EUR: '0.00' } });
  });

  it('posts no tax-payable line for an invoice taxed at 0 %, and shows the 0 % rate', async () => {
    // Act
    const { invoice } = await invoicedOrder(world, { lines: [{ sku: 'EXPORT', quantity: 1, unitPrice: '80.00', taxRate: '0' }] });

    // Assess
    expect(invoice.taxes).toEqual([{ ratePercent: '0', netMinor: 8_000, taxMinor: 0 }]);
    expect(world.tables.ledger.map((r) => r.account)).toEqual(['receivables', 'revenue']);
    expect((await ledgerCheck(world.deps)).balanced).toBe(true);
  });
});
