/**
 * A compact multimap from a key to positions of open items, for a million items without a million
 * map entries and key strings: one `Int32Array` of slots (open addressing, linear probing) holding
 * positions beside their keys' hashes, and the key of a position worked out again from the item when a slot is probed. A
 * lookup costs the key's hash and a few probes (the key of a slot is worked out only when its stored
 * hash agrees); memory is 16 bytes per item whatever the keys.
 * Pure: no I/O.
 */

/** What the index's lookups offer: a read-only `get` and `has`, as a `ReadonlyMap` does. */
export interface Lookup<K, V> {
  get(key: K): V | undefined;
  has(key: K): boolean;
}

/** A lookup of positions that can also be walked without building the list (a round amount has thousands). */
export interface PositionLookup<K> extends Lookup<K, number | number[]> {
  /** Calls `visit` with the positions of `key` in the order added until it returns true; true when it did. */
  some(key: K, visit: (position: number) => boolean): boolean;
  /**
   * True when a key with this hash (as the table hashes keys) may be held: false means no key
   * hashing so is. Lets a caller that hashes a text as it reads it build the text only for a likely hit.
   */
  mayHoldHash(hash: number): boolean;
}

/**
 * How a table compares keys when the key of a position is not simply `keyOf(position) === key`:
 * a hash and an equality worked out in place on the text given (no key string built per lookup
 * or per item; see `looseNumberKey` in `invoice-number.ts`). `hash(key)` must agree for every two
 * keys `matches` treats as equal.
 */
export interface KeyForm<K> {
  hash(key: K): number;
  /** True when the item at `position` is filed under `key`. */
  matches(position: number, key: K): boolean;
}

/** FNV-1a over the UTF-16 code units of a string. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** A 32-bit mix of a safe integer (both halves). */
function hashNumber(value: number): number {
  const low = value % 4294967296;
  const high = Math.floor(value / 4294967296);
  let hash = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  hash ^= hash >>> 13;
  return Math.imul(hash, 0xc2b2ae35) >>> 0;
}

/**
 * Positions by key. `keyOf(position)` must give the key the position was added under, every
 * time (the items do not change while the table is used). Several positions may share a key;
 * `get` gives them in the order they were added: one as a number, several as an array (see
 * `Positions` in `open-item-index.ts`).
 */
export class PositionTable<K extends string | number> implements PositionLookup<K> {
  /**
   * Two cells per slot, side by side so that a probe reads one cache line: the position + 1 (0 for
   * an empty slot) and the hash of its key (a probe works the key out again only when the hashes agree).
   */
  private cells: Int32Array;
  /** Slots - 1 (the number of slots is a power of two). */
  private mask: number;
  /**
   * For number keys (amounts), each slot's key itself: many items share a round amount, and a probe
   * past them then compares numbers in one array instead of reading each item (8 bytes per slot).
   */
  private keys: Float64Array | null;
  private count = 0;
  private readonly form: KeyForm<K> | undefined;

  /**
   * `numberKeys`: the keys are numbers, kept in the table (see `keys`); else `form` says how keys
   * are hashed and compared when not by `keyOf(position) === key`.
   */
  constructor(
    private readonly keyOf: (position: number) => K,
    expected = 16,
    options: { readonly form?: KeyForm<K>; readonly numberKeys?: boolean } = {},
  ) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.cells = new Int32Array(capacity * 2);
    this.mask = capacity - 1;
    this.keys = options.numberKeys ? new Float64Array(capacity) : null;
    this.form = options.form;
  }

  get size(): number {
    return this.count;
  }

  /** Adds `position` under `key` (which must be `keyOf(position)`). */
  add(key: K, position: number): void {
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    this.place(this.hash(key), position, key);
    this.count++;
  }

  /**
   * Adds `position` under `key` unless a position already there has the same hash and `clash`
   * says it is the same entry: then that position is returned and nothing is added; -1 when added.
   * One probe walk for a duplicate check and the insertion.
   */
  addUnlessClash(key: K, position: number, clash: (other: number) => boolean): number {
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    const hash = this.hash(key);
    const cells = this.cells;
    const mask = this.mask;
    let slot = hash & mask;
    for (; cells[slot * 2] !== 0; slot = (slot + 1) & mask) {
      if (cells[slot * 2 + 1] === (hash | 0) && clash(cells[slot * 2]! - 1)) return cells[slot * 2]! - 1;
    }
    cells[slot * 2] = position + 1;
    cells[slot * 2 + 1] = hash;
    if (this.keys !== null) this.keys[slot] = key as number;
    this.count++;
    return -1;
  }

  get(key: K): number | number[] | undefined {
    const cells = this.cells;
    const mask = this.mask;
    const hash = this.hash(key) | 0;
    let found: number | number[] | undefined;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const stored = cells[slot * 2]!;
      if (stored === 0) return found;
      if (cells[slot * 2 + 1] !== hash || !this.holds(slot, stored - 1, key)) continue;
      const position = stored - 1;
      if (found === undefined) found = position;
      else if (typeof found === 'number') found = [found, position];
      else found.push(position);
    }
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  some(key: K, visit: (position: number) => boolean): boolean {
    const cells = this.cells;
    const mask = this.mask;
    const hash = this.hash(key) | 0;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const stored = cells[slot * 2]!;
      if (stored === 0) return false;
      if (cells[slot * 2 + 1] !== hash || !this.holds(slot, stored - 1, key)) continue;
      if (visit(stored - 1)) return true;
    }
  }

  mayHoldHash(hash: number): boolean {
    const cells = this.cells;
    const mask = this.mask;
    const signed = hash | 0;
    for (let slot = signed & mask; ; slot = (slot + 1) & mask) {
      if (cells[slot * 2] === 0) return false;
      if (cells[slot * 2 + 1] === signed) return true;
    }
  }

  /** True when the slot (whose hash agrees) holds `key`. */
  private holds(slot: number, position: number, key: K): boolean {
    if (this.keys !== null) return this.keys[slot] === key;
    if (this.form !== undefined) return this.form.matches(position, key);
    return this.keyOf(position) === key;
  }

  private hash(key: K): number {
    if (this.form !== undefined) return this.form.hash(key) >>> 0;
    return typeof key === 'number' ? hashNumber(key) : hashString(key);
  }

  /** Linear probing keeps positions of one key in insertion order along the probe sequence. */
  private place(hash: number, position: number, key: K): void {
    const cells = this.cells;
    const mask = this.mask;
    let slot = hash & mask;
    while (cells[slot * 2] !== 0) slot = (slot + 1) & mask;
    cells[slot * 2] = position + 1;
    cells[slot * 2 + 1] = hash;
    if (this.keys !== null) this.keys[slot] = key as number;
  }

  private grow(): void {
    const old = this.cells;
    const oldKeys = this.keys;
    const oldSlots = this.mask + 1;
    this.cells = new Int32Array(oldSlots * 4);
    this.mask = oldSlots * 2 - 1;
    if (oldKeys !== null) this.keys = new Float64Array(oldSlots * 2);
    // Re-adding in position order keeps each key's positions in the order they were added, as long
    // as they were added in increasing position order (the index adds them so). The stored hashes
    // serve again: no key is worked out anew.
    const byPosition = new Int32Array(this.count);
    const hashOf = new Int32Array(this.count);
    const keyOf = new Float64Array(oldKeys === null ? 0 : this.count);
    let n = 0;
    for (let slot = 0; slot < oldSlots; slot++) {
      if (old[slot * 2] === 0) continue;
      byPosition[n] = old[slot * 2]! - 1;
      if (oldKeys !== null) keyOf[n] = oldKeys[slot]!;
      hashOf[n++] = old[slot * 2 + 1]!;
    }
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => byPosition[a]! - byPosition[b]!);
    for (const i of order) this.place(hashOf[i]! >>> 0, byPosition[i]!, (oldKeys === null ? undefined : keyOf[i]) as K);
  }
}

/** A {@link PositionTable} whose keys are unique: `get` gives the one position. */
export class UniquePositionTable<K extends string | number> implements Lookup<K, number> {
  private readonly table: PositionTable<K>;

  constructor(keyOf: (position: number) => K, expected = 16) {
    this.table = new PositionTable(keyOf, expected);
  }

  add(key: K, position: number): void {
    this.table.add(key, position);
  }

  /** Adds `position` unless `key` is there already: then gives the position that has it (-1 when added). */
  addUnlessPresent(key: K, position: number, keyOf: (position: number) => K): number {
    return this.table.addUnlessClash(key, position, (other) => keyOf(other) === key);
  }

  get(key: K): number | undefined {
    const found = this.table.get(key);
    return typeof found === 'object' ? found[0] : found;
  }

  has(key: K): boolean {
    return this.table.get(key) !== undefined;
  }
}
