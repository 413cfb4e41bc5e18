import { describe, expect, it } from 'vitest';
import { CashApplication, CashApplicationInputError, matchStatementLines } from '../../../lambdas/core/cash-application';
import type { LineMatch, OpenItem } from '../../../lambdas/core/cash-application/types';
import { createRfReference } from '../../../lambdas/core/references/rf-creditor-reference';
import { creditLine, customer, openItem } from './fixtures';

const IBAN_C1 = 'DE89 3704 0044 0532 0130 00';
const IBAN_C2 = 'FI21 1234 5600 0007 85';

function expectFiguresAddUp(result: LineMatch): void {
  const allocated = result.allocations.reduce((s, a) => s + a.amountMinor, 0);
  expect(allocated + result.unappliedMinor + result.onAccountMinor).toBe(result.amountMinor);
  expect(result.confidence).toBeGreaterThanOrEqual(0);
  expect(result.confidence).toBeLessThanOrEqual(1);
  expect(result.reasons.length).toBeGreaterThan(0);
}

function matchOne(items: OpenItem[], line: ReturnType<typeof creditLine>, customers = [customer('C-1', { knownAccounts: [IBAN_C1] })]) {
  const run = CashApplication.fromData({ openItems: items, customers });
  const result = run.match(line)!;
  expectFiguresAddUp(result);
  return { result, run };
}

describe('cash application: RF creditor reference', () => {
  const rf = createRfReference('2026000123');
  const items = [openItem('INV-2026-000123', 12_000, { rfReference: rf }), openItem('INV-2026-000124', 12_000)];

  it('applies a payment quoting the RF reference in the structured reference', () => {
    const { result, run } = matchOne(items, creditLine({ amountMinor: 12_000, structuredReference: rf }));
    expect(result.status).toBe('applied');
    expect(result.customerId).toBe('C-1');
    expect(result.allocations).toEqual([{ invoiceId: 'id-INV-2026-000123', invoiceNumber: 'INV-2026-000123', amountMinor: 12_000 }]);
    expect(result.unappliedMinor).toBe(0);
    expect(result.confidence).toBe(0.99);
    expect(result.reasons[0]).toBe(`RF reference ${rf} is on INV-2026-000123`);
    expect(run.openBalanceMinor('id-INV-2026-000123')).toBe(0);
  });

  it('finds the RF reference printed in groups and in lower case anywhere in the text', () => {
    const printed = `${rf.slice(0, 4)} ${rf.slice(4, 8)} ${rf.slice(8, 12)} ${rf.slice(12)}`.toLowerCase();
    const { result } = matchOne(items, creditLine({ amountMinor: 12_000, remittanceText: `Payment ${printed} thank you` }));
    expect(result.status).toBe('applied');
    expect(result.allocations[0]!.invoiceNumber).toBe('INV-2026-000123');
  });

  it('ignores an RF reference with wrong check digits and does not guess between equal amounts', () => {
    const wrong = `RF${rf.slice(2, 4) === '99' ? '98' : String(Number(rf.slice(2, 4)) + 1).padStart(2, '0')}${rf.slice(4)}`;
    const { result } = matchOne(items, creditLine({ amountMinor: 12_000, structuredReference: wrong }));
    expect(result.reasons[0]).toMatch(/wrong check digits/);
    expect(result.status).toBe('suggested');
    expect(result.allocations).toEqual([]);
    expect(result.candidates?.map((c) => c.invoiceNumber)).toEqual(['INV-2026-000123', 'INV-2026-000124']);
  });

  it('ignores a wrong RF reference written in the text too, and falls back to the known payer', () => {
    const only = [openItem('INV-2026-000123', 12_000, { rfReference: rf })];
    const { result } = matchOne(only, creditLine({ amountMinor: 12_000, remittanceText: 'ref RF002026000123', payerAccount: IBAN_C1 }));
    expect(result.status).toBe('applied');
    expect(result.reasons[0]).toBe('RF002026000123 in the text has wrong check digits: ignored');
    expect(result.reasons.join(' | ')).toMatch(/payer account \*\*\*\*3000 is known for C-1/);
    expect(result.confidence).toBe(0.88);
  });

  it('says so when a valid RF reference is on no open item', () => {
    const { result } = matchOne(items, creditLine({ amountMinor: 5, structuredReference: createRfReference('999') }));
    expect(result.status).toBe('unapplied');
    expect(result.reasons[0]).toMatch(/is not on any open item/);
  });
});

describe('cash application: invoice numbers', () => {
  const items = [openItem('INV-2026-000123', 25_000), openItem('INV-2026-000777', 9_900, { dueDate: '2026-03-01' })];

  for (const written of ['INV-2026-000123', 'inv-2026-000123', 'inv2026123', 'INV 2026 123', 'Invoice INV2026000123', 'INV-2026-00123', 'inv 2026000123']) {
    it(`reads "${written}" as INV-2026-000123`, () => {
      const { result } = matchOne(items, creditLine({ amountMinor: 25_000, remittanceText: `Payment ${written}, thanks` }));
      expect(result.status).toBe('applied');
      expect(result.allocations.map((a) => a.invoiceNumber)).toEqual(['INV-2026-000123']);
      expect(result.confidence).toBeGreaterThanOrEqual(0.95);
    });
  }

  it('reads the invoice number in the end-to-end id and a non-RF structured reference', () => {
    expect(matchOne(items, creditLine({ amountMinor: 25_000, endToEndId: 'INV2026000123' })).result.status).toBe('applied');
    expect(matchOne(items, creditLine({ amountMinor: 25_000, structuredReference: 'INV-2026-000123' })).result.status).toBe('applied');
  });

  it('reads a number without its prefix only when the amount confirms it', () => {
    const confirmed = matchOne(items, creditLine({ amountMinor: 25_000, remittanceText: 'Rechnung 2026-000123' })).result;
    expect(confirmed.status).toBe('applied');
    expect(confirmed.reasons[0]).toBe('"2026 000123" reads as INV-2026-000123 without its prefix; the amount equals its balance');
    const unconfirmed = matchOne(items, creditLine({ amountMinor: 10_000, remittanceText: 'Rechnung 2026-000123' })).result;
    expect(unconfirmed.status).not.toBe('applied');
    expect(unconfirmed.reasons.join(' | ')).toMatch(/neither the amount nor the payer confirms it/);
  });

  it('reads a number without its prefix as partial payment when the payer is its customer', () => {
    const { result } = matchOne(items, creditLine({ amountMinor: 10_000, remittanceText: 'Rechnung 2026-000123', payerAccount: IBAN_C1 }));
    expect(result.status).toBe('applied');
    expect(result.allocations).toEqual([{ invoiceId: 'id-INV-2026-000123', invoiceNumber: 'INV-2026-000123', amountMinor: 10_000 }]);
    expect(result.confidence).toBe(0.8);
  });

  it('accepts one mistyped character when the amount equals the balance', () => {
    for (const typo of ['INV-2026-000124', 'INV2026132', 'INV 2O26 123', 'INV-2026-0001233', 'INV202612']) {
      const { result } = matchOne(items, creditLine({ amountMinor: 25_000, remittanceText: `pay ${typo}` }));
      expect(result.status, typo).toBe('applied');
      expect(result.allocations.map((a) => a.invoiceNumber), typo).toEqual(['INV-2026-000123']);
      expect(result.confidence).toBe(0.85);
      expect(result.reasons[0]).toMatch(/one character off INV-2026-000123; the amount equals its balance/);
    }
  });

  it('does not accept a mistyped number when the amount does not confirm it', () => {
    const { result } = matchOne(items, creditLine({ amountMinor: 24_000, remittanceText: 'pay INV-2026-000124' }));
    expect(result.status).toBe('unapplied');
    expect(result.allocations).toEqual([]);
  });

  it('does not accept two mistyped characters', () => {
    const { result } = matchOne(items, creditLine({ amountMinor: 25_000, remittanceText: 'pay INV-2026-000154' }));
    expect(result.status).not.toBe('applied');
  });

  it('suggests when a mistyped number is one character off two items with the amount', () => {
    const twins = [openItem('INV-2026-000123', 25_000), openItem('INV-2026-000125', 25_000)];
    const { result } = matchOne(twins, creditLine({ amountMinor: 25_000, remittanceText: 'INV-2026-000124' }));
    expect(result.status).toBe('suggested');
    expect(result.candidates?.map((c) => c.invoiceNumber)).toEqual(['INV-2026-000123', 'INV-2026-000125']);
  });

  it('suggests when a quoted number may be a mistyped other invoice whose balance equals the amount', () => {
    // The payer meant INV-2026-000123 (250.00) and typed 124, which is another open invoice (400.00).
    const neighbours = [openItem('INV-2026-000123', 25_000), openItem('INV-2026-000124', 40_000)];
    const { result } = matchOne(neighbours, creditLine({ amountMinor: 25_000, remittanceText: 'INV-2026-000124' }));
    expect(result.status).toBe('suggested');
    expect(result.candidates?.map((c) => c.invoiceNumber)).toEqual(['INV-2026-000124', 'INV-2026-000123']);
    expect(result.reasons).toContain('"INV 2026 000124" may also be a mistyped INV-2026-000123, whose balance equals the amount');
  });

  it('applies the mistyped reading of another invoice when the payer is known as its customer', () => {
    const neighbours = [openItem('INV-2026-000123', 25_000), openItem('INV-2026-000124', 40_000, { customerId: 'C-2' })];
    const customers = [customer('C-1', { knownAccounts: [IBAN_C1] }), customer('C-2')];
    const { result } = matchOne(neighbours, creditLine({ amountMinor: 25_000, remittanceText: 'INV-2026-000124', payerAccount: IBAN_C1 }), customers);
    expect(result.status).toBe('applied');
    expect(result.allocations.map((a) => a.invoiceNumber)).toEqual(['INV-2026-000123']);
    expect(result.confidence).toBe(0.85);
  });

  it('prefers the payer own invoice one character off when the quoted one belongs to another customer', () => {
    // Both have 500.00; the payer (C-1) meant its INV-2026-000123 and typed 124, an invoice of C-2.
    const neighbours = [openItem('INV-2026-000123', 50_000), openItem('INV-2026-000124', 50_000, { customerId: 'C-2' })];
    const customers = [customer('C-1', { knownAccounts: [IBAN_C1] }), customer('C-2')];
    const { result } = matchOne(neighbours, creditLine({ amountMinor: 50_000, remittanceText: 'INV-2026-000124', payerAccount: IBAN_C1 }), customers);
    expect(result.status).toBe('applied');
    expect(result.allocations.map((a) => a.invoiceNumber)).toEqual(['INV-2026-000123']);
    const unknownPayer = matchOne(neighbours, creditLine({ amountMinor: 50_000, remittanceText: 'INV-2026-000124' }), customers).result;
    expect(unknownPayer.allocations.map((a) => a.invoiceNumber)).toEqual(['INV-2026-000124']);
  });

  it('finds the mistyped reading even when many items share the amount', () => {
    const many = [openItem('INV-2025-203311', 10_000), openItem('INV-2025-003311', 2_808, { customerId: 'C-2' })];
    for (let i = 0; i < 5; i++) many.push(openItem(`INV-2024-00000${i}`, 10_000, { customerId: `C-${10 + i}` }));
    const run = CashApplication.fromData({ openItems: many, policy: { maxTypoCandidates: 2 } });
    // "INV-2025-03311" is INV-2025-003311 written loosely, and one digit off INV-2025-203311 (100.00).
    const result = run.match(creditLine({ amountMinor: 10_000, remittanceText: 'INV-2025-03311' }))!;
    expect(result.status).toBe('suggested');
    expect(result.candidates?.map((c) => c.invoiceNumber)).toEqual(['INV-2025-003311', 'INV-2025-203311']);
  });

  it('reads a quoted number in another currency as a possible typo of an item with the amount', () => {
    const neighbours = [openItem('INV-2026-000123', 25_000), openItem('INV-2026-000124', 25_000, { currency: 'USD', customerId: 'C-2' })];
    const confirmed = matchOne(neighbours, creditLine({ amountMinor: 25_000, remittanceText: 'INV-2026-000124', payerAccount: IBAN_C1 })).result;
    expect(confirmed.status).toBe('applied');
    expect(confirmed.allocations.map((a) => a.invoiceNumber)).toEqual(['INV-2026-000123']);
    const unconfirmed = matchOne(neighbours, creditLine({ amountMinor: 25_000, remittanceText: 'INV-2026-000124' })).result;
    expect(unconfirmed.status).toBe('suggested');
    expect(unconfirmed.reasons[0]).toBe('INV-2026-000124 is in USD, the payment in EUR: never applied across currencies');
  });

  it('applies a payment quoting several invoices that add up', () => {
    const { result } = matchOne(items, creditLine({ amountMinor: 34_900, remittanceText: 'INV-2026-000777 and INV 2026 123' }));
    expect(result.status).toBe('applied');
    expect(result.allocations.map((a) => [a.invoiceNumber, a.amountMinor])).toEqual([
      ['INV-2026-000123', 25_000],
      ['INV-2026-000777', 9_900],
    ]);
  });

  it('applies only the quoted invoices that add up to the amount when the payer left one out', () => {
    const three = [...items, openItem('INV-2026-000900', 4_000, { dueDate: '2026-01-01' })];
    const { result } = matchOne(three, creditLine({ amountMinor: 29_000, remittanceText: 'INV-2026-000777 INV-2026-000123 INV-2026-000900' }));
    expect(result.status).toBe('applied');
    expect(result.allocations.map((a) => a.invoiceNumber).sort()).toEqual(['INV-2026-000123', 'INV-2026-000900']);
  });
});

describe('cash application: amounts of quoted invoices', () => {
  const items = [openItem('INV-1001', 100_000, { dueDate: '2026-02-01' }), openItem('INV-1002', 50_000, { dueDate: '2026-01-10' })];

  it('applies a partial payment quoting an invoice and leaves the rest open for the next line', () => {
    const run = CashApplication.fromData({ openItems: items });
    const first = run.match(creditLine({ amountMinor: 40_000, remittanceText: 'INV-1001 part 1' }))!;
    expectFiguresAddUp(first);
    expect(first.status).toBe('applied');
    expect(first.allocations).toEqual([{ invoiceId: 'id-INV-1001', invoiceNumber: 'INV-1001', amountMinor: 40_000 }]);
    expect(first.reasons.join(' | ')).toMatch(/partial payment: short by 600.00 EUR; INV-1001 keeps 600.00 EUR open/);
    expect(run.openBalanceMinor('id-INV-1001')).toBe(60_000);
    const second = run.match(creditLine({ amountMinor: 60_000, remittanceText: 'INV-1001 rest' }))!;
    expect(second.status).toBe('applied');
    expect(second.reasons).toContain('amount equals the open balance');
    const third = run.match(creditLine({ amountMinor: 60_000, remittanceText: 'INV-1001 again' }))!;
    expect(third.status).toBe('unapplied');
    expect(third.customerId).toBe('C-1');
    expect(third.reasons).toContain('INV-1001 is quoted but already settled');
  });

  it('spreads a partial payment over quoted invoices oldest due date first', () => {
    const { result } = matchOne(items, creditLine({ amountMinor: 70_000, remittanceText: 'INV-1001, INV-1002' }));
    expect(result.allocations.map((a) => [a.invoiceNumber, a.amountMinor])).toEqual([
      ['INV-1002', 50_000],
      ['INV-1001', 20_000],
    ]);
    expect(result.reasons.join(' | ')).toMatch(/oldest due date first/);
  });

  it('writes off a short payment within tolerance with the reason code', () => {
    const { result, run } = matchOne(items, creditLine({ amountMinor: 99_600, remittanceText: 'INV-1001' }));
    expect(result.status).toBe('applied');
    expect(result.allocations).toEqual([{ invoiceId: 'id-INV-1001', invoiceNumber: 'INV-1001', amountMinor: 99_600 }]);
    expect(result.shortPayWriteOff).toEqual({ invoiceId: 'id-INV-1001', amountMinor: 400, reasonCode: 'SHORT_PAY_WITHIN_TOLERANCE' });
    expect(result.unappliedMinor).toBe(0);
    expect(run.openBalanceMinor('id-INV-1001')).toBe(0);
  });

  it('treats a short payment beyond the absolute tolerance as partial', () => {
    const { result, run } = matchOne(items, creditLine({ amountMinor: 99_400, remittanceText: 'INV-1001' }));
    expect(result.status).toBe('applied');
    expect(result.shortPayWriteOff).toBeUndefined();
    expect(run.openBalanceMinor('id-INV-1001')).toBe(600);
  });

  it('treats a short payment beyond the percentage tolerance as partial', () => {
    // 4.00 EUR is within 5.00 EUR, but more than 2 % of 150.00 EUR (3.00 EUR).
    const small = [openItem('INV-7', 15_000)];
    const { result } = matchOne(small, creditLine({ amountMinor: 14_600, remittanceText: 'INV-7' }));
    expect(result.shortPayWriteOff).toBeUndefined();
    const within = matchOne(small, creditLine({ amountMinor: 14_700, remittanceText: 'INV-7' })).result;
    expect(within.shortPayWriteOff?.amountMinor).toBe(300);
  });

  it('uses the policy given: tolerance per currency, reason code', () => {
    const run = CashApplication.fromData({
      openItems: [openItem('INV-7', 15_000, { currency: 'JPY' })],
      policy: { shortPay: { maxMinorByCurrency: { JPY: 100 }, maxBasisPoints: 10_000, reasonCode: 'BANK_FEE' } },
    });
    const result = run.match(creditLine({ amountMinor: 14_900, currency: 'JPY', remittanceText: 'INV-7' }))!;
    expect(result.shortPayWriteOff).toEqual({ invoiceId: 'id-INV-7', amountMinor: 100, reasonCode: 'BANK_FEE' });
    expect(result.reasons.join(' | ')).toMatch(/short by 100 JPY, within tolerance: written off as BANK_FEE/);
  });

  it('keeps the rest of an overpayment as on-account credit', () => {
    const { result } = matchOne(items, creditLine({ amountMinor: 105_000, remittanceText: 'INV-1001' }));
    expect(result.status).toBe('applied');
    expect(result.allocations[0]!.amountMinor).toBe(100_000);
    expect(result.onAccountMinor).toBe(5_000);
    expect(result.unappliedMinor).toBe(0);
    expect(result.reasons.join(' | ')).toMatch(/overpaid by 50.00 EUR: kept as on-account credit of C-1/);
  });

  it('leaves the rest of an overpayment unapplied when the policy allows no on-account credit', () => {
    const run = CashApplication.fromData({ openItems: items, policy: { allowOnAccount: false } });
    const result = run.match(creditLine({ amountMinor: 105_000, remittanceText: 'INV-1001' }))!;
    expect(result.onAccountMinor).toBe(0);
    expect(result.unappliedMinor).toBe(5_000);
  });

  it('never applies across currencies', () => {
    const usd = [openItem('INV-2001', 10_000, { currency: 'USD' })];
    const { result } = matchOne(usd, creditLine({ amountMinor: 10_000, currency: 'EUR', remittanceText: 'INV-2001' }));
    expect(result.status).toBe('unapplied');
    expect(result.allocations).toEqual([]);
    expect(result.customerId).toBe('C-1');
    expect(result.reasons[0]).toBe('INV-2001 is in USD, the payment in EUR: never applied across currencies');
    const byAmount = matchOne(usd, creditLine({ amountMinor: 10_000, currency: 'EUR', payerAccount: IBAN_C1 })).result;
    expect(byAmount.status).toBe('unapplied');
  });

  it('suggests when the quoted invoices belong to different customers', () => {
    const mixed = [openItem('INV-1', 100), openItem('INV-2', 200, { customerId: 'C-2' })];
    const { result } = matchOne(mixed, creditLine({ amountMinor: 300, remittanceText: 'INV-1 INV-2' }));
    expect(result.status).toBe('suggested');
    expect(result.candidates).toHaveLength(2);
  });

  it('lowers the confidence when the payer is known as another customer', () => {
    const items2 = [openItem('INV-1001', 100_000)];
    const customers = [customer('C-1'), customer('C-2', { knownAccounts: [IBAN_C2] })];
    const exact = matchOne(items2, creditLine({ amountMinor: 100_000, remittanceText: 'INV-1001', payerAccount: IBAN_C2 }), customers).result;
    expect(exact.status).toBe('applied');
    expect(exact.confidence).toBe(0.82);
    expect(exact.reasons).toContain('the payer is known as C-2, the invoice belongs to C-1');
    const partial = matchOne(items2, creditLine({ amountMinor: 50_000, remittanceText: 'INV-1001', payerAccount: IBAN_C2 }), customers).result;
    expect(partial.status).toBe('suggested');
    expect(partial.allocations).toHaveLength(1);
    expect(partial.reasons.at(-1)).toMatch(/below the 0.8 needed to apply/);
  });
});

describe('cash application: payer and amount', () => {
  const customers = [
    customer('C-1', { knownAccounts: [IBAN_C1], knownPayerNames: ['ACME TRADING'] }),
    customer('C-2', { name: 'Beta Oy', knownAccounts: [IBAN_C2] }),
    customer('C-3', { name: 'Gamma AB', knownPayerNames: ['Beta'] }),
  ];
  const items = [
    openItem('INV-10', 10_000, { dueDate: '2026-01-10' }),
    openItem('INV-11', 20_000, { dueDate: '2026-01-20' }),
    openItem('INV-12', 35_000, { dueDate: '2026-01-30' }),
    openItem('INV-13', 35_000, { dueDate: '2026-02-10' }),
    openItem('INV-20', 10_000, { customerId: 'C-2', customerName: 'Beta Oy' }),
    openItem('INV-30', 77_700, { customerId: 'C-3', customerName: 'Gamma AB' }),
  ];

  it('applies the exact balance of the only open item of the payer known by account', () => {
    const { result } = matchOne(items, creditLine({ amountMinor: 20_000, payerAccount: 'de89370400440532013000' }), customers);
    expect(result.status).toBe('applied');
    expect(result.allocations.map((a) => a.invoiceNumber)).toEqual(['INV-11']);
    expect(result.confidence).toBe(0.88);
  });

  it('applies on a payer name learned from earlier payments, with less confidence', () => {
    const { result } = matchOne(items, creditLine({ amountMinor: 20_000, payerName: 'acme trading gmbh' }), customers);
    expect(result.status).toBe('applied');
    expect(result.confidence).toBe(0.82);
    expect(result.reasons[0]).toBe('payer name "acme trading gmbh" is known for C-1');
  });

  it('does not use a payer name known for several customers', () => {
    const { result } = matchOne(items, creditLine({ amountMinor: 77_700, payerName: 'BETA' }), customers);
    expect(result.reasons).toContain('payer name "BETA" is known for 2 customers: not used');
    expect(result.status).toBe('suggested');
    expect(result.confidence).toBe(0.5);
  });

  it('suggests when two open items of the payer have the amount', () => {
    const { result } = matchOne(items, creditLine({ amountMinor: 35_000, payerAccount: IBAN_C1 }), customers);
    expect(result.status).toBe('suggested');
    expect(result.allocations).toEqual([]);
    expect(result.unappliedMinor).toBe(35_000);
    expect(result.candidates?.map((c) => c.invoiceNumber)).toEqual(['INV-12', 'INV-13']);
    expect(result.reasons).toContain('2 open items of C-1 equal the amount and no reference tells them apart');
  });

  it('applies a combined payment when one set of the payer open items adds up', () => {
    const { result } = matchOne(items, creditLine({ amountMinor: 30_000, payerAccount: IBAN_C1 }), customers);
    expect(result.status).toBe('applied');
    expect(result.allocations.map((a) => [a.invoiceNumber, a.amountMinor])).toEqual([
      ['INV-10', 10_000],
      ['INV-11', 20_000],
    ]);
    expect(result.confidence).toBe(0.85);
    expect(result.reasons.join(' | ')).toMatch(/combined payment/);
  });

  it('suggests a combined payment that more than one set explains', () => {
    // 45,000 = INV-10 + INV-12 = INV-10 + INV-13.
    const { result } = matchOne(items, creditLine({ amountMinor: 45_000, payerAccount: IBAN_C1 }), customers);
    expect(result.status).toBe('suggested');
    expect(result.reasons.join(' | ')).toMatch(/several sets of open items of C-1 add up to the amount/);
    expect(result.candidates?.map((c) => c.invoiceNumber).sort()).toEqual(['INV-10', 'INV-12', 'INV-13']);
  });

  it('only suggests a short payment without a reference', () => {
    const { result } = matchOne(items, creditLine({ amountMinor: 19_800, payerAccount: IBAN_C1 }), customers);
    expect(result.status).toBe('suggested');
    expect(result.allocations.map((a) => a.invoiceNumber)).toEqual(['INV-11']);
    expect(result.shortPayWriteOff?.amountMinor).toBe(200);
  });

  it('leaves a known payer payment unapplied when nothing fits', () => {
    const { result } = matchOne(items, creditLine({ amountMinor: 1_234, payerAccount: IBAN_C1 }), customers);
    expect(result.status).toBe('unapplied');
    expect(result.customerId).toBe('C-1');
    expect(result.reasons).toContain('no open item of C-1 fits the amount');
  });

  it('only suggests on a unique amount from an unknown payer', () => {
    const { result } = matchOne(items, creditLine({ amountMinor: 77_700, payerName: 'Somebody Else', payerAccount: 'GB33BUKB20201555555555' }), customers);
    expect(result.status).toBe('suggested');
    expect(result.allocations.map((a) => a.invoiceNumber)).toEqual(['INV-30']);
    expect(result.confidence).toBe(0.5);
  });

  it('suggests candidates for an ambiguous amount from an unknown payer and leaves unknown amounts unapplied', () => {
    const ambiguous = matchOne(items, creditLine({ amountMinor: 10_000 }), customers).result;
    expect(ambiguous.status).toBe('suggested');
    expect(ambiguous.candidates?.map((c) => c.invoiceNumber).sort()).toEqual(['INV-10', 'INV-20']);
    const none = matchOne(items, creditLine({ amountMinor: 1 }), customers).result;
    expect(none.status).toBe('unapplied');
    expect(none.customerId).toBeNull();
    expect(none.reasons).toEqual(['payer unknown, nothing quoted, and no open item has this amount']);
  });

  it('learns the payer account from a line applied on a reference, for later lines of the run', () => {
    const run = CashApplication.fromData({ openItems: items, customers });
    const account = 'NL91ABNA0417164300';
    expect(run.match(creditLine({ amountMinor: 77_700, remittanceText: 'INV-30', payerAccount: account }))!.status).toBe('applied');
    expect(run.learnedAccounts().get('NL91ABNA0417164300')).toBe('C-3');
    const later = run.match(creditLine({ amountMinor: 10_000, payerAccount: account }))!;
    expect(later.reasons[0]).toMatch(/learned in this run/);
    expect(later.customerId).toBe('C-3');
  });
});

describe('cash application: statements', () => {
  it('ignores debit lines', () => {
    const run = CashApplication.fromData({ openItems: [openItem('INV-1', 100)] });
    expect(run.match(creditLine({ amountMinor: 100, direction: 'debit', remittanceText: 'INV-1' }))).toBeNull();
    const results = matchStatementLines(
      [creditLine({ amountMinor: 100, direction: 'debit', remittanceText: 'INV-1' }), creditLine({ amountMinor: 100, remittanceText: 'INV-1' })],
      { openItems: [openItem('INV-1', 100)] },
    );
    expect(results).toHaveLength(1);
    expect(results[0]!.status).toBe('applied');
  });

  it('runs lines in sequence against running balances and never mutates its inputs', () => {
    const items = [openItem('INV-1', 100, { dueDate: '2026-01-01' }), openItem('INV-2', 100, { dueDate: '2026-01-02' })].map((i) => Object.freeze(i));
    const frozen = Object.freeze([...items]);
    const lines = [
      creditLine({ amountMinor: 100, remittanceText: 'INV-1' }),
      creditLine({ amountMinor: 100, payerAccount: IBAN_C1 }),
    ].map((l) => Object.freeze(l));
    const results = matchStatementLines(lines, { openItems: frozen, customers: [customer('C-1', { knownAccounts: [IBAN_C1] })] });
    // Once INV-1 is paid, INV-2 is the only item of C-1 with 1.00 EUR: no ambiguity left.
    expect(results.map((r) => [r.status, r.allocations.map((a) => a.invoiceNumber)])).toEqual([
      ['applied', ['INV-1']],
      ['applied', ['INV-2']],
    ]);
    expect(items[0]!.balanceMinor).toBe(100);
  });

  it('finds a partly paid item by its new balance', () => {
    const run = CashApplication.fromData({ openItems: [openItem('INV-1', 10_000)], customers: [customer('C-1', { knownAccounts: [IBAN_C1] })] });
    run.match(creditLine({ amountMinor: 4_000, remittanceText: 'INV-1' }));
    const rest = run.match(creditLine({ amountMinor: 6_000, payerAccount: IBAN_C1 }))!;
    expect(rest.status).toBe('applied');
    expect(rest.allocations[0]!.invoiceNumber).toBe('INV-1');
  });

  it('refuses malformed open items, naming the item and field', () => {
    const duplicate = () => CashApplication.fromData({ openItems: [openItem('INV-1', 1), openItem('INV-1', 2, { invoiceId: 'other' })] });
    expect(duplicate).toThrow(CashApplicationInputError);
    expect(duplicate).toThrow(/open item 2 \(INV-1\): invoiceNumber "INV-1" appears twice/);
    expect(() => CashApplication.fromData({ openItems: [openItem('INV-1', 1, { rfReference: 'RF19539007547034' })] })).toThrow(/rfReference/);
    expect(() => CashApplication.fromData({ openItems: [openItem('INV-1', 1, { currency: 'EURO' })] })).toThrow(/currency/);
    expect(() => CashApplication.fromData({ openItems: [openItem('INV-1', 1.5)] })).toThrow(/balanceMinor/);
    expect(() => CashApplication.fromData({ openItems: [openItem('INV-1', 1, { dueDate: '2026-13-01' })] })).toThrow(/dueDate/);
  });

  it('refuses an invoiceId used twice, also when one item is identified by its number', () => {
    expect(() => CashApplication.fromData({ openItems: [openItem('INV-1', 1, { invoiceId: 'X' }), openItem('INV-2', 1, { invoiceId: 'X' })] })).toThrow(/invoiceId "X" appears twice/);
    expect(() => CashApplication.fromData({ openItems: [openItem('INV-1', 1, { invoiceId: 'INV-2' }), openItem('INV-2', 1, { invoiceId: 'INV-2' })] })).toThrow(/invoiceId "INV-2" appears twice/);
    const run = CashApplication.fromData({ openItems: [openItem('INV-1', 100, { invoiceId: 'INV-1' }), openItem('INV-2', 200, { invoiceId: 'uuid-2' })] });
    expect(run.openBalanceMinor('INV-1')).toBe(100);
    expect(run.openBalanceMinor('uuid-2')).toBe(200);
    expect(run.openBalanceMinor('INV-2')).toBeUndefined();
  });

  it('never matches credit notes or settled items by amount', () => {
    const { result } = matchOne([openItem('CN-1', -5_000), openItem('INV-1', 0)], creditLine({ amountMinor: 5_000, payerAccount: IBAN_C1 }));
    expect(result.status).toBe('unapplied');
  });

  it('matches one line quickly among many open items', () => {
    const many: OpenItem[] = [];
    for (let i = 0; i < 100_000; i++) {
      many.push(openItem(`INV-2026-${String(i).padStart(6, '0')}`, 1_000 + i, { customerId: `C-${i % 5_000}`, invoiceId: `id-${i}` }));
    }
    const run = CashApplication.fromData({ openItems: many });
    const started = performance.now();
    for (let i = 0; i < 2_000; i++) {
      const n = (i * 37) % 100_000;
      const result = run.match(creditLine({ amountMinor: 1_000 + n, remittanceText: `inv 2026 ${n}` }))!;
      expect(result.status).toBe('applied');
    }
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
