/**
 * Builders of requests and records for tests: a valid default for everything, the test overrides
 * what it is about.
 */
import type { Customer } from '../../lambdas/core/customers/customer';
import { invoiceNumber, rfReferenceFor, type Invoice } from '../../lambdas/core/invoices/invoice';
import type { Order } from '../../lambdas/core/orders/order';

/** The body of `PUT /customers/{customerId}`. */
export function customerRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'Acme Retail GmbH',
    email: 'ap@acme.example',
    currency: 'EUR',
    creditLimit: '10000.00',
    paymentTermsDays: 30,
    ...overrides,
  };
}

/** A stored customer record. */
export function aCustomer(overrides: Partial<Customer> = {}): Customer {
  return {
    customerId: 'C-1',
    name: 'Acme Retail GmbH',
    email: 'ap@acme.example',
    currency: 'EUR',
    creditLimitMinor: 1_000_000,
    paymentTermsDays: 30,
    dunningPolicyId: 'default',
    locale: 'en',
    timeZone: null,
    isConsumer: false,
    blocked: false,
    onAccountCreditMinor: 0,
    createdAt: '2026-01-05T08:00:00.000Z',
    updatedAt: '2026-01-05T08:00:00.000Z',
    ...overrides,
  };
}

/** The body of `POST /orders`. */
export function orderRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    customerId: 'C-1',
    currency: 'EUR',
    lines: [{ sku: 'SKU-1', quantity: 2, unitPrice: '50.25' }],
    ...overrides,
  };
}

/** A stored order record (RECEIVED, one line, 100.00 EUR unless told otherwise). */
export function anOrder(overrides: Partial<Order> = {}): Order {
  const orderId = overrides.orderId ?? 'O-1';
  return {
    orderId,
    customerId: 'C-1',
    currency: 'EUR',
    externalRef: null,
    lines: [{ lineNo: 1, sku: 'SKU-1', quantity: 1, unitPriceMinor: 10_000, amountMinor: 10_000 }],
    totalMinor: 10_000,
    status: 'RECEIVED',
    history: [{ status: 'RECEIVED', at: '2026-03-01T09:00:00.000Z' }],
    invoiceIds: [],
    shipments: [],
    executionName: `order-${orderId}`,
    createdAt: '2026-03-01T09:00:00.000Z',
    updatedAt: '2026-03-01T09:00:00.000Z',
    ...overrides,
  };
}

/** A stored open invoice (100.00 EUR of C-1, sequence 1 of INV-2026 unless told otherwise). */
export function anInvoice(overrides: Partial<Invoice> = {}): Invoice {
  const series = overrides.series ?? 'INV-2026';
  const sequence = overrides.sequence ?? 1;
  const number = overrides.number ?? invoiceNumber(series, sequence);
  const totalMinor = overrides.totalMinor ?? 10_000;
  return {
    invoiceId: `I-${sequence}`,
    number,
    series,
    sequence,
    rfReference: rfReferenceFor(number),
    orderId: null,
    customerId: 'C-1',
    customerName: 'Acme Retail GmbH',
    currency: 'EUR',
    lines: [{ lineNo: 1, sku: 'SKU-1', quantity: 1, unitPriceMinor: totalMinor, amountMinor: totalMinor }],
    totalMinor,
    paidMinor: 0,
    balanceMinor: totalMinor,
    status: 'OPEN',
    issueDate: '2026-03-02',
    dueDate: '2026-04-01',
    overdueAt: '2026-04-01T22:00:00.000Z',
    overdueSince: null,
    issuedAt: '2026-03-02T09:00:00.000Z',
    sentAt: null,
    emailMessageId: null,
    allocations: [],
    history: [{ status: 'OPEN', at: '2026-03-02T09:00:00.000Z' }],
    dunning: { level: 0, blockedUntil: null, history: [] },
    ...overrides,
  };
}

/** The body of `POST /payments`. */
export function paymentRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { amount: '100.00', currency: 'EUR', valueDate: '2026-03-10', payerName: 'Acme Retail GmbH', ...overrides };
}
