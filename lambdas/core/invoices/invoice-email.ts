/**
 * The email that carries an invoice to the customer: HTML and plain text, in the customer's
 * locale (en, de), with every piece of customer text escaped.
 */
import escapeHtml from 'escape-html';
import { formatAmount } from '../money/money';
import { formatRfReferenceForPrint } from '../references/rf-creditor-reference';
import type { Invoice } from './invoice';
import type { OutgoingEmail } from '../ports';
import { payLinkParagraph } from '../portal/pay-link-text';

export interface Seller {
  readonly name: string;
  readonly address: readonly string[];
  readonly iban: string;
  readonly bic: string;
  readonly vatId: string;
  /** Structured address (EN 16931 BG-5), legal and tax registration, electronic address, contact: see `lib/definitions/settings.ts`. */
  readonly postalAddress?: { readonly lines: readonly string[]; readonly city: string; readonly postcode: string; readonly subdivision?: string; readonly country: string };
  readonly legalId?: string;
  readonly taxNumber?: string;
  readonly peppolId?: string;
  readonly contact?: { readonly name: string; readonly phone: string; readonly email: string };
  /** SEPA creditor identifier (absent in settings written before direct debits existed). */
  readonly creditorId?: string;
}

const TEXTS = {
  en: {
    subject: (n: string) => `Invoice ${n}`,
    greeting: (name: string) => `Dear ${name},`,
    intro: 'please find your invoice below.',
    number: 'Invoice number',
    issued: 'Issue date',
    due: 'Due date',
    total: 'Amount due',
    pay: 'Please transfer the amount by the due date to',
    reference: 'quoting the reference',
    sku: 'Item',
    qty: 'Qty',
    price: 'Unit price',
    amount: 'Amount',
    thanks: 'Thank you for your business.',
  },
  de: {
    subject: (n: string) => `Rechnung ${n}`,
    greeting: (name: string) => `Guten Tag ${name},`,
    intro: 'anbei erhalten Sie Ihre Rechnung.',
    number: 'Rechnungsnummer',
    issued: 'Rechnungsdatum',
    due: 'Fällig am',
    total: 'Zahlbetrag',
    pay: 'Bitte überweisen Sie den Betrag bis zum Fälligkeitsdatum an',
    reference: 'unter Angabe der Referenz',
    sku: 'Artikel',
    qty: 'Menge',
    price: 'Einzelpreis',
    amount: 'Betrag',
    thanks: 'Vielen Dank für Ihren Auftrag.',
  },
} as const;

type Language = keyof typeof TEXTS;

function languageOf(locale: string): Language {
  const language = locale.slice(0, 2);
  return language === 'de' ? 'de' : 'en';
}

/** Money in the customer's locale, exact: the decimal string is formatted, never a float. */
export function formatMoneyForLocale(minor: number, currency: string, locale: string): string {
  const decimal = formatAmount({ minor, currency });
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(decimal as unknown as number);
}

/** A calendar date in the customer's locale (en `Nov 26, 2026`, de `26.11.2026`). */
export function formatDateForLocale(date: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}

/**
 * The invoice email for `invoice`, to `to`, in `locale`, with the customer's pay link when given
 * (a fresh one per message). Deterministic for the same input.
 */
export function invoiceEmail(invoice: Invoice, to: string, locale: string, seller: Seller, payLink?: string): OutgoingEmail {
  const link = payLink === undefined ? undefined : payLinkParagraph(locale, payLink);
  const t = TEXTS[languageOf(locale)];
  const money = (minor: number) => formatMoneyForLocale(minor, invoice.currency, locale);
  const date = (d: string) => formatDateForLocale(d, locale);
  const rf = formatRfReferenceForPrint(invoice.rfReference);
  const e = escapeHtml;
  const rows = invoice.lines
    .map((l) => `<tr><td>${e(l.sku)}</td><td style="text-align:right">${l.quantity}</td><td style="text-align:right">${e(money(l.unitPriceMinor))}</td><td style="text-align:right">${e(money(l.amountMinor))}</td></tr>`)
    .join('');
  const html = `<!doctype html><html lang="${e(languageOf(locale))}"><body style="font-family:sans-serif">
<p>${e(t.greeting(invoice.customerName))}</p><p>${e(t.intro)}</p>
<table><tr><th style="text-align:left">${e(t.number)}</th><td>${e(invoice.number)}</td></tr>
<tr><th style="text-align:left">${e(t.issued)}</th><td>${e(date(invoice.issueDate))}</td></tr>
<tr><th style="text-align:left">${e(t.due)}</th><td>${e(date(invoice.dueDate))}</td></tr></table>
<table border="1" cellspacing="0" cellpadding="4"><tr><th>${e(t.sku)}</th><th>${e(t.qty)}</th><th>${e(t.price)}</th><th>${e(t.amount)}</th></tr>${rows}
<tr><th colspan="3" style="text-align:right">${e(t.total)}</th><th style="text-align:right">${e(money(invoice.balanceMinor))}</th></tr></table>
<p>${e(t.pay)} ${e(seller.name)}, IBAN ${e(seller.iban)}, BIC ${e(seller.bic)}, ${e(t.reference)} <strong>${e(rf)}</strong>.</p>
${link ? `${link.html}\n` : ''}<p>${e(t.thanks)}<br>${e(seller.name)}<br>${seller.address.map(e).join('<br>')}<br>${e(seller.vatId)}</p></body></html>`;
  const text = [
    t.greeting(invoice.customerName),
    '',
    t.intro,
    '',
    `${t.number}: ${invoice.number}`,
    `${t.issued}: ${date(invoice.issueDate)}`,
    `${t.due}: ${date(invoice.dueDate)}`,
    '',
    ...invoice.lines.map((l) => `${l.sku}  ${l.quantity} x ${money(l.unitPriceMinor)} = ${money(l.amountMinor)}`),
    '',
    `${t.total}: ${money(invoice.balanceMinor)}`,
    '',
    `${t.pay} ${seller.name}, IBAN ${seller.iban}, BIC ${seller.bic}, ${t.reference} ${rf}.`,
    '',
    ...(link ? [link.text, ''] : []),
    t.thanks,
    seller.name,
    ...seller.address,
  ].join('\n');
  return { to, subject: t.subject(invoice.number), html, text };
}
