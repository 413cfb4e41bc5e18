/**
 * Mandates on the customer's own page (the `customer` role, a pay link): the customer reads the
 * mandate text in its language (en, de) with the creditor's name and identifier, signs a mandate
 * by accepting that text (`POST /portal/mandates`), and revokes one of its mandates
 * (`POST /portal/mandates/revoke`). Signing and revoking take finance's paths (`recordMandate`,
 * `revokeCustomerMandate`: the same checks, the same store) and are audited in the customer's
 * portal activity, which finance reads. The page shows the account by its last four characters only.
 */
import * as z from 'zod';
import type { Caller } from '../access/caller';
import { portalCustomer, type PortalActivityEntry, type PortalDeps, type RequestOrigin } from '../portal/portal';
import { calendarDateIn } from '../time/clock';
import { parseWith } from '../validation';
import { ibanEnding } from './accounts';
import { mandateView, type MandateScheme } from './mandate';
import { listMandates, recordMandate, revokeCustomerMandate, type MandateDeps } from './mandates';

export type PortalMandateDeps = Pick<PortalDeps, 'customers' | 'activity' | 'clock' | 'newId'> & { readonly mandates: MandateDeps; readonly creditorName: string };

/**
 * The SEPA mandate text (the EPC rulebooks' wording of the mandate's authorisation and, for CORE,
 * the refund right), with the creditor's name and identifier and the mandate reference when known.
 */
export function mandateText(scheme: MandateScheme, locale: string, creditor: { readonly name: string; readonly creditorId: string }, mandateId?: string): string {
  const de = locale.slice(0, 2) === 'de';
  const head = de
    ? `SEPA-${scheme === 'B2B' ? 'Firmenlastschrift' : 'Lastschrift'}-Mandat. Zahlungsempfänger: ${creditor.name}, Gläubiger-Identifikationsnummer ${creditor.creditorId}${mandateId ? `, Mandatsreferenz ${mandateId}` : ''}.`
    : `SEPA ${scheme === 'B2B' ? 'Business-to-Business ' : ''}Direct Debit Mandate. Creditor: ${creditor.name}, creditor identifier ${creditor.creditorId}${mandateId ? `, mandate reference ${mandateId}` : ''}.`;
  if (scheme === 'B2B') {
    return de
      ? `${head} Ich ermächtige/Wir ermächtigen ${creditor.name}, Zahlungen von meinem/unserem Konto mittels Lastschrift einzuziehen. Zugleich weise ich mein/weisen wir unser Kreditinstitut an, die von ${creditor.name} auf mein/unser Konto gezogenen Lastschriften einzulösen. Hinweis: Dieses Lastschriftmandat dient nur dem Einzug von Lastschriften, die auf Konten von Unternehmen gezogen sind. Ich bin/Wir sind nicht berechtigt, nach der erfolgten Einlösung eine Erstattung des belasteten Betrages zu verlangen. Ich bin/Wir sind berechtigt, mein/unser Kreditinstitut bis zum Fälligkeitstag anzuweisen, Lastschriften nicht einzulösen.`
      : `${head} By signing this mandate form, you authorise (A) ${creditor.name} to send instructions to your bank to debit your account and (B) your bank to debit your account in accordance with the instructions from ${creditor.name}. This mandate is only intended for business-to-business transactions. You are not entitled to a refund from your bank after your account has been debited, but you are entitled to request your bank not to debit your account up until the day on which the payment is due.`;
  }
  return de
    ? `${head} Ich ermächtige ${creditor.name}, Zahlungen von meinem Konto mittels Lastschrift einzuziehen. Zugleich weise ich mein Kreditinstitut an, die von ${creditor.name} auf mein Konto gezogenen Lastschriften einzulösen. Hinweis: Ich kann innerhalb von acht Wochen, beginnend mit dem Belastungsdatum, die Erstattung des belasteten Betrages verlangen. Es gelten dabei die mit meinem Kreditinstitut vereinbarten Bedingungen.`
    : `${head} By signing this mandate form, you authorise (A) ${creditor.name} to send instructions to your bank to debit your account and (B) your bank to debit your account in accordance with the instructions from ${creditor.name}. As part of your rights, you are entitled to a refund from your bank under the terms and conditions of your agreement with your bank. A refund must be claimed within 8 weeks starting from the date on which your account was debited. Your rights are explained in a statement that you can obtain from your bank.`;
}

/** The body of `POST /portal/mandates`: the account, and the customer's acceptance of the text it was shown. */
export const portalMandateRequest = z.strictObject({
  iban: z.string().trim().min(1, 'must not be empty').max(42, 'must be at most 42 characters'),
  bic: z.string().trim().min(1, 'must not be empty').max(11, 'must be at most 11 characters').optional(),
  accountHolder: z.string().trim().min(1, 'must not be empty').max(70, 'must be at most 70 characters'),
  scheme: z.enum(['CORE', 'B2B'], { message: 'must be CORE or B2B' }),
  acceptMandateText: z.literal(true, { message: 'must be true: the customer accepts the mandate text shown' }),
});

/** The body of `POST /portal/mandates/revoke`. */
export const portalRevokeMandateRequest = z.strictObject({
  mandateId: z.string().trim().min(1, 'must not be empty').max(35, 'must be at most 35 characters'),
  reason: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters').optional(),
});

const creditorOf = (deps: PortalMandateDeps) => ({ name: deps.creditorName, creditorId: deps.mandates.settings.seller.creditorId });

/** A mandate as the customer's page shows it: the account by its last four characters, the text it agreed to. */
function portalMandateView(view: ReturnType<typeof mandateView>, creditor: { name: string; creditorId: string }) {
  const { iban, customerId: _customerId, ...rest } = view;
  return { ...rest, accountEnding: ibanEnding(iban), text: { en: mandateText(view.scheme, 'en', creditor, view.mandateId), de: mandateText(view.scheme, 'de', creditor, view.mandateId) } };
}

/** The customer's mandates and the texts it would sign (CORE and B2B), in English and German. */
export async function portalMandates(deps: PortalMandateDeps, caller: Caller) {
  const customer = await portalCustomer(deps, caller);
  const creditor = creditorOf(deps);
  const { items } = await listMandates(deps.mandates, customer.customerId);
  return {
    creditor,
    // The page switches language: both, per scheme.
    texts: Object.fromEntries((['en', 'de'] as const).map((lang) => [lang, { CORE: mandateText('CORE', lang, creditor), B2B: mandateText('B2B', lang, creditor) }])) as Record<'en' | 'de', Record<MandateScheme, string>>,
    mandates: items.map((m) => portalMandateView(m, creditor)),
  };
}

async function audit(deps: PortalMandateDeps, entry: Omit<PortalActivityEntry, 'entryId' | 'at' | 'action'> & { action: 'mandate-signed' | 'mandate-revoked' }) {
  const at = deps.clock.now().toISOString();
  await deps.activity.record({ ...entry, at, entryId: `${at}#${deps.newId()}` });
}

/** The customer signs a mandate on its page, today, by accepting the text; finance's checks apply (IBAN, BIC, SEPA country). */
export async function portalSignMandate(deps: PortalMandateDeps, caller: Caller, body: unknown, origin: RequestOrigin, keyedId?: string) {
  const customer = await portalCustomer(deps, caller);
  const request = parseWith(portalMandateRequest, body);
  const signedOn = calendarDateIn(deps.clock.now(), deps.mandates.settings.businessTimeZone);
  const view = await recordMandate(deps.mandates, customer.customerId, { iban: request.iban, ...(request.bic ? { bic: request.bic } : {}), accountHolder: request.accountHolder, signedOn, scheme: request.scheme }, keyedId);
  const creditor = creditorOf(deps);
  await audit(deps, { customerId: customer.customerId, action: 'mandate-signed', actor: caller.clientId, ...origin, invoiceId: null, status: 'done', summary: `signed the ${request.scheme} mandate ${view.mandateId} for the account ending in ${ibanEnding(view.iban)}, accepting the mandate text (${customer.locale.slice(0, 2) === 'de' ? 'de' : 'en'})` });
  return portalMandateView(view, creditor);
}

/** The customer revokes one of its mandates: no further collection on it. */
export async function portalRevokeMandate(deps: PortalMandateDeps, caller: Caller, body: unknown, origin: RequestOrigin) {
  const customer = await portalCustomer(deps, caller);
  const request = parseWith(portalRevokeMandateRequest, body);
  const reason = request.reason ?? 'revoked by the customer on its page';
  const view = await revokeCustomerMandate(deps.mandates, customer.customerId, request.mandateId, { reason });
  await audit(deps, { customerId: customer.customerId, action: 'mandate-revoked', actor: caller.clientId, ...origin, invoiceId: null, status: 'done', summary: `revoked the mandate ${view.mandateId}: ${reason}` });
  return portalMandateView(view, creditorOf(deps));
}
