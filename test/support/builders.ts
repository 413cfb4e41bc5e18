/**
 * Builders of requests and records for tests: a valid default for everything, the test overrides
 * what it is about.
 */
import type { Customer } from '../../lambdas/core/customers/customer';
import { invoiceNumber, rfReferenceFor, type Invoice } from '../../lambdas/core/invoices/invoice';
import type { Order, OrderLine, Shipment } from '../../lambdas/core/orders/order';
import type { Caller } from '../../lambdas/core/access/caller';

/** The storefront the records below belong to (the `test-shop` client of `api-events.ts`). */
export const SHOP: Caller = { clientId: 'test-shop', role: 'storefront' };
/** Another storefront: it must see none of SHOP's records. */
export const OTHER_SHOP: Caller = { clientId: 'other-shop', role: 'storefront' };
/** Finance: sees and changes everything. */
export const FINANCE: Caller = { clientId: 'test-finance', role: 'finance' };

/** The contact part of a customer request: what a storefront may send (finance's terms left out). */
export function contactPart(request: Record<string, unknown>): Record<string, unknown> {
  const { creditLimit: _l, paymentTermsDays: _t, dunningPolicyId: _d, blocked: _b, ...contact } = request;
  return contact;
}

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
    registeredBy: SHOP.clientId,
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

/** An order (or invoice) line without tax: 1 x 100.00 unless told otherwise; amounts follow quantity and price. */
export function anOrderLine(overrides: Partial<OrderLine> = {}): OrderLine {
  const quantity = overrides.quantity ?? 1;
  const unitPriceMinor = overrides.unitPriceMinor ?? 10_000;
  const amountMinor = overrides.amountMinor ?? quantity * unitPriceMinor;
  const taxMinor = overrides.taxMinor ?? 0;
  return {
    lineNo: 1,
    sku: 'SKU-1',
    quantity,
    unitPriceMinor,
    amountMinor,
    taxRatePercent: null,
    taxMinor,
    grossMinor: amountMinor + taxMinor,
    ...overrides,
  };
}

/** A reported shipment of everything in `lines` (line 1 x 1 unless told otherwise), not yet invoiced. */
export function aShipment(overrides: Partial<Shipment> = {}): Shipment {
  return {
    shipmentId: 'S-1',
    shippedAt: '2026-03-03T10:00:00.000Z',
    carrier: null,
    trackingNumber: null,
    reportedAt: '2026-03-03T11:00:00.000Z',
    lines: [{ lineNo: 1, sku: 'SKU-1', quantity: 1 }],
    invoiceId: null,
    ...overrides,
  };
}

/**
 * A stored order record (RECEIVED, one line without tax, 100.00 EUR unless told otherwise). The
 * totals follow the lines given unless they are given too.
 */
export function anOrder(overrides: Partial<Order> = {}): Order {
  const orderId = overrides.orderId ?? 'O-1';
  const lines = overrides.lines ?? (overrides.totalMinor !== undefined ? [anOrderLine({ unitPriceMinor: overrides.totalMinor })] : [anOrderLine()]);
  const netTotalMinor = lines.reduce((a, l) => a + l.amountMinor, 0);
  const taxTotalMinor = lines.reduce((a, l) => a + l.taxMinor, 0);
  return {
    orderId,
    customerId: 'C-1',
    currency: 'EUR',
    externalRef: null,
    lines,
    netTotalMinor,
    taxTotalMinor,
    totalMinor: netTotalMinor + taxTotalMinor,
    status: 'RECEIVED',
    history: [{ status: 'RECEIVED', at: '2026-03-01T09:00:00.000Z' }],
    invoiceIds: [],
    shipments: [],
    executionName: `order-${orderId}`,
    pendingShipments: 0,
    openInvoiceCount: 0,
    invoicedMinor: 0,
    version: 1,
    createdAt: '2026-03-01T09:00:00.000Z',
    updatedAt: '2026-03-01T09:00:00.000Z',
    ownerId: SHOP.clientId,
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
    shipmentId: null,
    lines: [anOrderLine({ unitPriceMinor: totalMinor })],
    netTotalMinor: totalMinor,
    taxTotalMinor: 0,
    taxes: [],
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
    ownerId: SHOP.clientId,
    ...overrides,
  };
}

let providerPayments = 0;

/** The body of `POST /payments`, with a new provider payment id each time (one payment per call). */
export function paymentRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  providerPayments += 1;
  return { amount: '100.00', currency: 'EUR', valueDate: '2026-03-10', payerName: 'Acme Retail GmbH', providerPaymentId: `psp-${providerPayments}`, ...overrides };
}
