/**
 * The pay link's paragraph in a message (invoice email, reminder letter, statement), in the
 * customer's language: the same words everywhere, the URL escaped in the HTML.
 */
import escapeHtml from 'escape-html';

const TEXTS = {
  en: { lead: 'Pay online, see all your invoices and documents, raise a question or agree a payment date on your page:', link: 'Open your page' },
  de: { lead: 'Online bezahlen, alle Rechnungen und Dokumente einsehen, eine Rechnung beanstanden oder einen Zahlungstermin vereinbaren auf Ihrer Seite:', link: 'Ihre Seite öffnen' },
} as const;

export function payLinkParagraph(locale: string, url: string): { readonly html: string; readonly text: string } {
  const t = TEXTS[locale.slice(0, 2) === 'de' ? 'de' : 'en'];
  return {
    html: `<p>${escapeHtml(t.lead)} <a href="${escapeHtml(url)}">${escapeHtml(t.link)}</a></p>`,
    text: `${t.lead}\n${url}`,
  };
}
