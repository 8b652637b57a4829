/**
 * Shares over time of one dimension's values, and which change is significant: each value's
 * share of the sessions in the last bucket against its share in the bucket before (or the
 * first), by the pooled two-proportion z-test, Holm-adjusted across the dimension's values; a
 * change is significant when its adjusted p is under 1 - CONFIDENCE (0.05). The values beyond the
 * top `limit` (by sessions over the period) are summed as '(other)'.
 *
 *   shareSeries(['2026-10-05', '2026-10-12'], [{ key: '2026-10-05', value: 'mobile', n: 40 }, …], 'previous', 5)
 */
import { CONFIDENCE, holm, twoProportionTest } from '../stats/tests.ts';

export const OTHER_VALUES = '(other)';
export const COMPARE_WITH = ['previous', 'first'] as const;
export type CompareWith = (typeof COMPARE_WITH)[number];

export interface Count {
  readonly key: string;
  readonly value: string;
  readonly n: number;
}

export interface ShareChange {
  /** The bucket compared against, and the last one. */
  readonly from: string;
  readonly to: string;
  readonly from_share: number;
  readonly to_share: number;
  /** to_share - from_share, with its 95 % interval (unpooled standard error). */
  readonly difference: number;
  readonly low: number;
  readonly high: number;
  readonly p: number | null;
  /** Holm-adjusted across the dimension's values. */
  readonly p_adjusted: number | null;
  readonly significant: boolean;
}

export interface ValueSeries {
  readonly value: string;
  readonly total: number;
  /** Sessions per bucket, and the share of the bucket's sessions (null in an empty bucket). */
  readonly sessions: number[];
  readonly shares: (number | null)[];
  /** Null with fewer than two buckets, or an empty bucket at either end of the comparison. */
  readonly change: ShareChange | null;
}

export function shareSeries(
  buckets: readonly string[],
  counts: readonly Count[],
  compare: CompareWith,
  limit: number,
): { totals: number[]; values: ValueSeries[] } {
  const index = new Map(buckets.map((b, i) => [b, i]));
  const byValue = new Map<string, number[]>();
  const totals = buckets.map(() => 0);
  for (const c of counts) {
    const i = index.get(c.key);
    if (i === undefined) continue;
    const series = byValue.get(c.value) ?? buckets.map(() => 0);
    series[i]! += c.n;
    byValue.set(c.value, series);
    totals[i]! += c.n;
  }
  const ranked = [...byValue]
    .map(([value, sessions]) => ({ value, sessions, total: sessions.reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.total - a.total || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const kept = ranked.slice(0, limit);
  const rest = ranked.slice(limit);
  if (rest.length > 0) {
    const sessions = buckets.map((_, i) => rest.reduce((sum, r) => sum + r.sessions[i]!, 0));
    kept.push({ value: OTHER_VALUES, sessions, total: sessions.reduce((a, b) => a + b, 0) });
  }
  const last = buckets.length - 1;
  const base = compare === 'first' ? 0 : last - 1;
  const tests = kept.map((v) =>
    last < 1 || totals[base] === 0 || totals[last] === 0
      ? null
      : twoProportionTest(
          { x: v.sessions[base]!, n: totals[base]! },
          { x: v.sessions[last]!, n: totals[last]! },
        ),
  );
  const adjusted = holm(tests.map((t) => t?.p ?? null));
  const values = kept.map((v, k): ValueSeries => {
    const t = tests[k] ?? null;
    const pAdj = adjusted[k] ?? null;
    return {
      value: v.value,
      total: v.total,
      sessions: v.sessions,
      shares: v.sessions.map((n, i) => (totals[i] === 0 ? null : n / totals[i]!)),
      change:
        t === null
          ? null
          : {
              from: buckets[base]!,
              to: buckets[last]!,
              from_share: v.sessions[base]! / totals[base]!,
              to_share: v.sessions[last]! / totals[last]!,
              difference: t.estimate,
              low: t.low,
              high: t.high,
              p: t.p,
              p_adjusted: pAdj,
              significant: pAdj !== null && pAdj < 1 - CONFIDENCE,
            },
    };
  });
  return { totals, values };
}
