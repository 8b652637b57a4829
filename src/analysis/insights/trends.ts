/**
 * Trends: the shares of device types, channels and countries per week (or `interval`) over the
 * period, as series, with each value's change from the bucket before the last (or the first) to
 * the last tested and marked when significant (trends/shares.ts).
 *
 *   await trends(store, options, { interval: 'week', compare: 'previous', limit: 5 })
 *   // { buckets: ['2026-10-05', …], dimensions: [{ dimension: 'device_type', values: [...] }, …] }
 */
import { sql } from '../../sql/query.ts';
import type { Store } from '../../store/store.ts';
import { bucketBounds } from '../breakdown.ts';
import { resolveRange } from '../overview.ts';
import { dimensionSql, type SessionDimension, sessionsIn, type TimeUnit } from '../plans.ts';
import type { QueryOptions } from '../query-options.ts';
import { type CompareWith, shareSeries, type ValueSeries } from './trends/shares.ts';

export const TREND_DIMENSIONS = [
  'device_type',
  'channel',
  'country',
] as const satisfies readonly SessionDimension[];
export type TrendDimension = (typeof TREND_DIMENSIONS)[number];

export interface Trends {
  readonly interval: TimeUnit;
  readonly compare: CompareWith;
  /** Bucket labels (local, in tz): 2026-10-05 is the week from Monday 5 October. */
  readonly buckets: string[];
  /** Sessions per bucket. */
  readonly totals: number[];
  readonly dimensions: { dimension: TrendDimension; values: ValueSeries[] }[];
}

export interface TrendSpec {
  readonly interval: TimeUnit;
  readonly compare: CompareWith;
  /** Values per dimension, the rest summed as '(other)'. */
  readonly limit: number;
}

export async function trends(store: Store, options: QueryOptions, spec: TrendSpec): Promise<Trends> {
  const range = await resolveRange(store, options);
  const none: Trends = {
    interval: spec.interval,
    compare: spec.compare,
    buckets: [],
    totals: [],
    dimensions: [],
  };
  if (range === undefined) return none;
  const bounds = bucketBounds(range.fromMs, range.toMs, spec.interval, options.tz);
  const buckets = [...new Set(bounds.labels)];
  const d = store.dialect;
  const inPeriod = sessionsIn(d, [{ kind: 'range', ...range }, ...options.filters]);
  const table = d.rangeTable(bounds.starts, bounds.ends, bounds.labels);
  const dimensions = [];
  let totals: number[] = buckets.map(() => 0);
  for (const dimension of TREND_DIMENSIONS) {
    const value = dimensionSql(d, dimension);
    const q =
      table === undefined
        ? sql`SELECT ${d.localBucketText(sql`start_ms`, spec.interval, options.tz)} AS key, ${value} AS dim_value, count(*) AS n
            FROM ${inPeriod} sessions GROUP BY key, dim_value`
        : sql`SELECT b.key AS key, ${value} AS dim_value, count(*) AS n
            FROM ${inPeriod} sessions JOIN ${table} b ON start_ms >= b.b0 AND start_ms < b.b1 GROUP BY b.key, dim_value`;
    const rows = (await store.query(d.compile(q))) as {
      key: string;
      dim_value: string;
      n: number | bigint;
    }[];
    const series = shareSeries(
      buckets,
      rows.map((r) => ({ key: String(r.key), value: String(r.dim_value || 'unknown'), n: Number(r.n) })),
      spec.compare,
      spec.limit,
    );
    totals = series.totals;
    dimensions.push({ dimension, values: series.values });
  }
  return { interval: spec.interval, compare: spec.compare, buckets, totals, dimensions };
}
