/**
 * The distributions the insights test with, from @stdlib (no special function is written here):
 * the standard normal and Student's t, each as a CDF and a quantile.
 *
 *   normalQuantile(0.975) // 1.959963984540054
 *   studentTCdf(2, 10)    // 0.96330598261463
 */
import normalCdfOf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileOf from '@stdlib/stats-base-dists-normal-quantile';
import tCdfOf from '@stdlib/stats-base-dists-t-cdf';
import tQuantileOf from '@stdlib/stats-base-dists-t-quantile';

/** P(Z <= z) for a standard normal Z. */
export const normalCdf = (z: number): number => normalCdfOf(z, 0, 1);

/** The z with P(Z <= z) = p. */
export const normalQuantile = (p: number): number => normalQuantileOf(p, 0, 1);

/** P(T <= t) for Student's t with `df` degrees of freedom (df need not be whole). */
export const studentTCdf = (t: number, df: number): number => tCdfOf(t, df);

export const studentTQuantile = (p: number, df: number): number => tQuantileOf(p, df);

/** The two-sided p-value of a z statistic. */
export const twoSidedNormalP = (z: number): number => Math.min(1, 2 * normalCdf(-Math.abs(z)));

/** The two-sided p-value of a t statistic. */
export const twoSidedTP = (t: number, df: number): number => Math.min(1, 2 * studentTCdf(-Math.abs(t), df));
