import { describe, expect, it } from 'vitest';
import { CashApplication } from '../../../lambdas/core/cash-application';
import { CustomerNameIndex } from '../../../lambdas/core/cash-application/name-index';
import { compareNames, normalizeName } from '../../../lambdas/core/cash-application/names';
import { creditLine, customer, openItem } from './fixtures';

describe('name normaliser', () => {
  it.each([
    ['Müller GmbH', ['MULLER'], 'GMBH'],
    ['Mueller Gesellschaft mit beschraenkter Haftung', ['MULLER'], 'GMBH'],
    ['MUELLER GES.M.B.H.', ['MULLER'], 'GMBH'],
    ['Dupont S.A.S.', ['DUPONT'], 'SAS'],
    ['Dupont Société par actions simplifiée', ['DUPONT'], 'SAS'],
    ['Banco Español, Sociedad Anónima', ['BANCO', 'ESPANOL'], 'SA'],
    ['Acme Intl. Ltd', ['ACME', 'INTERNATIONAL'], 'LTD'],
    ['ACME INTERNATIONAL LIMITED', ['ACME', 'INTERNATIONAL'], 'LTD'],
    ['Smith Bros. & Co.', ['SMITH', 'BROTHER'], 'CO'],
    ['Østergaard A/S', ['OSTERGAARD'], 'AS'],
    ['Łódzkie Zakłady Sp. z o.o.', ['LODZKIE', 'ZAKLADY'], 'SPZOO'],
    // Central European forms, as Polish, Czech, Hungarian and Croatian statements write them.
    ['GWARANT-CYNKOWANIE SPÓŁKA Z O.O.', ['GWARANT', 'CYNKOWANIE'], 'SPZOO'],
    ['Kowalski Sp. j.', ['KOWALSKI'], 'SPJ'],
    ['Nowak Spółka Komandytowa', ['NOWAK'], 'SPK'],
    ['Novák spol. s r.o.', ['NOVAK'], 'SRO'],
    ['Novák s. r. o.', ['NOVAK'], 'SRO'],
    ['NOVÁK SPOLEČNOST S RUČENÍM OMEZENÝM', ['NOVAK'], 'SRO'],
    ['Kovács Korlátolt Felelősségű Társaság', ['KOVAC'], 'KFT'],
    ['OTP Zrt.', ['OTP'], 'ZRT'],
    ['Magyar Telekom Nyilvánosan Működő Részvénytársaság', ['MAGYAR', 'TELEKOM'], 'NYRT'],
    ['Horvat d.o.o.', ['HORVAT'], 'DOO'],
    ['ООО Ромашка', ['OOO', 'ROMASHKA'], null],
    ['The Coffee House', ['COFFEE', 'HOUSE'], null],
  ])('%s -> %j %s', (name, tokens, legalForm) => {
    expect(normalizeName(name)).toEqual({ tokens, legalForm });
  });

  it('keeps nothing distinctive of a name that is only a legal form', () => {
    expect(normalizeName('GmbH & Co. KG').tokens).toEqual([]);
    expect(compareNames('GmbH', 'GmbH')).toBe(0);
  });
});

describe('name similarity: true matches', () => {
  it.each([
    ['Müller GmbH', 'Mueller Gesellschaft mit beschränkter Haftung'],
    ['Müller GmbH', 'MULLER GMBH'],
    ['Schröder & Söhne KG', 'Schroeder und Soehne'],
    ['Nordic Widgets Trading Oy', 'trading, nordic widgets'],
    ['Acme International Ltd', 'ACME INTL LIMITED'],
    ['Société Générale S.A.', 'SOCIETE GENERALE SA'],
    ['Smith Brothers Incorporated', 'Smith Bros. Inc.'],
    ['Baltic Pharma Services SA', 'Baltic Pharma Svcs S.A.'],
    ['Jäger Marine Trading AS', 'JAEGER MARINE TRADING A/S'],
    ['Sjöberg Optics Holding AB', 'SJOEBERG OPTICS HLDG'],
    ['Østergaard Timber Group AS', 'Oestergaard Timber Group'],
    ['Nordic Widgets Trading Oy', 'NORDIC WIDGETS TRAD'],
    ['Nordic Widgets Trading Oy', 'Nordic Wdigets Trading Oy'],
    ['Softwarehaus Nord GmbH', 'Software Haus Nord GmbH'],
  ])('%s ~ %s', (a, b) => {
    expect(compareNames(a, b)).toBeGreaterThanOrEqual(0.9);
  });
});

describe('name similarity: look-alikes that must not match', () => {
  it.each([
    ['Müller Bau GmbH', 'Müller Holz GmbH'],
    ['Meier GmbH', 'Maier GmbH'],
    ['Nordic Widgets Trading Oy', 'Nordic Widgets Group Oy'],
    ['Nordic Widgets Trading Oy', 'Nordic Widgets Trading 2 Oy'],
    ['TSV 1860 München e.V.', 'TSV 1861 München e.V.'],
    ['Müller Bau GmbH', 'Müller Bau AG'],
    ['ABC Logistics Ltd', 'ABD Logistics Ltd'],
    ['Schmidt & Partner', 'Schmitt & Partner Consulting'],
  ])('%s !~ %s', (a, b) => {
    expect(compareNames(a, b)).toBeLessThan(0.9);
  });

  it('is symmetric', () => {
    expect(compareNames('Acme Intl Ltd', 'ACME INTERNATIONAL')).toBe(compareNames('ACME INTERNATIONAL', 'Acme Intl Ltd'));
  });
});

describe('customer name index', () => {
  const index = new CustomerNameIndex(
    new Map([
      ['C-1', ['Müller Bau GmbH']],
      ['C-2', ['Müller Holz GmbH']],
      ['C-3', ['Nordic Widgets Trading Oy', 'NWT Finance']],
    ]),
  );

  it('finds the customer by a transliterated, reordered name and ranks by similarity', () => {
    const found = index.lookup('BAU MUELLER GESELLSCHAFT MIT BESCHRAENKTER HAFTUNG', 0.6);
    expect(found[0]).toEqual({ customerId: 'C-1', name: 'Müller Bau GmbH', similarity: 1 });
    expect(found.slice(1).every((c) => c.similarity < 0.9)).toBe(true);
  });

  it('finds a name with a typo after its fourth letter and a known payer name', () => {
    expect(index.lookup('Nordic Widgtes Trading', 0.9).map((c) => c.customerId)).toEqual(['C-3']);
    expect(index.lookup('nwt finance', 0.9).map((c) => c.customerId)).toEqual(['C-3']);
  });

  it('finds nothing for an unknown payer', () => {
    expect(index.lookup('Maria Schmidt', 0.75)).toEqual([]);
  });
});

describe('cash application by payer name', () => {
  const items = [
    openItem('INV-1', 10_000, { customerId: 'C-1', customerName: 'Müller GmbH' }),
    openItem('INV-2', 20_000, { customerId: 'C-1', customerName: 'Müller GmbH' }),
    openItem('INV-3', 30_000, { customerId: 'C-2', customerName: 'Müller Bau GmbH' }),
    openItem('INV-4', 40_000, { customerId: 'C-3', customerName: 'Müller Holz GmbH' }),
    openItem('INV-5', 40_000, { customerId: 'C-4', customerName: 'Jäger Marine Trading AS' }),
    openItem('INV-6', 50_000, { customerId: 'C-5', customerName: 'Nordic Widgets Trading Oy' }),
    openItem('INV-7', 50_000, { customerId: 'C-6', customerName: 'Nordic Widgets Trading Oy' }),
    openItem('INV-8', 60_000, { customerId: 'C-7', customerName: 'Acme Trading GmbH' }),
    openItem('INV-9', 60_000, { customerId: 'C-8', customerName: 'Acme Trading AG' }),
  ];
  const run = (payerName: string, amountMinor: number) => CashApplication.fromData({ openItems: items, customers: [customer('C-9')] }).match(creditLine({ amountMinor, payerName, remittanceText: 'Zahlung' }))!;

  it('applies a unique amount when the name matches closely, with the reason and a confidence', () => {
    const result = run('MUELLER GESELLSCHAFT MIT BESCHRAENKTER HAFTUNG', 20_000);
    expect(result.status).toBe('applied');
    expect(result.customerId).toBe('C-1');
    expect(result.allocations.map((a) => a.invoiceNumber)).toEqual(['INV-2']);
    expect(result.confidence).toBe(0.82);
    expect(result.reasons).toEqual([
      'payer name "MUELLER GESELLSCHAFT MIT BESCHRAENKTER HAFTUNG" matches "Müller GmbH" of C-1 (similarity 1.00): legal form, case, punctuation, accents, word order and abbreviations aside',
      'amount equals the open balance of INV-2, the only item of C-1 with it',
    ]);
  });

  it('applies across transliteration, word order, abbreviations and a typo', () => {
    expect(run('JAEGER MARINE TRDG A/S', 40_000).allocations.map((a) => a.invoiceNumber)).toEqual(['INV-5']);
    expect(run('Marine Trading, Jaeger', 40_000).status).toBe('applied');
    const typo = run('Jäger Marnie Trading AS', 40_000);
    expect(typo.status).toBe('applied');
    expect(typo.confidence).toBeGreaterThanOrEqual(0.8);
    expect(typo.confidence).toBeLessThan(0.82);
  });

  it('does not take one Müller for another', () => {
    const result = run('Mueller Holz', 30_000);
    expect(result.status).not.toBe('applied');
  });

  it('only suggests when the name is ambiguous between customers', () => {
    const result = run('NORDIC WIDGETS TRADING', 50_000);
    expect(result.status).toBe('suggested');
    expect(result.candidates?.map((c) => c.invoiceNumber).sort()).toEqual(['INV-6', 'INV-7']);
    expect(result.reasons.join(' | ')).toMatch(/resembles 2 customers alike/);
  });

  it('only suggests when another customer the name could also be has an open item of that amount', () => {
    // "Acme Trading" is Acme Trading GmbH or Acme Trading AG: both have 600.00 open.
    const result = run('ACME TRADING', 60_000);
    expect(result.status).toBe('suggested');
    expect(result.allocations).toEqual([]);
  });

  it('only suggests for a name that resembles a customer but not closely', () => {
    const result = run('Mueller Bau Nord', 30_000);
    expect(result.status).toBe('suggested');
    expect(result.reasons.join(' | ')).toMatch(/not closely enough to apply/);
  });

  it('leaves a person unknown to master data to the amount rule', () => {
    const result = run('Maria Schmidt', 10_000);
    expect(result.status).toBe('suggested');
    expect(result.reasons.join(' | ')).toMatch(/payer unknown and nothing quoted/);
  });
});
