/**
 * The e-invoice validation matrix: invoices (and credit notes) issued through the product's own
 * code paths (order placement, shipments, issueInvoice, credit notes), one per case the issue
 * names. Each is written in every format and checked against the official artefacts.
 */
import type { Customer } from '../../lambdas/core/customers/customer';
import { issueInvoice, type Invoice } from '../../lambdas/core/invoices/invoice';
import type { Seller } from '../../lambdas/core/invoices/invoice-email';
import { newOrder, parsePlaceOrder, type Order, type Shipment } from '../../lambdas/core/orders/order';
import type { EinvoiceSource } from '../../lambdas/core/einvoice/model';
import { issueCreditNote } from '../../lambdas/core/invoices/credit-note';
import { aCustomer } from './builders';
import { nordlichtSeller } from './sellers';

/** A complete German seller (the test stage's, not the placeholder). */
export const testSeller: Seller = { ...nordlichtSeller, peppolId: '9930:DE811907980' };

const berlin = { lines: ['Hauptstr. 1'], city: 'Berlin', postcode: '10115', subdivision: 'BE', country: 'DE' };

export function germanBuyer(overrides: Partial<Customer> = {}): Customer {
  return aCustomer({ customerId: 'C-DE', name: 'Acme Retail GmbH', address: berlin, vatId: 'DE136695976', legalId: 'HRB 4711 B', peppolId: '9930:DE136695976', ...overrides });
}

const NOW = new Date('2026-03-02T09:00:00Z');
const TZ = 'Europe/Berlin';

let sequence = 0;

/** Places the order (as POST /orders would), reports the shipments, issues one invoice per shipment. */
export function invoicesFor(customer: Customer, body: Record<string, unknown>, shipments?: readonly Partial<Shipment>[]): { order: Order; invoices: Invoice[] } {
  let order = newOrder(`O-${++sequence}`, parsePlaceOrder({ customerId: customer.customerId, currency: customer.currency, ...body }), customer, NOW, { vatId: testSeller.vatId });
  const planned = shipments ?? [{ lines: order.lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: l.quantity })) }];
  const invoices: Invoice[] = [];
  planned.forEach((partial, index) => {
    const shipment: Shipment = {
      shipmentId: `${order.orderId}-S${index + 1}`,
      shippedAt: '2026-02-27T15:00:00.000Z',
      carrier: null,
      trackingNumber: null,
      reportedAt: NOW.toISOString(),
      lines: partial.lines ?? [],
      invoiceId: null,
      ...partial,
    };
    order = { ...order, shipments: [...order.shipments, shipment] };
    const { invoice } = issueInvoice({ invoiceId: `${order.orderId}-I${index + 1}`, order, shipment, customer, series: 'INV-2026', sequence: ++sequence, now: NOW, businessTimeZone: TZ });
    invoices.push(invoice);
  });
  return { order, invoices };
}

export interface MatrixCase {
  readonly name: string;
  readonly source: EinvoiceSource;
}

function one(name: string, customer: Customer, body: Record<string, unknown>): MatrixCase {
  return { name, source: { invoice: invoicesFor(customer, body).invoices[0]!, seller: testSeller } };
}

/** Every case of the matrix. */
export function matrixCases(): MatrixCase[] {
  const cases: MatrixCase[] = [
    one('domestic-standard', germanBuyer(), { lines: [{ sku: 'CHAIR-01', quantity: 4, unitPrice: '129.90', taxRate: '19' }], externalRef: 'PO-2026-001' }),
    one('several-rates', germanBuyer(), {
      lines: [
        { sku: 'BOOK-7', quantity: 3, unitPrice: '24.95', taxRate: '7' },
        { sku: 'LAMP-19', quantity: 1, unitPrice: '89.00', taxRate: '19' },
        { sku: 'MAP-7', quantity: 2, unitPrice: '9.99', vatCategory: 'S', taxRate: '7' },
      ],
    }),
    one('zero-rated', germanBuyer(), {
      lines: [
        { sku: 'SOLAR-PANEL', quantity: 10, unitPrice: '210.00', taxRate: '0' },
        { sku: 'CABLE', quantity: 5, unitPrice: '3.49', taxRate: '19' },
      ],
    }),
    one('exempt-with-reason', germanBuyer(), {
      lines: [
        { sku: 'COURSE', quantity: 1, unitPrice: '450.00', vatCategory: 'E', exemptionReason: 'Steuerfreie Bildungsleistung nach § 4 Nr. 21 UStG', exemptionCode: 'VATEX-EU-132-1I' },
        { sku: 'BINDER', quantity: 2, unitPrice: '4.50', taxRate: '19' },
      ],
    }),
    one('reverse-charge-eu', aCustomer({ customerId: 'C-FR', name: 'Bâtiments Dupont SARL', address: { lines: ['12 rue de la Paix'], city: 'Paris', postcode: '75002', country: 'FR' }, vatId: 'FR40303265045', peppolId: '9957:FR40303265045' }), {
      lines: [{ sku: 'INSTALL', quantity: 8, unitPrice: '95.00', vatCategory: 'AE' }],
    }),
    one('intra-community-supply', aCustomer({ customerId: 'C-AT', name: 'Alpen Handel GmbH', address: { lines: ['Ringstraße 5'], city: 'Wien', postcode: '1010', country: 'AT' }, vatId: 'ATU13585627', peppolId: '9914:ATU13585627' }), {
      lines: [{ sku: 'PUMP-3', quantity: 2, unitPrice: '1200.00', vatCategory: 'K' }],
    }),
    one('export-outside-eu', aCustomer({ customerId: 'C-US', name: 'Maple Imports Inc.', address: { lines: ['500 Market St'], city: 'San Francisco', postcode: '94105', subdivision: 'CA', country: 'US' }, peppolId: '0060:123456789' }), {
      lines: [{ sku: 'MACHINE', quantity: 1, unitPrice: '15800.00', vatCategory: 'G' }],
    }),
    one('jpy-no-decimals', germanBuyer({ customerId: 'C-JPY', currency: 'JPY' }), {
      lines: [
        { sku: 'TEA-SET', quantity: 3, unitPrice: '3333', taxRate: '19' },
        { sku: 'CUP', quantity: 7, unitPrice: '1001', taxRate: '7' },
      ],
    }),
    one('leitweg-id', germanBuyer({ customerId: 'C-GOV', name: 'Bezirksamt Mitte von Berlin', buyerReference: '04011000-12345-03', vatId: null, peppolId: '0204:04011000-12345-03' }), {
      lines: [{ sku: 'PAPER-A4', quantity: 40, unitPrice: '4.79', taxRate: '19' }],
      externalRef: 'BEST-2026-77',
    }),
    one('rounding-many-lines', germanBuyer(), {
      // 60 lines whose VAT per line rounds up each time: the breakdown rounds once on the sum (BR-CO-17).
      lines: Array.from({ length: 60 }, (_, i) => ({ sku: `NAIL-${i + 1}`, quantity: 1 + (i % 3), unitPrice: i % 2 ? '0.05' : '0.07', taxRate: i % 4 === 0 ? '7' : '19' })),
    }),
    one('outside-scope', germanBuyer({ customerId: 'C-O' }), {
      lines: [{ sku: 'DAMAGES', quantity: 1, unitPrice: '250.00', vatCategory: 'O', exemptionReason: 'Schadensersatz, nicht steuerbar' }],
    }),
  ];
  // Partial shipments: one order, two shipments, one invoice each (the second with a period of supply).
  const partial = invoicesFor(
    germanBuyer({ customerId: 'C-PART' }),
    { lines: [{ sku: 'SHELF', quantity: 5, unitPrice: '79.99', taxRate: '19' }, { sku: 'GUIDE', quantity: 5, unitPrice: '12.50', taxRate: '7' }] },
    [
      { lines: [{ lineNo: 1, sku: 'SHELF', quantity: 2 }, { lineNo: 2, sku: 'GUIDE', quantity: 1 }], deliveryDate: '2026-02-20' },
      { lines: [{ lineNo: 1, sku: 'SHELF', quantity: 3 }, { lineNo: 2, sku: 'GUIDE', quantity: 4 }], deliveryPeriod: { from: '2026-02-21', to: '2026-02-28' } },
    ],
  );
  cases.push({ name: 'partial-shipment-1', source: { invoice: partial.invoices[0]!, seller: testSeller } });
  cases.push({ name: 'partial-shipment-2', source: { invoice: partial.invoices[1]!, seller: testSeller } });
  // Credit notes (type 381) for some lines of the several-rates invoice, and for an amount split over its rates.
  const severalRates = cases[1]!.source.invoice;
  const someLines = issueCreditNote({ creditNoteId: 'CN-A', invoice: severalRates, body: { reason: 'Zwei Bücher beschädigt geliefert', lines: [{ sku: 'BOOK-7', quantity: 2 }, { sku: 'LAMP-19', quantity: 1 }] }, previous: [], series: 'CN-2026', sequence: 1, now: NOW, businessTimeZone: TZ });
  cases.push({ name: 'credit-note-some-lines', source: { invoice: severalRates, seller: testSeller, creditNote: someLines.creditNote } });
  const amount = issueCreditNote({ creditNoteId: 'CN-B', invoice: someLines.invoice, body: { reason: 'Goodwill', amount: '10.00' }, previous: [someLines.creditNote], series: 'CN-2026', sequence: 2, now: NOW, businessTimeZone: TZ });
  cases.push({ name: 'credit-note-amount', source: { invoice: severalRates, seller: testSeller, creditNote: amount.creditNote } });
  return cases;
}
