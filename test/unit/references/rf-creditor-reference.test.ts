import { describe, expect, it } from 'vitest';
import {
  createRfReference,
  findRfReferences,
  locateRfReferences,
  formatRfReferenceForPrint,
  isValidRfReference,
  normalizeRfReference,
  RfReferenceError,
} from '../../../lambdas/core/references/rf-creditor-reference';

/**
 * Published examples: RF18539007547034 is the example of ISO 11649 itself; the others come from
 * public validators and libraries (XMLdation's camt example RF712348231, node-iso11649's
 * `generate('12345 12345')`, iso-11649's README, a FileMaker example RF60ISO11649, Mobilefish's
 * RF48 5000056789012345 and RF45G72UUR).
 */
const PUBLISHED_VALID = [
  'RF18539007547034',
  'RF712348231',
  'RF451234512345',
  'RF68AB2G5',
  'RF96TU06FX',
  'RF14X2HU4TC28XTYLHASYWT91',
  'RF720HYA6',
  'RF60ISO11649',
  'RF485000056789012345',
  'RF45G72UUR',
  'RF6518K5',
];

describe('RF creditor reference (ISO 11649)', () => {
  it('computes the check digits of the standard example', () => {
    expect(createRfReference('539007547034')).toBe('RF18539007547034');
  });

  it('reproduces published references from their base', () => {
    for (const reference of PUBLISHED_VALID) {
      expect(createRfReference(reference.slice(4)), reference).toBe(reference);
      expect(isValidRfReference(reference), reference).toBe(true);
    }
    expect(createRfReference('12345 12345')).toBe('RF451234512345');
    expect(createRfReference('aB2g5')).toBe('RF68AB2G5');
  });

  it('pads check digits below 10 with a zero', () => {
    // A base of zeros leaves remainder 94, so the check digits are 04.
    expect(createRfReference('0')).toBe('RF040');
    expect(createRfReference('000000000000000000000')).toBe('RF04000000000000000000000');
    expect(isValidRfReference('RF040')).toBe(true);
  });

  it('accepts the printed form: spaces and lower case', () => {
    expect(isValidRfReference('RF18 5390 0754 7034')).toBe(true);
    expect(isValidRfReference('rf18 5390 0754 7034')).toBe(true);
    expect(isValidRfReference(' RF18539007547034 ')).toBe(true);
    expect(normalizeRfReference('rf18 5390 0754 7034')).toBe('RF18539007547034');
  });

  it('rejects wrong check digits and one mistyped character', () => {
    expect(isValidRfReference('RF19539007547034')).toBe(false);
    expect(isValidRfReference('RF18539007547035')).toBe(false);
    expect(isValidRfReference('RF18539007574034')).toBe(false); // transposed digits
    expect(isValidRfReference('RF19GAX8WS5JYOOUJ87')).toBe(false);
    // Check digits 18 do not fit a base of zeros (those take 04).
    expect(isValidRfReference('RF18 0000 0000 0000 0000 0000 0')).toBe(false);
    expect(normalizeRfReference('RF19539007547034')).toBeNull();
  });

  it('rejects malformed references', () => {
    for (const bad of ['', 'RF', 'RF18', 'RF1', 'XX18539007547034', 'RF1A539007547034', 'RF18-5390-0754-7034', 'RF18539007547034!', 'RF0400000000000000000000000']) {
      expect(isValidRfReference(bad), bad).toBe(false);
    }
  });

  it('refuses bases that are empty, too long or not alphanumeric', () => {
    expect(() => createRfReference('')).toThrow(RfReferenceError);
    expect(() => createRfReference('1234567890123456789012')).toThrow(/1 to 21/);
    expect(() => createRfReference('INV-2026-1')).toThrow(RfReferenceError);
    expect(createRfReference('123456789012345678901')).toHaveLength(25);
  });

  it('prints in groups of four', () => {
    expect(formatRfReferenceForPrint('RF18539007547034')).toBe('RF18 5390 0754 7034');
    expect(formatRfReferenceForPrint('rf712348231')).toBe('RF71 2348 231');
    expect(formatRfReferenceForPrint('RF14X2HU4TC28XTYLHASYWT91')).toBe('RF14 X2HU 4TC2 8XTY LHAS YWT9 1');
    expect(() => formatRfReferenceForPrint('RF19539007547034')).toThrow(RfReferenceError);
  });

  it('round-trips every created reference through print and normalize', () => {
    for (const base of ['1', 'A', 'INV2026000123', 'ZZZZZZZZZZZZZZZZZZZZZ', '999999999999999999999']) {
      const reference = createRfReference(base);
      expect(normalizeRfReference(formatRfReferenceForPrint(reference))).toBe(reference);
    }
  });

  describe('findRfReferences', () => {
    it('finds references as one word or in printed groups, in order, once each', () => {
      expect(findRfReferences('Payment rf18 5390 0754 7034 thanks; ref:RF712348231. RF712348231')).toEqual([
        'RF18539007547034',
        'RF712348231',
      ]);
    });

    it('stops a printed reference at the last short group', () => {
      expect(findRfReferences('RF71 2348 231 2026')).toEqual(['RF712348231']);
    });

    it('ignores references with wrong check digits', () => {
      expect(findRfReferences('RF19539007547034 and RF19 5390 0754 7034')).toEqual([]);
    });

    it('finds nothing in text without references', () => {
      expect(findRfReferences('INV-2026-000123 RFQ 42, RF form')).toEqual([]);
    });
  });
});

describe('locateRfReferences', () => {
  it('says where each reference stands, spaces of the printed form included', () => {
    const text = 'Pay rf18 5390 0754 7034, ref:RF712348231';
    const found = locateRfReferences(text);
    expect(found).toEqual([
      { reference: 'RF18539007547034', index: 4, length: 19 },
      { reference: 'RF712348231', index: 29, length: 11 },
    ]);
    expect(text.slice(4, 4 + 19)).toBe('rf18 5390 0754 7034');
  });
});
