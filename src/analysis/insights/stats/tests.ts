/**
 * The significance tests of the insights, each giving an estimate, its 95 % interval and a
 * two-sided p-value (null where the data cannot give one):
 *
 * - `welchTest`: the difference of two means, unequal variances (Welch–Satterthwaite df);
 * - `twoProportionTest`: the difference of two rates, pooled z-test, interval from the
 *   unpooled standard error;
 * - `rateRatio`: one rate over another, with the log-scale (Katz) interval;
 * - `holm`: Holm's step-down adjustment of a family of p-values.
 *
 *   welchTest(momentsOf(a), momentsOf(b)) // { estimate: b̄ - ā, low, high, p, df }
 */
import { normalQuantile, studentTQuantile, twoSidedNormalP, twoSidedTP } from './distributions.ts';
import type { Moments } from './moments.ts';

export const CONFIDENCE = 0.95;

export interface Interval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
}

export interface TestResult extends Interval {
  /** Two-sided; null when the test cannot be made (too few values, no variance). */
  readonly p: number | null;
}

/** B's mean minus A's, Welch's t-test. Null when either sample has fewer than 2 values. */
export function welchTest(a: Moments, b: Moments): (TestResult & { readonly df: number }) | null {
  if (a.n < 2 || b.n < 2) return null;
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const estimate = b.mean - a.mean;
  const se = Math.sqrt(va + vb);
  if (se === 0)
    return { estimate, low: estimate, high: estimate, p: estimate === 0 ? 1 : 0, df: a.n + b.n - 2 };
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const half = studentTQuantile(1 - (1 - CONFIDENCE) / 2, df) * se;
  return { estimate, low: estimate - half, high: estimate + half, p: twoSidedTP(estimate / se, df), df };
}

/** Successes out of trials. */
export interface Count {
  readonly x: number;
  readonly n: number;
}

/**
 * B's rate minus A's: the z statistic from the pooled rate (the null hypothesis says they are
 * one), the interval from the unpooled standard error. Null when either has no trials.
 */
export function twoProportionTest(a: Count, b: Count): TestResult | null {
  if (a.n === 0 || b.n === 0) return null;
  const pa = a.x / a.n;
  const pb = b.x / b.n;
  const estimate = pb - pa;
  const pooled = (a.x + b.x) / (a.n + b.n);
  const se0 = Math.sqrt(pooled * (1 - pooled) * (1 / a.n + 1 / b.n));
  const se1 = Math.sqrt((pa * (1 - pa)) / a.n + (pb * (1 - pb)) / b.n);
  const half = normalQuantile(1 - (1 - CONFIDENCE) / 2) * se1;
  const p = se0 === 0 ? (estimate === 0 ? 1 : 0) : twoSidedNormalP(estimate / se0);
  return { estimate, low: estimate - half, high: estimate + half, p };
}

/**
 * B's rate over A's (a lift of 3 is three times the rate), with the Katz interval on the log
 * scale and the pooled z-test's p-value. Null when a rate is 0 or either has no trials: no
 * finite ratio or interval exists then.
 */
export function rateRatio(a: Count, b: Count): TestResult | null {
  if (a.n === 0 || b.n === 0 || a.x === 0 || b.x === 0) return null;
  const estimate = b.x / b.n / (a.x / a.n);
  const seLog = Math.sqrt(1 / b.x - 1 / b.n + 1 / a.x - 1 / a.n);
  const z = normalQuantile(1 - (1 - CONFIDENCE) / 2);
  const log = Math.log(estimate);
  return {
    estimate,
    low: Math.exp(log - z * seLog),
    high: Math.exp(log + z * seLog),
    p: twoProportionTest(a, b)?.p ?? null,
  };
}

/**
 * Holm's adjustment: the i-th smallest of m p-values times (m - i + 1), kept non-decreasing
 * and at most 1. Nulls stay null and do not count in m.
 *
 *   holm([0.01, 0.04, 0.03]) // [0.03, 0.06, 0.06]
 */
export function holm(ps: readonly (number | null)[]): (number | null)[] {
  const order = ps
    .map((p, i) => ({ p, i }))
    .filter((e): e is { p: number; i: number } => e.p !== null)
    .sort((x, y) => x.p - y.p);
  const out: (number | null)[] = ps.map(() => null);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (order.length - rank) * p));
    out[i] = running;
  });
  return out;
}
