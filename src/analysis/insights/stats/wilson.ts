/**
 * The Wilson score interval of a proportion: x successes out of n, at CONFIDENCE (95 %). Unlike
 * the normal (Wald) interval it stays inside [0, 1] and is sound for small n and shares near 0 or 1.
 *
 *   wilsonInterval(8, 10) // { estimate: 0.8, low: 0.4902…, high: 0.9433… }
 */
import { normalQuantile } from './distributions.ts';
import { CONFIDENCE, type Interval } from './tests.ts';

/** Null when n is 0. */
export function wilsonInterval(x: number, n: number, confidence = CONFIDENCE): Interval | null {
  if (n <= 0) return null;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = x / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { estimate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}
