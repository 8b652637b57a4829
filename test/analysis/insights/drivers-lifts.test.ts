/**
 * The lifts of what converts, from counts, against hand computation (pooled z-test p as
 * erfc(|z|/√2), Katz interval, Holm over the five comparisons tested):
 *
 *   channel A  30/100 vs B+C 11/120   lift 3.2727 (1.72941–6.19330)  p 7.77211e-5  Holm ×5 → 3.88605e-4
 *   channel B   9/100 vs A+C 32/120   lift 0.3375 (0.169239–0.673048) p 8.06018e-4  ×4 → 3.22407e-3
 *   depth ≥3   20/100 vs 15/200       lift 2.6667 (1.42745–4.98168)  p 1.47642e-3  ×3 → 4.42925e-3
 *   depth ≥2   30/200 vs  5/100       lift 3      (1.20057–7.49644)  p 1.09772e-2  ×2 → 2.19544e-2
 *   depth 2    10/100 vs 25/200       lift 0.8                        p 0.524870    ×1 → 0.524870
 *   channel C   2/20: under 30 sessions, apart; depth 1 and 3-4 alone are the splits, not tested again.
 */
import { describe, expect, it } from 'vitest';
import { liftsOf } from '../../../src/analysis/insights/drivers/lifts.ts';

const COUNTS = [
  {
    trait: 'channel' as const,
    values: [
      { value: 'A', sessions: 100, conversions: 30 },
      { value: 'B', sessions: 100, conversions: 9 },
      { value: 'C', sessions: 20, conversions: 2 },
    ],
  },
  {
    trait: 'depth' as const,
    values: [
      { value: '1', sessions: 100, conversions: 5 },
      { value: '2', sessions: 100, conversions: 10 },
      { value: '3-4', sessions: 100, conversions: 20 },
    ],
  },
];

describe('liftsOf', () => {
  const { ranked, apart } = liftsOf(COUNTS, 30);

  it('ranks by Holm-adjusted p, each with its lift, interval and p to 1e-6', () => {
    const expected = [
      ['A', 3.27272727, 1.72940829, 6.19329969, 7.77210831e-5, 3.88605415e-4],
      ['B', 0.3375, 0.169239297, 0.673048471, 8.0601764e-4, 3.22407056e-3],
      ['3 or more pages', 2.66666667, 1.42745138, 4.98168357, 1.47641766e-3, 4.42925299e-3],
      ['2 or more pages', 3, 1.2005701, 7.49643857, 1.09772116e-2, 2.19544233e-2],
      ['2 pages', 0.8, 0.400078115, 1.5996876, 0.524870378, 0.524870378],
    ] as const;
    expect(ranked.map((d) => d.label)).toEqual(expected.map((e) => e[0]));
    ranked.forEach((d, i) => {
      const [, lift, low, high, p, adjusted] = expected[i]!;
      expect(d.lift).toBeCloseTo(lift, 6);
      expect(d.low).toBeCloseTo(low, 6);
      expect(d.high).toBeCloseTo(high, 6);
      expect(Math.abs(d.p - p) / p).toBeLessThan(1e-6);
      expect(Math.abs(d.p_adjusted - adjusted) / adjusted).toBeLessThan(1e-6);
    });
    expect(ranked.map((d) => d.significant)).toEqual([true, true, true, true, false]);
  });

  it('words each comparison', () => {
    expect(ranked.map((d) => d.sentence)).toEqual([
      'sessions from the channel A convert at 3.3× the rate of all other sessions (1.7–6.2×)',
      'sessions from the channel B convert at 0.34× the rate of all other sessions (0.17–0.67×)',
      'sessions of 3 or more pages convert at 2.7× the rate of those with fewer (1.4–5.0×)',
      'sessions of 2 or more pages convert at 3.0× the rate of those with fewer (1.2–7.5×)',
      'sessions of 2 pages convert at 0.80× the rate of all other sessions (0.40–1.6×)',
    ]);
  });

  it('lists a value with too few sessions apart, and one with no conversion beside it', () => {
    expect(apart).toEqual([
      {
        trait: 'channel',
        kind: 'value',
        value: 'C',
        label: 'C',
        sessions: 20,
        conversions: 2,
        reason: 'few_sessions',
      },
    ]);
    const none = liftsOf(
      [
        {
          trait: 'device',
          values: [
            { value: 'mobile', sessions: 50, conversions: 0 },
            { value: 'desktop', sessions: 50, conversions: 4 },
          ],
        },
      ],
      30,
    );
    expect(none.ranked).toEqual([]);
    expect(none.apart.map((a) => [a.value, a.reason])).toEqual([
      ['desktop', 'no_interval'],
      ['mobile', 'no_interval'],
    ]);
  });
});
