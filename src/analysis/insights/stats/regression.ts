/**
 * Ordinary least squares for a few parameters (normal equations, solved by Gauss–Jordan with
 * partial pivoting), and the interrupted time series built on it: a daily series fitted with a
 * level and slope before a change and a jump and slope change at it.
 *
 *   interruptedTimeSeries([1, 2, 3, 4, 15, 16, 17, 18], 4)
 *   // level_change ≈ { estimate: 10, … }: the jump at index 4 beyond the trend
 */
import { studentTQuantile, twoSidedTP } from './distributions.ts';
import { CONFIDENCE, type TestResult } from './tests.ts';

export interface OlsFit {
  readonly coefficients: number[];
  /** Standard errors of the coefficients. */
  readonly se: number[];
  /** n − parameters. */
  readonly df: number;
  /** Residual sum of squares over df. */
  readonly sigma2: number;
}

/** The inverse of a square matrix; undefined when it is singular. */
export function invert(matrix: readonly (readonly number[])[]): number[][] | undefined {
  const k = matrix.length;
  const a = matrix.map((row, i) => [...row, ...Array.from({ length: k }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    const scale = Math.max(...matrix.map((row) => Math.abs(row[col]!)), 1e-300);
    if (Math.abs(a[pivot]![col]!) <= 1e-12 * scale) return undefined;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    for (let j = 0; j < 2 * k; j++) a[col]![j]! /= p;
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = a[r]![col]!;
      if (f !== 0) for (let j = 0; j < 2 * k; j++) a[r]![j]! -= f * a[col]![j]!;
    }
  }
  return a.map((row) => row.slice(k));
}

/** y ≈ X·β by least squares; undefined when X'X is singular or there are no degrees of freedom. */
export function ols(x: readonly (readonly number[])[], y: readonly number[]): OlsFit | undefined {
  const n = y.length;
  const k = x[0]?.length ?? 0;
  if (n <= k || k === 0) return undefined;
  const xtx = Array.from({ length: k }, (_, i) =>
    Array.from({ length: k }, (_, j) => x.reduce((sum, row) => sum + row[i]! * row[j]!, 0)),
  );
  const inverse = invert(xtx);
  if (inverse === undefined) return undefined;
  const xty = Array.from({ length: k }, (_, i) => x.reduce((sum, row, r) => sum + row[i]! * y[r]!, 0));
  const coefficients = inverse.map((row) => row.reduce((sum, v, j) => sum + v * xty[j]!, 0));
  const rss = x.reduce((sum, row, r) => {
    const fit = row.reduce((s, v, j) => s + v * coefficients[j]!, 0);
    return sum + (y[r]! - fit) ** 2;
  }, 0);
  const df = n - k;
  const sigma2 = rss / df;
  return { coefficients, se: inverse.map((row, i) => Math.sqrt(Math.max(0, sigma2 * row[i]!))), df, sigma2 };
}

/** A coefficient with its 95 % interval (t with the fit's df) and two-sided p-value. */
export function coefficientTest(fit: OlsFit, i: number): TestResult {
  const estimate = fit.coefficients[i]!;
  const se = fit.se[i]!;
  if (se === 0) return { estimate, low: estimate, high: estimate, p: estimate === 0 ? 1 : 0 };
  const half = studentTQuantile(1 - (1 - CONFIDENCE) / 2, fit.df) * se;
  return { estimate, low: estimate - half, high: estimate + half, p: twoSidedTP(estimate / se, fit.df) };
}

/** At least this many points on each side of the change (so df = n − 4 ≥ 2). */
export const MIN_POINTS_PER_SIDE = 3;

export interface InterruptedTimeSeries {
  /** b2: the jump at the change beyond the trend before it. */
  readonly level_change: TestResult;
  /** b3: the slope after minus the slope before. */
  readonly slope_change: TestResult;
  readonly before: { readonly intercept: number; readonly slope: number };
  readonly after: { readonly intercept: number; readonly slope: number };
  /** The fitted lines at each index (before the change, then after it). */
  readonly fitted: number[];
  readonly df: number;
}

/**
 * y_t = b0 + b1·t + b2·after + b3·(t − t0)·after, t the index, after = t ≥ t0. Null values are
 * left out of the fit. Undefined with fewer than MIN_POINTS_PER_SIDE values on a side (or a
 * singular design). `after.intercept` is the fitted level at t0 on the line after.
 */
export function interruptedTimeSeries(
  y: readonly (number | null)[],
  t0: number,
): InterruptedTimeSeries | undefined {
  const points = y.flatMap((v, t) => (v === null || !Number.isFinite(v) ? [] : [{ t, v }]));
  const before = points.filter((p) => p.t < t0).length;
  if (before < MIN_POINTS_PER_SIDE || points.length - before < MIN_POINTS_PER_SIDE) return undefined;
  const row = (t: number) => {
    const after = t >= t0 ? 1 : 0;
    return [1, t, after, (t - t0) * after];
  };
  const fit = ols(
    points.map((p) => row(p.t)),
    points.map((p) => p.v),
  );
  if (fit === undefined) return undefined;
  const [b0, b1, b2, b3] = fit.coefficients as [number, number, number, number];
  return {
    level_change: coefficientTest(fit, 2),
    slope_change: coefficientTest(fit, 3),
    before: { intercept: b0, slope: b1 },
    after: { intercept: b0 + b1 * t0 + b2, slope: b1 + b3 },
    fitted: y.map((_, t) => row(t).reduce((s, x, j) => s + x * fit.coefficients[j]!, 0)),
    df: fit.df,
  };
}
