/**
 * Circular statistics of times of day (or any value on a circle of `period`): 23:30 and 00:30
 * average to midnight, not noon. The mean direction, the mean resultant length R (1: all at one
 * time, 0: spread evenly) and the circular standard deviation sqrt(-2 ln R), in the values' unit.
 *
 *   circularSummary([23.5, 0.5]) // { n: 2, mean: 0, resultant: 0.9914…, spread: 0.5 - … }
 */

export interface CircularSummary {
  readonly n: number;
  /** The mean direction in [0, period); null with no values or when they cancel out (R = 0). */
  readonly mean: number | null;
  /** The mean resultant length, 0 to 1. */
  readonly resultant: number;
  /** The circular standard deviation, sqrt(-2 ln R) · period / 2π; null when R = 0. */
  readonly spread: number | null;
}

/** Below this R the values have no direction worth naming (floating-point noise of a cancel). */
const NO_DIRECTION = 1e-9;

export function circularSummary(values: readonly number[], period = 24): CircularSummary {
  const n = values.length;
  if (n === 0) return { n, mean: null, resultant: 0, spread: null };
  const k = (2 * Math.PI) / period;
  let c = 0;
  let s = 0;
  for (const v of values) {
    c += Math.cos(v * k);
    s += Math.sin(v * k);
  }
  const resultant = Math.min(1, Math.hypot(c, s) / n);
  if (resultant < NO_DIRECTION) return { n, mean: null, resultant: 0, spread: null };
  const angle = Math.atan2(s, c);
  const mean = (((angle / k) % period) + period) % period;
  return { n, mean, resultant, spread: Math.sqrt(-2 * Math.log(resultant)) / k };
}
