/**
 * The comparison of two samples of sessions, metric by metric, with no store: each overview
 * metric's two values and difference, and for those that can be tested the test, its 95 %
 * interval, p-value and Holm-adjusted p-value across the metrics of this one comparison.
 *
 *   compareSides(summaryA, summaryB, { seed: 1 }) // { metrics: [{ metric: 'bounce_rate', … }], warnings }
 */
import { type Metrics, OVERVIEW_METRICS, type OverviewMetric } from '../../overview.ts';
import { bootstrapMedianDifference } from '../stats/bootstrap.ts';
import type { Moments } from '../stats/moments.ts';
import { CONFIDENCE, holm, type TestResult, twoProportionTest, welchTest } from '../stats/tests.ts';

/** n, Σx, Σx², Σx³ of a sample. */
export interface PowerSums {
  readonly n: number;
  readonly s1: number;
  readonly s2: number;
  readonly s3: number;
}

/** A per-session quantity's sums, raw and of log(1 + x) (log null when some x < 0). */
export interface RawAndLog {
  readonly raw: PowerSums;
  readonly log: PowerSums | null;
}

/** What a comparison needs of one side, as the store gives it (sides.ts). */
export interface SideSummary {
  readonly metrics: Metrics;
  /** Sessions that bounced, were engaged, converted. */
  readonly counts: { readonly bounces: number; readonly engaged: number; readonly converted: number };
  readonly duration: RawAndLog;
  readonly pages: RawAndLog;
  readonly value: RawAndLog;
  /** Session durations in whole seconds, ascending: all, or a systematic sample of `durations_of`. */
  readonly durations: readonly number[];
  readonly durations_of: number;
}

export type TestName = 'welch' | 'welch-log' | 'two-proportion' | 'bootstrap-median';

export interface MetricRow {
  readonly metric: OverviewMetric;
  readonly a: number | null;
  readonly b: number | null;
  /** b − a. */
  readonly difference: number | null;
  /** (b − a) / a; null when a is 0 or null. */
  readonly relative: number | null;
  /** Null for totals (no test). */
  readonly test: TestName | null;
  /** 95 %: of b − a ('difference'), or of B's geometric mean of 1 + x over A's ('ratio'). */
  readonly interval: {
    readonly low: number;
    readonly high: number;
    readonly scale: 'difference' | 'ratio';
  } | null;
  readonly p: number | null;
  /** Holm-adjusted across the tested metrics of this comparison. */
  readonly p_adjusted: number | null;
  /** p_adjusted < 0.05. */
  readonly significant: boolean;
  /** Too few sessions for the test's approximation (see the warnings): shown all the same. */
  readonly small_sample: boolean;
  readonly note: string;
}

/** Below this many sessions on a side, a mean's or median's test is flagged. */
export const MIN_SESSIONS_FOR_MEANS = 30;
/** Below this many expected successes or failures on a side (at the pooled rate), a rate's test is flagged. */
export const MIN_EXPECTED = 10;
/** Welch runs on log(1 + x) when the raw skewness is over this and at least twice that of the logs. */
export const SKEW_FOR_LOG = 1;
export const BOOTSTRAP_RESAMPLES = 2000;

const RATES = {
  bounce_rate: 'bounces',
  engagement_rate: 'engaged',
  conversion_rate: 'converted',
} as const;
const MEANS = { avg_duration_s: 'duration', pages_per_session: 'pages', avg_value: 'value' } as const;

export function momentsOfSums(s: PowerSums): Moments {
  if (s.n === 0) return { n: 0, mean: Number.NaN, variance: 0 };
  const mean = s.s1 / s.n;
  return { n: s.n, mean, variance: s.n < 2 ? 0 : Math.max(0, (s.s2 - s.n * mean * mean) / (s.n - 1)) };
}

/** The sample skewness g1 = m3 / m2^1.5 (0 with no spread). */
export function skewnessOfSums(s: PowerSums): number {
  if (s.n === 0) return 0;
  const mean = s.s1 / s.n;
  const m2 = s.s2 / s.n - mean * mean;
  const m3 = s.s3 / s.n - 3 * mean * (s.s2 / s.n) + 2 * mean ** 3;
  return m2 <= 1e-12 * Math.max(1, mean * mean) ? 0 : m3 / m2 ** 1.5;
}

/** Whether to test on logs: both sides have logs, and the larger raw |skewness| is over SKEW_FOR_LOG and at least twice the larger on logs. */
export function logFitsBetter(a: RawAndLog, b: RawAndLog): { log: boolean; raw: number; logged: number } {
  const raw = Math.max(Math.abs(skewnessOfSums(a.raw)), Math.abs(skewnessOfSums(b.raw)));
  if (a.log === null || b.log === null) return { log: false, raw, logged: Number.NaN };
  const logged = Math.max(Math.abs(skewnessOfSums(a.log)), Math.abs(skewnessOfSums(b.log)));
  return { log: raw > SKEW_FOR_LOG && raw >= 2 * logged, raw, logged };
}

export interface CompareOptions {
  readonly seed: number;
  readonly resamples?: number;
}

export interface SidesCompared {
  readonly metrics: MetricRow[];
  readonly warnings: string[];
}

/** The note of a metric equal on every session of both sides. */
export const NO_VARIATION = 'no test: the same on every session of both sides';

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(2));

export function compareSides(a: SideSummary, b: SideSummary, options: CompareOptions): SidesCompared {
  const warnings: string[] = [];
  const na = a.metrics.sessions ?? 0;
  const nb = b.metrics.sessions ?? 0;
  const tests = OVERVIEW_METRICS.map((metric) => {
    const base = { metric, a: a.metrics[metric], b: b.metrics[metric] };
    const untested = (note: string) => ({
      ...base,
      result: null,
      test: null,
      scale: 'difference' as const,
      smallSample: false,
      note,
    });
    const small = (why: string) => {
      warnings.push(`${metric}: ${why}; shown, but its test is unreliable`);
      return true;
    };
    if (Object.hasOwn(RATES, metric)) {
      const key = RATES[metric as keyof typeof RATES];
      const ca = { x: a.counts[key], n: na };
      const cb = { x: b.counts[key], n: nb };
      // All successes or all failures on both sides: nothing varies, nothing to test.
      const constant = ca.x + cb.x === 0 || ca.x + cb.x === na + nb;
      const r = constant ? null : twoProportionTest(ca, cb);
      const pooled = (ca.x + cb.x) / Math.max(1, na + nb);
      const fewest = Math.min(na, nb) * Math.min(pooled, 1 - pooled);
      const smallSample =
        r !== null && fewest < MIN_EXPECTED
          ? small(`fewer than ${MIN_EXPECTED} expected successes or failures on a side (${fmt(fewest)})`)
          : false;
      return {
        ...base,
        result: r,
        test: 'two-proportion' as const,
        scale: 'difference' as const,
        smallSample,
        note:
          constant && na > 0 && nb > 0
            ? NO_VARIATION
            : 'pooled two-proportion z-test; interval from the unpooled standard error',
      };
    }
    const fewSessions = () =>
      Math.min(na, nb) < MIN_SESSIONS_FOR_MEANS
        ? small(`fewer than ${MIN_SESSIONS_FOR_MEANS} sessions on a side (${Math.min(na, nb)})`)
        : false;
    if (Object.hasOwn(MEANS, metric)) {
      const key = MEANS[metric as keyof typeof MEANS];
      const [ma, mb] = [momentsOfSums(a[key].raw), momentsOfSums(b[key].raw)];
      if (ma.n >= 2 && mb.n >= 2 && ma.variance === 0 && mb.variance === 0 && ma.mean === mb.mean) {
        return untested(NO_VARIATION);
      }
      const choice = logFitsBetter(a[key], b[key]);
      if (choice.log) {
        const r = welchTest(momentsOfSums(a[key].log!), momentsOfSums(b[key].log!));
        const ratio =
          r === null
            ? null
            : { ...r, estimate: Math.exp(r.estimate), low: Math.exp(r.low), high: Math.exp(r.high) };
        return {
          ...base,
          result: ratio,
          test: 'welch-log' as const,
          scale: 'ratio' as const,
          smallSample: r === null ? false : fewSessions(),
          note: `Welch's t-test on log(1 + x): the raw values are skewed (skewness ${fmt(choice.raw)}, ${fmt(choice.logged)} on logs); interval: B's geometric mean of 1 + x over A's`,
        };
      }
      const r = welchTest(ma, mb);
      return {
        ...base,
        result: r,
        test: 'welch' as const,
        scale: 'difference' as const,
        smallSample: r === null ? false : fewSessions(),
        note: `Welch's t-test on the raw values (skewness ${fmt(choice.raw)})`,
      };
    }
    if (metric === 'median_duration_s') {
      const scale = (s: SideSummary) =>
        s.durations_of > s.durations.length && s.durations.length > 0
          ? Math.sqrt(s.durations.length / s.durations_of)
          : 1;
      const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
      const r = bootstrapMedianDifference(a.durations, b.durations, {
        seed: options.seed,
        resamples,
        scaleA: scale(a),
        scaleB: scale(b),
      });
      const sampled = a.durations_of > a.durations.length || b.durations_of > b.durations.length;
      return {
        ...base,
        result: r === null ? null : { ...r, estimate: (base.b ?? 0) - (base.a ?? 0) },
        test: 'bootstrap-median' as const,
        scale: 'difference' as const,
        smallSample: r === null ? false : fewSessions(),
        note: `bootstrap of the medians of whole-second durations, ${resamples} resamples, seed ${options.seed}${sampled ? '; a systematic sample of the durations, spread scaled to all sessions' : ''}`,
      };
    }
    return untested(
      'a total: no test (it depends on how long and how busy each side is, not on a per-session sample)',
    );
  });
  const adjusted = holm(tests.map((t) => t.result?.p ?? null));
  const metrics = tests.map((t, i): MetricRow => {
    const difference = t.a === null || t.b === null ? null : t.b - t.a;
    const pAdjusted = adjusted[i] ?? null;
    return {
      metric: t.metric,
      a: t.a,
      b: t.b,
      difference,
      relative: difference === null || t.a === null || t.a === 0 ? null : difference / t.a,
      test: t.test === null || t.result === null ? null : t.test,
      interval: t.result === null ? null : { low: t.result.low, high: t.result.high, scale: t.scale },
      p: t.result?.p ?? null,
      p_adjusted: pAdjusted,
      significant: pAdjusted !== null && pAdjusted < 1 - CONFIDENCE,
      small_sample: t.smallSample,
      note:
        t.test !== null && t.result === null && t.note !== NO_VARIATION
          ? 'no test: too few sessions on a side'
          : t.note,
    };
  });
  return { metrics, warnings };
}

export type { TestResult };
