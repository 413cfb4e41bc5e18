/**
 * The in-place readings of invoice numbers (no string built per item or per lookup) must agree
 * exactly with the string forms they stand for, and the position table's key options and the
 * index's customer lists with what they replace.
 */
import { describe, expect, it } from 'vitest';
import {
  compactForm,
  groupForm,
  hashLookupKey,
  hashLookupKeyFrom,
  hasLetterPrefix,
  letterPrefix,
  lookupKey,
  readingStrength,
  sameGroupForm,
  sameKeyForm,
  withinOneEdit,
} from '../../../lambdas/core/cash-application/invoice-number';
import { hashString, PositionTable } from '../../../lambdas/core/cash-application/position-table';
import { buildOpenItemIndex, compareByAge } from '../../../lambdas/core/cash-application/open-item-index';
import type { OpenItem } from '../../../lambdas/core/cash-application/types';

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** Texts as payers write numbers: letters of both cases, zeros, separators, other characters. */
function texts(count: number, seed: number): string[] {
  const random = seeded(seed);
  const alphabet = ['0', '0', '0', '1', '2', '9', 'i', 'I', 'n', 'N', 'v', 'V', '-', ' ', '.', '/', 'ä', 'Z', 'z', '_'];
  const out = ['', '0', '000', 'INV-2026-000123', 'inv2026123', 'INV 2026 123', 'Inv.2026-00123', '2026-123', 'INV20260123', '-0-', 'A0B', 'a-00-b'];
  while (out.length < count) {
    const length = Math.floor(random() * 14);
    let text = '';
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
    out.push(text);
  }
  return out;
}

/** The former groupForm, by regular expressions, to compare the character loops with. */
function groupFormByRegex(text: string): string {
  const groups = text.match(/[A-Za-z]+|[0-9]+/g);
  if (!groups) return '';
  let out = '';
  for (const group of groups) {
    const code = group.charCodeAt(0);
    if (code >= 48 && code <= 57) {
      const stripped = group.replace(/^0+/, '');
      out += stripped === '' ? '0' : stripped;
    } else {
      out += group.toUpperCase();
    }
  }
  return out;
}

/** The string-building reading (the former implementation) to compare with. */
function readingByStrings(written: string, invoiceNumber: string): 'exact' | 'loose' | 'zeros' | null {
  const compactWritten = compactForm(written);
  const compactNumber = compactForm(invoiceNumber);
  if (compactWritten === compactNumber) return 'exact';
  if (groupFormByRegex(written) === groupFormByRegex(invoiceNumber)) return 'loose';
  if (compactWritten.replace(/0/g, '') === compactNumber.replace(/0/g, '')) return 'zeros';
  return null;
}

describe('invoice numbers read in place', () => {
  const sample = texts(250, 11);

  it('compares compact forms, lookup keys and group forms as the strings would', () => {
    let equalGroups = 0;
    for (const a of sample) {
      for (const b of sample) {
        expect(sameKeyForm(a, b, false)).toBe(compactForm(a) === compactForm(b));
        expect(sameKeyForm(a, b, true)).toBe(lookupKey(a) === lookupKey(b));
        const same = groupFormByRegex(a) === groupFormByRegex(b);
        if (same && a !== b) equalGroups++;
        expect(sameGroupForm(a, b)).toBe(same);
      }
    }
    expect(equalGroups).toBeGreaterThan(100); // the sample has loosely equal pairs, not only different ones
  });

  it('reads the strength of a reading as the string forms give it', () => {
    const seen = new Set<string | null>();
    for (const a of sample.slice(0, 200)) {
      for (const b of sample.slice(0, 200)) {
        const expected = readingByStrings(a, b);
        seen.add(expected);
        expect(readingStrength(a, b)).toBe(expected);
      }
    }
    expect([...seen].sort()).toEqual(['exact', 'loose', 'zeros', null].sort());
  });

  it('builds the group form by a character loop as the regular expressions did', () => {
    for (const text of sample) expect(groupForm(text)).toBe(groupFormByRegex(text));
  });

  it('hashes the lookup key without building it', () => {
    for (const text of sample) expect(hashLookupKey(text)).toBe(hashString(lookupKey(text)));
  });

  it('hashes a window word by word as the joined text (separators do not count)', () => {
    for (let i = 0; i + 2 < sample.length; i++) {
      const [a, b, c] = [sample[i]!, sample[i + 1]!, sample[i + 2]!];
      expect(hashLookupKeyFrom(hashLookupKeyFrom(hashLookupKey(a), b), c)).toBe(hashLookupKey(`${a} ${b} ${c}`));
      expect(hashLookupKeyFrom(hashLookupKey('INV'), `${a} ${b}`)).toBe(hashLookupKey(`INV${a} ${b}`));
    }
  });

  it('tells whether a number starts with a letter prefix as letterPrefix reads it', () => {
    for (const text of sample) {
      for (const prefix of ['INV', 'IN', 'INVZ', 'ZN', 'I', '']) expect(hasLetterPrefix(text, prefix)).toBe(letterPrefix(text) === prefix);
    }
  });
});

/** The former withinOneEdit, with slices. */
function withinOneEditBySlices(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

describe('one edit apart, in place', () => {
  it('agrees with the comparison by slices on edits of every kind', () => {
    const random = seeded(5);
    const words = texts(120, 3).map(compactForm);
    let near = 0;
    for (const a of words) {
      const edits = [a.slice(1), `${a}1`, `9${a}`, a.length > 1 ? a[1]! + a[0]! + a.slice(2) : a, a.replace(/./, 'X'), a.slice(0, Math.floor(random() * a.length))];
      for (const b of [...edits, ...words.slice(0, 40)]) {
        const expected = withinOneEditBySlices(a, b);
        if (expected && a !== b) near++;
        expect(withinOneEdit(a, b)).toBe(expected);
        expect(withinOneEdit(b, a)).toBe(withinOneEditBySlices(b, a));
      }
    }
    expect(near).toBeGreaterThan(200);
  });
});

describe('PositionTable options', () => {
  it('finds positions by any spelling of the lookup key when given a key form', () => {
    const numbers = ['INV-2026-000123', 'INV-2026-000124', 'inv 2026 123', 'INV-2026-1230', 'X-1'];
    const table = new PositionTable<string>((p) => lookupKey(numbers[p]!), 2, {
      form: { hash: hashLookupKey, matches: (p, text) => sameKeyForm(numbers[p]!, text, true) },
    });
    numbers.forEach((n, p) => table.add(n, p));
    expect(table.get('inv2026123')).toEqual([0, 2, 3]); // the same key: zeros do not count
    expect(table.get(lookupKey('INV 2026 124'))).toBe(1);
    expect(table.get('x1')).toBe(4);
    expect(table.get('INV-2026-125')).toBeUndefined();
    expect(table.mayHoldHash(hashLookupKey('inv 2026 000123'))).toBe(true);
    expect(table.mayHoldHash(hashLookupKey('X 1'))).toBe(true);
    expect(table.mayHoldHash(hashLookupKey('INV-2026-125'))).toBe(false);
  });

  it('keeps number keys in the table and never asks the items for them', () => {
    const amounts = [500, 700, 500, 4294967296, 500, -1];
    let keyOfCalls = 0;
    const table = new PositionTable<number>(
      (p) => {
        keyOfCalls++;
        return amounts[p]!;
      },
      2,
      { numberKeys: true },
    );
    amounts.forEach((a, p) => table.add(a, p)); // grows on the way
    expect(table.get(500)).toEqual([0, 2, 4]);
    expect(table.get(4294967296)).toBe(3);
    expect(table.get(-1)).toBe(5);
    expect(table.get(0)).toBeUndefined();
    expect(keyOfCalls).toBe(0);
  });

  it('walks the positions of a key in order and stops where told', () => {
    const amounts = [5, 6, 5, 5, 7, 5];
    const table = new PositionTable<number>((p) => amounts[p]!, 2, { numberKeys: true });
    amounts.forEach((a, p) => table.add(a, p));
    const seen: number[] = [];
    expect(table.some(5, (p) => (seen.push(p), p === 3))).toBe(true);
    expect(seen).toEqual([0, 2, 3]);
    expect(table.some(5, () => false)).toBe(false);
    expect(table.some(8, () => true)).toBe(false);
  });

  it('adds unless an entry with the same hash clashes, and says which', () => {
    const keys = ['A', 'B', 'A', 'C'];
    const table = new PositionTable<string>((p) => keys[p]!, 2);
    const results = keys.map((k, p) => table.addUnlessClash(k, p, (other) => keys[other] === k));
    expect(results).toEqual([-1, -1, 0, -1]);
    expect(table.get('A')).toBe(0);
    expect(table.size).toBe(3);
  });
});

describe('open item index: customers and numbers', () => {
  const item = (n: number, customerId: string, dueDate: string, issueDate = '2026-01-01', balanceMinor = 100): OpenItem => ({
    invoiceId: `INV-2026-${String(n).padStart(6, '0')}`,
    invoiceNumber: `INV-2026-${String(n).padStart(6, '0')}`,
    customerId,
    customerName: `Customer ${customerId}`,
    currency: 'EUR',
    balanceMinor,
    issueDate,
    dueDate,
    rfReference: null,
  });

  it("gives each customer's items oldest due date first, whether read by get or by iteration", () => {
    const items = [item(1, 'C1', '2026-03-01'), item(2, 'C2', '2026-02-01'), item(3, 'C1', '2026-01-15'), item(4, 'C1', '2026-01-15', '2025-12-01'), item(5, 'C2', '2026-01-01'), item(6, 'C1', '2026-05-01', '2026-01-01', 0)];
    const sorted = (positions: readonly number[]): number[] => [...positions].sort((a, b) => compareByAge(items[a]!, items[b]!));
    const first = buildOpenItemIndex(items);
    expect(first.byCustomer.get('C1')).toEqual([3, 2, 0]); // the settled item 6 is not among them
    expect(first.byCustomer.get('C2')).toEqual([4, 1]);
    const second = buildOpenItemIndex(items);
    for (const [customerId, positions] of second.byCustomer) expect(positions).toEqual(sorted(first.byCustomer.get(customerId)!));
    expect([...buildOpenItemIndex(items).byCustomer.values()]).toEqual([[3, 2, 0], [4, 1]]);
  });

  it('orders many items of a customer exactly as compareByAge does (dates as numbers, ties by number)', () => {
    const random = seeded(9);
    const dates = ['2025-12-31', '2026-01-01', '2026-01-02', '2026-02-10', '2026-10-01', '2027-01-01'];
    const items = Array.from({ length: 300 }, (_, i) =>
      item(1000 - i, `C${i % 3}`, dates[Math.floor(random() * dates.length)]!, dates[Math.floor(random() * dates.length)]!),
    );
    const index = buildOpenItemIndex(items);
    for (const customerId of ['C0', 'C1', 'C2']) {
      const expected = items.map((_, p) => p).filter((p) => items[p]!.customerId === customerId).sort((a, b) => compareByAge(items[a]!, items[b]!));
      expect(index.byCustomer.get(customerId)).toEqual(expected);
    }
  });

  it('refuses a number given twice, and finds every spelling of a number', () => {
    expect(() => buildOpenItemIndex([item(1, 'C1', '2026-03-01'), item(2, 'C1', '2026-03-01'), item(1, 'C2', '2026-03-01')])).toThrow(/item 3 .*appears twice/);
    const index = buildOpenItemIndex([item(1, 'C1', '2026-03-01'), item(10, 'C1', '2026-03-01')]);
    expect(index.byNumberKey.get('inv 2026 1')).toEqual([0, 1]); // INV2261 is the key of both
    expect(index.byNumberKey.get(lookupKey('INV-2026-000010'))).toEqual([0, 1]);
    expect(index.numberPrefixes).toEqual(['INV']);
  });
});
