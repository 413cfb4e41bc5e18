/**
 * The statement of account as a PDF (A4, PDFKit, the invoice's embedded font): per currency the
 * opening balance, the lines with their running balance, the closing balance and the aging. Dates
 * and amounts in the customer's locale; deterministic for the same statement and instant.
 */
import PDFDocument from 'pdfkit';
import { invoiceFonts, printableText } from '../invoices/document/fonts';
import { pdfBytes } from '../invoices/document/invoice-pdf';
import { formatDateForLocale, formatMoneyForLocale } from '../invoices/invoice-email';
import { AGING_BUCKETS } from '../reports/aging';
import type { Statement } from './statement-of-account';

const LABELS = {
  en: { title: 'Statement of account', period: 'Period', opening: 'Opening balance', closing: 'Closing balance', date: 'Date', document: 'Document', description: 'Description', amount: 'Amount', balance: 'Balance', aging: 'Open items by days past due', customer: 'Customer' },
  de: { title: 'Kontoauszug', period: 'Zeitraum', opening: 'Anfangssaldo', closing: 'Endsaldo', date: 'Datum', document: 'Beleg', description: 'Beschreibung', amount: 'Betrag', balance: 'Saldo', aging: 'Offene Posten nach Tagen überfällig', customer: 'Kunde' },
} as const;

export async function renderStatementPdf(statement: Statement, locale: string, seller: { readonly name: string }, createdAt: Date): Promise<Uint8Array> {
  const t = LABELS[locale.slice(0, 2) === 'de' ? 'de' : 'en'];
  const fonts = invoiceFonts();
  const p = (text: string) => printableText(text, fonts);
  const pdf = new PDFDocument({ size: 'A4', margin: 48, font: null as unknown as string, info: { Title: p(`${t.title} ${statement.customerId}`), Author: p(seller.name), Creator: 'order-to-cash', CreationDate: createdAt, ModDate: createdAt } });
  const done = pdfBytes(pdf);
  pdf.registerFont('regular', fonts.regular as unknown as Uint8Array);
  pdf.registerFont('bold', fonts.bold as unknown as Uint8Array);
  const date = (d: string) => formatDateForLocale(d, locale);
  pdf.font('bold').fontSize(18).text(p(seller.name));
  pdf.font('bold').fontSize(14).text(p(t.title));
  pdf.font('regular').fontSize(10).text(p(`${t.customer}: ${statement.customerName} (${statement.customerId})`));
  pdf.text(p(`${t.period}: ${date(statement.from)} – ${date(statement.to)}`));
  const cols = [48, 118, 218, 398, 478];
  const row = (cells: readonly string[], bold = false) => {
    if (pdf.y > pdf.page.height - 80) pdf.addPage();
    const y = pdf.y;
    pdf.font(bold ? 'bold' : 'regular').fontSize(9);
    cells.forEach((cell, i) => pdf.text(p(cell), cols[i]!, y, { width: (cols[i + 1] ?? 548) - cols[i]! - 6, align: i >= 3 ? 'right' : 'left', lineBreak: i === 2 }));
    pdf.x = 48;
    pdf.moveDown(0.4);
  };
  for (const c of statement.currencies) {
    const m = (minor: number) => formatMoneyForLocale(minor, c.currency, locale);
    pdf.moveDown();
    pdf.font('bold').fontSize(11).text(p(c.currency), 48);
    row([t.date, t.document, t.description, t.amount, t.balance], true);
    row([date(statement.from), '', t.opening, '', m(c.openingMinor)]);
    for (const l of c.lines) row([date(l.date), l.document, l.description, m(l.amountMinor), m(l.balanceMinor)]);
    row([date(statement.to), '', t.closing, '', m(c.closingMinor)], true);
    pdf.moveDown(0.5);
    pdf.font('bold').fontSize(9).text(p(t.aging), 48);
    pdf.font('regular').text(p(AGING_BUCKETS.map((b) => `${b}: ${m(c.aging[b])}`).join('   ')), 48);
  }
  pdf.end();
  return done;
}
