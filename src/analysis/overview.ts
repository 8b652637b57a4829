/**
 * The overview: the headline numbers of a period, each with the previous period of equal
 * length and the relative change. The numbers are derived from a few aggregates, computed by
 * the store's SQL (`overview`) or in plain TypeScript from sessions (`overviewOfSessions`);
 * a property test holds the two together.
 *
 *   const o = await overview(store, parseQueryOptions({ from: '2026-10-01', to: '2026-10-31' }));
 *   o.metrics.bounce_rate // { value: 0.41, previous: 0.45, change: -0.089 }
 */
import type { Session } from '../core/session.ts';
import { localDayNumber, wallTimeToUtcMs } from '../core/zone.ts';
import { sql } from '../sql/query.ts';
import type { Store } from '../store/store.ts';
import { AGGREGATES, type Aggregate, type Condition, compile } from './plans.ts';
import type { QueryOptions } from './query-options.ts';

export const OVERVIEW_METRICS = [
  'sessions',
  'users',
  'pageviews',
  'events',
  'bounce_rate',
  'engagement_rate',
  'avg_duration_s',
  'median_duration_s',
  'pages_per_session',
  'conversion_rate',
  'avg_value',
  'total_value',
] as const;

export type OverviewMetric = (typeof OVERVIEW_METRICS)[number];

/** A metric's value; null where it is undefined (a rate or mean over no sessions). */
export type Metrics = Record<OverviewMetric, number | null>;

export interface MetricComparison {
  readonly value: number | null;
  readonly previous: number | null;
  /** (value - previous) / previous; null when previous is 0 or null. */
  readonly change: number | null;
}

export interface Overview {
  /** The period: [from, to) as ISO times, or null bounds when the store is empty. */
  readonly range: { readonly from: string | null; readonly to: string | null };
  readonly previous_range: { readonly from: string | null; readonly to: string | null };
  readonly metrics: Record<OverviewMetric, MetricComparison>;
}

type Aggregates = Record<Aggregate, number | null>;

export function metricsOf(a: Aggregates): Metrics {
  const sessions = a.sessions ?? 0;
  const per = (x: number | null): number | null => (sessions === 0 || x === null ? null : x / sessions);
  return {
    sessions,
    users: a.users ?? 0,
    pageviews: a.pageviews ?? 0,
    events: a.events ?? 0,
    bounce_rate: per(a.bounces),
    engagement_rate: per(a.engaged),
    avg_duration_s: per(a.duration_sum),
    median_duration_s: sessions === 0 ? null : a.duration_median,
    pages_per_session: per(a.pageviews),
    conversion_rate: per(a.converted),
    avg_value: per(a.value_sum),
    total_value: a.value_sum ?? 0,
  };
}

/** The aggregates of some sessions, in plain TypeScript (the reference for the SQL). */
export function aggregatesOfSessions(sessions: readonly Session[]): Aggregates {
  const durations = sessions.map((s) => (s.endMs - s.startMs) / 1000).sort((x, y) => x - y);
  const mid = durations.length >> 1;
  const median =
    durations.length === 0
      ? null
      : durations.length % 2 === 1
        ? durations[mid]!
        : (durations[mid - 1]! + durations[mid]!) / 2;
  const sum = (f: (s: Session) => number): number => sessions.reduce((acc, s) => acc + f(s), 0);
  return {
    sessions: sessions.length,
    users: new Set(sessions.map((s) => s.identity)).size,
    pageviews: sum((s) => s.pageviews),
    events: sum((s) => s.events),
    bounces: sum((s) => (s.bounce ? 1 : 0)),
    engaged: sum((s) => (s.engaged ? 1 : 0)),
    // Integer milliseconds, divided once: the sum does not depend on the sessions' order.
    duration_sum: sum((s) => s.endMs - s.startMs) / 1000,
    duration_median: median,
    converted: sum((s) => (s.conversions > 0 ? 1 : 0)),
    value_sum: sum((s) => s.value),
  };
}

export function overviewOfSessions(sessions: readonly Session[]): Metrics {
  return metricsOf(aggregatesOfSessions(sessions));
}

const DAY_MS = 86_400_000;

/** The metrics of no sessions: counts 0, rates and means null. */
export const NO_METRICS: Metrics = metricsOf(
  Object.fromEntries(AGGREGATES.map((a) => [a, null])) as Aggregates,
);

export async function overview(store: Store, options: QueryOptions): Promise<Overview> {
  const range = await resolveRange(store, options);
  if (range === undefined) {
    return {
      range: { from: null, to: null },
      previous_range: { from: null, to: null },
      metrics: compare(NO_METRICS, NO_METRICS),
    };
  }
  const length = range.toMs - range.fromMs;
  const current = await aggregates(store, range.fromMs, range.toMs, options.filters);
  const previous = await aggregates(store, range.fromMs - length, range.fromMs, options.filters);
  return {
    range: iso(range.fromMs, range.toMs),
    previous_range: iso(range.fromMs - length, range.fromMs),
    metrics: compare(metricsOf(current), metricsOf(previous)),
  };
}

/** Without `--from`, the period is at most this many local days, ending with the data's last. */
export const DEFAULT_PERIOD_DAYS = 30;

/**
 * The period asked for; open ends are taken from the recent stored sessions. Without either
 * end, it is the last DEFAULT_PERIOD_DAYS local days (in the query's zone) that end with the day
 * of the latest session start, or fewer from the first session's day when the data is younger:
 * one event from a clock at 1970 does not stretch it. With `--from` only, it runs through the
 * end of the last session's day; with `--to` only, it is the DEFAULT_PERIOD_DAYS days before
 * it (from the first session's day on). Undefined when there is nothing to bound them.
 *
 *   sessions on 2026-03-01 and 2026-11-20 → 2026-10-22 to 2026-11-21 (exclusive)
 *   sessions on 2026-11-10 and 2026-11-20 → 2026-11-10 to 2026-11-21 (exclusive)
 */
export async function resolveRange(
  store: Store,
  options: QueryOptions,
): Promise<{ fromMs: number; toMs: number } | undefined> {
  if (options.fromMs !== undefined && options.toMs !== undefined) {
    return { fromMs: options.fromMs, toMs: options.toMs };
  }
  const [row] = await store.query(
    store.dialect.compile(sql`SELECT min(start_ms) AS first, max(start_ms) AS last FROM sessions`),
  );
  if (row?.first === null || row?.first === undefined) {
    return options.fromMs === undefined || options.toMs === undefined
      ? undefined
      : { fromMs: options.fromMs, toMs: options.toMs };
  }
  const dayStart = (ms: number, after: number): number =>
    wallTimeToUtcMs((localDayNumber(ms, options.tz) + after) * DAY_MS, options.tz);
  const first = dayStart(Number(row.first), 0);
  if (options.fromMs !== undefined) {
    const end = dayStart(Number(row.last), 1);
    return { fromMs: options.fromMs, toMs: end > options.fromMs ? end : options.fromMs + DAY_MS };
  }
  const toMs = options.toMs ?? dayStart(Number(row.last), 1);
  // The window's last day is the one before `toMs`; when the data lies wholly after it, one day.
  const fromMs = Math.max(first, dayStart(toMs - 1, 1 - DEFAULT_PERIOD_DAYS));
  return { fromMs: fromMs < toMs ? fromMs : toMs - DAY_MS, toMs };
}

async function aggregates(
  store: Store,
  fromMs: number,
  toMs: number,
  filters: readonly Condition[],
): Promise<Aggregates> {
  const plan = { where: [{ kind: 'range' as const, fromMs, toMs }, ...filters], aggregates: AGGREGATES };
  const [row] = await store.query(compile(plan, store.dialect));
  return aggregatesOfRow(row ?? {});
}

/** The aggregates of a query row (numbers, or null where SQL gave NULL). */
export function aggregatesOfRow(row: Record<string, unknown>): Aggregates {
  return Object.fromEntries(
    AGGREGATES.map((a) => [a, row[a] === null || row[a] === undefined ? null : Number(row[a])]),
  ) as Aggregates;
}

/** The conditions of the period asked for (see `resolveRange`) and the filters; undefined when the store has no sessions. */
export async function periodWhere(store: Store, options: QueryOptions): Promise<Condition[] | undefined> {
  const range = await resolveRange(store, options);
  if (range === undefined) return undefined;
  return [{ kind: 'range', fromMs: range.fromMs, toMs: range.toMs }, ...options.filters];
}

/** `options` with the period fixed, so that several analyses of one report resolve it once. */
export async function pinPeriod(store: Store, options: QueryOptions): Promise<QueryOptions> {
  const range = await resolveRange(store, options);
  return range === undefined ? options : { ...options, fromMs: range.fromMs, toMs: range.toMs };
}

function compare(current: Metrics, previous: Metrics): Record<OverviewMetric, MetricComparison> {
  return Object.fromEntries(
    OVERVIEW_METRICS.map((m) => {
      const value = current[m];
      const before = previous[m];
      const change = value === null || before === null || before === 0 ? null : (value - before) / before;
      return [m, { value, previous: before, change }];
    }),
  ) as Record<OverviewMetric, MetricComparison>;
}

function iso(fromMs: number, toMs: number): { from: string; to: string } {
  return { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
}
