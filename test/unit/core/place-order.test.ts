import { beforeEach, describe, expect, it } from 'vitest';
import { placeOrder, getOrder } from '../../../lambdas/core/orders/orders';
import { ValidationError } from '../../../lambdas/core/errors';
import { inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { SHOP, aCustomer, orderRequest } from '../../support/builders';

/** Places `body` and returns the ValidationError it must fail with. */
async function refused(world: InMemoryWorld, body: unknown): Promise<ValidationError> {
  const error = await placeOrder(world.deps, SHOP, body).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

function expectNothingWritten(world: InMemoryWorld): void {
  expect(world.tables.orders.size).toBe(0);
  expect(world.workflow.starts).toEqual([]);
}

describe('placing an order', () => {
  let world: InMemoryWorld;

  beforeEach(() => {
    // Prepare
    world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
    world.customers.seed(aCustomer({ customerId: 'C-1', currency: 'EUR' }));
    world.customers.seed(aCustomer({ customerId: 'C-JP', currency: 'JPY' }));
    world.customers.seed(aCustomer({ customerId: 'C-KW', currency: 'KWD' }));
  });

  it('stores a valid order as RECEIVED with exact totals and starts its lifecycle named from the order', async () => {
    // Act
    const result = await placeOrder(
      world.deps, SHOP,
      orderRequest({ externalRef: 'SHOP-77', lines: [{ sku: 'A', quantity: 3, unitPrice: '19.99' }, { sku: 'B', quantity: 1, unitPrice: '0.03' }] }),
    );

    // Assess
    expect(result).toEqual({ orderId: 'id-000001', status: 'RECEIVED', executionName: 'order-id-000001' });
    const view = await getOrder(world.deps, SHOP, result.orderId);
    expect(view).toMatchObject({
      status: 'RECEIVED',
      customerId: 'C-1',
      currency: 'EUR',
      externalRef: 'SHOP-77',
      total: '60.00',
      lines: [
        { lineNo: 1, sku: 'A', quantity: 3, unitPrice: '19.99', amount: '59.97' },
        { lineNo: 2, sku: 'B', quantity: 1, unitPrice: '0.03', amount: '0.03' },
      ],
      invoiceId: null,
      history: [{ status: 'RECEIVED', at: '2026-03-02T09:00:00.000Z' }],
    });
    expect(world.workflow.starts).toEqual([{ executionName: 'order-id-000001', input: { orderId: 'id-000001', customerId: 'C-1' }, alreadyStarted: false }]);
  });

  it('accepts prices with exactly the decimals of the currency: JPY 0, KWD 3', async () => {
    // Act
    const yen = await placeOrder(world.deps, SHOP, orderRequest({ customerId: 'C-JP', currency: 'JPY', lines: [{ sku: 'A', quantity: 2, unitPrice: '1500' }] }));
    const dinar = await placeOrder(world.deps, SHOP, orderRequest({ customerId: 'C-KW', currency: 'KWD', lines: [{ sku: 'A', quantity: 2, unitPrice: '1.005' }] }));

    // Assess
    expect((await getOrder(world.deps, SHOP, yen.orderId)).total).toBe('3000');
    expect((await getOrder(world.deps, SHOP, dinar.orderId)).total).toBe('2.010');
    expect(world.tables.orders.get(dinar.orderId)?.totalMinor).toBe(2010);
  });

  it('refuses an unknown customer with a problem naming customerId, and writes nothing', async () => {
    // Act
    const error = await refused(world, orderRequest({ customerId: 'C-404' }));

    // Assess
    expect(error.problems).toEqual([{ field: 'customerId', problem: 'no customer C-404 exists' }]);
    expectNothingWritten(world);
  });

  it('refuses an order without lines', async () => {
    // Act
    const error = await refused(world, orderRequest({ lines: [] }));

    // Assess
    expect(error.problems).toEqual([{ field: 'lines', problem: 'must contain at least one line' }]);
    expectNothingWritten(world);
  });

  it.each([
    ['zero', 0, 'must be greater than zero'],
    ['negative', -2, 'must be greater than zero'],
  ])('refuses a %s quantity naming the line and field', async (_name, quantity, problem) => {
    // Act
    const error = await refused(world, orderRequest({ lines: [{ sku: 'A', quantity: 1, unitPrice: '1.00' }, { sku: 'B', quantity, unitPrice: '1.00' }] }));

    // Assess
    expect(error.problems).toEqual([{ field: 'lines[1].quantity', problem }]);
    expectNothingWritten(world);
  });

  it('refuses a fractional quantity naming the line and field', async () => {
    // Act
    const error = await refused(world, orderRequest({ lines: [{ sku: 'A', quantity: 1, unitPrice: '1.00' }, { sku: 'B', quantity: 1.5, unitPrice: '1.00' }] }));

    // Assess
    expect(error.problems.map((p) => p.field)).toEqual(['lines[1].quantity']);
    expectNothingWritten(world);
  });

  it.each([
    ['C-1', 'EUR', '10.001', /more than the 2 decimals EUR allows/],
    ['C-JP', 'JPY', '10.5', /more than the 0 decimals JPY allows/],
    ['C-KW', 'KWD', '1.0005', /more than the 3 decimals KWD allows/],
  ])('refuses a %s price with more decimals than %s has', async (customerId, currency, unitPrice, problem) => {
    // Act
    const error = await refused(world, orderRequest({ customerId, currency, lines: [{ sku: 'A', quantity: 1, unitPrice }] }));

    // Assess
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]!.field).toBe('lines[0].unitPrice');
    expect(error.problems[0]!.problem).toMatch(problem);
    expectNothingWritten(world);
  });

  it('does not round trailing zeros away as extra decimals (JPY "1500.00" is 1500)', async () => {
    // Act
    const { orderId } = await placeOrder(world.deps, SHOP, orderRequest({ customerId: 'C-JP', currency: 'JPY', lines: [{ sku: 'A', quantity: 1, unitPrice: '1500.00' }] }));

    // Assess
    expect(world.tables.orders.get(orderId)?.totalMinor).toBe(1500);
  });

  it('refuses a negative unit price', async () => {
    // Act
    const error = await refused(world, orderRequest({ lines: [{ sku: 'A', quantity: 1, unitPrice: '-1.00' }] }));

    // Assess
    expect(error.problems).toEqual([{ field: 'lines[0].unitPrice', problem: 'must not be negative' }]);
    expectNothingWritten(world);
  });

  it('refuses a unit price that is not a decimal string', async () => {
    // Act
    const error = await refused(world, orderRequest({ lines: [{ sku: 'A', quantity: 1, unitPrice: '1,50' }] }));

    // Assess
    expect(error.problems).toEqual([{ field: 'lines[0].unitPrice', problem: 'must be a decimal string such as "1234.50"' }]);
    expectNothingWritten(world);
  });

  it.each(['EURO', 'eur', 'ABC', 'XAU', 'XXX'])('refuses the currency %s that is not an invoiceable ISO 4217 code', async (currency) => {
    // Act
    const error = await refused(world, orderRequest({ currency }));

    // Assess
    expect(error.problems).toEqual([{ field: 'currency', problem: 'must be an ISO 4217 currency code such as EUR' }]);
    expectNothingWritten(world);
  });

  it("refuses a currency other than the customer's", async () => {
    // Act
    const error = await refused(world, orderRequest({ currency: 'USD' }));

    // Assess
    expect(error.problems).toEqual([{ field: 'currency', problem: "must be the customer's currency EUR" }]);
    expectNothingWritten(world);
  });

  it('refuses unknown fields at the top and inside a line, naming them', async () => {
    // Act
    const top = await refused(world, orderRequest({ discount: '5.00' }));
    const inLine = await refused(world, orderRequest({ lines: [{ sku: 'A', quantity: 1, unitPrice: '1.00', colour: 'red' }] }));

    // Assess
    expect(top.problems).toEqual([{ field: 'discount', problem: 'unknown field: discount' }]);
    expect(inLine.problems).toEqual([{ field: 'lines[0]', problem: 'unknown field: colour' }]);
    expectNothingWritten(world);
  });

  it('names every field in trouble at once', async () => {
    // Act
    const error = await refused(world, { currency: 'EUR', lines: [{ sku: '', quantity: 0, unitPrice: '1.00' }] });

    // Assess
    expect(error.problems.map((p) => p.field).sort()).toEqual(['customerId', 'lines[0].quantity', 'lines[0].sku']);
    expect(error.problems.find((p) => p.field === 'customerId')?.problem).toBe('is required');
    expectNothingWritten(world);
  });

  it('refuses a body that is not an object', async () => {
    // Act
    const error = await refused(world, undefined);

    // Assess
    expect(error.problems).toEqual([{ field: '(body)', problem: 'is required' }]);
    expectNothingWritten(world);
  });

  it('refuses a line whose amount is beyond exact integer range', async () => {
    // Act
    const error = await refused(world, orderRequest({ lines: [{ sku: 'A', quantity: 1_000_000, unitPrice: '9999999999999.99' }] }));

    // Assess
    expect(error.problems).toEqual([{ field: 'lines[0]', problem: 'quantity times unit price is too large' }]);
    expectNothingWritten(world);
  });
});
