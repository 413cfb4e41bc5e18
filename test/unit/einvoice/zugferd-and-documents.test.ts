/**
 * The invoice PDF as a ZUGFeRD/Factur-X hybrid (PDF/A-3B, the CII XML embedded as factur-x.xml
 * with AFRelationship Alternative, Factur-X XMP), the XML extracted with poppler's pdfdetach equal
 * to the `cii` e-invoice; the Art. 226 content of PDF and HTML; the email's attachments in the
 * customer's preferred format.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { einvoiceXml } from '../../../lambdas/core/einvoice/einvoice';
import { invoiceDocument } from '../../../lambdas/core/invoices/document/invoice-document';
import { renderInvoiceHtml } from '../../../lambdas/core/invoices/document/invoice-html';
import { SRGB_ICC_BASE64 } from '../../../lambdas/core/invoices/document/srgb-icc.generated';
import { invoiceEmailAttachments, invoicePdfAttachment } from '../../../lambdas/core/invoices/invoice-documents';
import { aCustomer } from '../../support/builders';
import { germanBuyer, invoicesFor, matrixCases, testSeller } from '../../support/einvoice-cases';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

async function embeddedFiles(pdf: Uint8Array): Promise<{ list: string; files: Map<string, string> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zugferd-'));
  try {
    const file = path.join(dir, 'invoice.pdf');
    fs.writeFileSync(file, pdf);
    const list = (await run('pdfdetach', ['-list', file])).stdout;
    fs.mkdirSync(path.join(dir, 'out'));
    await run('pdfdetach', ['-saveall', '-o', path.join(dir, 'out'), file]);
    const files = new Map(fs.readdirSync(path.join(dir, 'out')).map((name) => [name, fs.readFileSync(path.join(dir, 'out', name), 'utf8')]));
    return { list, files };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('ZUGFeRD / Factur-X hybrid PDF', () => {
  it('embeds the CII XML as factur-x.xml, byte for byte the cii e-invoice, with AFRelationship and the PDF/A-3 and Factur-X XMP', async () => {
    for (const name of ['several-rates', 'reverse-charge-eu', 'jpy-no-decimals']) {
      const { invoice } = matrixCases().find((c) => c.name === name)!.source;
      const attachment = await invoicePdfAttachment(invoice, testSeller, 'de-DE');
      const { list, files } = await embeddedFiles(attachment.content);
      expect(list).toMatch(/1 embedded files\s+1: factur-x.xml/);
      expect(files.get('factur-x.xml')).toBe(einvoiceXml({ invoice, seller: testSeller }, 'cii'));
      const text = Buffer.from(attachment.content).toString('latin1');
      expect(text).toMatch(/\/AFRelationship \/Alternative/);
      expect(text).toMatch(/\/AF \[\d+ 0 R\]/);
      expect(text).toMatch(/<pdfaid:part>3<\/pdfaid:part>\s*<pdfaid:conformance>B<\/pdfaid:conformance>/);
      expect(text).toMatch(/<fx:ConformanceLevel>EN 16931<\/fx:ConformanceLevel>/);
      expect(text).toMatch(/\/OutputIntents \[\d+ 0 R\]/);
    }
  }, 120_000);

  it('stays a plain PDF (and the invoice warns) when the invoice cannot be an e-invoice', async () => {
    const invoice = invoicesFor(aCustomer({ customerId: 'C-BARE' }), { lines: [{ sku: 'A', quantity: 1, unitPrice: '1.00', taxRate: '19' }] }).invoices[0]!;
    const { files } = await embeddedFiles((await invoicePdfAttachment(invoice, testSeller, 'en')).content);
    expect(files.size).toBe(0);
    expect(invoice.warnings).toEqual([expect.stringMatching(/no address/)]);
  });

  it('carries the sRGB profile of pdfkit byte for byte', () => {
    const pdfkitDir = path.dirname(require.resolve('pdfkit'));
    expect(Buffer.from(SRGB_ICC_BASE64, 'base64').equals(fs.readFileSync(path.join(pdfkitDir, 'data/sRGB_IEC61966_2_1.icc')))).toBe(true);
  });
});

describe('what the law asks the document to show (Art. 226 VAT Directive, § 14 (4) UStG)', () => {
  it('shows both parties with addresses and VAT ids, the date of supply, net and VAT per rate, the exemption wording and the SEPA payment instructions', () => {
    const cases = matrixCases();
    const several = cases.find((c) => c.name === 'several-rates')!.source.invoice;
    const html = renderInvoiceHtml(invoiceDocument(several, testSeller, 'de-DE'));
    for (const text of ['Nordlicht Handels GmbH', 'Am Kai 7', 'Acme Retail GmbH', 'Hauptstr. 1', '10115 Berlin', 'Deutschland', 'DE136695976', 'DE811907980', 'Leistungsdatum', '27.02.2026', 'SEPA-Überweisung', 'DE02 1203 0000 0000 2020 51', 'BYLADEM1001']) {
      expect(html).toContain(text);
    }
    expect(html).toMatch(/USt\. 7\s?% auf 94,83\s?€/);
    expect(html).toMatch(/USt\. 19\s?% auf 89,00\s?€/);
    expect(html).toContain(several.rfReference.slice(0, 4));

    const reverse = cases.find((c) => c.name === 'reverse-charge-eu')!.source.invoice;
    expect(renderInvoiceHtml(invoiceDocument(reverse, testSeller, 'en'))).toMatch(/Reverse charge: the recipient is liable for the VAT/);
    const exempt = cases.find((c) => c.name === 'exempt-with-reason')!.source.invoice;
    expect(renderInvoiceHtml(invoiceDocument(exempt, testSeller, 'de'))).toMatch(/Steuerfreie Bildungsleistung nach § 4 Nr. 21 UStG/);
    const period = cases.find((c) => c.name === 'partial-shipment-2')!.source.invoice;
    expect(renderInvoiceHtml(invoiceDocument(period, testSeller, 'en'))).toMatch(/Period of supply/);
  });
});

describe('the invoice email in the customer\'s preferred format', () => {
  const invoice = invoicesFor(germanBuyer(), { lines: [{ sku: 'A', quantity: 1, unitPrice: '10.00', taxRate: '19' }] }).invoices[0]!;

  it.each([
    ['pdf', ['application/pdf']],
    ['zugferd', ['application/pdf']],
    ['xrechnung-ubl', ['application/pdf', 'application/xml']],
    ['xrechnung-cii', ['application/pdf', 'application/xml']],
    ['peppol-bis', ['application/pdf', 'application/xml']],
  ] as const)('%s: attaches %j', async (format, types) => {
    const attachments = await invoiceEmailAttachments(invoice, testSeller, { locale: 'de', einvoiceFormat: format });
    expect(attachments.map((a) => a.contentType)).toEqual(types);
    if (types.length === 2) {
      expect(attachments[1]!.filename).toBe(`${invoice.number}-${format}.xml`);
      expect(Buffer.from(attachments[1]!.content).toString('utf8')).toBe(einvoiceXml({ invoice, seller: testSeller }, format as 'xrechnung-ubl' | 'xrechnung-cii' | 'peppol-bis'));
    }
  }, 60_000);
});
