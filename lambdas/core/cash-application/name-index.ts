/**
 * Finds the customers whose master-data name resembles a payer name, without comparing the payer
 * with every customer: names are indexed by the first four letters of each word (so a word mistyped after
 * its fourth letter, or cut short by the bank, still finds its name), and only names sharing the
 * most such keys with the payer (or one less, when three or more are shared) are compared with {@link nameSimilarity}. Results are
 * remembered per payer name as written.
 */
import { nameSimilarity, normalizeName, type NormalizedName } from './names';

/** A customer whose name resembles the payer's, with the most similar of its names. */
export interface NameCandidate {
  readonly customerId: string;
  /** The customer's name (as in master data) that is most similar. */
  readonly name: string;
  /** 0..1, see {@link nameSimilarity}. */
  readonly similarity: number;
}

interface Entry {
  readonly customerId: string;
  readonly name: string;
  readonly normalized: NormalizedName;
}

const PREFIX = 4;

/** The key a word is indexed under: its first four letters (the whole word when shorter). */
function keyOf(token: string): string {
  return token.length > PREFIX ? token.slice(0, PREFIX) : token;
}

/** Lookups remembered per payer name as written (statements repeat payers); cleared when full. */
const CACHE_LIMIT = 20_000;

export class CustomerNameIndex {
  private readonly entries: Entry[] = [];
  private readonly byKey = new Map<string, number[]>();
  private readonly cache = new Map<string, { readonly minSimilarity: number; readonly found: NameCandidate[] }>();
  private counts = new Uint16Array(0);

  /** Indexes every name of every customer (`customerId -> names`). */
  constructor(names: ReadonlyMap<string, readonly string[]>) {
    for (const [customerId, list] of names) {
      for (const name of list) {
        const normalized = normalizeName(name);
        if (normalized.tokens.length === 0) continue;
        const entry = this.entries.length;
        this.entries.push({ customerId, name, normalized });
        for (const key of new Set(normalized.tokens.map(keyOf))) {
          const postings = this.byKey.get(key);
          if (postings) postings.push(entry);
          else this.byKey.set(key, [entry]);
        }
      }
    }
    this.counts = new Uint16Array(this.entries.length);
  }

  /**
   * The customers with a name at least `minSimilarity` alike the payer's, most similar first (one
   * per customer, ties by customerId). Only names sharing at least one word's first four letters with the
   * payer are compared, and of those the ones sharing the most (or one less, from three on). The result is shared: do not modify it.
   */
  lookup(payerName: string, minSimilarity: number): NameCandidate[] {
    const cached = this.cache.get(payerName);
    if (cached && cached.minSimilarity === minSimilarity) return cached.found;
    const found = this.search(payerName, minSimilarity);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(payerName, { minSimilarity, found });
    return found;
  }

  private search(payerName: string, minSimilarity: number): NameCandidate[] {
    const payer = normalizeName(payerName);
    if (payer.tokens.length === 0) return [];
    const counts = this.counts;
    const touched: number[] = [];
    let most = 0;
    for (const key of new Set(payer.tokens.map(keyOf))) {
      for (const entry of this.byKey.get(key) ?? []) {
        if (counts[entry] === 0) touched.push(entry);
        const count = ++counts[entry]!;
        if (count > most) most = count;
      }
    }
    // One key fewer than the best is allowed from three keys on (a word mistyped in its first letters).
    const needed = most >= 3 ? most - 1 : most;
    const hits: number[] = [];
    for (const entry of touched) {
      if (counts[entry]! >= needed) hits.push(entry);
      counts[entry] = 0;
    }
    const best = new Map<string, NameCandidate>();
    for (const entry of hits) {
      const { customerId, name, normalized } = this.entries[entry]!;
      const similarity = nameSimilarity(payer, normalized);
      if (similarity < minSimilarity) continue;
      const known = best.get(customerId);
      if (!known || similarity > known.similarity) best.set(customerId, { customerId, name, similarity });
    }
    return [...best.values()].sort((a, b) => b.similarity - a.similarity || (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
  }
}
