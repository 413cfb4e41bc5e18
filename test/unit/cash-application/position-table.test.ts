import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PositionTable, UniquePositionTable } from '../../../lambdas/core/cash-application/position-table';

/** A small deterministic generator (the test must give the same keys every run). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

describe('PositionTable', () => {
  it('gives every position of a key in the order added, through growth, like a map of lists', () => {
    const random = seeded(7);
    // Few distinct keys for many positions: long runs of equal keys and many probes past other keys.
    const keys = Array.from({ length: 5_000 }, () => `K${Math.floor(random() * 700)}`);
    const table = new PositionTable<string>((position) => keys[position]!); // starts small and grows
    const expected = new Map<string, number[]>();
    keys.forEach((key, position) => {
      table.add(key, position);
      const list = expected.get(key);
      if (list) list.push(position);
      else expected.set(key, [position]);
    });
    expect(table.size).toBe(keys.length);
    for (const [key, positions] of expected) {
      expect(table.get(key)).toEqual(positions.length === 1 ? positions[0] : positions);
      expect(table.has(key)).toBe(true);
    }
    expect(table.get('K700')).toBeUndefined();
    expect(table.has('nothing')).toBe(false);
  });

  it('keeps number keys apart, including large and negative amounts', () => {
    const amounts = [1, 2, 4294967296, 4294967297, -5, 9_007_199_254_740_991, 1, 2];
    const table = new PositionTable<number>((position) => amounts[position]!, 2);
    amounts.forEach((amount, position) => table.add(amount, position));
    expect(table.get(1)).toEqual([0, 6]);
    expect(table.get(2)).toEqual([1, 7]);
    expect(table.get(4294967296)).toBe(2);
    expect(table.get(4294967297)).toBe(3);
    expect(table.get(-5)).toBe(4);
    expect(table.get(9_007_199_254_740_991)).toBe(5);
    expect(table.get(3)).toBeUndefined();
  });

  it('works the key out again only to confirm a slot whose stored hash agrees', () => {
    const keys = Array.from({ length: 1_000 }, (_, i) => `INV-${i}`);
    let keyOfCalls = 0;
    const table = new UniquePositionTable<string>((position) => {
      keyOfCalls++;
      return keys[position]!;
    }, keys.length);
    keys.forEach((key, position) => table.add(key, position));
    keyOfCalls = 0;
    for (let i = 0; i < keys.length; i++) expect(table.get(`INV-${i}`)).toBe(i);
    expect(keyOfCalls).toBe(keys.length); // one confirmation per hit, none for the other keys probed past
    keyOfCalls = 0;
    for (let i = keys.length; i < 2 * keys.length; i++) expect(table.get(`INV-${i}`)).toBeUndefined();
    expect(keyOfCalls).toBeLessThan(5); // only on a 32-bit hash collision
  });
});

describe('cashapp command line start-up', () => {
  it('does not load pdf.js unless a PDF advice is given (its polyfills of Array push and JSON.stringify slow a large run)', () => {
    const source = readFileSync('bin/cashapp.ts', 'utf8');
    expect(source).not.toMatch(/^import [^;]*remittance-advice-pdf/m);
    expect(source).toMatch(/await import\('\.\.\/lambdas\/adapters\/pdf\/remittance-advice-pdf'\)/);
  });
});
