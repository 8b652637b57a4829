/**
 * A seeded bootstrap of the difference of two medians: each side resampled with replacement
 * from its own values, by a PRNG of its own (mulberry32), so one seed always gives one answer.
 *
 *   bootstrapMedianDifference(sortedA, sortedB, { seed: 1, resamples: 2000 })
 *   // { estimate: median(B) - median(A), low, high, p }
 */
import { median } from './robust.ts';
import { CONFIDENCE, type TestResult } from './tests.ts';

/** Uniform numbers in [0, 1) from a 32-bit seed (mulberry32: small, fast, and the same everywhere). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The medians of `resamples` resamples of `sorted` (ascending), each as large as it. A resample
 * is counted by index (a counting sort: the values are sorted, so the median index gives the
 * median value), O(n) each.
 */
export function resampledMedians(
  sorted: readonly number[],
  resamples: number,
  random: () => number,
): number[] {
  const n = sorted.length;
  const counts = new Uint32Array(n);
  const out: number[] = [];
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(random() * n)]!++;
    out.push(medianOfCounts(sorted, counts));
  }
  return out;
}

function medianOfCounts(sorted: readonly number[], counts: Uint32Array): number {
  const n = sorted.length;
  const lowRank = (n - 1) >> 1; // 0-based ranks of the middle value(s)
  const highRank = n >> 1;
  let seen = 0;
  let low = Number.NaN;
  for (let i = 0; i < n; i++) {
    const next = seen + counts[i]!;
    if (Number.isNaN(low) && lowRank < next) low = sorted[i]!;
    if (highRank < next) return (low + sorted[i]!) / 2;
    seen = next;
  }
  return low;
}

export interface BootstrapOptions {
  readonly seed: number;
  readonly resamples: number;
  /**
   * Each side's spread factor: a side's resampled medians are moved to
   * `median + (m - median) * scale` (1 when its values are all there; √(m/n) when only a
   * systematic sample of m of its n values is, so the spread is that of n values).
   */
  readonly scaleA?: number;
  readonly scaleB?: number;
}

/**
 * median(B) − median(A) with the percentile interval of the resampled differences and the
 * two-sided p-value of the shifted bootstrap: the share of resampled differences, centred on the
 * estimate, at least as far from it as the estimate is from 0 ((1 + count) / (1 + resamples)).
 * Null when a side has no values.
 */
export function bootstrapMedianDifference(
  sortedA: readonly number[],
  sortedB: readonly number[],
  options: BootstrapOptions,
): TestResult | null {
  if (sortedA.length === 0 || sortedB.length === 0) return null;
  const random = seededRandom(options.seed);
  const ma = median(sortedA);
  const mb = median(sortedB);
  const estimate = mb - ma;
  const as = resampledMedians(sortedA, options.resamples, random);
  const bs = resampledMedians(sortedB, options.resamples, random);
  const sa = options.scaleA ?? 1;
  const sb = options.scaleB ?? 1;
  const diffs = as.map((a, i) => mb + (bs[i]! - mb) * sb - (ma + (a - ma) * sa)).sort((x, y) => x - y);
  const tail = (1 - CONFIDENCE) / 2;
  let far = 0;
  for (const d of diffs) if (Math.abs(d - estimate) >= Math.abs(estimate)) far++;
  return {
    estimate,
    low: quantileOfSorted(diffs, tail),
    high: quantileOfSorted(diffs, 1 - tail),
    p: Math.min(1, (1 + far) / (1 + diffs.length)),
  };
}

/** The q-quantile of sorted values, linear between order statistics (type 7, as R and NumPy). */
export function quantileOfSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * At most `cap` of `sorted`'s values, deterministically: all when there are no more, else the
 * systematic sample at sorted positions ⌊(i + ½)·n / cap⌋ (the same quantiles, evenly spread).
 */
export function systematicSample(sorted: readonly number[], cap: number): number[] {
  const n = sorted.length;
  if (n <= cap) return [...sorted];
  return Array.from({ length: cap }, (_, i) => sorted[Math.floor(((i + 0.5) * n) / cap)]!);
}

/**
 * The same systematic sample (at most `cap` values, ascending) of the values a frequency table
 * holds (`values` ascending, `counts` how often each), without expanding it.
 */
export function systematicSampleOfCounts(
  values: readonly number[],
  counts: readonly number[],
  cap: number,
): number[] {
  const n = counts.reduce((sum, c) => sum + c, 0);
  const m = Math.min(n, cap);
  const out: number[] = [];
  let index = 0;
  let below = 0; // values before `index`
  for (let i = 0; i < m; i++) {
    const position = n <= cap ? i : Math.floor(((i + 0.5) * n) / cap);
    while (position >= below + counts[index]!) below += counts[index++]!;
    out.push(values[index]!);
  }
  return out;
}
