/**
 * The identity of a statement line (its content and its occurrence that day, never its place in
 * the file) and of a statement file (what the bank wrote to identify it, else its content).
 */
import { describe, expect, it } from 'vitest';
import type { StatementLine } from '../../../lambdas/core/bank-statements/statement';
import {
  bankReferenceOf,
  legacyStatementLineKey,
  statementIdFor,
  statementIdOf,
  statementLineContent,
  statementLineKey,
  statementLineKeys,
} from '../../../lambdas/core/cash-application/application';

const ACCOUNT = 'DE89370400440532013000';

function aLine(overrides: Partial<StatementLine> = {}): StatementLine {
  return {
    lineId: 'line-1',
    sequence: 1,
    direction: 'credit',
    amountMinor: 10_000,
    currency: 'EUR',
    bookingDate: '2026-03-10',
    valueDate: '2026-03-09',
    structuredReference: null,
    structuredReferences: [],
    endToEndId: null,
    accountServicerReference: null,
    customerReference: null,
    remittanceText: 'INV-2026-000001',
    payerName: 'Acme Retail GmbH',
    payerAccount: 'DE44500105175407324931',
    bankTransactionCode: null,
    ...overrides,
  };
}

const key = (line: StatementLine, account: string | null = ACCOUNT, occurrence = 1) => statementLineKey(line, account, occurrence);

describe('statementLineKey', () => {
  it('comes from the content, never from the place in the file: line-1 here and line-7 there are one line', () => {
    // Prepare: the same payment as the first line of one export and the seventh of the next
    const here = aLine({ lineId: 'line-1', sequence: 1 });
    const there = aLine({ lineId: 'line-7', sequence: 7, entry: { index: 7, transaction: 1, transactions: 1, amountMinor: 10_000, currency: 'EUR' } });

    // Assess
    expect(key(here)).toBe(key(there));
    expect(key(here)).not.toMatch(/line-/);
    // The earlier key was the position: it told these two apart, so an overlapping export applied the line twice.
    expect(legacyStatementLineKey(here, ACCOUNT)).not.toBe(legacyStatementLineKey(there, ACCOUNT));
  });

  it('differs by account, day, direction, amount, currency, payer, bank reference, references, text and occurrence', () => {
    const base = key(aLine());
    const variants: [string, string][] = [
      ['account', key(aLine(), 'DE02120300000000202051')],
      ['no account', key(aLine(), null)],
      ['booking date', key(aLine({ bookingDate: '2026-03-11' }))],
      ['direction', key(aLine({ direction: 'debit' }))],
      ['amount', key(aLine({ amountMinor: 10_001 }))],
      ['currency', key(aLine({ currency: 'CHF' }))],
      ['payer account', key(aLine({ payerAccount: 'NL91ABNA0417164300' }))],
      ['no payer account', key(aLine({ payerAccount: null }))],
      ['payer name', key(aLine({ payerName: 'Globex SARL' }))],
      ['bank reference', key(aLine({ accountServicerReference: '2026031000017' }))],
      ['end-to-end id', key(aLine({ endToEndId: 'E2E-4711' }))],
      ['structured reference', key(aLine({ structuredReference: 'RF18539007547034', structuredReferences: ['RF18539007547034'] }))],
      ['text', key(aLine({ remittanceText: 'INV-2026-000002' }))],
      ['occurrence', key(aLine(), ACCOUNT, 2)],
    ];

    for (const [what, other] of variants) expect(other, what).not.toBe(base);
    expect(new Set(variants.map(([, k]) => k)).size).toBe(variants.length);
  });

  it('reads account, payer, reference and text normalized, and a placeholder reference as none', () => {
    const base = key(aLine({ remittanceText: 'Rechnung INV-2026-000001 danke' }));

    expect(key(aLine({ remittanceText: 'Rechnung INV-2026-000001 danke' }), 'DE89 3704 0044 0532 0130 00')).toBe(base);
    expect(key(aLine({ remittanceText: '  Rechnung\nINV-2026-000001   danke\r\n' }))).toBe(base);
    expect(key(aLine({ remittanceText: 'Rechnung INV-2026-000001 danke', payerAccount: 'de44 5001 0517 5407 3249 31' }))).toBe(base);
    expect(key(aLine({ remittanceText: 'Rechnung INV-2026-000001 danke', payerName: 'ACME  retail gmbh' }))).toBe(base);
    for (const placeholder of ['NONREF', 'nonref', 'NOTPROVIDED', ' ', '0000000000', '-']) {
      expect(key(aLine({ remittanceText: 'Rechnung INV-2026-000001 danke', accountServicerReference: placeholder })), placeholder).toBe(base);
    }
    // The text's words and case still count.
    expect(key(aLine({ remittanceText: 'rechnung INV-2026-000001 danke' }))).not.toBe(base);
  });

  it('takes the value date as the day when the statement has no booking date (MT940 without entry date)', () => {
    expect(key(aLine({ bookingDate: null, valueDate: '2026-03-10' }))).toBe(key(aLine({ bookingDate: '2026-03-10', valueDate: '2026-03-10' })));
    expect(key(aLine({ bookingDate: null, valueDate: '2026-03-10' }))).toMatch(/\|2026-03-10\|/);
  });

  it('has readable parts first, and never looks like a key of the earlier scheme', () => {
    const k = key(aLine());
    expect(k).toMatch(/^v2\|DE89370400440532013000\|2026-03-10\|C\|10000EUR\|[0-9a-f]{32}\|1$/);
    expect(legacyStatementLineKey(aLine(), ACCOUNT).startsWith('v2|')).toBe(false);
    expect(legacyStatementLineKey(aLine(), null).startsWith('v2|')).toBe(false);
    expect(() => key(aLine(), ACCOUNT, 0)).toThrow(RangeError);
  });

  it('does not mix two contents that would join alike', () => {
    expect(statementLineContent(aLine({ payerName: 'A', remittanceText: 'B C' }), ACCOUNT)).not.toBe(statementLineContent(aLine({ payerName: 'A B', remittanceText: 'C' }), ACCOUNT));
  });
});

describe('statementLineKeys', () => {
  it('counts identical lines of one account and day in file order: two equal payments stay two lines', () => {
    // Prepare: two equal payments on the 10th, one more on the 11th, one on another account
    const statements = [
      { account: ACCOUNT, lines: [aLine({ sequence: 1, lineId: 'line-1' }), aLine({ sequence: 2, lineId: 'line-2' }), aLine({ sequence: 3, lineId: 'line-3', bookingDate: '2026-03-11' })] },
      { account: 'DE02120300000000202051', lines: [aLine({ sequence: 4, lineId: 'line-4' })] },
    ];

    // Act
    const keys = statementLineKeys(statements);

    // Assess
    expect(keys.get(1)).toBe(key(aLine(), ACCOUNT, 1));
    expect(keys.get(2)).toBe(key(aLine(), ACCOUNT, 2));
    expect(keys.get(3)).toBe(key(aLine({ bookingDate: '2026-03-11' }), ACCOUNT, 1));
    expect(keys.get(4)).toBe(key(aLine(), 'DE02120300000000202051', 1));
    expect(new Set(keys.values()).size).toBe(4);
  });

  it('gives an overlapping export the same keys for the lines it shares, whatever their place', () => {
    // Prepare: yesterday's export holds the 9th and the 10th, today's the 10th and the 11th
    const ninth = aLine({ bookingDate: '2026-03-09', remittanceText: 'INV-9' });
    const tenth = [aLine({ remittanceText: 'INV-10' }), aLine({ remittanceText: 'INV-10' }), aLine({ remittanceText: 'other', payerName: 'Globex' })];
    const eleventh = aLine({ bookingDate: '2026-03-11', remittanceText: 'INV-11' });
    const numbered = (lines: StatementLine[]) => lines.map((line, i) => ({ ...line, sequence: i + 1, lineId: `line-${i + 1}` }));
    const yesterday = statementLineKeys([{ account: null, lines: numbered([ninth, ...tenth]) }]);
    const today = statementLineKeys([{ account: null, lines: numbered([...tenth, eleventh]) }]);

    // Assess: the 10th's three lines are keys 2-4 yesterday and 1-3 today
    expect([today.get(1), today.get(2), today.get(3)]).toEqual([yesterday.get(2), yesterday.get(3), yesterday.get(4)]);
    expect([...today.values()].filter((k) => [...yesterday.values()].includes(k))).toHaveLength(3);
  });

  it('counts in file order (by sequence), whatever order the statements come in', () => {
    const first = aLine({ sequence: 1, lineId: 'A' });
    const second = aLine({ sequence: 2, lineId: 'B' });
    const keys = statementLineKeys([{ account: ACCOUNT, lines: [second] }, { account: ACCOUNT, lines: [first] }]);
    expect(keys.get(1)).toMatch(/\|1$/);
    expect(keys.get(2)).toMatch(/\|2$/);
  });
});

describe('bankReferenceOf', () => {
  it('is the bank reference, or null when there is none or it is a placeholder', () => {
    expect(bankReferenceOf({ accountServicerReference: ' 2026031000017 ' })).toBe('2026031000017');
    expect(bankReferenceOf({ accountServicerReference: '025498557/000001' })).toBe('025498557/000001');
    for (const none of [null, '', 'NONREF', 'NoRef', 'NOTPROVIDED', 'NONE', 'N/A', '0', '00000000', '--']) {
      expect(bankReferenceOf({ accountServicerReference: none }), String(none)).toBeNull();
    }
  });
});

describe('statementIdOf', () => {
  it('is the same for files with the same identity whatever their bytes, and the content hash without one', () => {
    const identity = JSON.stringify(['camt.054', 'NTF-1', ACCOUNT, '17']);

    expect(statementIdOf({ fileIdentity: identity }, 'one export')).toBe(statementIdOf({ fileIdentity: identity }, 'another export'));
    expect(statementIdOf({ fileIdentity: identity }, 'x')).toMatch(/^st-[0-9a-f]{32}$/);
    expect(statementIdOf({ fileIdentity: identity }, 'x')).not.toBe(statementIdOf({ fileIdentity: JSON.stringify(['camt.054', 'NTF-2', ACCOUNT, '17']) }, 'x'));
    expect(statementIdOf({ fileIdentity: identity }, 'x')).not.toBe(statementIdFor('x'));
    expect(statementIdOf({ fileIdentity: null }, 'date,amount\n')).toBe(statementIdFor('date,amount\n'));
  });
});
