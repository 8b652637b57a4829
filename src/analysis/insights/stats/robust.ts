/**
 * Robust location and spread: the median and the median absolute deviation (scaled by 1.4826,
 * so that it estimates the standard deviation of normal data), and the robust z-score built
 * from them. One outlier moves neither, which is why anomalies are measured with them.
 *
 *   robustZ(40, robustScale([10, 11, 12, 13, 100])) // (40 - 12) / (1.4826 · 1) = 18.885…
 */

/** The factor that makes the MAD of normal data estimate its standard deviation: 1 / Φ⁻¹(3/4). */
export const MAD_SCALE = 1.4826;
/** The same for the mean absolute deviation: √(π/2). */
const MEAN_AD_SCALE = Math.sqrt(Math.PI / 2);

/** The median of `values` (NaN when empty); the input is not changed. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The scaled median absolute deviation around `center` (the median by default). */
export function mad(values: readonly number[], center = median(values)): number {
  return MAD_SCALE * median(values.map((x) => Math.abs(x - center)));
}

export interface RobustScale {
  readonly median: number;
  /**
   * The scaled MAD; when it is 0 (over half the values equal), the scaled mean absolute
   * deviation stands in, so that a few values away from a crowded median still stand out.
   */
  readonly spread: number;
}

export function robustScale(values: readonly number[]): RobustScale {
  const m = median(values);
  const byMedian = mad(values, m);
  if (byMedian > 0 || values.length === 0) return { median: m, spread: byMedian };
  const meanAbs = values.reduce((sum, v) => sum + Math.abs(v - m), 0) / values.length;
  return { median: m, spread: MEAN_AD_SCALE * meanAbs };
}

/** (x - median) / spread; with no spread at all, 0 at the median and ±Infinity elsewhere. */
export function robustZ(x: number, scale: RobustScale): number {
  const d = x - scale.median;
  if (scale.spread > 0) return d / scale.spread;
  return d === 0 ? 0 : d > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}
