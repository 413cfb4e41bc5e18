import { describe, expect, it } from 'vitest';
import { createCreditorIdentifier, creditorIdentifierProblem } from '../../../lambdas/core/sepa/creditor-identifier';
import { bicProblem, ibanEnding, ibanProblem } from '../../../lambdas/core/sepa/accounts';
import { EPC_BASIC_LATIN, epcIdentifierProblem, epcTextProblem, toEpcText } from '../../../lambdas/core/sepa/charset';
import { controlSum, sepaAmount } from '../../../lambdas/core/sepa/control-sum';
import { addBusinessDays, collectionDateFor, earliestCollectionDate, easterSunday, isTarget2BusinessDay } from '../../../lambdas/core/sepa/target2-calendar';
import {
  addMonths,
  createMandate,
  expiresAfter,
  mandateStatus,
  MandateError,
  newMandateProblems,
  presentCollection,
  revokeMandate,
  withdrawCollection,
  type NewMandate,
} from '../../../lambdas/core/sepa/mandate';

describe('SEPA creditor identifier (EPC262-08, ISO 7064 MOD 97-10 over national id + country + 00)', () => {
  it.each(['DE98ZZZ09999999999', 'ES50ZZZM23456789', 'IT66ZZZA1B2C3D4E5F6G7H8', 'de98 zzz0 9999 9999 99'])('accepts the EPC example %s', (ci) => {
    expect(creditorIdentifierProblem(ci)).toBeNull();
  });

  it('computes the check digits from the national id and country, not the business code', () => {
    expect(createCreditorIdentifier('DE', '09999999999')).toBe('DE98ZZZ09999999999');
    expect(creditorIdentifierProblem('DE98ABC09999999999')).toBeNull();
  });

  it.each([
    ['DE97ZZZ09999999999', 'check digits'],
    ['DE98ZZZ09999999998', 'check digits'],
    ['DE98ZZ', 'must be a SEPA creditor identifier'],
    ['US98ZZZ09999999999', 'SEPA country'],
    ['DE98ZZZ0999999999_', 'must be a SEPA creditor identifier'],
    [`DE98ZZZ${'1'.repeat(29)}`, 'at most 35'],
  ])('refuses %s (%s)', (ci, problem) => {
    expect(creditorIdentifierProblem(ci)).toContain(problem);
  });
});

describe('IBAN and BIC (ibantools)', () => {
  it('accepts SEPA IBANs in either form and names the last four characters', () => {
    expect(ibanProblem('DE89 3704 0044 0532 0130 00')).toBeNull();
    expect(ibanProblem('FR1420041010050500013M02606')).toBeNull();
    expect(ibanEnding('DE89 3704 0044 0532 0130 00')).toBe('3000');
  });
  it('refuses wrong check digits and accounts outside SEPA', () => {
    expect(ibanProblem('DE88370400440532013000')).toContain('valid IBAN');
    expect(ibanProblem('BR1800360305000010009795493C1')).toContain('SEPA country');
  });
  it('checks BICs', () => {
    expect(bicProblem('COBADEFFXXX')).toBeNull();
    expect(bicProblem('BYLADEM1')).toBeNull();
    expect(bicProblem('COBADE')).not.toBeNull();
  });
});

describe('EPC character set and lengths', () => {
  it('converts names to the basic Latin set and cuts them', () => {
    expect(toEpcText('Müller & Söhne GmbH', 70)).toBe('Muller + Sohne GmbH');
    expect(toEpcText('Straße 5 — Œuvre', 70)).toBe('Strasse 5 - OEuvre');
    expect(toEpcText('Café <b>"x"</b>; 50%', 70)).toBe('Cafe .b..x../b.. 50.');
    expect(toEpcText('a'.repeat(100), 70)).toHaveLength(70);
    expect(toEpcText('Zhang 张伟', 70)).toBe('Zhang ..');
  });
  it('is idempotent and its result always passes the set', () => {
    for (const text of ['Ærø Ølsen', 'naïve façade', '€ 100,00', 'tab\tand\nnewline', "O'Brien (Ltd.) +/-?:"]) {
      const once = toEpcText(text, 140);
      expect(EPC_BASIC_LATIN.test(once)).toBe(true);
      expect(toEpcText(once, 140)).toBe(once);
      expect(epcTextProblem(once, 140)).toBeNull();
    }
  });
  it('never converts identifiers: a wrong one is an error naming the rule', () => {
    expect(epcIdentifierProblem('MD-C1-0001')).toBeNull();
    expect(epcIdentifierProblem('/MD1')).toContain('start or end');
    expect(epcIdentifierProblem('MD1/')).toContain('start or end');
    expect(epcIdentifierProblem('MD//1')).toContain('//');
    expect(epcIdentifierProblem('MD 1')).toContain('no spaces');
    expect(epcIdentifierProblem('MDÄ1')).toContain('only');
    expect(epcIdentifierProblem('x'.repeat(36))).toContain('at most 35');
    expect(epcIdentifierProblem('')).toContain('empty');
  });
});

describe('control sums', () => {
  it('counts and sums cents, written with two decimals', () => {
    expect(controlSum([1, 1999, 100000])).toEqual({ numberOfTransactions: 3, sumMinor: 102000 });
    expect(sepaAmount(102000)).toBe('1020.00');
    expect(sepaAmount(5)).toBe('0.05');
  });
  it('refuses amounts outside SEPA limits', () => {
    expect(() => controlSum([0])).toThrow(/positive/);
    expect(() => controlSum([1.5])).toThrow(/positive/);
    expect(() => sepaAmount(100_000_000_000)).toThrow(/999999999.99/);
  });
});

describe('TARGET2 calendar and lead times', () => {
  it('knows Easter and the closing days', () => {
    expect(easterSunday(2026)).toBe('2026-04-05');
    expect(easterSunday(2027)).toBe('2027-03-28');
    for (const closed of ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-01', '2026-12-25', '2026-12-26', '2026-12-05', '2026-12-06']) expect(isTarget2BusinessDay(closed), closed).toBe(false);
    for (const open of ['2026-04-02', '2026-04-07', '2026-12-24', '2026-12-31', '2026-05-14' /* Ascension: national, not TARGET2 */]) expect(isTarget2BusinessDay(open), open).toBe(true);
  });
  it('adds business days over weekends and holidays', () => {
    expect(addBusinessDays('2026-12-04', 1)).toBe('2026-12-07'); // Friday -> Monday
    expect(addBusinessDays('2026-12-24', 1)).toBe('2026-12-28'); // over Christmas and a weekend
    expect(addBusinessDays('2026-04-02', 1)).toBe('2026-04-07'); // over Good Friday to Easter Monday
    expect(addBusinessDays('2026-12-05', 0)).toBe('2026-12-07'); // a Saturday counts from Monday
  });
  it('gives the earliest collection date (D-1) and the collection day of a due date', () => {
    expect(earliestCollectionDate('2026-12-07', 'CORE')).toBe('2026-12-08');
    expect(earliestCollectionDate('2026-12-07', 'B2B', { CORE: 1, B2B: 2 })).toBe('2026-12-09');
    expect(collectionDateFor('2026-12-12', '2026-12-08')).toBe('2026-12-14'); // due on a Saturday: Monday
    expect(collectionDateFor('2026-12-01', '2026-12-08')).toBe('2026-12-08'); // due before: the earliest
  });
});

describe('mandate aggregate', () => {
  const input: NewMandate = {
    mandateId: 'MD-C1-0001',
    customerId: 'C1',
    creditorId: 'DE98ZZZ09999999999',
    scheme: 'CORE',
    iban: 'DE89 3704 0044 0532 0130 00',
    bic: 'cobadeffxxx',
    accountHolder: 'Müller GmbH',
    signedOn: '2026-11-01',
  };

  it('is created in electronic form, active, with FRST next', () => {
    expect(newMandateProblems(input, '2026-12-01')).toEqual([]);
    const m = createMandate(input, '2026-12-01T10:00:00.000Z');
    expect(m).toMatchObject({ iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', status: 'ACTIVE', nextSequence: 'FRST', lastCollectionOn: null });
  });

  it('names every wrong field', () => {
    const problems = newMandateProblems({ ...input, mandateId: 'MD 1', iban: 'DE00', bic: 'X', scheme: 'COR1' as 'CORE', accountHolder: '  ', signedOn: '2026-12-02', creditorId: 'DE00ZZZ1' }, '2026-12-01');
    expect(problems.map((p) => p.field).sort()).toEqual(['accountHolder', 'bic', 'creditorId', 'iban', 'mandateId', 'scheme', 'signedOn']);
  });

  it('goes FRST then RCUR, and a withdrawn first collection gives FRST back', () => {
    const m = createMandate(input, 'T0');
    const first = presentCollection(m, '2026-12-08', 'T1');
    expect(first.sequence).toBe('FRST');
    const second = presentCollection(first.mandate, '2027-01-08', 'T2');
    expect(second.sequence).toBe('RCUR');
    expect(second.mandate.lastCollectionOn).toBe('2027-01-08');
    const back = withdrawCollection(first.mandate, { sequence: 'FRST', previousCollectionOn: null }, 'T3');
    expect(back).toMatchObject({ nextSequence: 'FRST', lastCollectionOn: null });
  });

  it('expires 36 months after the signature or the last collection', () => {
    const m = createMandate(input, 'T0');
    expect(addMonths('2024-02-29', 36)).toBe('2027-02-28');
    expect(expiresAfter(m)).toBe('2029-10-31');
    expect(mandateStatus(m, '2029-10-31')).toBe('ACTIVE');
    expect(mandateStatus(m, '2029-11-01')).toBe('EXPIRED');
    const used = presentCollection(m, '2027-06-01', 'T1').mandate;
    expect(mandateStatus(used, '2030-05-31')).toBe('ACTIVE');
    expect(() => presentCollection(m, '2029-11-02', 'T2')).toThrow(MandateError);
    expect(newMandateProblems({ ...input, signedOn: '2023-11-01' }, '2026-12-01').map((p) => p.field)).toEqual(['signedOn']);
  });

  it('is revoked once and then never collected', () => {
    const revoked = revokeMandate(createMandate(input, 'T0'), 'customer asked', 'T1');
    expect(mandateStatus(revoked, '2026-12-02')).toBe('REVOKED');
    expect(() => presentCollection(revoked, '2026-12-08', 'T2')).toThrow(/revoked/);
    expect(() => revokeMandate(revoked, 'again', 'T3')).toThrow(/already revoked/);
  });
});

describe('return reasons', () => {
  it('stops collection for reasons that invalidate the mandate or account, not for funds or refusal', async () => {
    const { returnReason } = await import('../../../lambdas/core/sepa/return-reasons');
    expect(['AC04', 'MD01', 'AC01', 'MD07', 'ag01'].map((c) => returnReason(c).stopsCollection)).toEqual([true, true, true, true, true]);
    expect(['AM04', 'MS02', 'MS03', 'MD06'].map((c) => returnReason(c).stopsCollection)).toEqual([false, false, false, false]);
    expect(returnReason('ZZ99')).toEqual({ code: 'ZZ99', text: 'return reason ZZ99', stopsCollection: false });
  });
});

describe('the seller creditor identifier setting', () => {
  it('is checked for its format and check digits, naming the setting', async () => {
    const { settingsFrom, directDebitSettingsFrom } = await import('../../../lib/definitions/settings');
    const given = (seller: unknown) => () => settingsFrom((key) => (key === 'seller' ? seller : undefined));
    expect(given({ creditorId: 'de98 zzz0 9999 9999 99' })().seller.creditorId).toBe('DE98ZZZ09999999999');
    expect(given({ creditorId: 'DE97ZZZ09999999999' })).toThrow('Setting "seller.creditorId" has check digits that do not match');
    expect(given({ creditorId: 'nonsense' })).toThrow(/Setting "seller.creditorId" must be a SEPA creditor identifier/);
    expect(() => directDebitSettingsFrom({ returnFee: '3.5' })).toThrow(/directDebits.returnFee/);
    expect(() => directDebitSettingsFrom({ leadTimeDays: { CORE: 0 } })).toThrow(/directDebits.leadTimeDays.CORE/);
    expect(directDebitSettingsFrom('{"returnFee":"3.50"}')).toEqual({ leadTimeDays: { CORE: 1, B2B: 1 }, returnFee: '3.50' });
  });
});
