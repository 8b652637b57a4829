/**
 * A sample's size, mean and (n - 1) variance, gathered in one pass (Welford), so a test can take
 * them from SQL aggregates or from values alike.
 *
 *   momentsOf([2, 4, 4, 4, 5, 5, 7, 9]) // { n: 8, mean: 5, variance: 4.571428… }
 */

export interface Moments {
  readonly n: number;
  readonly mean: number;
  /** The unbiased sample variance; 0 when n < 2. */
  readonly variance: number;
}

export function momentsOf(values: Iterable<number>): Moments {
  let n = 0;
  let mean = 0;
  let m2 = 0;
  for (const x of values) {
    n++;
    const delta = x - mean;
    mean += delta / n;
    m2 += delta * (x - mean);
  }
  return { n, mean: n === 0 ? Number.NaN : mean, variance: n < 2 ? 0 : m2 / (n - 1) };
}
