/**
 * The rules of `compareSides` on summaries made by hand: which test each metric gets (logs when
 * the raw values are skewed and the logs are not), Holm over the tested metrics only, no test
 * where nothing varies, and the small-sample flags at their thresholds.
 */
import { describe, expect, it } from 'vitest';
import {
  compareSides,
  logFitsBetter,
  NO_VARIATION,
  type PowerSums,
  type RawAndLog,
  type SideSummary,
} from '../../../src/analysis/insights/compare/metrics.ts';
import { holm } from '../../../src/analysis/insights/stats/tests.ts';
import { overviewOfSessions } from '../../../src/analysis/overview.ts';
import type { Session } from '../../../src/core/session.ts';

const sums = (xs: readonly number[]): PowerSums => ({
  n: xs.length,
  s1: xs.reduce((s, x) => s + x, 0),
  s2: xs.reduce((s, x) => s + x * x, 0),
  s3: xs.reduce((s, x) => s + x ** 3, 0),
});
const rawAndLog = (xs: readonly number[]): RawAndLog => ({
  raw: sums(xs),
  log: xs.some((x) => x < 0) ? null : sums(xs.map(Math.log1p)),
});

/** A side of `n` sessions: durations and pages as given (cycled), `converted` of them converting. */
function side(n: number, durations: number[], converted: number, value = 0): SideSummary {
  const d = Array.from({ length: n }, (_, i) => durations[i % durations.length]!);
  const pages = d.map((_, i) => 1 + (i % 3));
  const sessions = d.map(
    (s, i) =>
      ({
        identity: `u${i}`,
        startMs: 0,
        endMs: s * 1000,
        pageviews: pages[i]!,
        events: pages[i]!,
        bounce: pages[i] === 1,
        engaged: pages[i]! > 1,
        conversions: i < converted ? 1 : 0,
        value: i < converted ? value : 0,
      }) as unknown as Session,
  );
  return {
    metrics: overviewOfSessions(sessions),
    counts: {
      bounces: sessions.filter((s) => s.bounce).length,
      engaged: sessions.filter((s) => s.engaged).length,
      converted,
    },
    duration: rawAndLog(d),
    pages: rawAndLog(pages),
    value: rawAndLog(sessions.map((s) => s.value)),
    durations: [...d].sort((x, y) => x - y),
    durations_of: n,
  };
}

describe('compareSides', () => {
  it('tests on logs when skewed, raw when not, and says so', () => {
    // Skewness 2.02 raw, 0.11 on logs (scipy.stats.skew).
    const skewed = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597];
    expect(logFitsBetter(rawAndLog(skewed), rawAndLog(skewed.map((x) => x * 2))).log).toBe(true);
    expect(logFitsBetter(rawAndLog([10, 11, 12, 13, 14]), rawAndLog([11, 12, 13, 14, 15])).log).toBe(false);
    // Negative values have no log(1 + x): raw.
    expect(logFitsBetter(rawAndLog([-5, 1, 2, 400]), rawAndLog([1, 2, 3, 500])).log).toBe(false);
    const r = compareSides(
      side(100, skewed, 10),
      side(
        100,
        skewed.map((x) => x * 2),
        20,
      ),
      { seed: 1, resamples: 200 },
    );
    const duration = r.metrics.find((m) => m.metric === 'avg_duration_s')!;
    expect(duration.test).toBe('welch-log');
    expect(duration.interval!.scale).toBe('ratio');
    expect(duration.note).toMatch(/^Welch's t-test on log\(1 \+ x\)/);
    expect(r.metrics.find((m) => m.metric === 'pages_per_session')!.test).toBe('welch');
  });

  it('adjusts by Holm over the tested metrics only; totals and constant metrics get no test', () => {
    const r = compareSides(side(100, [10, 20, 30], 0), side(120, [12, 25, 31], 0), {
      seed: 1,
      resamples: 200,
    });
    const by = (m: string) => r.metrics.find((x) => x.metric === m)!;
    expect(by('conversion_rate')).toMatchObject({
      test: null,
      p: null,
      p_adjusted: null,
      note: NO_VARIATION,
    });
    expect(by('avg_value')).toMatchObject({ test: null, p: null, note: NO_VARIATION });
    expect(by('sessions')).toMatchObject({ a: 100, b: 120, difference: 20, relative: 0.2, test: null });
    const tested = r.metrics.filter((m) => m.p !== null);
    expect(tested.map((m) => m.metric)).toEqual([
      'bounce_rate',
      'engagement_rate',
      'avg_duration_s',
      'median_duration_s',
      'pages_per_session',
    ]);
    expect(tested.map((m) => m.p_adjusted)).toEqual(holm(tested.map((m) => m.p)));
  });

  it('flags small samples at the documented thresholds, and still tests them', () => {
    // 29 sessions on a side: means and the median flagged.
    const r = compareSides(side(29, [10, 20, 30], 5), side(40, [12, 25, 31], 9), { seed: 1, resamples: 200 });
    const flagged = r.metrics.filter((m) => m.small_sample).map((m) => m.metric);
    expect(flagged).toContain('avg_duration_s');
    expect(flagged).toContain('median_duration_s');
    // Pooled conversion 14 / 69; expected on the smaller side 29 · 0.203 = 5.9 < 10.
    expect(flagged).toContain('conversion_rate');
    expect(r.warnings).toContain(
      'conversion_rate: fewer than 10 expected successes or failures on a side (5.88); shown, but its test is unreliable',
    );
    expect(r.metrics.find((m) => m.metric === 'conversion_rate')!.p).not.toBeNull();
    // 30 sessions: not flagged for means.
    const ok = compareSides(side(30, [10, 20, 30], 15), side(30, [12, 25, 31], 15), {
      seed: 1,
      resamples: 200,
    });
    expect(ok.metrics.filter((m) => m.small_sample).map((m) => m.metric)).toEqual([]);
  });
});
