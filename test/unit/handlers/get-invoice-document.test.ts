import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiEvent, errorOf, lambdaContext, stubHandlerEnvironment } from '../../support/api-events';
import { inMemoryWorld, type InMemoryWorld } from '../../support/in-memory';
import { aCustomer, anInvoice } from '../../support/builders';

let module: typeof import('../../../lambdas/handlers/api/get-invoice-document');

beforeAll(async () => {
  stubHandlerEnvironment();
  module = await import('../../../lambdas/handlers/api/get-invoice-document');
});

afterAll(() => {
  vi.unstubAllEnvs();
});

let world: InMemoryWorld;

beforeEach(async () => {
  world = inMemoryWorld({ start: '2026-03-02T09:00:00Z' });
  await world.customers.put(aCustomer({ customerId: 'C-1', locale: 'de', name: 'Acme Retail GmbH' }));
  world.tables.invoices.set('I-1', anInvoice({ invoiceId: 'I-1', customerName: '<script>alert(1)</script> & Co', totalMinor: 89_940 }));
});

function get(invoiceId: string, accept?: string) {
  const headers: Record<string, string> = accept === undefined ? {} : { Accept: accept };
  return module.makeHandler(world.deps)(apiEvent('GET', `/invoices/${invoiceId}/document`, { pathParameters: { invoiceId }, headers }), lambdaContext);
}

describe('GET /invoices/{invoiceId}/document', () => {
  it('answers 200 with the PDF, base64-encoded, when the caller accepts anything', async () => {
    // Act
    const response = await get('I-1', '*/*');

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.isBase64Encoded).toBe(true);
    expect(response.headers).toMatchObject({ 'content-type': 'application/pdf', 'content-disposition': 'inline; filename="INV-2026-000001.pdf"', vary: 'Accept' });
    const pdf = Buffer.from(response.body, 'base64');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toContain('%%EOF');
  });

  it('answers with the PDF when there is no Accept header, and the same bytes every time', async () => {
    // Act
    const first = await get('I-1');
    const second = await get('I-1', 'application/pdf');

    // Assess
    expect(first.statusCode).toBe(200);
    expect(first.headers?.['content-type']).toBe('application/pdf');
    expect(second.body).toBe(first.body);
  });

  it('answers 200 with the HTML page, in the customer locale and escaped, on Accept: text/html', async () => {
    // Act
    const response = await get('I-1', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8');

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.isBase64Encoded ?? false).toBe(false);
    expect(response.headers).toMatchObject({ 'content-type': 'text/html; charset=utf-8', 'x-content-type-options': 'nosniff' });
    expect(response.headers?.['content-security-policy']).toContain("default-src 'none'");
    expect(response.body).toContain('<html lang="de">');
    expect(response.body).toContain('899,40');
    expect(response.body).toContain('RF94 INV2 0260 0000 1');
    expect(response.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
    expect(response.body).not.toContain('<script');
  });

  it('prefers what the caller rates higher', async () => {
    expect((await get('I-1', 'text/html;q=0.5, application/pdf')).headers?.['content-type']).toBe('application/pdf');
    expect((await get('I-1', 'application/pdf;q=0.4, text/*')).headers?.['content-type']).toBe('text/html; charset=utf-8');
  });

  it('answers 404 for an invoice that does not exist', async () => {
    // Act
    const response = await get('I-404', 'application/pdf');

    // Assess
    expect(response.statusCode).toBe(404);
    expect(errorOf(response)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('answers 406 with a JSON error naming Accept when the caller takes neither PDF nor HTML', async () => {
    // Act
    const json = await get('I-1', 'application/json');
    const refused = await get('I-1', 'application/pdf;q=0, text/html;q=0');

    // Assess
    for (const response of [json, refused]) {
      expect(response.statusCode).toBe(406);
      expect(response.headers?.['content-type']).toBe('application/problem+json');
      expect(errorOf(response)).toMatchObject({ code: 'NOT_ACCEPTABLE', details: [{ field: 'Accept', problem: 'must accept one of application/pdf, text/html' }] });
    }
  });
});
