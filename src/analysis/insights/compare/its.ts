/**
 * The interrupted time series of a change: the daily value of each metric (days in `tz`) over
 * both windows, fitted with a level and slope before the change and a jump and slope change at
 * it (stats/regression.ts). A mid-day change's own day counts before it.
 *
 *   await changeSeries(store, options, before, atMs, after)
 *   // { days: ['2026-10-22', …], change_index: 14, metrics: [{ metric: 'conversion_rate', level_change, … }] }
 */
import { localDayNumber, wallTimeToUtcMs } from '../../../core/zone.ts';
import type { Store } from '../../../store/store.ts';
import { timeseries } from '../../breakdown.ts';
import type { OverviewMetric } from '../../overview.ts';
import type { QueryOptions } from '../../query-options.ts';
import {
  type InterruptedTimeSeries,
  interruptedTimeSeries,
  MIN_POINTS_PER_SIDE,
} from '../stats/regression.ts';

/** The metrics given a daily series: the per-session ones, and the sessions per day. */
export const ITS_METRICS = [
  'sessions',
  'bounce_rate',
  'engagement_rate',
  'conversion_rate',
  'avg_duration_s',
  'median_duration_s',
  'pages_per_session',
  'avg_value',
] as const satisfies readonly OverviewMetric[];

export interface MetricSeries {
  readonly metric: (typeof ITS_METRICS)[number];
  /** Per day; null on a day with no sessions (left out of the fit). */
  readonly values: (number | null)[];
  /** Null when a side has fewer than MIN_POINTS_PER_SIDE days with a value. */
  readonly fit: Omit<InterruptedTimeSeries, 'fitted'> | null;
  /** The fitted lines per day (before the change, then after), null without a fit. */
  readonly fitted: number[] | null;
  readonly note: string;
}

export interface ChangeSeries {
  readonly days: string[];
  /** The index in `days` of the first day after the change. */
  readonly change_index: number;
  readonly metrics: MetricSeries[];
}

const DAY_MS = 86_400_000;

export async function changeSeries(
  store: Store,
  options: QueryOptions,
  before: { fromMs: number },
  atMs: number,
  after: { toMs: number },
): Promise<ChangeSeries> {
  const rows = await timeseries(store, { ...options, fromMs: before.fromMs, toMs: after.toMs }, 'day');
  const days = rows.map((r) => r.key);
  let first = localDayNumber(atMs, options.tz);
  if (wallTimeToUtcMs(first * DAY_MS, options.tz) < atMs) first++;
  const firstDay = new Date(first * DAY_MS).toISOString().slice(0, 10);
  const index = days.findIndex((d) => d >= firstDay);
  const changeIndex = index === -1 ? days.length : index;
  const metrics = ITS_METRICS.map((metric): MetricSeries => {
    const values = rows.map((r) => (metric === 'sessions' ? r.sessions : r[metric]));
    const fit = interruptedTimeSeries(values, changeIndex);
    if (fit === undefined) {
      return {
        metric,
        values,
        fit: null,
        fitted: null,
        note: `too few days: a fit needs at least ${MIN_POINTS_PER_SIDE} days with sessions on each side of the change`,
      };
    }
    const { fitted, ...rest } = fit;
    return {
      metric,
      values,
      fit: rest,
      fitted,
      note: `OLS y = b0 + b1·t + b2·after + b3·(t − t0)·after over ${values.filter((v) => v !== null).length} days; level change b2 with a t interval (df ${fit.df})`,
    };
  });
  return { days, change_index: changeIndex, metrics };
}
