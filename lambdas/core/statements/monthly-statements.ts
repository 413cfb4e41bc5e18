/**
 * The monthly statement email (schedule `MonthlyStatements`, on the first of the month): every
 * customer with open items, or with activity in the month before, gets the statement of that month
 * (the PDF attached, the closing balance per currency in the text) and a fresh pay link.
 *
 * The customers are found through the invoices' status index: the open statuses, and the items
 * paid or settled in the month. A repeated invocation for the same month sends again (the email
 * says which month it covers).
 */
import escapeHtml from 'escape-html';
import { formatDateForLocale, formatMoneyForLocale, type Seller } from '../invoices/invoice-email';
import { payLinkParagraph } from '../portal/pay-link-text';
import type { PayLinks } from '../portal/pay-link';
import { addCalendarDays, calendarDateIn } from '../time/clock';
import { renderStatementPdf } from './statement-pdf';
import { statementOfAccount, type Statement } from './statement-of-account';
import type { Clock } from '../time/clock';
import type { CustomerStore, InvoiceStore, Mailer, OutgoingEmail } from '../ports';
import type { Customer } from '../customers/customer';
import type { Invoice } from '../invoices/invoice';

const OPEN_STATUSES = ['OPEN', 'PARTIALLY_PAID', 'OVERDUE', 'DISPUTED'] as const;
const SETTLED_STATUSES = ['PAID', 'WRITTEN_OFF', 'CREDITED'] as const;

export interface MonthlyStatementDeps {
  readonly invoices: Pick<InvoiceStore, 'listByStatus' | 'allOfCustomer'>;
  readonly customers: Pick<CustomerStore, 'get'>;
  readonly mailer: Mailer;
  readonly payLinks: PayLinks;
  readonly clock: Clock;
  readonly settings: { readonly businessTimeZone: string; readonly seller: Seller };
}

/** The month before the business date of `at`: its first and last day. */
export function previousMonth(at: Date, timeZone: string): { from: string; to: string } {
  const today = calendarDateIn(at, timeZone);
  const to = addCalendarDays(`${today.slice(0, 8)}01`, -1);
  return { from: `${to.slice(0, 8)}01`, to };
}

async function allWithStatus(invoices: MonthlyStatementDeps['invoices'], status: string): Promise<Invoice[]> {
  const all: Invoice[] = [];
  let cursor: string | undefined;
  do {
    const page = await invoices.listByStatus(status, 200, cursor);
    all.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return all;
}

const TEXTS = {
  en: { subject: (from: string, to: string) => `Statement of account ${from} – ${to}`, greeting: (n: string) => `Dear ${n},`, intro: 'please find your statement of account for last month attached.', closing: 'Balance at the end of the month', regards: 'Kind regards,' },
  de: { subject: (from: string, to: string) => `Kontoauszug ${from} – ${to}`, greeting: (n: string) => `Guten Tag ${n},`, intro: 'anbei erhalten Sie Ihren Kontoauszug für den vergangenen Monat.', closing: 'Saldo zum Monatsende', regards: 'Mit freundlichen Grüßen' },
} as const;

/** The statement email: the closing balances, the pay link, the PDF attached. */
export function statementEmail(customer: Pick<Customer, 'name' | 'email' | 'locale'>, statement: Statement, seller: Seller, payLink: string, pdf: Uint8Array): OutgoingEmail {
  const locale = customer.locale || 'en';
  const t = TEXTS[locale.slice(0, 2) === 'de' ? 'de' : 'en'];
  const date = (d: string) => formatDateForLocale(d, locale);
  const link = payLinkParagraph(locale, payLink);
  const balances = statement.currencies.map((c) => `${t.closing} (${c.currency}): ${formatMoneyForLocale(c.closingMinor, c.currency, locale)}`);
  const e = escapeHtml;
  return {
    to: customer.email,
    subject: t.subject(date(statement.from), date(statement.to)),
    html: `<!doctype html><html><body style="font-family:sans-serif"><p>${e(t.greeting(customer.name))}</p><p>${e(t.intro)}</p>${balances.map((b) => `<p><strong>${e(b)}</strong></p>`).join('')}${link.html}<p>${e(t.regards)}<br>${e(seller.name)}</p></body></html>`,
    text: [t.greeting(customer.name), '', t.intro, '', ...balances, '', link.text, '', t.regards, seller.name].join('\n'),
    attachments: [{ filename: `statement-${statement.from}-${statement.to}.pdf`, contentType: 'application/pdf', content: pdf }],
  };
}

/** Sends the statements of the month before `at`; answers how many went out and to whom not (no email address). */
export async function sendMonthlyStatements(deps: MonthlyStatementDeps, input: { readonly at: Date }) {
  const period = previousMonth(input.at, deps.settings.businessTimeZone);
  const customerIds = new Set<string>();
  for (const status of OPEN_STATUSES) for (const i of await allWithStatus(deps.invoices, status)) customerIds.add(i.customerId);
  for (const status of SETTLED_STATUSES) {
    for (const i of await allWithStatus(deps.invoices, status)) {
      const touched = i.allocations.some((a) => a.at.slice(0, 10) >= period.from && a.at.slice(0, 10) <= period.to) || i.history.some((h) => h.at.slice(0, 10) >= period.from && h.at.slice(0, 10) <= period.to);
      if (touched) customerIds.add(i.customerId);
    }
  }
  let sent = 0;
  const skipped: string[] = [];
  for (const customerId of [...customerIds].sort()) {
    const customer = await deps.customers.get(customerId);
    if (!customer || !customer.email) {
      skipped.push(customerId);
      continue;
    }
    const statement = statementOfAccount(customer, await deps.invoices.allOfCustomer(customerId), period);
    const quiet = statement.currencies.every((c) => c.lines.length === 0 && c.closingMinor === 0);
    if (quiet) continue;
    const pdf = await renderStatementPdf(statement, customer.locale, deps.settings.seller, deps.clock.now());
    await deps.mailer.send(statementEmail(customer, statement, deps.settings.seller, deps.payLinks.linkFor(customerId), pdf));
    sent += 1;
  }
  return { from: period.from, to: period.to, sent, skipped };
}
