/**
 * E-invoices and credit notes on the local AWS, through HTTP: a storefront registers a customer
 * with address and VAT id, an order with a standard and an exempt line ships with a date of supply,
 * the invoice is served in each format (409 naming what is missing when the customer has no
 * address), finance issues a credit note for some lines (a retry with the same Idempotency-Key
 * answers the same credit note), reads it and its e-invoice, and the ledger stays balanced.
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

async function invoicedOrder(customerId: string, lines: BodyOf<'postOrders'>['lines']): Promise<string> {
  const placed = await api.op('postOrders', { body: { customerId, currency: 'EUR', lines, externalRef: 'PO-4711' } });
  expect(placed.status).toBe(202);
  const orderId = String(placed.body.orderId);
  await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
  expect((await api.op('postOrdersOrderIdShipments', { path: { orderId }, body: { deliveryDate: '2026-03-01' } })).status).toBe(202);
  const order = await api.waitForOrderStatus(orderId, 'INVOICED');
  return String(order.body.invoiceId);
}

describe('e-invoices and credit notes', () => {
  it('serves the invoice as EN 16931 XML, issues a credit note for some lines, and keeps the ledger balanced', async () => {
    const customerId = uniqueId('einv');
    const registered = await api.registerCustomer(customerId, {
      name: 'Acme Retail GmbH',
      email: `${customerId}@example.com`,
      currency: 'EUR',
      creditLimit: '100000.00',
      address: { lines: ['Hauptstr. 1'], city: 'Berlin', postcode: '10115', country: 'DE' },
      vatId: 'DE136695976',
      buyerReference: '04011000-12345-03',
      einvoiceFormat: 'xrechnung-cii',
    });
    expect(registered.status).toBe(201);
    const invoiceId = await invoicedOrder(customerId, [
      { sku: 'BOOK-7', quantity: 3, unitPrice: '24.95', taxRate: '7' },
      { sku: 'COURSE', quantity: 1, unitPrice: '450.00', vatCategory: 'E', exemptionReason: 'Steuerfreie Bildungsleistung', exemptionCode: 'VATEX-EU-132-1I' },
    ]);
    const invoice = (await api.op('getInvoicesInvoiceId', { path: { invoiceId } })).body;
    expect(invoice).toMatchObject({ warnings: [], supply: { date: '2026-03-01' }, orderReference: 'PO-4711', vatBreakdown: [expect.objectContaining({ vatCategory: 'S', rate: '7' }), expect.objectContaining({ vatCategory: 'E' })] });

    const xml = await api.op<'getInvoicesInvoiceIdEinvoice', string>('getInvoicesInvoiceIdEinvoice', { path: { invoiceId }, query: { format: 'xrechnung-cii' } });
    expect(xml.status).toBe(200);
    expect(xml.headers.get('content-type')).toBe('application/xml; charset=utf-8');
    expect(xml.body).toContain(`<ram:ID>${String(invoice.number)}</ram:ID>`);
    expect(xml.body).toContain('<ram:BuyerReference>04011000-12345-03</ram:BuyerReference>');
    // The local seller has no Peppol participant id: Peppol says so.
    const peppol = await api.op<'getInvoicesInvoiceIdEinvoice', { error: { code: string; message: string } }>('getInvoicesInvoiceIdEinvoice', { path: { invoiceId }, query: { format: 'peppol-bis' } });
    expect(peppol.status).toBe(409);
    expect(peppol.body.error).toMatchObject({ code: 'EINVOICE_INCOMPLETE', message: expect.stringContaining('seller has no Peppol participant id') });

    const key = `credit-${customerId}`;
    const credited = await api.op<'postInvoicesInvoiceIdCreditNotes', Record<string, unknown>>('postInvoicesInvoiceIdCreditNotes', { path: { invoiceId }, body: { reason: 'two damaged', lines: [{ sku: 'BOOK-7', quantity: 2 }] } }, { as: 'finance', headers: { 'Idempotency-Key': key } });
    expect(credited.status).toBe(201);
    expect(credited.body).toMatchObject({ typeCode: '381', number: expect.stringMatching(/^CN-\d{4}-\d{6}$/), total: '53.39', invoiceNumber: invoice.number });
    const again = await api.op('postInvoicesInvoiceIdCreditNotes', { path: { invoiceId }, body: { reason: 'two damaged', lines: [{ sku: 'BOOK-7', quantity: 2 }] } }, { as: 'finance', headers: { 'Idempotency-Key': key } });
    expect(again.body).toEqual(credited.body);
    const creditNoteId = String(credited.body.creditNoteId);
    expect((await api.op('getCreditNotesCreditNoteId', { path: { creditNoteId } })).body).toMatchObject({ creditNoteId, total: '53.39' });
    const creditXml = await api.op<'getCreditNotesCreditNoteIdEinvoice', string>('getCreditNotesCreditNoteIdEinvoice', { path: { creditNoteId }, query: { format: 'ubl' } });
    expect(creditXml.body).toContain('<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>');
    expect((await api.op('getInvoicesInvoiceId', { path: { invoiceId } })).body).toMatchObject({ balance: (Number(invoice.total) - 53.39).toFixed(2) });
    const storefrontCredit = await api.op('postInvoicesInvoiceIdCreditNotes', { path: { invoiceId }, body: { reason: 'x' } });
    expect(storefrontCredit.status).toBe(403);

    expect(await api.ledgerCheck()).toMatchObject({ balanced: true });
  });

  it('answers 409 naming the missing address for a customer registered without one, and the invoice warns', async () => {
    const customerId = uniqueId('bare');
    await api.registerCustomer(customerId, { name: 'Old Client Ltd', email: `${customerId}@example.com`, currency: 'EUR', creditLimit: '100000.00' });
    const invoiceId = await invoicedOrder(customerId, [{ sku: 'A', quantity: 1, unitPrice: '10.00', taxRate: '19' }]);
    expect((await api.op('getInvoicesInvoiceId', { path: { invoiceId } })).body).toMatchObject({ warnings: [expect.stringContaining('no address')] });
    const xml = await api.op<'getInvoicesInvoiceIdEinvoice', { error: { code: string; message: string } }>('getInvoicesInvoiceIdEinvoice', { path: { invoiceId }, query: { format: 'ubl' } });
    expect(xml.status).toBe(409);
    expect(xml.body.error.message).toContain('the customer has no address');
  });
});
