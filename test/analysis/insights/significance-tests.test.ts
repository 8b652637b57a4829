/**
 * The significance tests against values computed independently with SciPy 1.17
 * (`scipy.stats.ttest_ind(b, a, equal_var=False)`, `scipy.stats.norm`), to 1e-6.
 */
import { describe, expect, it } from 'vitest';
import { normalQuantile, studentTCdf } from '../../../src/analysis/insights/stats/distributions.ts';
import { momentsOf } from '../../../src/analysis/insights/stats/moments.ts';
import { robustScale, robustZ } from '../../../src/analysis/insights/stats/robust.ts';
import { holm, rateRatio, twoProportionTest, welchTest } from '../../../src/analysis/insights/stats/tests.ts';

const close = (actual: number | null | undefined, expected: number) =>
  expect(Math.abs((actual ?? Number.NaN) - expected)).toBeLessThan(1e-6);

describe('distributions', () => {
  it('gives the normal quantile and the t CDF of the tables', () => {
    close(normalQuantile(0.975), 1.959963984540054);
    close(studentTCdf(2, 10), 0.9633059826146299);
  });
});

describe('welchTest', () => {
  const a = [19.1, 21.5, 20.2, 22.8, 18.7, 20.9, 21.3, 19.8];
  const b = [23.4, 22.1, 24.9, 21.7, 25.3, 23.8, 22.6, 24.1, 23.0, 26.2];

  it('gives the difference of means, its interval, df and p of SciPy', () => {
    const r = welchTest(momentsOf(a), momentsOf(b))!;
    close(r.estimate, 3.1725);
    close(r.df, 15.527354948889732);
    close(r.p, 0.00021603630042842442);
    close(r.low, 1.7657696979708681);
    close(r.high, 4.579230302029138);
  });

  it('gives nothing for a sample of one', () => {
    expect(welchTest(momentsOf([1]), momentsOf(b))).toBeNull();
  });
});

describe('twoProportionTest', () => {
  it('tests 120/1000 against 150/1000 with the pooled z and the unpooled interval', () => {
    const r = twoProportionTest({ x: 120, n: 1000 }, { x: 150, n: 1000 })!;
    close(r.estimate, 0.03);
    close(r.p, 0.04964038686536878);
    close(r.low, 7.602882129778554e-5);
    close(r.high, 0.05992397117870221);
  });

  it('gives p = 1 for two rates of 0', () => {
    expect(twoProportionTest({ x: 0, n: 50 }, { x: 0, n: 80 })!.p).toBe(1);
  });
});

describe('rateRatio', () => {
  it('gives the ratio with the Katz log interval', () => {
    const r = rateRatio({ x: 120, n: 1000 }, { x: 150, n: 1000 })!;
    close(r.estimate, 1.25);
    close(r.low, 0.999673327758014);
    close(r.high, 1.5630105921743935);
  });

  it('gives nothing when a rate is 0', () => {
    expect(rateRatio({ x: 0, n: 100 }, { x: 5, n: 100 })).toBeNull();
  });
});

describe('holm', () => {
  it('multiplies the i-th smallest by m - i + 1 and keeps the order', () => {
    const out = holm([0.01, 0.04, 0.03]);
    close(out[0], 0.03);
    close(out[1], 0.06);
    close(out[2], 0.06);
  });

  it('leaves nulls out of the family and caps at 1', () => {
    const out = holm([0.5, null, 0.6]);
    expect(out[1]).toBeNull();
    close(out[0], 1);
    close(out[2], 1);
  });
});

describe('robustZ', () => {
  it('measures by median and scaled MAD, unmoved by the outlier', () => {
    close(robustZ(40, robustScale([10, 11, 12, 13, 100])), 28 / 1.4826);
  });

  it('falls back to the mean absolute deviation when most values are equal', () => {
    const z = robustZ(50, robustScale([5, 5, 5, 5, 5, 5, 50]));
    expect(z).toBeGreaterThan(3);
    expect(robustZ(5, robustScale([5, 5, 5]))).toBe(0);
  });
});
