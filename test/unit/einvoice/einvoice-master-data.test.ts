/**
 * E-invoicing master data and rules: customer address and identifiers, VAT categories on order
 * lines (400 naming the field for combinations the rules forbid), dates of supply, EN 16931 totals
 * (BR-CO-17) with a balanced journal, and `GET /invoices/{invoiceId}/einvoice`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { putCustomer } from '../../../lambdas/core/customers/customers';
import { ValidationError } from '../../../lambdas/core/errors';
import { issueInvoice } from '../../../lambdas/core/invoices/invoice';
import { newOrder, parsePlaceOrder, shipmentFor } from '../../../lambdas/core/orders/order';
import { isLeitwegId, vatIdProblem } from '../../../lambdas/core/einvoice/party';
import { EINVOICE_FORMATS, einvoiceModel, EinvoiceIncompleteError } from '../../../lambdas/core/einvoice/model';
import { routes } from '../../../lib/definitions/routes';
import { apiEvent, bodyOf, errorOf, lambdaContext, stubHandlerEnvironment } from '../../support/api-events';
import { inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { aCustomer, customerRequest, FINANCE, OTHER_SHOP, SHOP } from '../../support/builders';
import { germanBuyer, invoicesFor, testSeller } from '../../support/einvoice-cases';

const problemsOf = (fn: () => unknown): { field: string; problem: string }[] => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ValidationError');
};

describe('customer master data', () => {
  let world: InMemoryWorld;
  beforeEach(() => {
    world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
  });

  it('takes address, VAT id, legal id, buyer reference, Peppol id and format from a storefront, and keeps them when a later PUT leaves them out', async () => {
    // Act
    const address = { lines: ['Hauptstr. 1'], city: 'Berlin', postcode: '10115', subdivision: 'BE', country: 'DE' };
    const first = await putCustomer(world.deps, SHOP, 'C-1', {
      name: 'Acme Retail GmbH', email: 'ap@acme.example', currency: 'EUR',
      address, vatId: 'de 136 695 976', legalId: 'HRB 4711 B', buyerReference: '04011000-12345-03', peppolId: 'iso6523-actorid-upis::0204:04011000-12345-03', einvoiceFormat: 'xrechnung-cii',
    });
    const second = await putCustomer(world.deps, SHOP, 'C-1', { name: 'Acme Retail GmbH', email: 'ap@acme.example', currency: 'EUR' });

    // Assess
    expect(first.customer).toMatchObject({ address, vatId: 'DE136695976', legalId: 'HRB 4711 B', buyerReference: '04011000-12345-03', peppolId: '0204:04011000-12345-03', einvoiceFormat: 'xrechnung-cii' });
    expect(second.customer).toMatchObject({ address, vatId: 'DE136695976', einvoiceFormat: 'xrechnung-cii' });
  });

  it.each([
    [{ vatId: 'DE12345678' }, 'vatId', /not a VAT identifier of DE/],
    [{ vatId: 'QQ123' }, 'vatId', /known country prefix/],
    [{ vatId: 'FR40303265045', address: { lines: ['Hauptstr. 1'], city: 'Berlin', postcode: '10115', country: 'DE' } }, 'vatId', /of FR, but the address is in DE/],
    [{ address: { lines: ['Hauptstr. 1'], city: 'Berlin', postcode: '10115', country: 'XX' } }, 'address.country', /ISO 3166-1 alpha-2/],
    [{ address: { lines: [], city: 'Berlin', postcode: '10115', country: 'DE' } }, 'address.lines', /at least one line/],
    [{ peppolId: 'DE136695976' }, 'peppolId', /scheme:identifier/],
    [{ einvoiceFormat: 'fax' }, 'einvoiceFormat', /pdf, xrechnung-ubl, xrechnung-cii, zugferd, peppol-bis/],
  ])('refuses %j with a 400 naming %s, and writes nothing', async (fields, field, problem) => {
    // Act
    const error = await putCustomer(world.deps, FINANCE, 'C-9', customerRequest(fields)).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual([{ field, problem: expect.stringMatching(problem) }]);
    expect(await world.deps.customers.get('C-9')).toBeUndefined();
  });

  it('checks VAT ids per country and Leitweg-IDs by their check digits', () => {
    expect(['ATU13585627', 'EL094259216', 'NL004495445B01', 'CHE116281710MWST', 'IE6388047V'].map((id) => vatIdProblem(id))).toEqual([null, null, null, null, null]);
    expect(vatIdProblem('ATU1358562')).toMatch(/not a VAT identifier of AT/);
    expect(isLeitwegId('04011000-12345-03')).toBe(true);
    expect(isLeitwegId('04011000-12345-04')).toBe(false);
    expect(isLeitwegId('991-33333TEST-33')).toBe(true);
  });
});

describe('VAT categories on order lines', () => {
  const place = (lines: Record<string, unknown>[], customer = germanBuyer(), sellerVatId: string | null = testSeller.vatId) =>
    newOrder('O-1', parsePlaceOrder({ customerId: customer.customerId, currency: 'EUR', lines }), customer, new Date('2026-03-02T09:00:00Z'), { vatId: sellerVatId });

  it('gives an old client\'s lines S (rate above 0), Z (rate 0) and no VAT facts (no rate)', () => {
    const order = place([{ sku: 'A', quantity: 1, unitPrice: '10.00', taxRate: '19' }, { sku: 'B', quantity: 1, unitPrice: '10.00', taxRate: '0' }, { sku: 'C', quantity: 1, unitPrice: '10.00' }]);
    expect(order.lines.map((l) => [l.vatCategory ?? null, l.taxRatePercent])).toEqual([['S', '19'], ['Z', '0'], [null, null]]);
  });

  it.each([
    [[{ sku: 'A', quantity: 1, unitPrice: '1.00', vatCategory: 'AE' }], aCustomer({ vatId: null }), 'lines[0].vatCategory', /needs both VAT identifiers; missing the customer's/],
    [[{ sku: 'A', quantity: 1, unitPrice: '1.00', vatCategory: 'S', taxRate: '0' }], germanBuyer(), 'lines[0].taxRate', /above 0 for category S/],
    [[{ sku: 'A', quantity: 1, unitPrice: '1.00', vatCategory: 'Z', taxRate: '7' }], germanBuyer(), 'lines[0].taxRate', /must be 0/],
    [[{ sku: 'A', quantity: 1, unitPrice: '1.00', vatCategory: 'E' }], germanBuyer(), 'lines[0].exemptionReason', /required for category E/],
    [[{ sku: 'A', quantity: 1, unitPrice: '1.00', taxRate: '19', exemptionReason: 'x' }], germanBuyer(), 'lines[0].vatCategory', /required with an exemption reason/],
    [[{ sku: 'A', quantity: 1, unitPrice: '1.00', vatCategory: 'K' }], aCustomer({ vatId: 'CHE116281710', address: { lines: ['x'], city: 'Zürich', postcode: '8001', country: 'CH' } }), 'lines[0].vatCategory', /another EU member state, not CH/],
    [[{ sku: 'A', quantity: 1, unitPrice: '1.00', vatCategory: 'O', exemptionReason: 'n/a' }, { sku: 'B', quantity: 1, unitPrice: '1.00', taxRate: '19' }], germanBuyer(), 'lines', /category O .* other categories/],
    [[{ sku: 'A', quantity: 1, unitPrice: '1.00', vatCategory: 'S', taxRate: '19', exemptionCode: 'VATEX-EU-AE' }], germanBuyer(), 'lines[0].exemptionCode', /not exempt/],
  ])('refuses %j with a 400 naming the field', (lines, customer, field, problem) => {
    expect(problemsOf(() => place(lines, customer))).toEqual([{ field, problem: expect.stringMatching(problem) }]);
  });

  it('refuses reverse charge when the seller has no VAT id', () => {
    expect(problemsOf(() => place([{ sku: 'A', quantity: 1, unitPrice: '1.00', vatCategory: 'AE' }], germanBuyer(), null))).toEqual([
      { field: 'lines[0].vatCategory', problem: expect.stringMatching(/missing the seller's/) },
    ]);
  });

  it('fills the VATEX code of reverse charge, intra-community supply and export', () => {
    const order = place([{ sku: 'A', quantity: 1, unitPrice: '1.00', vatCategory: 'AE' }]);
    expect(order.lines[0]).toMatchObject({ vatCategory: 'AE', taxRatePercent: '0', exemptionCode: 'VATEX-EU-AE', exemptionReason: 'Reverse charge', taxMinor: 0 });
  });

  it('refuses a shipment with both a date and a period of supply, naming deliveryPeriod', () => {
    const order = { ...place([{ sku: 'A', quantity: 1, unitPrice: '1.00', taxRate: '19' }]), status: 'AWAITING_SHIPMENT' as const };
    expect(problemsOf(() => shipmentFor(order, { deliveryDate: '2026-03-01', deliveryPeriod: { from: '2026-02-01', to: '2026-02-28' } }, new Date()))).toEqual([
      { field: 'deliveryPeriod', problem: expect.stringMatching(/together with deliveryDate/) },
    ]);
    expect(problemsOf(() => shipmentFor(order, { deliveryPeriod: { from: '2026-03-01', to: '2026-02-28' } }, new Date()))).toEqual([
      { field: 'deliveryPeriod.to', problem: expect.stringMatching(/on or after/) },
    ]);
    expect(shipmentFor(order, { deliveryDate: '2026-03-01' }, new Date()).shipment.deliveryDate).toBe('2026-03-01');
  });
});

describe('EN 16931 totals', () => {
  it('rounds VAT once per category and rate (BR-CO-17), and the journal stays balanced', () => {
    // 30 lines of 0.05 at 19 %: 0.0095 each rounds to 0.01 per line (0.30), but 1.50 x 19 % = 0.285 -> 0.29 once.
    const { invoices } = invoicesFor(germanBuyer(), { lines: Array.from({ length: 30 }, (_, i) => ({ sku: `N-${i}`, quantity: 1, unitPrice: '0.05', taxRate: '19' })) });
    const invoice = invoices[0]!;
    expect(invoice.lines.reduce((a, l) => a + l.taxMinor, 0)).toBe(30);
    expect(invoice).toMatchObject({ netTotalMinor: 150, taxTotalMinor: 29, totalMinor: 179, balanceMinor: 179 });
    expect(invoice.vatBreakdown).toEqual([{ vatCategory: 'S', ratePercent: '19', netMinor: 150, taxMinor: 29, exemptionReason: null, exemptionCode: null }]);

    const customer = germanBuyer();
    const order = newOrder('O-J', parsePlaceOrder({ customerId: customer.customerId, currency: 'EUR', lines: [{ sku: 'A', quantity: 3, unitPrice: '0.05', taxRate: '19' }] }), customer, new Date('2026-03-02T09:00:00Z'));
    const shipment = { shipmentId: 'S1', shippedAt: '2026-03-01T10:00:00.000Z', carrier: null, trackingNumber: null, reportedAt: '2026-03-01T10:00:00.000Z', lines: [{ lineNo: 1, sku: 'A', quantity: 3 }], invoiceId: null };
    const { journal } = issueInvoice({ invoiceId: 'I-J', order: { ...order, shipments: [shipment] }, shipment, customer, series: 'INV-2026', sequence: 1, now: new Date('2026-03-02T09:00:00Z'), businessTimeZone: 'Europe/Berlin' });
    const sum = (side: string) => journal.lines.filter((l) => l.side === side).reduce((a, l) => a + l.amount.minor, 0);
    expect(sum('debit')).toBe(sum('credit'));
    expect(sum('debit')).toBe(15 + 3);
  });

  it('records the buyer, the order reference and the date of supply; without an address the invoice warns and is no e-invoice (409)', () => {
    const complete = invoicesFor(germanBuyer(), { lines: [{ sku: 'A', quantity: 1, unitPrice: '1.00', taxRate: '19' }], externalRef: 'PO-9' }).invoices[0]!;
    expect(complete).toMatchObject({ orderReference: 'PO-9', supply: { date: '2026-02-27' }, warnings: [], buyer: { vatId: 'DE136695976', address: { city: 'Berlin' } } });

    const bare = invoicesFor(aCustomer({ customerId: 'C-BARE' }), { lines: [{ sku: 'A', quantity: 1, unitPrice: '1.00', taxRate: '19' }] }).invoices[0]!;
    expect(bare.warnings).toEqual([expect.stringMatching(/customer has no address/)]);
    let error: unknown;
    try {
      einvoiceModel({ invoice: bare, seller: testSeller }, 'en16931');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EinvoiceIncompleteError);
    expect((error as EinvoiceIncompleteError).missing).toEqual([expect.stringMatching(/customer has no address/)]);
  });
});

describe('GET /invoices/{invoiceId}/einvoice', () => {
  let module: typeof import('../../../lambdas/handlers/api/get-invoice-einvoice');
  let world: InMemoryWorld;
  beforeAll(async () => {
    stubHandlerEnvironment();
    module = await import('../../../lambdas/handlers/api/get-invoice-einvoice');
  });
  afterAll(() => {
    vi.unstubAllEnvs();
  });
  beforeEach(() => {
    world = inMemoryWorld({ start: '2026-03-02T09:00:00Z', settings: { seller: testSeller } });
    const invoice = invoicesFor(germanBuyer(), { lines: [{ sku: 'A', quantity: 2, unitPrice: '10.00', taxRate: '19' }] }).invoices[0]!;
    world.tables.invoices.set('I-1', { ...invoice, invoiceId: 'I-1', ownerId: SHOP.clientId });
    const bare = invoicesFor(aCustomer({ customerId: 'C-BARE' }), { lines: [{ sku: 'A', quantity: 1, unitPrice: '1.00', taxRate: '19' }] }).invoices[0]!;
    world.tables.invoices.set('I-2', { ...bare, invoiceId: 'I-2', ownerId: SHOP.clientId });
  });
  const get = (invoiceId: string, format: string | undefined, client = 'test-shop') =>
    module.makeHandler(world.deps)(
      apiEvent('GET', `/invoices/${invoiceId}/einvoice`, { pathParameters: { invoiceId }, query: format === undefined ? {} : { format }, clientId: client }),
      lambdaContext,
    );

  it('declares exactly the formats the core writes', () => {
    const route = routes.find((r) => r.path === '/invoices/{invoiceId}/einvoice')!;
    expect(route.query?.format).toEqual({ kind: 'enum', values: [...EINVOICE_FORMATS] });
  });

  it.each([
    ['ubl', /<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/, /<cbc:CustomizationID>urn:cen.eu:en16931:2017<\//],
    ['cii', /<rsm:CrossIndustryInvoice/, /<ram:ID>urn:cen.eu:en16931:2017<\//],
    ['xrechnung-ubl', /<Invoice /, /xrechnung_3.0/],
    ['xrechnung-cii', /<rsm:CrossIndustryInvoice/, /xrechnung_3.0/],
    ['peppol-bis', /<Invoice /, /poacc:billing:3.0/],
  ])('answers %s as application/xml', async (format, root, specification) => {
    const response = await get('I-1', format);
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['content-type']).toBe('application/xml; charset=utf-8');
    expect(response.body).toMatch(root);
    expect(response.body).toMatch(specification);
  });

  it('answers 409 naming what is missing, 400 naming format, 404 for another storefront', async () => {
    const incomplete = await get('I-2', 'ubl');
    expect(incomplete.statusCode).toBe(409);
    expect(errorOf(incomplete)).toMatchObject({ code: 'EINVOICE_INCOMPLETE', message: expect.stringMatching(/customer has no address/) });
    const noFormat = await get('I-1', undefined);
    expect(noFormat.statusCode).toBe(400);
    expect(errorOf(noFormat).details).toEqual([{ field: 'format', problem: expect.stringMatching(/required/) }]);
    const badFormat = await get('I-1', 'pdf');
    expect(badFormat.statusCode).toBe(400);
    expect(errorOf(badFormat).details[0]?.field).toBe('format');
    const other = await get('I-1', 'ubl', OTHER_SHOP.clientId);
    expect(other.statusCode).toBe(404);
    expect(bodyOf<{ error: { code: string } }>(other).error.code).toBe('NOT_FOUND');
  });
});
