/**
 * The invoice document as a PDF (A4, PDFKit, the embedded Roboto font). Text is drawn as text:
 * customer and seller strings become glyphs and are never interpreted, and they stay extractable
 * (copy, search, screen readers). Deterministic: the creation and modification dates are the
 * invoice's issue instant and the file ID is derived from the document info, so the same invoice
 * gives the same bytes.
 */
import { SRGB_ICC_BASE64 } from './srgb-icc.generated';
import PDFDocument from 'pdfkit';
import { invoiceFonts, printableText, type InvoiceFonts } from './fonts';
import type { InvoiceDocument, LabelledValue } from './invoice-document';

const PRIMARY = '#1f3a5f';
const TEXT = '#1f2937';
const MUTED = '#6b7280';
const RULE = '#d1d5db';
const ZEBRA = '#f5f7fa';
const PANEL = '#eef2f7';

const MARGIN = 50;
/** Space kept free at the foot of every page for the footer. */
const FOOTER_SPACE = 46;

type Pdf = InstanceType<typeof PDFDocument>;

interface Column {
  readonly key: 'position' | 'item' | 'quantity' | 'unitPrice' | 'taxRate' | 'amount';
  readonly width: number;
  readonly align: 'left' | 'right';
}

/** The bytes a PDFKit document writes, once it has ended (listen before drawing). */
export function pdfBytes(pdf: InstanceType<typeof PDFDocument>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  return new Promise<Uint8Array>((resolve, reject) => {
    pdf.on('data', (chunk: Uint8Array) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
}

/** The CII XML a ZUGFeRD/Factur-X PDF carries (profile EN 16931), as `factur-x.xml`. */
export interface FacturXAttachment {
  readonly xml: string;
}

/** The Factur-X/ZUGFeRD XMP: PDF/A-3B identification, the Factur-X properties and their extension schema (Factur-X 1.0, ZUGFeRD 2.x). */
function facturXmp(): string {
  return `
        <rdf:Description xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" rdf:about="">
            <pdfaid:part>3</pdfaid:part>
            <pdfaid:conformance>B</pdfaid:conformance>
        </rdf:Description>
        <rdf:Description xmlns:fx="urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#" rdf:about="">
            <fx:DocumentType>INVOICE</fx:DocumentType>
            <fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>
            <fx:Version>1.0</fx:Version>
            <fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>
        </rdf:Description>
        <rdf:Description xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#" rdf:about="">
            <pdfaExtension:schemas>
                <rdf:Bag>
                    <rdf:li rdf:parseType="Resource">
                        <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
                        <pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>
                        <pdfaSchema:prefix>fx</pdfaSchema:prefix>
                        <pdfaSchema:property>
                            <rdf:Seq>
                                <rdf:li rdf:parseType="Resource"><pdfaProperty:name>DocumentFileName</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The name of the embedded XML document</pdfaProperty:description></rdf:li>
                                <rdf:li rdf:parseType="Resource"><pdfaProperty:name>DocumentType</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The type of the hybrid document in capital letters, e.g. INVOICE or ORDER</pdfaProperty:description></rdf:li>
                                <rdf:li rdf:parseType="Resource"><pdfaProperty:name>Version</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The actual version of the standard applying to the embedded XML document</pdfaProperty:description></rdf:li>
                                <rdf:li rdf:parseType="Resource"><pdfaProperty:name>ConformanceLevel</pdfaProperty:name><pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category><pdfaProperty:description>The conformance level of the embedded XML document</pdfaProperty:description></rdf:li>
                            </rdf:Seq>
                        </pdfaSchema:property>
                    </rdf:li>
                </rdf:Bag>
            </pdfaExtension:schemas>
        </rdf:Description>
        `;
}

/** What pdfkit keeps private and the hybrid needs: the catalog (for the PDF/A output intent). */
interface PdfInternals {
  readonly _root: { readonly data: Record<string, unknown> };
  ref(data: Record<string, unknown>): { write(data: Uint8Array): void; end(data?: Uint8Array): void };
  appendXML(xml: string, newline?: boolean): void;
  file(src: Uint8Array, options: Record<string, unknown>): unknown;
}

/**
 * Makes the PDF a ZUGFeRD/Factur-X hybrid: the CII XML embedded as `factur-x.xml` with
 * AFRelationship Alternative (listed in the catalog's AF), the PDF/A-3B identification and the
 * Factur-X properties in the XMP metadata, and the sRGB output intent PDF/A asks for.
 */
function embedFacturX(pdf: PDFKit.PDFDocument, attachment: FacturXAttachment, at: Date): void {
  const internals = pdf as unknown as PdfInternals;
  internals.file(Buffer.from(attachment.xml, 'utf8'), {
    name: 'factur-x.xml',
    type: 'text/xml',
    relationship: 'Alternative',
    description: 'Factur-X/ZUGFeRD invoice (EN 16931, UN/CEFACT CII D16B)',
    creationDate: at,
    modifiedDate: at,
  });
  internals.appendXML(facturXmp());
  const icc = Buffer.from(SRGB_ICC_BASE64, 'base64');
  const profile = internals.ref({ Length: icc.length, N: 3 });
  profile.write(icc);
  profile.end();
  const intent = internals.ref({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    Info: new String('sRGB IEC61966-2.1'),
    OutputConditionIdentifier: new String('sRGB IEC61966-2.1'),
    DestOutputProfile: profile,
  });
  intent.end();
  internals._root.data.OutputIntents = [intent];
}

/** What a PDF carries besides the document: the CII XML of a ZUGFeRD/Factur-X hybrid, the EPC QR code image. */
export interface PdfExtras {
  /** With it, a ZUGFeRD/Factur-X hybrid (PDF/A-3B with the CII XML embedded). */
  readonly facturX?: FacturXAttachment;
  /** The EPC QR code (PNG), drawn where the document's payment part has a QR caption. */
  readonly qrPng?: Uint8Array | null;
}

/** Renders `doc` to PDF bytes. */
export function renderInvoicePdf(doc: InvoiceDocument, extras: PdfExtras = {}): Promise<Uint8Array> {
  const { facturX, qrPng } = extras;
  const fonts = invoiceFonts();
  const issued = new Date(doc.issuedAt);
  const pdf = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    // No standard font: they are loaded from files a bundled Lambda does not have.
    font: null as unknown as string,
    lang: doc.language,
    displayTitle: true,
    pdfVersion: '1.7',
    info: {
      Title: printableText(doc.title, fonts),
      Author: printableText(doc.seller.name, fonts),
      Subject: printableText(doc.title, fonts),
      Creator: 'order-to-cash',
      Producer: 'order-to-cash (PDFKit)',
      CreationDate: issued,
      ModDate: issued,
    },
  });
  const done = pdfBytes(pdf);
  // A font object (not a path) is embedded as it is; registering it by name makes PDFKit reuse it.
  pdf.registerFont('regular', fonts.regular as unknown as Uint8Array);
  pdf.registerFont('bold', fonts.bold as unknown as Uint8Array);
  new Layout(pdf, doc, fonts, qrPng && doc.payment.qrCaption ? qrPng : null).draw();
  if (facturX) embedFacturX(pdf, facturX, issued);
  pdf.end();
  return done;
}

class Layout {
  private readonly left = MARGIN;
  private readonly right: number;
  private readonly width: number;
  private readonly bottom: number;
  private readonly columns: readonly Column[];

  constructor(
    private readonly pdf: Pdf,
    private readonly doc: InvoiceDocument,
    private readonly fonts: InvoiceFonts,
    private readonly qrPng: Uint8Array | null = null,
  ) {
    this.right = pdf.page.width - MARGIN;
    this.width = this.right - this.left;
    this.bottom = pdf.page.height - MARGIN - FOOTER_SPACE;
    const fixed: Column[] = [
      { key: 'quantity', width: 48, align: 'right' },
      { key: 'unitPrice', width: 82, align: 'right' },
      ...(doc.showTaxRates ? [{ key: 'taxRate', width: 46, align: 'right' } as const] : []),
      { key: 'amount', width: 88, align: 'right' },
    ];
    const position: Column = { key: 'position', width: 30, align: 'right' };
    const itemWidth = this.width - position.width - fixed.reduce((sum, c) => sum + c.width, 0);
    this.columns = [position, { key: 'item', width: itemWidth, align: 'left' }, ...fixed];
  }

  draw(): void {
    let y = this.header();
    y = this.parties(y + 26);
    y = this.lines(y + 28);
    y = this.totals(y + 14);
    y = this.payment(y + 26);
    y = this.payOnline(y + 12);
    this.thanks(y + 18);
    this.footers();
  }

  /** Text as the font can print it. */
  private p(text: string): string {
    return printableText(text, this.fonts);
  }

  private style(font: 'regular' | 'bold', size: number, color: string): Pdf {
    return this.pdf.font(font).fontSize(size).fillColor(color);
  }

  private header(): number {
    const { pdf, doc } = this;
    const sellerWidth = this.width * 0.58;
    this.style('bold', 17, PRIMARY).text(this.p(doc.seller.name), this.left, MARGIN, { width: sellerWidth });
    this.style('regular', 9, MUTED).text(this.p(doc.seller.address.join('\n')), this.left, pdf.y + 3, { width: sellerWidth, lineGap: 1 });
    const sellerBottom = pdf.y;
    this.style('bold', 24, PRIMARY).text(this.p(doc.labels.title.toUpperCase()), this.left + sellerWidth, MARGIN - 2, {
      width: this.width - sellerWidth,
      align: 'right',
      characterSpacing: 1.5,
    });
    this.style('regular', 10, TEXT).text(this.p(doc.number), this.left + sellerWidth, pdf.y + 2, { width: this.width - sellerWidth, align: 'right' });
    const y = Math.max(sellerBottom, pdf.y) + 12;
    pdf.moveTo(this.left, y).lineTo(this.right, y).lineWidth(1.5).strokeColor(PRIMARY).stroke();
    return y;
  }

  private parties(top: number): number {
    const { pdf, doc } = this;
    const buyerWidth = this.width * 0.44;
    this.style('bold', 7.5, MUTED).text(this.p(doc.labels.billTo.toUpperCase()), this.left, top, { width: buyerWidth, characterSpacing: 0.8 });
    this.style('bold', 12, TEXT).text(this.p(doc.buyer.name), this.left, pdf.y + 4, { width: buyerWidth });
    if (doc.buyer.address.length) this.style('regular', 9, TEXT).text(this.p(doc.buyer.address.join('\n')), this.left, pdf.y + 2, { width: buyerWidth, lineGap: 1 });
    this.style('regular', 9, MUTED).text(this.p(`${doc.labels.customerNumber} ${doc.buyer.customerId}`), this.left, pdf.y + 3, { width: buyerWidth });
    const buyerBottom = pdf.y;

    const labelWidth = 95;
    const valueWidth = 175;
    const x = this.right - labelWidth - valueWidth;
    let y = top;
    for (const fact of doc.facts) {
      const isReference = fact === doc.facts.at(-1);
      this.style('regular', 9, MUTED).text(this.p(fact.label), x, y, { width: labelWidth });
      const labelBottom = pdf.y;
      this.style(isReference ? 'bold' : 'regular', 9, TEXT).text(this.p(fact.value), x + labelWidth, y, { width: valueWidth, align: 'right' });
      y = Math.max(labelBottom, pdf.y) + 3;
    }
    return Math.max(buyerBottom, y);
  }

  private tableHeader(top: number): number {
    const { pdf, doc } = this;
    const height = 20;
    pdf.rect(this.left, top, this.width, height).fill(PRIMARY);
    let x = this.left;
    for (const column of this.columns) {
      const label = column.key === 'amount' && doc.showTaxRates ? doc.labels.netAmount : doc.labels[column.key];
      this.style('bold', 8.5, '#ffffff').text(this.p(label), x + 5, top + 6, { width: column.width - 10, align: column.align, lineBreak: false });
      x += column.width;
    }
    return top + height;
  }

  private lines(top: number): number {
    const { pdf, doc } = this;
    let y = this.tableHeader(top);
    doc.lines.forEach((line, index) => {
      this.style('regular', 9.5, TEXT);
      const itemColumn = this.columns.find((c) => c.key === 'item')!;
      const item = this.p(line.item);
      const height = pdf.heightOfString(item, { width: itemColumn.width - 10 }) + 12;
      if (y + height > this.bottom) y = this.tableHeader(this.newPage());
      if (index % 2 === 1) pdf.rect(this.left, y, this.width, height).fill(ZEBRA);
      let x = this.left;
      for (const column of this.columns) {
        const text = column.key === 'item' ? item : this.p(line[column.key]);
        this.style('regular', 9.5, TEXT).text(text, x + 5, y + 6, { width: column.width - 10, align: column.align, lineBreak: column.key === 'item' });
        x += column.width;
      }
      y += height;
      pdf.moveTo(this.left, y).lineTo(this.right, y).lineWidth(0.5).strokeColor(RULE).stroke();
    });
    return y;
  }

  /** Starts a new page when `height` does not fit below `top`; returns where to draw. */
  private fit(top: number, height: number): number {
    if (top + height <= this.bottom) return top;
    return this.newPage();
  }

  /** A continuation page headed by the invoice number; returns where to draw. */
  private newPage(): number {
    this.pdf.addPage();
    this.style('regular', 8.5, MUTED).text(this.p(this.doc.title), this.left, MARGIN, { width: this.width, align: 'right' });
    return MARGIN + 22;
  }

  private totals(top: number): number {
    const { pdf, doc } = this;
    const labelWidth = 190;
    const valueWidth = 95;
    const x = this.right - labelWidth - valueWidth;
    let y = this.fit(top, doc.totals.length * 18 + 12);
    doc.totals.forEach((total: LabelledValue, index) => {
      const due = index === doc.totals.length - 1;
      if (due) {
        y += 4;
        pdf.moveTo(x, y).lineTo(this.right, y).lineWidth(1.2).strokeColor(PRIMARY).stroke();
        y += 6;
      }
      const font = due ? 'bold' : 'regular';
      const size = due ? 11.5 : 9.5;
      this.style(font, size, due ? PRIMARY : TEXT).text(this.p(total.label), x, y, { width: labelWidth });
      const labelBottom = pdf.y;
      this.style(font, size, due ? PRIMARY : TEXT).text(this.p(total.value), x + labelWidth, y, { width: valueWidth, align: 'right' });
      y = Math.max(labelBottom, pdf.y) + 4;
    });
    return y;
  }

  private payment(top: number): number {
    const { pdf, doc } = this;
    const inner = this.width - 36;
    const labelWidth = 110;
    this.style('regular', 9.5, TEXT);
    const textHeight = pdf.heightOfString(this.p(doc.payment.text), { width: inner });
    const qrSize = 96;
    const height = Math.max(16 + 14 + textHeight + 10 + doc.payment.details.length * 15 + 12, this.qrPng ? qrSize + 28 : 0);
    const y0 = this.fit(top, height);
    pdf.rect(this.left, y0, this.width, height).fill(PANEL);
    pdf.rect(this.left, y0, 3.5, height).fill(PRIMARY);
    const x = this.left + 18;
    this.style('bold', 8.5, PRIMARY).text(this.p(doc.labels.payment.toUpperCase()), x, y0 + 14, { width: inner, characterSpacing: 0.8 });
    this.style('regular', 9.5, TEXT).text(this.p(doc.payment.text), x, pdf.y + 5, { width: inner });
    let y = pdf.y + 8;
    doc.payment.details.forEach((detail, index) => {
      const isReference = index === doc.payment.details.length - 1;
      this.style('regular', 9.5, MUTED).text(this.p(detail.label), x, y, { width: labelWidth });
      this.style(isReference ? 'bold' : 'regular', isReference ? 10.5 : 9.5, TEXT).text(this.p(detail.value), x + labelWidth, y - (isReference ? 0.5 : 0), {
        width: inner - labelWidth,
        characterSpacing: isReference ? 0.6 : 0,
      });
      y += 15;
    });
    if (this.qrPng) {
      // The EPC QR code (GiroCode) at the panel's right, with its caption below.
      const qx = this.right - qrSize - 12;
      pdf.image(Buffer.from(this.qrPng), qx, y0 + 8, { width: qrSize, height: qrSize });
      this.style('regular', 7, MUTED).text(this.p(doc.payment.qrCaption ?? ''), qx - 10, y0 + 8 + qrSize + 2, { width: qrSize + 20, align: 'center' });
    }
    return y0 + height;
  }

  /** The customer's pay link under the payment box, as a clickable line (when the document has one). */
  private payOnline(top: number): number {
    const online = this.doc.payOnline;
    if (!online) return top;
    const y = this.fit(top, 28);
    this.style('regular', 9.5, TEXT).text(this.p(online.text), this.left, y, { width: this.width });
    this.style('bold', 9.5, PRIMARY).text(this.p(online.label), this.left, this.pdf.y + 3, { width: this.width, link: online.url, underline: true });
    return this.pdf.y;
  }

  private thanks(top: number): void {
    const y = this.fit(top, 14);
    this.style('regular', 9.5, TEXT).text(this.p(this.doc.labels.thanks), this.left, y, { width: this.width });
  }

  /** The seller line and the page number at the foot of every page. */
  private footers(): void {
    const { pdf, doc } = this;
    const range = pdf.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      pdf.switchToPage(i);
      // Drawing inside the bottom margin must not start a new page.
      pdf.page.margins.bottom = 0;
      const y = pdf.page.height - MARGIN - 22;
      pdf.moveTo(this.left, y).lineTo(this.right, y).lineWidth(0.5).strokeColor(RULE).stroke();
      const pageLabel = this.p(doc.labels.page(i - range.start + 1, range.count));
      this.style('regular', 7.5, MUTED).text(this.p(doc.footer), this.left, y + 7, { width: this.width - 80, lineGap: 1 });
      this.style('regular', 7.5, MUTED).text(pageLabel, this.right - 80, y + 7, { width: 80, align: 'right', lineBreak: false });
    }
  }
}
