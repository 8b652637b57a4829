/**
 * The statistics of `stint compare` against textbook values. Expectations were computed with
 * python3 and SciPy 1.17 (scipy.stats.ttest_ind(equal_var=False) and its confidence_interval,
 * norm.sf/ppf, t.sf/ppf, numpy.linalg.lstsq, scipy.stats.skew), to 1e-6.
 */
import { describe, expect, it } from 'vitest';
import {
  momentsOfSums,
  type PowerSums,
  skewnessOfSums,
} from '../../../src/analysis/insights/compare/metrics.ts';
import {
  bootstrapMedianDifference,
  resampledMedians,
  seededRandom,
  systematicSample,
  systematicSampleOfCounts,
} from '../../../src/analysis/insights/stats/bootstrap.ts';
import { interruptedTimeSeries, ols } from '../../../src/analysis/insights/stats/regression.ts';
import { twoProportionTest, welchTest } from '../../../src/analysis/insights/stats/tests.ts';

const sums = (xs: readonly number[]): PowerSums => ({
  n: xs.length,
  s1: xs.reduce((s, x) => s + x, 0),
  s2: xs.reduce((s, x) => s + x * x, 0),
  s3: xs.reduce((s, x) => s + x ** 3, 0),
});
const close = (actual: number | null | undefined, expected: number) =>
  expect(actual).toBeCloseTo(expected, 6);

const A = [12.1, 14.3, 9.8, 11.0, 13.5, 10.2, 12.8];
const B = [15.2, 13.9, 16.8, 14.1, 17.5, 15.0];

describe('Welch from power sums (as SQL gives them)', () => {
  it('gives SciPy’s difference, interval, p and df', () => {
    const r = welchTest(momentsOfSums(sums(A)), momentsOfSums(sums(B)))!;
    close(r.estimate, 3.459523809523809);
    close(r.low, 1.539252886618579);
    close(r.high, 5.379794732429039);
    close(r.p, 0.0022143429960826654);
    close(r.df, 10.998587556302382);
  });

  it('on log(1 + x): the ratio of geometric means and its interval', () => {
    const r = welchTest(momentsOfSums(sums(A.map(Math.log1p))), momentsOfSums(sums(B.map(Math.log1p))))!;
    close(Math.exp(r.estimate), 1.2723538794394154);
    close(Math.exp(r.low), 1.1109295224558215);
    close(Math.exp(r.high), 1.457234110536394);
    close(r.p, 0.0025865922963247043);
  });

  it('skewness g1 as scipy.stats.skew', () => {
    close(skewnessOfSums(sums(A)), 0.02931532726785781);
    close(skewnessOfSums(sums([1, 1, 2, 2, 3, 50])), 1.7830651775499058);
  });
});

describe('two proportions, 45/500 against 70/520', () => {
  it('pooled z p-value, unpooled interval', () => {
    const r = twoProportionTest({ x: 45, n: 500 }, { x: 70, n: 520 })!;
    close(r.estimate, 0.04461538461538461);
    close(r.low, 0.006017175245878928);
    close(r.high, 0.0832135939848903);
    close(r.p, 0.02431250657475961);
  });
});

describe('interrupted time series', () => {
  // y = 5 + 0.5 t + 3 after + 0.2 (t - 10) after + noise, 20 days, change at t = 10.
  const noise = [
    0.3, -0.2, 0.1, 0.4, -0.5, 0.2, -0.1, 0, 0.3, -0.3, 0.2, -0.4, 0.1, 0.5, -0.2, 0, 0.3, -0.1, -0.3, 0.2,
  ];
  const y = noise.map((e, t) => 5 + 0.5 * t + (t >= 10 ? 3 + 0.2 * (t - 10) : 0) + e);

  it('finds the jump and the slope change beyond the trend (numpy lstsq, t with df 16)', () => {
    const its = interruptedTimeSeries(y, 10)!;
    expect(its.df).toBe(16);
    close(its.before.intercept, 5.107272727272725);
    close(its.before.slope, 0.48060606060606104);
    close(its.level_change.estimate, 3.1357575757575775);
    close(its.level_change.low, 2.557782197797571);
    close(its.level_change.high, 3.713732953717584);
    close(its.level_change.p, 3.795593361011979e-9);
    close(its.slope_change.estimate, 0.21515151515151565);
    close(its.slope_change.low, 0.11529257919489523);
    close(its.slope_change.high, 0.3150104511081361);
    close(its.slope_change.p, 0.0003162767514605805);
    expect(its.fitted).toHaveLength(20);
  });

  it('a pure trend is no jump', () => {
    const trend = Array.from({ length: 20 }, (_, t) => 2 + 0.5 * t + noise[t]!);
    const its = interruptedTimeSeries(trend, 10)!;
    expect(its.level_change.p!).toBeGreaterThan(0.05);
    expect(its.level_change.low).toBeLessThan(0);
    expect(its.level_change.high).toBeGreaterThan(0);
  });

  it('days without a value are left out; too few on a side gives no fit', () => {
    expect(interruptedTimeSeries([1, 2, null, 4, 5, 6, 7], 3)).toBeUndefined();
    expect(interruptedTimeSeries([1, 2, 3, 4, null, 6, 7], 3)).toBeDefined();
    expect(ols([[1], [1]], [1, 2])?.coefficients[0]).toBeCloseTo(1.5, 12);
  });
});

describe('seeded bootstrap', () => {
  const a = Array.from({ length: 200 }, (_, i) => Math.round(30 + 40 * Math.sin(i) ** 2 + i / 5)).sort(
    (x, y) => x - y,
  );
  const b = a.map((x) => x + 8);

  it('gives the same answer for the same seed, another for another', () => {
    const one = bootstrapMedianDifference(a, b, { seed: 7, resamples: 500 });
    const again = bootstrapMedianDifference(a, b, { seed: 7, resamples: 500 });
    const other = bootstrapMedianDifference(a, b, { seed: 8, resamples: 500 });
    expect(again).toEqual(one);
    expect(other).not.toEqual(one);
    expect(one!.estimate).toBe(8);
    expect(one!.low).toBeLessThan(8);
    expect(one!.high).toBeGreaterThan(8);
    expect(one!.p!).toBeLessThan(0.05);
  });

  it('its PRNG is mulberry32, in [0, 1)', () => {
    const r = seededRandom(1);
    const xs = Array.from({ length: 1000 }, r);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(seededRandom(1)()).toBe(xs[0]);
    // mulberry32(1)'s first output, 2694720066 / 2^32 (the reference C code).
    close(xs[0], 0.6270739405881613);
  });

  it('a resample’s median from counts equals the median of the resample itself', () => {
    const sorted = [1, 2, 3, 5, 8, 13];
    const [m] = resampledMedians(sorted, 1, seededRandom(3));
    const r = seededRandom(3);
    const drawn = sorted.map(() => sorted[Math.floor(r() * sorted.length)]!).sort((x, y) => x - y);
    expect(m).toBe((drawn[2]! + drawn[3]!) / 2);
  });

  it('samples a frequency table systematically, as the expanded values', () => {
    const values = [1, 2, 5];
    const counts = [3, 1, 6];
    const expanded = [1, 1, 1, 2, 5, 5, 5, 5, 5, 5];
    expect(systematicSampleOfCounts(values, counts, 100)).toEqual(expanded);
    expect(systematicSampleOfCounts(values, counts, 4)).toEqual(systematicSample(expanded, 4));
    // positions ⌊(i + ½)·10 / 4⌋ = 1, 3, 6, 8
    expect(systematicSample(expanded, 4)).toEqual([1, 2, 5, 5]);
  });
});
