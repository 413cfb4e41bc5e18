/**
 * Gradient-boosted regression trees for the median (least absolute deviation boosting, Friedman's
 * LAD_TreeBoost): each tree is fitted to the signs of the residuals and its leaves take the median
 * residual of their samples. Robust to the long tail of late payments. Splits are searched over at
 * most {@link BINS} quantile thresholds per feature. Every node keeps its median so that a
 * prediction can be explained: the change along the path is attributed to the feature split on.
 *
 * The trained model is plain JSON, so it is stored and versioned as it is.
 */
import { quantileSorted } from './stats';

const BINS = 32;

export interface TreeNode {
  /** The node's value (median residual of its samples, times the learning rate). */
  readonly value: number;
  readonly feature?: number;
  readonly threshold?: number;
  readonly left?: TreeNode;
  readonly right?: TreeNode;
}

export interface BoostedTrees {
  readonly kind: 'boosted-trees';
  readonly base: number;
  readonly trees: readonly TreeNode[];
}

export interface BoostOptions {
  readonly rounds: number;
  readonly depth: number;
  readonly learningRate: number;
  readonly minLeaf: number;
}

export const DEFAULT_BOOST: BoostOptions = { rounds: 150, depth: 3, learningRate: 0.1, minLeaf: 25 };

function medianOf(values: Float64Array, indices: readonly number[]): number {
  const picked = indices.map((i) => values[i]!).sort((a, b) => a - b);
  return quantileSorted(picked, 0.5);
}

/** Fits the model to rows `x` (one number per feature) and targets `y`. */
export function fitBoostedTrees(x: readonly (readonly number[])[], y: readonly number[], options: BoostOptions = DEFAULT_BOOST): BoostedTrees {
  const n = y.length;
  if (n === 0) return { kind: 'boosted-trees', base: 0, trees: [] };
  const featureCount = x[0]!.length;
  const thresholds: number[][] = [];
  for (let f = 0; f < featureCount; f++) {
    const sorted = x.map((row) => row[f]!).sort((a, b) => a - b);
    const cuts = new Set<number>();
    for (let b = 1; b < BINS; b++) cuts.add(quantileSorted(sorted, b / BINS));
    cuts.delete(sorted[sorted.length - 1]!);
    thresholds.push([...cuts].sort((a, b) => a - b));
  }
  // bin index per row and feature: the number of thresholds below the value
  const binned: Uint8Array[] = thresholds.map((cuts, f) => {
    const bins = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = x[i]![f]!;
      let b = 0;
      while (b < cuts.length && v > cuts[b]!) b++;
      bins[i] = b;
    }
    return bins;
  });
  const base = quantileSorted([...y].sort((a, b) => a - b), 0.5);
  const prediction = new Float64Array(n).fill(base);
  const residual = new Float64Array(n);
  const trees: TreeNode[] = [];
  const all = Array.from({ length: n }, (_, i) => i);
  for (let round = 0; round < options.rounds; round++) {
    for (let i = 0; i < n; i++) residual[i] = y[i]! - prediction[i]!;
    const grow = (indices: number[], depth: number): TreeNode => {
      const value = medianOf(residual, indices) * options.learningRate;
      if (depth === options.depth || indices.length < 2 * options.minLeaf) return { value };
      let best: { gain: number; feature: number; bin: number } | null = null;
      let total = 0;
      for (const i of indices) total += Math.sign(residual[i]!);
      for (let f = 0; f < featureCount; f++) {
        const cuts = thresholds[f]!;
        if (cuts.length === 0) continue;
        const sums = new Float64Array(cuts.length + 1);
        const counts = new Uint32Array(cuts.length + 1);
        const bins = binned[f]!;
        for (const i of indices) {
          sums[bins[i]!]! += Math.sign(residual[i]!);
          counts[bins[i]!]!++;
        }
        let leftSum = 0;
        let leftCount = 0;
        for (let b = 0; b < cuts.length; b++) {
          leftSum += sums[b]!;
          leftCount += counts[b]!;
          const rightCount = indices.length - leftCount;
          if (leftCount < options.minLeaf || rightCount < options.minLeaf) continue;
          const rightSum = total - leftSum;
          const gain = (leftSum * leftSum) / leftCount + (rightSum * rightSum) / rightCount - (total * total) / indices.length;
          if (!best || gain > best.gain) best = { gain, feature: f, bin: b };
        }
      }
      if (!best || best.gain <= 1e-9) return { value };
      const bins = binned[best.feature]!;
      const left = indices.filter((i) => bins[i]! <= best.bin);
      const right = indices.filter((i) => bins[i]! > best.bin);
      return { value, feature: best.feature, threshold: thresholds[best.feature]![best.bin]!, left: grow(left, depth + 1), right: grow(right, depth + 1) };
    };
    const tree = grow(all, 0);
    trees.push(tree);
    for (let i = 0; i < n; i++) prediction[i]! += leafOf(tree, x[i]!).value;
  }
  return { kind: 'boosted-trees', base, trees };
}

function leafOf(tree: TreeNode, row: readonly number[]): TreeNode {
  let node = tree;
  while (node.feature !== undefined) node = row[node.feature]! <= node.threshold! ? node.left! : node.right!;
  return node;
}

export function predictBoostedTrees(model: BoostedTrees, row: readonly number[]): number {
  let value = model.base;
  for (const tree of model.trees) value += leafOf(tree, row).value;
  return value;
}

/**
 * What each feature added to the prediction (Saabas attribution): along each tree's path, the
 * change of the node value at a split goes to the feature split on. The root values go to `base`.
 */
export function contributionsBoostedTrees(model: BoostedTrees, row: readonly number[]): { base: number; byFeature: number[] } {
  const byFeature = new Array<number>(row.length).fill(0);
  let base = model.base;
  for (const tree of model.trees) {
    let node = tree;
    base += node.value;
    while (node.feature !== undefined) {
      const next = row[node.feature]! <= node.threshold! ? node.left! : node.right!;
      byFeature[node.feature]! += next.value - node.value;
      node = next;
    }
  }
  return { base, byFeature };
}
