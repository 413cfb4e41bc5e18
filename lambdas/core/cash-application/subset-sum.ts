/**
 * Bounded, deterministic search for open items whose balances add up to a payment exactly: the
 * reading of a combined payment when the payer quotes no invoice.
 */

export type SubsetSearch =
  | { readonly kind: 'none' }
  | { readonly kind: 'unique'; readonly indices: readonly number[] }
  | { readonly kind: 'ambiguous'; readonly solutions: readonly (readonly number[])[] }
  | { readonly kind: 'gave-up' };

/**
 * Looks for sets of `minSize` to `maxSize` values (positive integers) that sum to `target`, and
 * stops at the second set found: the caller only needs to know whether the reading is unique.
 * Returns the positions of the values in `values`, ascending. Depth-first over the values sorted
 * by size (largest first, ties by position) with pruning on the remaining sums, so the result and
 * the steps taken depend only on the input. When more than `maxSteps` steps would be needed it
 * answers `gave-up`, which callers must not treat as a match.
 */
export function findSubsetsWithSum(
  values: readonly number[],
  target: number,
  minSize: number,
  maxSize: number,
  maxSteps: number,
): SubsetSearch {
  const order = values
    .map((value, index) => ({ value, index }))
    .filter((v) => v.value > 0 && v.value <= target)
    .sort((a, b) => b.value - a.value || a.index - b.index);
  const n = order.length;
  if (n < minSize || target <= 0) return { kind: 'none' };
  const prefix = new Array<number>(n + 1).fill(0);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i]! + order[i]!.value;

  const solutions: number[][] = [];
  const chosen: number[] = [];
  let steps = 0;
  let gaveUp = false;

  const search = (from: number, remaining: number): void => {
    for (let j = from; j < n; j++) {
      if (solutions.length >= 2 || gaveUp) return;
      if (++steps > maxSteps) {
        gaveUp = true;
        return;
      }
      const value = order[j]!.value;
      if (value > remaining) continue;
      const slots = maxSize - chosen.length;
      // The largest sum still reachable from j on uses the next `slots` values.
      if (prefix[Math.min(n, j + slots)]! - prefix[j]! < remaining) return;
      chosen.push(j);
      if (value === remaining) {
        if (chosen.length >= minSize) solutions.push(chosen.map((k) => order[k]!.index).sort((a, b) => a - b));
      } else if (chosen.length < maxSize) {
        search(j + 1, remaining - value);
      }
      chosen.pop();
    }
  };
  search(0, target);

  if (solutions.length >= 2) return { kind: 'ambiguous', solutions };
  if (gaveUp) return { kind: 'gave-up' };
  if (solutions.length === 1) return { kind: 'unique', indices: solutions[0]! };
  return { kind: 'none' };
}
