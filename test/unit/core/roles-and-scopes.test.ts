/**
 * Roles and scopes in the core: a storefront sees and changes only the customers it registered and
 * their orders and invoices (another storefront's answer as unknown), may not set what finance
 * decides, and records a provider's payment once.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { getCustomer, putCustomer } from '../../../lambdas/core/customers/customers';
import { cancelOrder, getOrder, placeOrder, reportShipment } from '../../../lambdas/core/orders/orders';
import { getInvoice, listInvoices } from '../../../lambdas/core/invoices/invoices';
import { getInvoiceDocument } from '../../../lambdas/core/invoices/invoice-documents';
import { recordPayment } from '../../../lambdas/core/payments/record-payment';
import { paymentIdFor } from '../../../lambdas/core/payments/payment';
import { listCustomers, listOrders } from '../../../lambdas/core/reports/finance-lists';
import { ForbiddenFieldError, NotFoundError, ValidationError } from '../../../lambdas/core/errors';
import { maySee, ownerScope, scopeOf } from '../../../lambdas/core/access/caller';
import { inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { InMemoryCustomerLister, InMemoryOrderLister } from '../../support/finance-fakes';
import { FINANCE, OTHER_SHOP, SHOP, aCustomer, anInvoice, contactPart, customerRequest, orderRequest, paymentRequest } from '../../support/builders';
import { invoicedOrder, orderAwaitingShipment, registerCustomer } from '../../support/scenarios';

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

let world: InMemoryWorld;

beforeEach(() => {
  world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
});

describe('callers', () => {
  it('limit a storefront to its own client id, finance to nothing', () => {
    expect(ownerScope(SHOP)).toBe('test-shop');
    expect(ownerScope(FINANCE)).toBeNull();
    expect(scopeOf(SHOP)).toBe('test-shop');
    expect(scopeOf(FINANCE)).toBe('all');
    expect(maySee(SHOP, 'test-shop')).toBe(true);
    expect(maySee(SHOP, 'other-shop')).toBe(false);
    // a record without an owner (stored before owners were recorded) is finance's only
    expect(maySee(SHOP, undefined)).toBe(false);
    expect(maySee(FINANCE, undefined)).toBe(true);
  });
});

describe('a storefront registering customers', () => {
  it("creates a customer with its contact data; finance's terms come from the settings and the storefront owns it", async () => {
    const result = await putCustomer(world.deps, SHOP, 'C-1', contactPart(customerRequest({ locale: 'de', timeZone: 'Europe/Berlin', isConsumer: true })));
    expect(result.created).toBe(true);
    expect(result.customer).toMatchObject({ creditLimit: '0.00', paymentTermsDays: 30, dunningPolicyId: 'default', blocked: false, locale: 'de', registeredBy: 'test-shop' });
    expect(world.tables.customers.get('C-1')).toMatchObject({ registeredBy: 'test-shop', creditLimitMinor: 0 });
  });

  it('takes the credit limit default in whole units of any currency', async () => {
    const defaults = { creditLimit: '5000', paymentTermsDays: 14, dunningPolicyId: 'eu-late-payment' };
    const custom = inMemoryWorld({ settings: { customerDefaults: defaults } });
    const yen = await putCustomer(custom.deps, SHOP, 'C-JP', contactPart(customerRequest({ currency: 'JPY' })));
    const dinar = await putCustomer(custom.deps, SHOP, 'C-KW', contactPart(customerRequest({ currency: 'KWD' })));
    expect(yen.customer).toMatchObject({ creditLimit: '5000', paymentTermsDays: 14, dunningPolicyId: 'eu-late-payment' });
    expect(custom.tables.customers.get('C-JP')?.creditLimitMinor).toBe(5000);
    expect(custom.tables.customers.get('C-KW')?.creditLimitMinor).toBe(5_000_000);
    expect(dinar.customer.creditLimit).toBe('5000.000');
  });

  it.each([['creditLimit', { creditLimit: '99999.00' }], ['paymentTermsDays', { paymentTermsDays: 90 }], ['dunningPolicyId', { dunningPolicyId: 'none' }], ['blocked', { blocked: false }]])(
    'refuses %s from a storefront (403 FORBIDDEN_FIELD naming it) and writes nothing',
    async (field, extra) => {
      const error = await failure(putCustomer(world.deps, SHOP, 'C-1', { ...contactPart(customerRequest()), ...extra }));
      expect(error).toBeInstanceOf(ForbiddenFieldError);
      expect((error as ForbiddenFieldError).code).toBe('FORBIDDEN_FIELD');
      expect((error as ForbiddenFieldError).problems).toEqual([{ field, problem: 'is decided by finance; a storefront may not set it' }]);
      expect(world.tables.customers.size).toBe(0);
    },
  );

  it('names every forbidden field at once, before checking anything else, and changes nothing of an existing customer', async () => {
    await registerCustomer(world, 'C-1', { creditLimit: '100.00' });
    const before = structuredClone(world.tables.customers.get('C-1'));
    const error = await failure(putCustomer(world.deps, SHOP, 'C-1', { ...customerRequest({ email: 'not an email', creditLimit: 'lots', blocked: true }), registeredBy: 'test-shop' }));
    expect(error).toBeInstanceOf(ForbiddenFieldError);
    expect((error as ForbiddenFieldError).problems.map((p) => p.field)).toEqual(['registeredBy', 'creditLimit', 'paymentTermsDays', 'blocked']);
    expect(world.tables.customers.get('C-1')).toEqual(before);
  });

  it('changes its own customer\'s contact data and keeps finance\'s terms', async () => {
    await registerCustomer(world, 'C-1', { creditLimit: '2500.00', paymentTermsDays: 14, dunningPolicyId: 'strict', blocked: true });
    const result = await putCustomer(world.deps, SHOP, 'C-1', contactPart(customerRequest({ name: 'Acme Retail AG', email: 'billing@acme.example', locale: 'fr' })));
    expect(result.created).toBe(false);
    expect(result.customer).toMatchObject({ name: 'Acme Retail AG', email: 'billing@acme.example', locale: 'fr', creditLimit: '2500.00', paymentTermsDays: 14, dunningPolicyId: 'strict', blocked: true, registeredBy: 'test-shop' });
  });

  it("answers another storefront's customer as unknown: reading and changing it is 404, and it stays as it was", async () => {
    await registerCustomer(world, 'C-1');
    const before = structuredClone(world.tables.customers.get('C-1'));
    expect(await failure(getCustomer(world.deps, OTHER_SHOP, 'C-1'))).toBeInstanceOf(NotFoundError);
    const error = await failure(putCustomer(world.deps, OTHER_SHOP, 'C-1', contactPart(customerRequest({ name: 'Taken Over Ltd' }))));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toBe('Customer C-1 does not exist');
    expect(world.tables.customers.get('C-1')).toEqual(before);
  });

  it("lets finance change everything but the owner, and refuses registeredBy from finance too", async () => {
    await registerCustomer(world, 'C-1');
    const changed = await putCustomer(world.deps, FINANCE, 'C-1', customerRequest({ creditLimit: '1.00', blocked: true, name: 'Renamed' }));
    expect(changed.customer).toMatchObject({ creditLimit: '1.00', blocked: true, name: 'Renamed', registeredBy: 'test-shop' });
    const error = await failure(putCustomer(world.deps, FINANCE, 'C-1', { ...customerRequest(), registeredBy: 'test-finance' }));
    expect(error).toBeInstanceOf(ForbiddenFieldError);
    expect((error as ForbiddenFieldError).problems).toEqual([{ field: 'registeredBy', problem: 'is the client that registered the customer; nobody may set or change it' }]);
    expect(world.tables.customers.get('C-1')?.registeredBy).toBe('test-shop');
  });

  it('puts the credit limit back to the default when the currency changes and no limit is sent', async () => {
    await registerCustomer(world, 'C-1', { creditLimit: '2500.00' });
    const changed = await putCustomer(world.deps, SHOP, 'C-1', contactPart(customerRequest({ currency: 'USD' })));
    expect(changed.customer).toMatchObject({ currency: 'USD', creditLimit: '0.00' });
  });

  it('does not let a second client take over an id registered meanwhile (the write is conditional on the owner)', async () => {
    // Both read "no customer C-1", then both write: the second write must not change the owner.
    world.customers.seed(aCustomer({ customerId: 'C-1', registeredBy: 'other-shop', name: 'First Come' }));
    const won = await world.customers.put(aCustomer({ customerId: 'C-1', registeredBy: 'test-shop', name: 'Second' }));
    expect(won).toBe(false);
    expect(world.tables.customers.get('C-1')).toMatchObject({ registeredBy: 'other-shop', name: 'First Come' });
  });
});

describe("a storefront's orders and invoices", () => {
  it('orders only for its own customers: another storefront\'s customer is an unknown customerId', async () => {
    await registerCustomer(world, 'C-1');
    const error = await failure(placeOrder(world.deps, OTHER_SHOP, orderRequest()));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual([{ field: 'customerId', problem: 'no customer C-1 exists' }]);
    expect(world.tables.orders.size).toBe(0);
    const placed = await placeOrder(world.deps, SHOP, orderRequest());
    expect(world.tables.orders.get(placed.orderId)?.ownerId).toBe('test-shop');
  });

  it("answers another storefront's order as not found for reading, shipping and cancelling, and changes nothing", async () => {
    await registerCustomer(world, 'C-1');
    const { orderId } = await orderAwaitingShipment(world);
    const before = structuredClone(world.tables.orders.get(orderId));
    for (const attempt of [
      getOrder(world.deps, OTHER_SHOP, orderId),
      reportShipment(world.deps, OTHER_SHOP, orderId, {}),
      cancelOrder(world.deps, OTHER_SHOP, orderId, { reason: 'not mine' }),
    ]) {
      const error = await failure(attempt);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).message).toBe(`Order ${orderId} does not exist`);
    }
    expect(world.tables.orders.get(orderId)).toEqual(before);
    expect((await getOrder(world.deps, SHOP, orderId)).orderId).toBe(orderId);
    expect((await getOrder(world.deps, FINANCE, orderId)).orderId).toBe(orderId);
  });

  it("gives the invoice its customer's owner, and answers another storefront's invoice and document as not found", async () => {
    await registerCustomer(world, 'C-1');
    const { invoice } = await invoicedOrder(world);
    expect(invoice.ownerId).toBe('test-shop');
    expect(await failure(getInvoice(world.deps, OTHER_SHOP, invoice.invoiceId))).toBeInstanceOf(NotFoundError);
    expect(await failure(getInvoiceDocument(world.deps, OTHER_SHOP, invoice.invoiceId, 'text/html'))).toBeInstanceOf(NotFoundError);
    expect((await getInvoice(world.deps, SHOP, invoice.invoiceId)).invoiceId).toBe(invoice.invoiceId);
    expect((await getInvoiceDocument(world.deps, SHOP, invoice.invoiceId, 'text/html')).contentType).toMatch(/text\/html/);
    // an invoice without an owner (stored before owners were recorded) is finance's only
    world.invoices.seed(anInvoice({ invoiceId: 'I-OLD', ownerId: undefined }));
    expect(await failure(getInvoice(world.deps, SHOP, 'I-OLD'))).toBeInstanceOf(NotFoundError);
    expect((await getInvoice(world.deps, FINANCE, 'I-OLD')).invoiceId).toBe('I-OLD');
  });

  it('lists only its own invoices, orders and customers (by owner), and nothing of a customer of another storefront', async () => {
    await registerCustomer(world, 'C-1');
    const mine = await invoicedOrder(world);
    world.customers.seed(aCustomer({ customerId: 'C-2', registeredBy: 'other-shop' }));
    world.invoices.seed(anInvoice({ invoiceId: 'I-OTHER', sequence: 99, customerId: 'C-2', ownerId: 'other-shop' }));
    const deps = { ...world.deps, orderLists: new InMemoryOrderLister(world.tables), customerLists: new InMemoryCustomerLister(world.tables) };

    const invoices = await listInvoices(deps, SHOP, {});
    expect(invoices.items.map((i) => i.invoiceId)).toEqual([mine.invoice.invoiceId]);
    expect((await listInvoices(deps, SHOP, { status: 'OPEN' })).items.map((i) => i.invoiceId)).toEqual([mine.invoice.invoiceId]);
    expect((await listInvoices(deps, SHOP, { status: 'PAID' })).items).toEqual([]);
    expect(await listInvoices(deps, SHOP, { customerId: 'C-2' })).toEqual({ items: [], cursor: null });
    expect((await listInvoices(deps, OTHER_SHOP, { status: 'OPEN' })).items.map((i) => i.invoiceId)).toEqual(['I-OTHER']);
    expect((await listInvoices(deps, FINANCE, { status: 'OPEN' })).items.map((i) => i.invoiceId).sort()).toEqual([mine.invoice.invoiceId, 'I-OTHER'].sort());

    expect((await listOrders(deps, SHOP, {})).items.map((o) => o.orderId)).toEqual([mine.orderId]);
    expect((await listOrders(deps, OTHER_SHOP, {})).items).toEqual([]);
    expect(await listOrders(deps, OTHER_SHOP, { customerId: 'C-1' })).toEqual({ items: [], cursor: null });
    expect((await listOrders(deps, SHOP, { customerId: 'C-1', status: 'INVOICED' })).items.map((o) => o.orderId)).toEqual([mine.orderId]);

    expect((await listCustomers(deps, SHOP, {})).items.map((c) => c.customerId)).toEqual(['C-1']);
    expect((await listCustomers(deps, OTHER_SHOP, {})).items.map((c) => c.customerId)).toEqual(['C-2']);
    expect((await listCustomers(deps, FINANCE, {})).items.map((c) => c.customerId)).toEqual(['C-1', 'C-2']);
  });
});

describe("a storefront's payments (providerPaymentId)", () => {
  beforeEach(async () => {
    await registerCustomer(world, 'C-1');
  });

  it('needs the provider payment id from a storefront, 1-255 characters without control characters, and writes nothing otherwise', async () => {
    const { invoice } = await invoicedOrder(world);
    const cases: [Record<string, unknown>, string][] = [
      [{ providerPaymentId: undefined }, "is required: your payment provider's id of this payment (1-255 characters)"],
      [{ providerPaymentId: '' }, 'must not be empty'],
      [{ providerPaymentId: 'x'.repeat(256) }, 'must be at most 255 characters'],
      [{ providerPaymentId: 'pi_1\u0000' }, 'must not contain control characters'],
      [{ providerPaymentId: 'pi_1\nX' }, 'must not contain control characters'],
      [{ providerPaymentId: 42 }, 'must be a string, not the number 42'],
    ];
    for (const [overrides, problem] of cases) {
      const body = paymentRequest({ amount: '100.50', reference: invoice.number, ...overrides });
      if (overrides.providerPaymentId === undefined) delete body.providerPaymentId;
      const error = await failure(recordPayment(world.deps, SHOP, body));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).problems).toEqual([{ field: 'providerPaymentId', problem }]);
    }
    expect(world.tables.payments.size).toBe(0);
    expect(world.tables.invoices.get(invoice.invoiceId)?.paidMinor).toBe(0);
    expect((await recordPayment(world.deps, SHOP, paymentRequest({ amount: '1.00', reference: invoice.number, providerPaymentId: 'x'.repeat(255) }))).created).toBe(true);
  });

  it('records a provider payment once per client: the same id again answers the first payment and records nothing', async () => {
    const { invoice } = await invoicedOrder(world);
    const first = await recordPayment(world.deps, SHOP, paymentRequest({ amount: '40.00', reference: invoice.number, providerPaymentId: 'pi_123' }));
    const ledgerRows = world.tables.ledger.length;
    const again = await recordPayment(world.deps, SHOP, paymentRequest({ amount: '40.00', reference: invoice.number, providerPaymentId: 'pi_123' }));
    expect(first.created).toBe(true);
    expect(first.payment).toMatchObject({ paymentId: paymentIdFor('test-shop', 'pi_123'), providerPaymentId: 'pi_123', status: 'applied' });
    expect(again).toEqual({ created: false, payment: first.payment });
    expect(world.tables.payments.size).toBe(1);
    expect(world.tables.ledger).toHaveLength(ledgerRows);
    expect(world.tables.invoices.get(invoice.invoiceId)?.paidMinor).toBe(4_000);
    expect(world.tables.payments.get(first.payment.paymentId)).toMatchObject({ recordedBy: 'test-shop', providerPaymentId: 'pi_123' });
  });

  it('records concurrent posts of the same provider payment once', async () => {
    const { invoice } = await invoicedOrder(world);
    const body = paymentRequest({ amount: '10.00', reference: invoice.number, providerPaymentId: 'pi_race' });
    const results = await Promise.all([recordPayment(world.deps, SHOP, body), recordPayment(world.deps, SHOP, body), recordPayment(world.deps, SHOP, body)]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.payment.paymentId)).size).toBe(1);
    expect(world.tables.payments.size).toBe(1);
    expect(world.tables.invoices.get(invoice.invoiceId)?.paidMinor).toBe(1_000);
  });

  it("derives the payment id from the client and the provider's id: another client's same id is another payment", () => {
    expect(paymentIdFor('test-shop', 'pi_1')).toBe(paymentIdFor('test-shop', 'pi_1'));
    expect(paymentIdFor('test-shop', 'pi_1')).not.toBe(paymentIdFor('other-shop', 'pi_1'));
    // the separator keeps ("a", "b:c") and ("a:b", "c") apart
    expect(paymentIdFor('a', 'b:c')).not.toBe(paymentIdFor('a:b', 'c'));
    expect(paymentIdFor('test-shop', 'pi_1')).toMatch(/^PP-[0-9a-f]{40}$/);
  });

  it("treats another storefront's invoice as unknown: its payment stays unapplied (unknown-reference), by reference or by id", async () => {
    const { invoice } = await invoicedOrder(world);
    world.customers.seed(aCustomer({ customerId: 'C-9', registeredBy: 'other-shop' }));
    const byNumber = await recordPayment(world.deps, OTHER_SHOP, paymentRequest({ amount: '100.50', reference: invoice.number, providerPaymentId: 'pi_1' }));
    const byRf = await recordPayment(world.deps, OTHER_SHOP, paymentRequest({ amount: '100.50', reference: invoice.rfReference, providerPaymentId: 'pi_2' }));
    const byId = await recordPayment(world.deps, OTHER_SHOP, paymentRequest({ amount: '100.50', invoiceIds: [invoice.invoiceId], providerPaymentId: 'pi_3' }));
    for (const { payment, created } of [byNumber, byRf, byId]) {
      expect(created).toBe(true);
      expect(payment).toMatchObject({ status: 'unapplied', unappliedReason: 'unknown-reference', customerId: null, allocations: [] });
    }
    expect(world.tables.invoices.get(invoice.invoiceId)?.paidMinor).toBe(0);
    // the same provider id from SHOP is SHOP's own payment, and settles its invoice
    const mine = await recordPayment(world.deps, SHOP, paymentRequest({ amount: '100.50', reference: invoice.number, providerPaymentId: 'pi_1' }));
    expect(mine.created).toBe(true);
    expect(mine.payment.paymentId).not.toBe(byNumber.payment.paymentId);
    expect(world.tables.invoices.get(invoice.invoiceId)).toMatchObject({ status: 'PAID', paidMinor: 10_050 });
  });
});
