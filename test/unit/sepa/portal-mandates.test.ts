/**
 * Issue 13 in the portal: the customer reads the mandate text (en/de, CORE and B2B), signs a mandate
 * by accepting it and revokes it, through finance's mandate paths; each action is audited.
 */
import { describe, expect, it } from 'vitest';
import { mandateText, portalMandates, portalRevokeMandate, portalSignMandate, type PortalMandateDeps } from '../../../lambdas/core/sepa/portal-mandates';
import { MandateExistsError, type DirectDebitStore } from '../../../lambdas/core/sepa/ports';
import type { Mandate } from '../../../lambdas/core/sepa/mandate';
import type { PortalActivityEntry } from '../../../lambdas/core/portal/portal';
import { NotFoundError, ValidationError } from '../../../lambdas/core/errors';
import { aCustomer } from '../../support/builders';
import { TestClock } from '../../support/in-memory';

const creditor = { name: 'Example Trading GmbH', creditorId: 'DE98ZZZ09999999999' };
const origin = { sourceIp: '203.0.113.9', userAgent: 'test' };

function setup(locale = 'de-DE') {
  const mandates = new Map<string, Mandate>();
  const store: Pick<DirectDebitStore, 'mandate' | 'mandatesOf' | 'createMandate' | 'saveMandate'> = {
    mandate: async (id) => mandates.get(id),
    mandatesOf: async (customerId) => [...mandates.values()].filter((m) => m.customerId === customerId),
    createMandate: async (m) => {
      if (mandates.has(m.mandateId)) throw new MandateExistsError(m.mandateId);
      mandates.set(m.mandateId, m);
    },
    saveMandate: async (_before, after) => void mandates.set(after.mandateId, after),
  };
  const customers = new Map([['C-1', aCustomer({ customerId: 'C-1', name: 'Anna Schmidt', locale })], ['C-2', aCustomer({ customerId: 'C-2' })]]);
  const activity: PortalActivityEntry[] = [];
  const clock = new TestClock('2027-03-01T09:00:00Z');
  let ids = 0;
  const newId = () => `id${++ids}`;
  const deps: PortalMandateDeps = {
    customers: { get: async (id: string) => customers.get(id) } as never,
    activity: { record: async (e) => void activity.push(e), list: async () => activity },
    clock,
    newId,
    creditorName: creditor.name,
    mandates: { directDebits: store as DirectDebitStore, customers: { get: async (id: string) => customers.get(id) }, clock, newId, settings: { businessTimeZone: 'Europe/Berlin', seller: { creditorId: creditor.creditorId } } },
  };
  return { deps, mandates, activity };
}

const anna = { clientId: 'paylink:L1', role: 'customer' as const, customerId: 'C-1' };

describe('the mandate text', () => {
  it('names the creditor, its identifier and the reference; CORE states the 8-week refund right, B2B that there is none; en and de', () => {
    const core = mandateText('CORE', 'en', creditor, 'MD-1');
    expect(core).toContain('you authorise (A) Example Trading GmbH to send instructions to your bank');
    expect(core).toContain('within 8 weeks');
    expect(core).toContain('creditor identifier DE98ZZZ09999999999, mandate reference MD-1');
    expect(mandateText('B2B', 'en', creditor)).toContain('You are not entitled to a refund');
    expect(mandateText('CORE', 'de-DE', creditor)).toContain('Ich ermächtige Example Trading GmbH, Zahlungen von meinem Konto mittels Lastschrift einzuziehen');
    expect(mandateText('CORE', 'de', creditor)).toContain('innerhalb von acht Wochen');
    expect(mandateText('B2B', 'de', creditor)).toContain('nicht berechtigt, nach der erfolgten Einlösung eine Erstattung');
  });
});

describe('mandates on the customer page', () => {
  it('signs a mandate dated today when the text is accepted, shows the account by its last four characters, and audits it', async () => {
    const { deps, mandates, activity } = setup();
    const signed = await portalSignMandate(deps, anna, { iban: 'DE02 1203 0000 0000 2020 51', accountHolder: 'Anna Schmidt', scheme: 'CORE', acceptMandateText: true }, origin, 'KEY1');
    expect(signed).toMatchObject({ scheme: 'CORE', status: 'ACTIVE', signedOn: '2027-03-01', accountEnding: '2051', creditorId: creditor.creditorId });
    expect(JSON.stringify(signed)).not.toContain('DE02120300000000202051');
    expect(signed.text.de).toContain(`Mandatsreferenz ${signed.mandateId}`);
    expect(mandates.get(signed.mandateId)).toMatchObject({ customerId: 'C-1', iban: 'DE02120300000000202051' });
    expect(activity).toMatchObject([{ customerId: 'C-1', action: 'mandate-signed', actor: 'paylink:L1', sourceIp: '203.0.113.9' }]);
    const page = await portalMandates(deps, anna);
    expect(page.mandates.map((m) => m.mandateId)).toEqual([signed.mandateId]);
    expect(page.texts.de.CORE).toContain('Ich ermächtige');
    expect(page.texts.en.B2B).toContain('business-to-business');
  });

  it('refuses a mandate whose text was not accepted, or with a bad IBAN, naming the field; nothing is stored', async () => {
    const { deps, mandates } = setup();
    await expect(portalSignMandate(deps, anna, { iban: 'DE02120300000000202051', accountHolder: 'A', scheme: 'CORE', acceptMandateText: false }, origin)).rejects.toMatchObject({ problems: [{ field: 'acceptMandateText' }] });
    await expect(portalSignMandate(deps, anna, { iban: 'DE02120300000000202052', accountHolder: 'A', scheme: 'CORE', acceptMandateText: true }, origin)).rejects.toBeInstanceOf(ValidationError);
    await expect(portalSignMandate(deps, anna, { iban: 'DE02120300000000202051', accountHolder: 'A', scheme: 'CORE', acceptMandateText: true, signedOn: '2020-01-01' }, origin)).rejects.toMatchObject({ problems: [{ field: 'signedOn' }] });
    expect(mandates.size).toBe(0);
  });

  it('revokes its own mandate, not another customer\'s', async () => {
    const { deps, activity } = setup('en');
    const signed = await portalSignMandate(deps, anna, { iban: 'DE02120300000000202051', accountHolder: 'Anna Schmidt', scheme: 'B2B', acceptMandateText: true }, origin);
    await expect(portalRevokeMandate(deps, { clientId: 'paylink:L2', role: 'customer', customerId: 'C-2' }, { mandateId: signed.mandateId }, origin)).rejects.toBeInstanceOf(NotFoundError);
    const revoked = await portalRevokeMandate(deps, anna, { mandateId: signed.mandateId }, origin);
    expect(revoked).toMatchObject({ status: 'REVOKED', revocationReason: 'revoked by the customer on its page' });
    expect(activity.map((a) => a.action)).toEqual(['mandate-signed', 'mandate-revoked']);
  });
});
