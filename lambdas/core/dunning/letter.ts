/**
 * The consolidated dunning letter: one per customer per run, HTML and plain text, in the
 * customer's locale (en, de), listing every overdue item with its number, due date, days past
 * due, balance, fees and interest to date and RF reference, and how to pay. Every piece of
 * customer text is escaped in the HTML.
 */
import escapeHtml from 'escape-html';
import { formatDateForLocale, formatMoneyForLocale, type Seller } from '../invoices/invoice-email';
import { formatRfReferenceForPrint } from '../references/rf-creditor-reference';
import type { OutgoingEmail } from '../ports';
import type { LetterPlan } from './run';
import { payLinkParagraph } from '../portal/pay-link-text';
import type { ReminderPaymentCode } from '../sepa/reminder-payment';

const TEXTS = {
  en: {
    subject: {
      'friendly-reminder': 'Payment reminder',
      'firm-reminder': 'Second payment reminder',
      'final-notice': 'Final notice before collection',
      none: 'Payment reminder',
      'due-soon': 'Falling due soon',
    },
    greeting: (name: string) => `Dear ${name},`,
    intro: {
      'friendly-reminder': 'our records show the following items as unpaid. Perhaps this has escaped your attention; if you have paid in the meantime, please disregard this letter.',
      'firm-reminder': 'despite our reminder, the following items are still unpaid. Please pay them within 7 days.',
      'final-notice': 'the following items remain unpaid despite our reminders. Unless we receive payment within 7 days, we will hand the matter to a collection agency without further notice.',
      none: 'the following items are unpaid.',
      'due-soon': 'a friendly note: the following invoices fall due soon. If you have paid already, please disregard this message.',
    },
    number: 'Invoice',
    due: 'Due date',
    daysPastDue: 'Days past due',
    level: 'Reminder level',
    balance: 'Balance',
    fees: 'Fees',
    interest: 'Interest to date',
    reference: 'Reference',
    total: 'Total to pay',
    chargesLine: (n: string, rf: string) => `Fees and interest of ${n}: quote ${rf}`,
    pay: 'Please transfer the amounts to',
    quote: 'quoting the RF reference of each item (for fees and interest, the reference given for them).',
    contact: 'If you dispute an item or need to agree a payment date, please reply to this email.',
    qr: (n: string, amount: string, rf: string) => `Scan with your banking app to pay ${n}: ${amount}, reference ${rf} (EPC QR code)`,
    regards: 'Kind regards,',
  },
  de: {
    subject: {
      'friendly-reminder': 'Zahlungserinnerung',
      'firm-reminder': 'Zweite Mahnung',
      'final-notice': 'Letzte Mahnung vor Übergabe an ein Inkassobüro',
      none: 'Zahlungserinnerung',
      'due-soon': 'Demnächst fällig',
    },
    greeting: (name: string) => `Guten Tag ${name},`,
    intro: {
      'friendly-reminder': 'laut unserer Buchhaltung sind die folgenden Posten noch offen. Sicher haben Sie die Zahlung nur übersehen; falls Sie inzwischen gezahlt haben, betrachten Sie dieses Schreiben bitte als gegenstandslos.',
      'firm-reminder': 'trotz unserer Zahlungserinnerung sind die folgenden Posten noch offen. Bitte begleichen Sie sie innerhalb von 7 Tagen.',
      'final-notice': 'die folgenden Posten sind trotz unserer Mahnungen noch offen. Geht die Zahlung nicht innerhalb von 7 Tagen ein, übergeben wir die Forderung ohne weitere Ankündigung einem Inkassobüro.',
      none: 'die folgenden Posten sind noch offen.',
      'due-soon': 'eine freundliche Erinnerung: die folgenden Rechnungen werden demnächst fällig. Falls Sie bereits gezahlt haben, betrachten Sie diese Nachricht bitte als gegenstandslos.',
    },
    number: 'Rechnung',
    due: 'Fällig am',
    daysPastDue: 'Tage überfällig',
    level: 'Mahnstufe',
    balance: 'Offener Betrag',
    fees: 'Gebühren',
    interest: 'Zinsen bis heute',
    reference: 'Referenz',
    total: 'Zu zahlen',
    chargesLine: (n: string, rf: string) => `Gebühren und Zinsen zu ${n}: Referenz ${rf}`,
    pay: 'Bitte überweisen Sie die Beträge an',
    quote: 'unter Angabe der RF-Referenz jedes Postens (für Gebühren und Zinsen die dafür genannte Referenz).',
    contact: 'Wenn Sie einen Posten beanstanden oder einen Zahlungstermin vereinbaren möchten, antworten Sie bitte auf diese E-Mail.',
    qr: (n: string, amount: string, rf: string) => `Mit der Banking-App scannen und ${n} bezahlen: ${amount}, Referenz ${rf} (EPC-QR-Code)`,
    regards: 'Mit freundlichen Grüßen',
  },
} as const;

function languageOf(locale: string): keyof typeof TEXTS {
  return locale.slice(0, 2) === 'de' ? 'de' : 'en';
}

/**
 * The letter for `plan`, to the customer, with its fresh pay link, the items falling due soon and the
 * items' EPC QR codes (`reminderPaymentCodes`: in the HTML as images, each also attached as a PNG)
 * when given. Deterministic for the same input.
 */
export function dunningLetter(
  plan: LetterPlan,
  customer: { name: string; email: string; locale: string },
  seller: Seller,
  payLink?: string,
  dueSoon: readonly DueSoonItem[] = [],
  paymentCodes: readonly ReminderPaymentCode[] = [],
): OutgoingEmail {
  const soon = dueSoonSection(dueSoon, customer.locale || 'en', true);
  const locale = customer.locale || 'en';
  const link = payLink === undefined ? undefined : payLinkParagraph(locale, payLink);
  const t = TEXTS[languageOf(locale)];
  const e = escapeHtml;
  const money = (minor: number, currency: string) => formatMoneyForLocale(minor, currency, locale);
  const date = (d: string) => formatDateForLocale(d, locale);
  const totals = new Map<string, number>();
  for (const item of plan.items) totals.set(item.currency, (totals.get(item.currency) ?? 0) + item.balanceMinor + item.chargesOpenMinor);
  const subject = `${t.subject[plan.template]}: ${plan.items.length === 1 ? plan.items[0]!.number : `${plan.items.length} ${languageOf(locale) === 'de' ? 'Posten' : 'items'}`}`;

  const rows = plan.items
    .map(
      (i) => `<tr><td>${e(i.number)}</td><td>${e(date(i.dueDate))}</td><td style="text-align:right">${i.daysPastDue}</td><td style="text-align:right">${i.level}</td>` +
        `<td style="text-align:right">${e(money(i.balanceMinor, i.currency))}</td><td style="text-align:right">${e(money(i.feesMinor, i.currency))}</td>` +
        `<td style="text-align:right">${e(money(i.interestMinor, i.currency))}</td><td>${e(formatRfReferenceForPrint(i.rfReference))}</td></tr>`,
    )
    .join('\n');
  const qrLines = paymentCodes.map((q) => ({ ...q, caption: t.qr(q.number, money(q.amountMinor, 'EUR'), formatRfReferenceForPrint(q.rfReference)) }));
  const chargeLines = plan.items.filter((i) => i.chargesRfReference && i.chargesOpenMinor > 0);
  const totalRows = [...totals.entries()]
    .map(([currency, minor]) => `<tr><th colspan="7" style="text-align:right">${e(t.total)} (${e(currency)})</th><th style="text-align:right">${e(money(minor, currency))}</th></tr>`)
    .join('');
  const html = `<!doctype html><html lang="${e(languageOf(locale))}"><body style="font-family:sans-serif">
<p>${e(t.greeting(customer.name))}</p><p>${e(t.intro[plan.template])}</p>
<table border="1" cellspacing="0" cellpadding="4"><tr><th>${e(t.number)}</th><th>${e(t.due)}</th><th>${e(t.daysPastDue)}</th><th>${e(t.level)}</th><th>${e(t.balance)}</th><th>${e(t.fees)}</th><th>${e(t.interest)}</th><th>${e(t.reference)}</th></tr>
${rows}
${totalRows}</table>
${chargeLines.map((i) => `<p>${e(t.chargesLine(i.chargesNumber ?? '', formatRfReferenceForPrint(i.chargesRfReference!)))} (${e(money(i.chargesOpenMinor, i.currency))})</p>`).join('\n')}
${soon.html}${closing(t, seller, link, qrLines).html}</body></html>`;

  const text = [
    t.greeting(customer.name),
    '',
    t.intro[plan.template],
    '',
    ...plan.items.map(
      (i) =>
        `${t.number} ${i.number} | ${t.due} ${date(i.dueDate)} | ${t.daysPastDue} ${i.daysPastDue} | ${t.level} ${i.level} | ` +
        `${t.balance} ${money(i.balanceMinor, i.currency)} | ${t.fees} ${money(i.feesMinor, i.currency)} | ${t.interest} ${money(i.interestMinor, i.currency)} | ` +
        `${t.reference} ${formatRfReferenceForPrint(i.rfReference)}`,
    ),
    '',
    ...[...totals.entries()].map(([currency, minor]) => `${t.total} (${currency}): ${money(minor, currency)}`),
    ...chargeLines.map((i) => `${t.chargesLine(i.chargesNumber ?? '', formatRfReferenceForPrint(i.chargesRfReference!))} (${money(i.chargesOpenMinor, i.currency)})`),
    '',
    ...soon.text,
    ...closing(t, seller, link, qrLines).text,
  ].join('\n');
  const attachments = qrLines.map((q) => ({ filename: `epc-qr-${q.number.replace(/[^A-Za-z0-9-]/g, '_')}.png`, contentType: 'image/png', content: q.png }));
  return { to: customer.email, subject, html, text, ...(attachments.length > 0 ? { attachments } : {}) };
}

/** How to pay, the pay link, whom to contact and the signature: the end of every letter. */
function closing(
  t: (typeof TEXTS)[keyof typeof TEXTS],
  seller: Seller,
  link: { html: string; text: string } | undefined,
  qrLines: readonly { png: Buffer; number: string; caption: string }[] = [],
): { html: string; text: string[] } {
  const e = escapeHtml;
  return {
    html: `<p>${e(t.pay)} ${e(seller.name)}, IBAN ${e(seller.iban)}, BIC ${e(seller.bic)}, ${e(t.quote)}</p>
${qrLines.map((q) => `<p><img src="data:image/png;base64,${q.png.toString('base64')}" width="200" height="200" alt="EPC QR code ${e(q.number)}"><br>${e(q.caption)}</p>\n`).join('')}${link ? `${link.html}\n` : ''}<p>${e(t.contact)}</p>
<p>${e(t.regards)}<br>${e(seller.name)}<br>${seller.address.map(e).join('<br>')}</p>`,
    text: [`${t.pay} ${seller.name}, IBAN ${seller.iban}, BIC ${seller.bic}, ${t.quote}`, '', ...(qrLines.length > 0 ? [...qrLines.map((q) => q.caption), ''] : []), ...(link ? [link.text, ''] : []), t.contact, '', t.regards, seller.name, ...seller.address],
  };
}

/** An invoice listed because it falls due soon (a pre-due level of its policy, `pre-due.ts`). */
export interface DueSoonItem {
  readonly invoiceId: string;
  readonly number: string;
  readonly rfReference: string;
  readonly currency: string;
  readonly dueDate: string;
  readonly daysToDue: number;
  readonly balanceMinor: number;
}

const DUE_SOON = {
  en: {
    heading: 'Falling due soon',
    inDays: (days: number) => (days === 1 ? 'tomorrow' : `in ${days} days`),
    subjectOne: (number: string, days: number) => `Your invoice ${number} falls due ${days === 1 ? 'tomorrow' : `in ${days} days`}`,
    subjectMany: (count: number) => `${count} invoices fall due soon`,
    fallsDue: 'Falls due',
  },
  de: {
    heading: 'Demnächst fällig',
    inDays: (days: number) => (days === 1 ? 'morgen' : `in ${days} Tagen`),
    subjectOne: (number: string, days: number) => `Ihre Rechnung ${number} wird ${days === 1 ? 'morgen' : `in ${days} Tagen`} fällig`,
    subjectMany: (count: number) => `${count} Rechnungen werden demnächst fällig`,
    fallsDue: 'Fällig',
  },
} as const;

/** The table of invoices falling due soon (with a heading when it follows overdue items in a reminder). */
function dueSoonSection(items: readonly DueSoonItem[], locale: string, withHeading: boolean): { html: string; text: string[] } {
  if (items.length === 0) return { html: '', text: [] };
  const lang = languageOf(locale);
  const t = TEXTS[lang];
  const d = DUE_SOON[lang];
  const e = escapeHtml;
  const money = (minor: number, currency: string) => formatMoneyForLocale(minor, currency, locale);
  const date = (x: string) => formatDateForLocale(x, locale);
  const sorted = [...items].sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.number.localeCompare(b.number));
  const html =
    `${withHeading ? `<h3>${e(d.heading)}</h3>\n` : ''}<table border="1" cellspacing="0" cellpadding="4"><tr><th>${e(t.number)}</th><th>${e(t.due)}</th><th>${e(d.fallsDue)}</th><th>${e(t.balance)}</th><th>${e(t.reference)}</th></tr>\n` +
    sorted
      .map(
        (i) =>
          `<tr><td>${e(i.number)}</td><td>${e(date(i.dueDate))}</td><td>${e(d.inDays(i.daysToDue))}</td><td style="text-align:right">${e(money(i.balanceMinor, i.currency))}</td><td>${e(formatRfReferenceForPrint(i.rfReference))}</td></tr>`,
      )
      .join('\n') +
    '</table>\n';
  const text = [
    ...(withHeading ? [d.heading] : []),
    ...sorted.map((i) => `${t.number} ${i.number} | ${t.due} ${date(i.dueDate)} | ${d.fallsDue} ${d.inDays(i.daysToDue)} | ${t.balance} ${money(i.balanceMinor, i.currency)} | ${t.reference} ${formatRfReferenceForPrint(i.rfReference)}`),
    '',
  ];
  return { html, text };
}

/**
 * The letter of a run that has only invoices falling due soon for the customer ("your invoice
 * falls due in 3 days"): its own subject (never a reminder's), the items, how to pay, the pay link.
 */
export function dueSoonLetter(items: readonly DueSoonItem[], customer: { name: string; email: string; locale: string }, seller: Seller, payLink?: string): OutgoingEmail {
  const locale = customer.locale || 'en';
  const lang = languageOf(locale);
  const t = TEXTS[lang];
  const e = escapeHtml;
  const link = payLink === undefined ? undefined : payLinkParagraph(locale, payLink);
  const first = [...items].sort((a, b) => a.dueDate.localeCompare(b.dueDate))[0]!;
  const subject = items.length === 1 ? DUE_SOON[lang].subjectOne(first.number, first.daysToDue) : DUE_SOON[lang].subjectMany(items.length);
  const section = dueSoonSection(items, locale, false);
  const html = `<!doctype html><html lang="${e(lang)}"><body style="font-family:sans-serif">
<p>${e(t.greeting(customer.name))}</p><p>${e(t.intro['due-soon'])}</p>
${section.html}${closing(t, seller, link).html}</body></html>`;
  const text = [
    t.greeting(customer.name),
    '',
    t.intro['due-soon'],
    '',
    ...section.text,
    ...closing(t, seller, link).text,
  ].join('\n');
  return { to: customer.email, subject, html, text };
}
