import { beforeEach, describe, expect, it } from 'vitest';
import { getCustomer, putCustomer } from '../../../lambdas/core/customers/customers';
import { ConflictError, NotFoundError, ValidationError } from '../../../lambdas/core/errors';
import { inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { FINANCE, SHOP, aCustomer, anInvoice, anOrder, customerRequest } from '../../support/builders';

async function problemsOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).problems;
}

describe('customers: create and update', () => {
  let world: InMemoryWorld;

  beforeEach(() => {
    world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
  });

  it('creates a customer with defaults and zero balances', async () => {
    // Act
    const result = await putCustomer(world.deps, FINANCE, 'C-1', customerRequest({ creditLimit: '5000.5' }));

    // Assess
    expect(result.created).toBe(true);
    expect(result.customer).toEqual({
      customerId: 'C-1',
      name: 'Acme Retail GmbH',
      email: 'ap@acme.example',
      currency: 'EUR',
      creditLimit: '5000.50',
      paymentTermsDays: 30,
      dunningPolicyId: 'default',
      locale: 'en',
      timeZone: null,
      isConsumer: false,
      blocked: false,
      openBalance: '0.00',
      overdueBalance: '0.00',
      exposure: '0.00',
      onAccountCredit: '0.00',
      createdAt: '2026-03-02T09:00:00.000Z',
      updatedAt: '2026-03-02T09:00:00.000Z',
      registeredBy: 'test-finance',
      address: null,
      vatId: null,
      legalId: null,
      buyerReference: null,
      peppolId: null,
      einvoiceFormat: 'pdf',
      autoApplyCredit: false,
    });
    expect(world.tables.customers.get('C-1')?.creditLimitMinor).toBe(500_050);
  });

  it('updates a customer keeping its creation time, on-account credit and unspecified options', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-1', locale: 'de-DE', timeZone: 'Europe/Berlin', dunningPolicyId: 'strict', onAccountCreditMinor: 1_250 }));
    world.clock.set('2026-03-05T10:00:00Z');

    // Act
    const result = await putCustomer(world.deps, FINANCE, 'C-1', customerRequest({ name: 'Acme Retail AG', paymentTermsDays: 14 }));

    // Assess
    expect(result.created).toBe(false);
    expect(result.customer).toMatchObject({
      name: 'Acme Retail AG',
      paymentTermsDays: 14,
      locale: 'de-DE',
      timeZone: 'Europe/Berlin',
      dunningPolicyId: 'strict',
      onAccountCredit: '12.50',
      createdAt: '2026-01-05T08:00:00.000Z',
      updatedAt: '2026-03-05T10:00:00.000Z',
    });
    expect(world.tables.customers.get('C-1')).toMatchObject({ name: 'Acme Retail AG', onAccountCreditMinor: 1_250 });
  });

  it('refuses a customer id that is not an identifier', async () => {
    // Act
    const problems = await problemsOf(putCustomer(world.deps, FINANCE, 'C 1/../x', customerRequest()));

    // Assess
    expect(problems).toEqual([{ field: 'customerId', problem: 'must be 1-64 letters, digits, ".", "_", ":" or "-"' }]);
    expect(world.tables.customers.size).toBe(0);
  });

  it.each([
    ['email', { email: 'not-an-address' }, 'must be an email address'],
    ['paymentTermsDays', { paymentTermsDays: 400 }, 'must be at most 365'],
    ['paymentTermsDays', { paymentTermsDays: -1 }, 'must be 0 or more'],
    ['name', { name: '   ' }, 'must not be empty'],
    ['timeZone', { timeZone: 'Mars/Olympus' }, 'must be an IANA time zone such as Europe/Berlin'],
    ['locale', { locale: 'german' }, 'must be a locale such as en or de-DE'],
    ['currency', { currency: 'EURO' }, 'must be an ISO 4217 currency code such as EUR'],
    ['creditLimit', { creditLimit: '-1.00' }, 'must not be negative'],
    ['nickname', { nickname: 'Acme' }, 'unknown field: nickname'],
  ])('refuses a bad %s naming it, and writes nothing', async (field, overrides, problem) => {
    // Act
    const problems = await problemsOf(putCustomer(world.deps, FINANCE, 'C-1', customerRequest(overrides)));

    // Assess
    expect(problems).toEqual([{ field, problem }]);
    expect(world.tables.customers.size).toBe(0);
  });

  it('refuses a credit limit with more decimals than the currency has (JPY)', async () => {
    // Act
    const problems = await problemsOf(putCustomer(world.deps, FINANCE, 'C-1', customerRequest({ currency: 'JPY', creditLimit: '100.5' })));

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ field: 'creditLimit' });
    expect(problems[0]!.problem).toMatch(/0 decimals JPY/);
  });

  it('refuses to change the currency while an invoice is open in the old one', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-1', currency: 'EUR' }));
    world.invoices.seed(anInvoice({ customerId: 'C-1', balanceMinor: 500, paidMinor: 9_500, status: 'PARTIALLY_PAID' }));

    // Act
    const error = await putCustomer(world.deps, FINANCE, 'C-1', customerRequest({ currency: 'USD' })).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('CURRENCY_LOCKED');
    expect(world.tables.customers.get('C-1')?.currency).toBe('EUR');
  });

  it('refuses to change the currency while the customer holds on-account credit', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-1', currency: 'EUR', onAccountCreditMinor: 1 }));

    // Act
    const error = await putCustomer(world.deps, FINANCE, 'C-1', customerRequest({ currency: 'USD' })).catch((e: unknown) => e);

    // Assess
    expect((error as ConflictError).code).toBe('CURRENCY_LOCKED');
    expect(world.tables.customers.get('C-1')?.currency).toBe('EUR');
  });

  it('changes the currency once every item in the old one is settled', async () => {
    // Prepare
    world.customers.seed(aCustomer({ customerId: 'C-1', currency: 'EUR' }));
    world.invoices.seed(anInvoice({ customerId: 'C-1', balanceMinor: 0, paidMinor: 10_000, status: 'PAID' }));

    // Act
    const result = await putCustomer(world.deps, FINANCE, 'C-1', customerRequest({ currency: 'USD', creditLimit: '100.00' }));

    // Assess
    expect(result.customer.currency).toBe('USD');
    expect(world.tables.customers.get('C-1')?.currency).toBe('USD');
  });
});

describe('customers: balances', () => {
  let world: InMemoryWorld;

  beforeEach(() => {
    world = inMemoryWorld();
    world.customers.seed(aCustomer({ customerId: 'C-1', onAccountCreditMinor: 300 }));
    world.customers.seed(aCustomer({ customerId: 'C-2' }));
  });

  it('shows open, overdue and exposure (open items plus what accepted orders have not invoiced yet; an order on credit hold is not accepted)', async () => {
    // Prepare
    world.invoices.seed(anInvoice({ invoiceId: 'I-1', sequence: 1, totalMinor: 10_000 }));
    world.invoices.seed(anInvoice({ invoiceId: 'I-2', sequence: 2, totalMinor: 5_000, paidMinor: 2_000, balanceMinor: 3_000, status: 'PARTIALLY_PAID' }));
    world.invoices.seed(anInvoice({ invoiceId: 'I-3', sequence: 3, totalMinor: 4_000, status: 'OVERDUE', overdueSince: '2026-02-01T23:00:00.000Z' }));
    world.invoices.seed(anInvoice({ invoiceId: 'I-4', sequence: 4, totalMinor: 7_000, paidMinor: 7_000, balanceMinor: 0, status: 'PAID' }));
    world.invoices.seed(anInvoice({ invoiceId: 'I-5', sequence: 5, totalMinor: 900, status: 'WRITTEN_OFF' }));
    world.invoices.seed(anInvoice({ invoiceId: 'I-6', sequence: 6, customerId: 'C-2', totalMinor: 99_999 }));
    world.orders.seed(anOrder({ orderId: 'O-1', totalMinor: 1_000, status: 'RECEIVED' }));
    world.orders.seed(anOrder({ orderId: 'O-2', totalMinor: 2_000, status: 'AWAITING_SHIPMENT' }));
    world.orders.seed(anOrder({ orderId: 'O-3', totalMinor: 4_000, status: 'CREDIT_HOLD' }));
    world.orders.seed(anOrder({ orderId: 'O-4', totalMinor: 8_000, status: 'INVOICED' }));
    world.orders.seed(anOrder({ orderId: 'O-5', totalMinor: 16_000, status: 'CANCELLED' }));
    world.orders.seed(anOrder({ orderId: 'O-6', totalMinor: 32_000, status: 'RECEIVED', customerId: 'C-2' }));
    world.orders.seed(anOrder({ orderId: 'O-7', totalMinor: 5_000, invoicedMinor: 1_500, status: 'PARTIALLY_SHIPPED' }));

    // Act
    const view = await getCustomer(world.deps, SHOP, 'C-1');

    // Assess: 170.00 open + 10.00 (O-1) + 20.00 (O-2) + 35.00 not yet invoiced of O-7
    expect(view).toMatchObject({ openBalance: '170.00', overdueBalance: '40.00', exposure: '235.00', onAccountCredit: '3.00' });
  });

  it('reports an unknown customer as not found', async () => {
    // Act
    const error = await getCustomer(world.deps, SHOP, 'C-404').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ entity: 'Customer', id: 'C-404' });
  });
});
