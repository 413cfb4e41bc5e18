import { describe, expect, it } from 'vitest';
import {
  compactForm,
  findSubsetsWithSum,
  groupForm,
  lookupKey,
  normalizeAccount,
  normalizePayerName,
  readingStrength,
  withinOneEdit,
} from '../../../lambdas/core/cash-application';

describe('invoice number reading', () => {
  it('gives every loose spelling one lookup key', () => {
    const key = lookupKey('INV-2026-000123');
    for (const written of ['inv2026123', 'INV 2026 123', 'INV2026000123', 'inv-2026-0123']) expect(lookupKey(written), written).toBe(key);
  });

  it('ranks readings: exact, loose, zeros', () => {
    expect(readingStrength('inv 2026 000123', 'INV-2026-000123')).toBe('exact');
    expect(readingStrength('INV2026123', 'INV-2026-000123')).toBe('loose');
    expect(readingStrength('INV 2026 0123', 'INV-2026-000123')).toBe('loose');
    expect(readingStrength('INV20260123', 'INV-2026-000123')).toBe('zeros');
    expect(readingStrength('INV2026124', 'INV-2026-000123')).toBeNull();
    expect(compactForm('a-b c')).toBe('ABC');
    expect(groupForm('INV-000')).toBe('INV0');
  });

  it('allows exactly one edit: replace, insert, delete or swap neighbours', () => {
    expect(withinOneEdit('INV2026123', 'INV2026123')).toBe(true);
    expect(withinOneEdit('INV2026124', 'INV2026123')).toBe(true);
    expect(withinOneEdit('INV202613', 'INV2026123')).toBe(true);
    expect(withinOneEdit('INV20261233', 'INV2026123')).toBe(true);
    expect(withinOneEdit('INV2026132', 'INV2026123')).toBe(true);
    expect(withinOneEdit('NIV2026123', 'INV2026123')).toBe(true);
    expect(withinOneEdit('INV2026214', 'INV2026123')).toBe(false);
    expect(withinOneEdit('INV2026', 'INV2026123')).toBe(false);
    expect(withinOneEdit('XNV2026124', 'INV2026123')).toBe(false);
  });
});

describe('payer identity', () => {
  it('normalizes accounts and names', () => {
    expect(normalizeAccount('de89 3704-0044.0532 0130 00')).toBe('DE89370400440532013000');
    expect(normalizePayerName('Müller & Söhne GmbH')).toBe('MULLER SOHNE');
    expect(normalizePayerName('sohne, muller')).toBe('MULLER SOHNE');
    expect(normalizePayerName('GmbH')).toBeNull();
  });
});

describe('findSubsetsWithSum', () => {
  it('finds the unique set, as positions in the input', () => {
    expect(findSubsetsWithSum([500, 300, 200, 700], 1000, 2, 3, 10_000)).toEqual({ kind: 'ambiguous', solutions: [[1, 3], [0, 1, 2]] });
    expect(findSubsetsWithSum([500, 300, 250, 700], 1050, 2, 3, 10_000)).toEqual({ kind: 'unique', indices: [0, 1, 2] });
  });

  it('treats equal balances as different readings', () => {
    expect(findSubsetsWithSum([100, 100, 50], 150, 2, 2, 10_000).kind).toBe('ambiguous');
  });

  it('respects the size bounds', () => {
    expect(findSubsetsWithSum([100, 200], 100, 2, 3, 10_000)).toEqual({ kind: 'none' });
    expect(findSubsetsWithSum([1, 2, 3, 4], 10, 2, 3, 10_000)).toEqual({ kind: 'none' });
    expect(findSubsetsWithSum([1, 2, 3, 4], 10, 2, 4, 10_000)).toEqual({ kind: 'unique', indices: [0, 1, 2, 3] });
  });

  it('gives up at its step bound instead of answering', () => {
    const values = Array.from({ length: 40 }, (_, i) => 1_000 + i * 7);
    expect(findSubsetsWithSum(values, 1, 2, 4, 100)).toEqual({ kind: 'none' });
    expect(findSubsetsWithSum(values, 4_000_000, 2, 4, 10)).toEqual({ kind: 'none' });
    expect(findSubsetsWithSum(values, 4_100, 2, 4, 5).kind).toBe('gave-up');
  });

  it('is deterministic', () => {
    const values = [310, 120, 450, 80, 230, 120, 90];
    expect(findSubsetsWithSum(values, 540, 2, 4, 10_000)).toEqual(findSubsetsWithSum(values, 540, 2, 4, 10_000));
  });
});
