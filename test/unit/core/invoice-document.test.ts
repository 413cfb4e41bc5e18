import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { invoiceDocument, type DocumentInvoice } from '../../../lambdas/core/invoices/document/invoice-document';
import { renderInvoiceHtml } from '../../../lambdas/core/invoices/document/invoice-html';
import { renderInvoicePdf } from '../../../lambdas/core/invoices/document/invoice-pdf';
import { printableText } from '../../../lambdas/core/invoices/document/fonts';
import { ROBOTO_BOLD_WOFF_BASE64, ROBOTO_REGULAR_WOFF_BASE64 } from '../../../lambdas/core/invoices/document/roboto-woff.generated';
import { anInvoice } from '../../support/builders';
import { testSettings } from '../../support/in-memory';

const seller = testSettings.seller;
const HOSTILE = '<script>alert(1)</script> & Co';

/** Three lines, 899.40 EUR, issued 2026-03-02, due 2026-04-01. */
function invoice(overrides: Partial<DocumentInvoice> = {}): DocumentInvoice {
  const lines = [
    { lineNo: 1, sku: 'CHAIR-1', quantity: 3, unitPriceMinor: 14_990, amountMinor: 44_970 },
    { lineNo: 2, sku: 'DESK-2', quantity: 1, unitPriceMinor: 44_970, amountMinor: 44_970 },
  ];
  return { ...anInvoice({ totalMinor: 89_940 }), lines, orderId: 'O-1', ...overrides };
}

/** The text of every page, white space collapsed to single spaces (no-break spaces included). */
async function pdfText(bytes: Uint8Array): Promise<{ text: string; pages: number; info: Record<string, unknown> }> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, disableFontFace: true, verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= pdf.numPages; i++) {
    const content = await (await pdf.getPage(i)).getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  const { info } = await pdf.getMetadata();
  await pdf.destroy();
  return { text: pages.join(' ').replace(/\s+/g, ' '), pages: pages.length, info: info as Record<string, unknown> };
}

const squash = (text: string) => text.replace(/\s+/g, ' ');

describe('invoice document', () => {
  it('renders the same invoice to byte-identical PDF and HTML every time', async () => {
    // Prepare
    const doc = invoiceDocument(invoice(), seller, 'de');

    // Act
    const [first, second] = [await renderInvoicePdf(doc), await renderInvoicePdf(invoiceDocument(invoice(), seller, 'de'))];

    // Assess
    expect(Buffer.from(first).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(Buffer.compare(Buffer.from(first), Buffer.from(second))).toBe(0);
    expect(renderInvoiceHtml(doc)).toBe(renderInvoiceHtml(invoiceDocument(invoice(), seller, 'de')));
  });

  it('puts the number, the RF reference in groups of four, the total and the payment details in the PDF text', async () => {
    // Prepare
    const inv = invoice();

    // Act
    const { text, info } = await pdfText(await renderInvoicePdf(invoiceDocument(inv, seller, 'en')));

    // Assess
    expect(inv.rfReference).toBe('RF94INV2026000001');
    expect(text).toContain('INV-2026-000001');
    expect(text).toContain('RF94 INV2 0260 0000 1');
    expect(text).toContain('Total due €899.40');
    expect(text).toContain('DE89 3704 0044 0532 0130 00');
    expect(text).toContain(seller.bic);
    expect(text).toContain('Please transfer €899.40 by Apr 1, 2026');
    expect(text).toContain('CHAIR-1 3 €149.90 €449.70');
    expect(info).toMatchObject({ Title: 'Invoice INV-2026-000001', Author: seller.name, CreationDate: 'D:20260302090000Z', ModDate: 'D:20260302090000Z' });
  });

  it('writes labels, money and dates in English or German after the customer locale', async () => {
    // Act
    const en = await pdfText(await renderInvoicePdf(invoiceDocument(invoice(), seller, 'en')));
    const de = await pdfText(await renderInvoicePdf(invoiceDocument(invoice(), seller, 'de-DE')));
    const html = squash(renderInvoiceHtml(invoiceDocument(invoice(), seller, 'de')));

    // Assess
    expect(en.text).toContain('INVOICE');
    expect(en.text).toContain('Invoice date Mar 2, 2026');
    expect(en.text).toContain('€449.70');
    expect(de.text).toContain('RECHNUNG');
    expect(de.text).toContain('Rechnungsdatum 02.03.2026');
    expect(de.text).toContain('Fällig am 01.04.2026');
    expect(de.text).toContain('Zahlbetrag 899,40 €');
    expect(de.text).toContain('Seite 1 von 1');
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('899,40 €');
    expect(html).toContain('<td>Rechnungsdatum</td><td>02.03.2026</td>');
  });

  it('escapes a hostile customer name in HTML and prints it as plain text in the PDF', async () => {
    // Prepare
    const doc = invoiceDocument(invoice({ customerName: HOSTILE, lines: [{ lineNo: 1, sku: '<img src=x onerror=alert(2)>', quantity: 1, unitPriceMinor: 89_940, amountMinor: 89_940 }] }), seller, 'en');

    // Act
    const html = renderInvoiceHtml(doc);
    const { text } = await pdfText(await renderInvoicePdf(doc));

    // Assess
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(text).toContain(HOSTILE);
    expect(text).toContain('<img src=x onerror=alert(2)>');
  });

  it('shows no tax section when the invoice has no tax data: the total is the amount due', async () => {
    // Act
    const doc = invoiceDocument(invoice(), seller, 'en');
    const { text } = await pdfText(await renderInvoicePdf(doc));

    // Assess
    expect(doc.showTaxRates).toBe(false);
    expect(doc.totals).toEqual([{ label: 'Total due', value: '€899.40' }]);
    expect(text).not.toContain('VAT 19');
    expect(text).not.toContain('Net amount');
  });

  it('shows the tax rate per line and the tax per rate when the invoice carries them', async () => {
    // Prepare
    const inv = invoice({
      lines: [
        { lineNo: 1, sku: 'CHAIR-1', quantity: 2, unitPriceMinor: 10_000, amountMinor: 20_000, taxRatePercent: '19' },
        { lineNo: 2, sku: 'BOOK-1', quantity: 1, unitPriceMinor: 5_000, amountMinor: 5_000, taxRatePercent: '7' },
        { lineNo: 3, sku: 'GIFT-CARD', quantity: 1, unitPriceMinor: 1_000, amountMinor: 1_000, taxRatePercent: null },
      ],
      taxes: [
        { ratePercent: '7', netMinor: 5_000, taxMinor: 350 },
        { ratePercent: '19', netMinor: 20_000, taxMinor: 3_800 },
      ],
      totalMinor: 30_150,
    });

    // Act
    const de = invoiceDocument(inv, seller, 'de');
    const en = invoiceDocument(inv, seller, 'en');
    const { text } = await pdfText(await renderInvoicePdf(de));
    const html = squash(renderInvoiceHtml(en));

    // Assess
    expect(de.totals.map((t) => ({ label: squash(t.label), value: squash(t.value) }))).toEqual([
      { label: 'Nettobetrag', value: '260,00 €' },
      { label: 'USt. 7 % auf 50,00 €', value: '3,50 €' },
      { label: 'USt. 19 % auf 200,00 €', value: '38,00 €' },
      { label: 'Zahlbetrag', value: '301,50 €' },
    ]);
    expect(de.lines.map((l) => squash(l.taxRate))).toEqual(['19 %', '7 %', '']);
    expect(text).toContain('CHAIR-1 2 100,00 € 19 % 200,00 €');
    expect(text).toContain('USt. 19 % auf 200,00 € 38,00 €');
    expect(text).toContain('Netto');
    expect(html).toContain('<td>VAT 7% on €50.00</td><td>€3.50</td>');
    expect(html).toContain('<th class="num">Net</th>');
  });

  it('continues a long invoice on further pages, each with its page number', async () => {
    // Prepare
    const lines = Array.from({ length: 60 }, (_, i) => ({ lineNo: i + 1, sku: `SKU-${i + 1}`, quantity: 1, unitPriceMinor: 1_000, amountMinor: 1_000 }));

    // Act
    const { text, pages } = await pdfText(await renderInvoicePdf(invoiceDocument(invoice({ lines, totalMinor: 60_000 }), seller, 'en')));

    // Assess
    expect(pages).toBeGreaterThan(1);
    for (let page = 1; page <= pages; page++) expect(text).toContain(`Page ${page} of ${pages}`);
    expect(text).toContain('SKU-60');
    expect(text).toContain('Total due €600.00');
  });

  it('prints Central European, Greek and Cyrillic names, and replaces what the font lacks', async () => {
    // Prepare
    const name = 'Łódź Spółka Žluťoučký Ωμέγα Москва';

    // Act
    const { text } = await pdfText(await renderInvoicePdf(invoiceDocument(invoice({ customerName: `${name}\u0007 ẞ` }), seller, 'en')));

    // Assess
    expect(printableText(`${name}\u0007 ẞ`)).toBe(`${name}  ?`);
    expect(text).toContain(`${name} ?`);
  });

  it('embeds exactly the Roboto files of the roboto-fontface package', () => {
    const dir = createRequire(import.meta.url).resolve('roboto-fontface/package.json').replace(/package\.json$/, 'fonts/roboto/');
    expect(Buffer.from(ROBOTO_REGULAR_WOFF_BASE64, 'base64').equals(readFileSync(`${dir}Roboto-Regular.woff`))).toBe(true);
    expect(Buffer.from(ROBOTO_BOLD_WOFF_BASE64, 'base64').equals(readFileSync(`${dir}Roboto-Bold.woff`))).toBe(true);
  });
});
