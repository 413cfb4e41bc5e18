/**
 * The invoice document as a reader sees it, before any format: every label in the customer's
 * language (en, de), every amount, quantity and date formatted for the customer's locale, the RF
 * reference grouped in fours. The HTML and PDF renderers only lay this out, so both show the same
 * facts in the same words. Pure and deterministic: the same invoice gives the same document.
 */
import { formatDateForLocale, formatMoneyForLocale, type Seller } from '../invoice-email';
import { formatRfReferenceForPrint } from '../../references/rf-creditor-reference';
import type { Invoice, InvoiceBuyer } from '../invoice';
import type { OrderLine } from '../../orders/order';
import type { VatBreakdownRow, VatCategory } from '../../tax/vat';

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
  /** Since EN 16931 invoicing: the buyer at issue, the date or period of supply, the order reference, VAT per category. */
  readonly buyer?: InvoiceBuyer | undefined;
  readonly supply?: Invoice['supply'];
  readonly orderReference?: string | null | undefined;
  readonly vatBreakdown?: readonly VatBreakdownRow[] | undefined;
};

/** A credit note printed with the invoice document's layout: its number, reason and the invoice it corrects. */
export interface CreditNoteFacts {
  readonly invoiceNumber: string;
  readonly invoiceIssueDate: string;
  readonly reason: string;
}

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
    supplyDate: 'Date of supply',
    supplyPeriod: 'Period of supply',
    orderReference: 'Your order',
    buyerVatId: 'Your VAT ID',
    sellerVatId: 'Our VAT ID',
    taxNumber: 'Tax number',
    legalId: 'Register',
    creditNote: 'Credit note',
    creditNoteNumber: 'Credit note number',
    corrects: 'Corrects invoice',
    reason: 'Reason',
    creditText: (amount: string) => `${amount} is credited to your account.`,
    sepa: 'SEPA credit transfer',
    category: {
      S: '',
      Z: 'zero rated',
      E: 'exempt',
      AE: 'Reverse charge: the recipient is liable for the VAT (Art. 196 VAT Directive)',
      K: 'Tax-exempt intra-community supply (Art. 138 VAT Directive)',
      G: 'Tax-exempt export outside the EU (Art. 146 VAT Directive)',
      O: 'Not subject to VAT',
    } as Record<VatCategory, string>,
    payOnline: 'Pay online, see your invoices and documents: your personal page.',
    payOnlineLink: 'Open your page',
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
    supplyDate: 'Leistungsdatum',
    supplyPeriod: 'Leistungszeitraum',
    orderReference: 'Ihre Bestellung',
    buyerVatId: 'Ihre USt-IdNr.',
    sellerVatId: 'Unsere USt-IdNr.',
    taxNumber: 'Steuernummer',
    legalId: 'Register',
    creditNote: 'Gutschrift',
    creditNoteNumber: 'Gutschriftsnummer',
    corrects: 'Korrektur zur Rechnung',
    reason: 'Grund',
    creditText: (amount: string) => `${amount} werden Ihrem Konto gutgeschrieben.`,
    sepa: 'SEPA-Überweisung',
    category: {
      S: '',
      Z: 'Nullsatz',
      E: 'steuerfrei',
      AE: 'Steuerschuldnerschaft des Leistungsempfängers (§ 13b UStG, Art. 196 MwSt-Richtlinie)',
      K: 'Steuerfreie innergemeinschaftliche Lieferung (§ 4 Nr. 1b UStG)',
      G: 'Steuerfreie Ausfuhrlieferung (§ 4 Nr. 1a UStG)',
      O: 'Nicht steuerbar',
    } as Record<VatCategory, string>,
    payOnline: 'Online bezahlen, Rechnungen und Dokumente einsehen: Ihre persönliche Seite.',
    payOnlineLink: 'Ihre Seite öffnen',
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
  readonly buyer: { readonly name: string; readonly customerId: string; readonly address: readonly string[] };
  /** Invoice number, dates, customer number, order and payment reference, in reading order. */
  readonly facts: readonly LabelledValue[];
  /** True when at least one line carries a tax rate: the lines get a tax rate column, and their amounts are net. */
  readonly showTaxRates: boolean;
  readonly lines: readonly DocumentLineView[];
  /** Net, tax per rate (when the invoice has tax data) and the total; the last one is the amount due. */
  readonly totals: readonly LabelledValue[];
  readonly payment: { readonly text: string; readonly details: readonly LabelledValue[]; readonly qrCaption?: string | null };
  /** The customer's pay link (documents sent to the customer carry a fresh one; the archive copy none). */
  readonly payOnline?: { readonly text: string; readonly label: string; readonly url: string };
  /** One line of seller facts for the foot of every page. */
  readonly footer: string;
  /** The PDF's file name: the invoice number, with anything but letters, digits, `-` and `_` replaced. */
  readonly fileName: string;
  /** The instant the invoice was issued: the PDF's creation date, so rendering stays deterministic. */
  readonly issuedAt: string;
}

/** The country's name in the document's language (`DE` -> Germany / Deutschland). */
function regionName(country: string, locale: string): string {
  return new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' }).of(country) ?? country;
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
/** What a rendering adds to the invoice: the credit note it is, the pay link, how to pay now (direct debit or transfer with QR code). */
export interface DocumentExtras {
  readonly creditNote?: CreditNoteFacts;
  /** The customer's pay link (documents sent to the customer carry a fresh one; the archive copy none). */
  readonly payLink?: string;
  /** How the invoice is paid at render time: the direct debit pre-notification, or the open amount with the EPC QR code. */
  readonly payment?: DocumentPayment;
}

export function invoiceDocument(invoice: DocumentInvoice, seller: Seller, locale: string, extras: DocumentExtras = {}): InvoiceDocument {
  const { creditNote, payLink, payment } = extras;
  const language = documentLanguage(locale);
  const labels = LABELS[language];
  const money = (minor: number) => formatMoneyForLocale(minor, invoice.currency, locale);
  const date = (d: string) => formatDateForLocale(d, locale);
  const quantity = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const rf = formatRfReferenceForPrint(invoice.rfReference);
  const showTaxRates = invoice.lines.some((l) => l.taxRatePercent != null && l.taxRatePercent !== '');
  const taxes = invoice.taxes ?? [];

  const totals: LabelledValue[] = [];
  const breakdown = invoice.vatBreakdown ?? [];
  if (breakdown.length > 0) {
    // EN 16931: per VAT category and rate, the net and the VAT on it; exempt categories with their wording (Art. 226 (11)).
    totals.push({ label: labels.net, value: money(invoice.lines.reduce((sum, l) => sum + l.amountMinor, 0)) });
    for (const row of breakdown) {
      const wording = [labels.category[row.vatCategory], row.exemptionReason && row.exemptionReason !== labels.category[row.vatCategory] ? row.exemptionReason : '', row.exemptionCode ?? '']
        .filter((w) => w !== '')
        .join(' · ');
      const base = labels.tax(formatPercent(row.ratePercent, locale), money(row.netMinor));
      totals.push({ label: wording ? `${base} (${wording})` : base, value: money(row.taxMinor) });
    }
  } else if (taxes.length > 0) {
    // Lines without a tax rate are in no tax row, but they are in the net amount.
    totals.push({ label: labels.net, value: money(invoice.lines.reduce((sum, l) => sum + l.amountMinor, 0)) });
    for (const t of taxes) totals.push({ label: labels.tax(formatPercent(t.ratePercent, locale), money(t.netMinor)), value: money(t.taxMinor) });
  }
  totals.push({ label: labels.total, value: money(invoice.totalMinor) });

  const supply = invoice.supply;
  const buyer = invoice.buyer;
  const facts: LabelledValue[] = [
    { label: creditNote ? labels.creditNoteNumber : labels.number, value: invoice.number },
    { label: labels.issueDate, value: date(invoice.issueDate) },
    ...(creditNote ? [{ label: labels.reason, value: creditNote.reason }, { label: labels.corrects, value: `${creditNote.invoiceNumber} (${date(creditNote.invoiceIssueDate)})` }] : [{ label: labels.dueDate, value: date(invoice.dueDate) }]),
    ...(supply?.date ? [{ label: labels.supplyDate, value: date(supply.date) }] : []),
    ...(supply?.period ? [{ label: labels.supplyPeriod, value: `${date(supply.period.from)} – ${date(supply.period.to)}` }] : []),
    { label: labels.customerNumber, value: invoice.customerId },
    ...(invoice.orderId ? [{ label: labels.order, value: invoice.orderId }] : []),
    ...(invoice.orderReference ? [{ label: labels.orderReference, value: invoice.orderReference }] : []),
    ...(buyer?.vatId ? [{ label: labels.buyerVatId, value: buyer.vatId }] : []),
    ...(seller.vatId ? [{ label: labels.sellerVatId, value: seller.vatId }] : []),
    ...(seller.taxNumber ? [{ label: labels.taxNumber, value: seller.taxNumber }] : []),
    { label: labels.reference, value: rf },
  ];
  const postal = buyer?.address;
  const buyerAddress = postal ? [...postal.lines, `${postal.postcode} ${postal.city}`, regionName(postal.country, locale)] : [];

  return {
    language,
    locale,
    labels,
    title: `${creditNote ? labels.creditNote : labels.title} ${invoice.number}`,
    number: invoice.number,
    seller: { name: seller.name, address: seller.address, vatId: seller.vatId },
    buyer: { name: invoice.customerName, customerId: invoice.customerId, address: buyerAddress },
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
    payment: creditNote
      ? {
          text: labels.creditText(money(invoice.totalMinor)),
          details: [
            { label: labels.accountHolder, value: seller.name },
            { label: labels.iban, value: formatIbanForPrint(seller.iban) },
            { label: labels.bic, value: seller.bic },
            { label: labels.reference, value: rf },
          ],
          qrCaption: null,
        }
      : payment?.preNotification
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
            text: `${labels.sepa}: ${labels.paymentText(money(payment?.openMinor ?? invoice.totalMinor), date(invoice.dueDate))}`,
            details: [
              { label: labels.accountHolder, value: seller.name },
              { label: labels.iban, value: formatIbanForPrint(seller.iban) },
              { label: labels.bic, value: seller.bic },
              { label: labels.reference, value: rf },
            ],
            qrCaption: payment?.hasQr ? labels.qrCaption : null,
          },
    ...(payLink ? { payOnline: { text: labels.payOnline, label: labels.payOnlineLink, url: payLink } } : {}),
    footer: [seller.name, ...seller.address, seller.vatId ? `${labels.vatId} ${seller.vatId}` : '', seller.legalId ? `${labels.legalId} ${seller.legalId}` : '', `${labels.iban} ${formatIbanForPrint(seller.iban)}`, `${labels.bic} ${seller.bic}`]
      .filter((part) => part !== '')
      .join(' · '),
    fileName: `${invoice.number.replace(/[^A-Za-z0-9_-]/g, '_')}.pdf`,
    issuedAt: invoice.issuedAt,
  };
}
