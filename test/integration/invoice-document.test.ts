/**
 * The rendered invoice on the local AWS, through HTTP: an order is placed and shipped, its invoice
 * is served as PDF (binary through the gateway) and as HTML, an Accept it cannot serve gets 406,
 * and the invoice email carries the same PDF as `<number>.pdf`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { startTestStack, uniqueId, type ApiDriver } from './support/api-driver';

let stack: Awaited<ReturnType<typeof startTestStack>>;
let api: ApiDriver;

beforeAll(async () => {
  stack = await startTestStack();
  api = stack.api;
});

afterAll(async () => {
  await stack?.stop();
});

/** The document route's answer as bytes (a PDF is not text); a refusal's problem document as its JSON. */
async function fetchDocument(invoiceId: string, accept?: string) {
  const response = await stack.api.op('getInvoicesInvoiceIdDocument', { path: { invoiceId } }, { as: 'storefront', headers: accept === undefined ? {} : { accept }, parseAs: 'arrayBuffer' });
  const body: unknown = response.body;
  return { status: response.status, headers: response.headers, bytes: body instanceof ArrayBuffer ? Buffer.from(body) : Buffer.from(JSON.stringify(body)) };
}

async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, disableFontFace: true, verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= pdf.numPages; i++) pages.push((await (await pdf.getPage(i)).getTextContent()).items.map((item) => ('str' in item ? item.str : '')).join(' '));
  await pdf.destroy();
  return pages.join(' ').replace(/\s+/g, ' ');
}

describe('the rendered invoice', () => {
  it('is served as PDF and HTML, refuses other types, and goes out attached to the invoice email', async () => {
    const customerId = uniqueId('cust');
    const email = `${customerId}@example.com`;
    const customer = await api.registerCustomer(customerId, {
      name: '<script>alert(1)</script> & Co',
      email,
      currency: 'EUR',
      creditLimit: '100000.00',
      paymentTermsDays: 14,
      locale: 'de',
    });
    expect(customer.status).toBe(201);
    const placed = await api.op('postOrders', { body: {
      customerId,
      currency: 'EUR',
      lines: [
        { sku: 'CHAIR-1', quantity: 3, unitPrice: '149.90', taxRate: '19' },
        { sku: 'BOOK-1', quantity: 1, unitPrice: '20.00', taxRate: '7' },
      ],
    } });
    expect(placed.status).toBe(202);
    const orderId = String(placed.body.orderId);
    await api.waitForOrderStatus(orderId, 'AWAITING_SHIPMENT');
    expect((await api.op('postOrdersOrderIdShipments', { path: { orderId }, body: { carrier: 'DHL' } })).status).toBe(202);
    const order = await api.waitForOrderStatus(orderId, 'INVOICED');
    const invoiceId = String(order.body.invoiceId);
    const invoice = (await api.waitFor('the invoice to be emailed', () => api.op('getInvoicesInvoiceId', { path: { invoiceId } }), (r) => r.status === 200 && r.body.sentAt !== null)).body;
    const number = String(invoice.number);
    const rfPrinted = String(invoice.rfReference).replace(/(.{4})(?=.)/g, '$1 ');
    const totalDe = `${String(invoice.total).replace('.', ',')} €`;

    const pdf = await fetchDocument(invoiceId);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toBe(`inline; filename="${number}.pdf"`);
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = await pdfText(pdf.bytes);
    expect(text).toContain(number);
    expect(text).toContain(rfPrinted);
    expect(text).toContain(`Zahlbetrag ${totalDe}`);
    expect(text).toContain('USt. 19 %');
    expect(text).toContain('<script>alert(1)</script> & Co');
    expect((await fetchDocument(invoiceId, 'application/pdf')).bytes.equals(pdf.bytes)).toBe(true);

    const html = await fetchDocument(invoiceId, 'text/html');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = html.bytes.toString('utf8').replace(/\s+/g, ' ');
    expect(page).toContain(number);
    expect(page).toContain(rfPrinted);
    expect(page).toContain(totalDe);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
    expect(page).not.toContain('<script>');

    const refused = await fetchDocument(invoiceId, 'application/json');
    expect(refused.status).toBe(406);
    expect(JSON.parse(refused.bytes.toString('utf8'))).toMatchObject({ error: { code: 'NOT_ACCEPTABLE', details: [{ field: 'Accept' }] } });
    expect((await fetchDocument('no-such-invoice', 'application/pdf')).status).toBe(404);

    const emails = await api.get<{ items: { to: string[]; subject: string; attachments: { filename: string | null; contentType: string; size: number }[] }[] }>('/_local/emails');
    const mail = emails.body.items.find((e) => e.to.includes(email));
    expect(mail?.subject).toBe(`Rechnung ${number}`);
    // The attachment is the document the route serves, rendered by the same code, plus the customer's
    // fresh pay link that only a message to the customer carries (the archive copy has none).
    expect(mail?.attachments).toEqual([{ filename: `${number}.pdf`, contentType: 'application/pdf', size: expect.any(Number) }]);
    expect(mail!.attachments[0]!.size).toBeGreaterThan(pdf.bytes.length);
  });
});
