/**
 * The invoice document as a reader sees it, before any format: every label in the customer's
 * language (en, de), every amount, quantity and date formatted for the customer's locale, the RF
 * reference grouped in fours. The HTML and PDF renderers only lay this out, so both show the same
 * facts in the same words. Pure and deterministic: the same invoice gives the same document.
 */
import { formatDateForLocale, formatMoneyForLocale, type Seller } from '../invoice-email';
import { formatRfReferenceForPrint } from '../../references/rf-creditor-reference';
import type { Invoice } from '../invoice';
import type { OrderLine } from '../../orders/order';

/** A line as the document reads it; `taxRatePercent` (a decimal string, `"19"`, `"7.5"`) when the line carries a tax rate. */
export type DocumentLine = Omit<OrderLine, 'taxRatePercent' | 'taxMinor' | 'grossMinor'> & {
  readonly taxRatePercent?: string | null | undefined;
};

/** Tax per rate, when the invoice carries it: the net amount taxed at `ratePercent` and the tax on it. */
export interface DocumentTax {
  readonly ratePercent: string;
  readonly netMinor: number;
  readonly taxMinor: number;
}

/** What a document needs of an invoice. An {@link Invoice} is one; tax data is optional. */
export type DocumentInvoice = Pick<Invoice, 'number' | 'rfReference' | 'orderId' | 'customerId' | 'customerName' | 'currency' | 'totalMinor' | 'issueDate' | 'dueDate' | 'issuedAt'> & {
  readonly lines: readonly DocumentLine[];
  readonly taxes?: readonly DocumentTax[] | null | undefined;
};

export type DocumentLanguage = 'en' | 'de';

/**
 * How to pay, at render time (`sepa/invoice-payment.ts`): the amount open now, the direct debit
 * pre-notification, or whether an EPC QR code goes beside the bank details.
 */
export interface DocumentPayment {
  readonly openMinor: number;
  readonly preNotification: { readonly amountMinor: number; readonly collectionDate: string; readonly ibanEnding: string; readonly mandateId: string; readonly creditorId: string } | null;
  readonly hasQr: boolean;
}

const LABELS = {
  en: {
    title: 'Invoice',
    billTo: 'Bill to',
    number: 'Invoice number',
    issueDate: 'Invoice date',
    dueDate: 'Due date',
    customerNumber: 'Customer number',
    order: 'Order',
    reference: 'Payment reference',
    position: '#',
    item: 'Item',
    quantity: 'Qty',
    unitPrice: 'Unit price',
    taxRate: 'VAT',
    amount: 'Amount',
    netAmount: 'Net',
    net: 'Net amount',
    tax: (rate: string, base: string) => `VAT ${rate} on ${base}`,
    total: 'Total due',
    payment: 'Payment',
    paymentText: (amount: string, due: string) => `Please transfer ${amount} by ${due} to the account below, quoting the payment reference.`,
    directDebitText: (amount: string, date: string, ending: string) => `We will collect ${amount} on ${date} by SEPA direct debit from your account ending in ${ending}.`,
    mandateReference: 'Mandate reference',
    creditorId: 'Creditor identifier',
    qrCaption: 'Scan with your banking app to pay',
    accountHolder: 'Account holder',
    iban: 'IBAN',
    bic: 'BIC',
    vatId: 'VAT ID',
    page: (n: number, of: number) => `Page ${n} of ${of}`,
    thanks: 'Thank you for your business.',
  },
  de: {
    title: 'Rechnung',
    billTo: 'Rechnungsempfänger',
    number: 'Rechnungsnummer',
    issueDate: 'Rechnungsdatum',
    dueDate: 'Fällig am',
    customerNumber: 'Kundennummer',
    order: 'Bestellung',
    reference: 'Zahlungsreferenz',
    position: 'Pos.',
    item: 'Artikel',
    quantity: 'Menge',
    unitPrice: 'Einzelpreis',
    taxRate: 'USt.',
    amount: 'Betrag',
    netAmount: 'Netto',
    net: 'Nettobetrag',
    tax: (rate: string, base: string) => `USt. ${rate} auf ${base}`,
    total: 'Zahlbetrag',
    payment: 'Zahlung',
    paymentText: (amount: string, due: string) =>
      `Bitte überweisen Sie ${amount} bis zum ${due} auf das unten genannte Konto und geben Sie dabei die Zahlungsreferenz an.`,
    directDebitText: (amount: string, date: string, ending: string) => `Wir ziehen ${amount} am ${date} per SEPA-Lastschrift von Ihrem Konto mit der Endung ${ending} ein.`,
    mandateReference: 'Mandatsreferenz',
    creditorId: 'Gläubiger-Identifikationsnummer',
    qrCaption: 'Mit der Banking-App scannen und bezahlen',
    accountHolder: 'Kontoinhaber',
    iban: 'IBAN',
    bic: 'BIC',
    vatId: 'USt-IdNr.',
    page: (n: number, of: number) => `Seite ${n} von ${of}`,
    thanks: 'Vielen Dank für Ihren Auftrag.',
  },
} as const;

export type DocumentLabels = (typeof LABELS)[DocumentLanguage];

export interface LabelledValue {
  readonly label: string;
  readonly value: string;
}

export interface DocumentLineView {
  readonly position: string;
  readonly item: string;
  readonly quantity: string;
  readonly unitPrice: string;
  /** Empty when the line carries no tax rate. */
  readonly taxRate: string;
  readonly amount: string;
}

export interface InvoiceDocument {
  readonly language: DocumentLanguage;
  readonly locale: string;
  readonly labels: DocumentLabels;
  /** `Invoice INV-2026-000001`: the document title (PDF metadata, HTML title). */
  readonly title: string;
  readonly number: string;
  readonly seller: { readonly name: string; readonly address: readonly string[]; readonly vatId: string };
  readonly buyer: { readonly name: string; readonly customerId: string };
  /** Invoice number, dates, customer number, order and payment reference, in reading order. */
  readonly facts: readonly LabelledValue[];
  /** True when at least one line carries a tax rate: the lines get a tax rate column, and their amounts are net. */
  readonly showTaxRates: boolean;
  readonly lines: readonly DocumentLineView[];
  /** Net, tax per rate (when the invoice has tax data) and the total; the last one is the amount due. */
  readonly totals: readonly LabelledValue[];
  readonly payment: { readonly text: string; readonly details: readonly LabelledValue[]; readonly qrCaption?: string | null };
  /** One line of seller facts for the foot of every page. */
  readonly footer: string;
  /** The PDF's file name: the invoice number, with anything but letters, digits, `-` and `_` replaced. */
  readonly fileName: string;
  /** The instant the invoice was issued: the PDF's creation date, so rendering stays deterministic. */
  readonly issuedAt: string;
}

/** `en` unless the locale's language is German. */
export function documentLanguage(locale: string): DocumentLanguage {
  return locale.slice(0, 2).toLowerCase() === 'de' ? 'de' : 'en';
}

/** `DE89370400440532013000` printed as `DE89 3704 0044 0532 0130 00`. */
export function formatIbanForPrint(iban: string): string {
  return iban.replace(/\s+/g, '').toUpperCase().replace(/(.{4})(?=.)/g, '$1 ');
}

function formatPercent(ratePercent: string, locale: string): string {
  const value = ratePercent.trim();
  if (!/^\d+(\.\d+)?$/.test(value)) return `${value} %`;
  // A decimal string is formatted exactly (no float); `unit: percent` gives `19%` (en) and `19 %` (de).
  return new Intl.NumberFormat(locale, { style: 'unit', unit: 'percent', maximumFractionDigits: 4 }).format(value as unknown as number);
}

/**
 * The document for `invoice`, in the customer's `locale`, issued by `seller`. Shows the invoice as
 * issued (the same document every time it is asked for, and the one attached to the email), not
 * its later payment state.
 */
export function invoiceDocument(invoice: DocumentInvoice, seller: Seller, locale: string, payment?: DocumentPayment): InvoiceDocument {
  const language = documentLanguage(locale);
  const labels = LABELS[language];
  const money = (minor: number) => formatMoneyForLocale(minor, invoice.currency, locale);
  const date = (d: string) => formatDateForLocale(d, locale);
  const quantity = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const rf = formatRfReferenceForPrint(invoice.rfReference);
  const showTaxRates = invoice.lines.some((l) => l.taxRatePercent != null && l.taxRatePercent !== '');
  const taxes = invoice.taxes ?? [];

  const totals: LabelledValue[] = [];
  if (taxes.length > 0) {
    // Lines without a tax rate are in no tax row, but they are in the net amount.
    totals.push({ label: labels.net, value: money(invoice.lines.reduce((sum, l) => sum + l.amountMinor, 0)) });
    for (const t of taxes) totals.push({ label: labels.tax(formatPercent(t.ratePercent, locale), money(t.netMinor)), value: money(t.taxMinor) });
  }
  totals.push({ label: labels.total, value: money(invoice.totalMinor) });

  const facts: LabelledValue[] = [
    { label: labels.number, value: invoice.number },
    { label: labels.issueDate, value: date(invoice.issueDate) },
    { label: labels.dueDate, value: date(invoice.dueDate) },
    { label: labels.customerNumber, value: invoice.customerId },
    ...(invoice.orderId ? [{ label: labels.order, value: invoice.orderId }] : []),
    { label: labels.reference, value: rf },
  ];

  return {
    language,
    locale,
    labels,
    title: `${labels.title} ${invoice.number}`,
    number: invoice.number,
    seller: { name: seller.name, address: seller.address, vatId: seller.vatId },
    buyer: { name: invoice.customerName, customerId: invoice.customerId },
    facts,
    showTaxRates,
    lines: invoice.lines.map((l) => ({
      position: String(l.lineNo),
      item: l.sku,
      quantity: quantity.format(l.quantity),
      unitPrice: money(l.unitPriceMinor),
      taxRate: l.taxRatePercent != null && l.taxRatePercent !== '' ? formatPercent(l.taxRatePercent, locale) : '',
      amount: money(l.amountMinor),
    })),
    totals,
    payment: payment?.preNotification
      ? {
          text: labels.directDebitText(money(payment.preNotification.amountMinor), date(payment.preNotification.collectionDate), payment.preNotification.ibanEnding),
          details: [
            { label: labels.mandateReference, value: payment.preNotification.mandateId },
            { label: labels.creditorId, value: payment.preNotification.creditorId },
            { label: labels.reference, value: rf },
          ],
          qrCaption: null,
        }
      : {
          text: labels.paymentText(money(payment?.openMinor ?? invoice.totalMinor), date(invoice.dueDate)),
          details: [
            { label: labels.accountHolder, value: seller.name },
            { label: labels.iban, value: formatIbanForPrint(seller.iban) },
            { label: labels.bic, value: seller.bic },
            { label: labels.reference, value: rf },
          ],
          qrCaption: payment?.hasQr ? labels.qrCaption : null,
        },
    footer: [seller.name, ...seller.address, seller.vatId ? `${labels.vatId} ${seller.vatId}` : '', `${labels.iban} ${formatIbanForPrint(seller.iban)}`, `${labels.bic} ${seller.bic}`]
      .filter((part) => part !== '')
      .join(' · '),
    fileName: `${invoice.number.replace(/[^A-Za-z0-9_-]/g, '_')}.pdf`,
    issuedAt: invoice.issuedAt,
  };
}
