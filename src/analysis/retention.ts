/**
 * Retention: visitors grouped into cohorts by their first session (first seen in the period),
 * and the share of each cohort with a session in each following period.
 *
 * Cohorts are by the first session's day, week or month (in `--tz`), or by what it says about
 * the visitor: its traffic source, its device type, or its engagement (`bounce`, `engaged`,
 * `light`). Periods are counted from the day, week or month of each visitor's first session;
 * period 0 is the first session's own. A period that has not fully ended for a visitor (it lies
 * after the latest stored session) is not counted for them, so recent cohorts show null there
 * rather than a false drop.
 *
 *   await retention(store, options, { cohort: 'week', periods: 8 })
 */
import { StintError } from '../core/errors.ts';
import { type Sql, sql } from '../sql/query.ts';
import type { Store } from '../store/store.ts';
import { resolveRange } from './overview.ts';
import { dimensionSql, sessionsIn, type TimeUnit } from './plans.ts';
import type { QueryOptions } from './query-options.ts';

export const COHORT_KINDS = [
  'day',
  'week',
  'month',
  'source',
  'channel',
  'country',
  'device',
  'engagement',
] as const;
export type CohortKind = (typeof COHORT_KINDS)[number];

/** Periods after the first at most: ten years of months. */
export const MAX_PERIODS = 120;

export interface RetentionSpec {
  readonly cohort: CohortKind;
  /** Period length for non-calendar cohorts (default week); calendar cohorts use their own unit. */
  readonly period?: Exclude<TimeUnit, 'hour'>;
  /** How many periods after the first (default 8). */
  readonly periods?: number;
}

export interface CohortRow {
  readonly cohort: string;
  readonly size: number;
  /** Visitors of the cohort with a session in period k (k = 0 … periods). */
  readonly active: (number | null)[];
  /** active[k] / visitors for whom period k is over; null when it is over for none. */
  readonly share: (number | null)[];
}

export interface Retention {
  readonly cohort: CohortKind;
  readonly period: Exclude<TimeUnit, 'hour'>;
  readonly periods: number;
  readonly rows: CohortRow[];
}

const ENGAGEMENT = sql`CASE WHEN bounce THEN 'bounce' WHEN engaged THEN 'engaged' ELSE 'light' END`;

export async function retention(
  store: Store,
  options: QueryOptions,
  spec: RetentionSpec,
): Promise<Retention> {
  const calendar = spec.cohort === 'day' || spec.cohort === 'week' || spec.cohort === 'month';
  const period = calendar ? (spec.cohort as Exclude<TimeUnit, 'hour'>) : (spec.period ?? 'week');
  const periods = spec.periods ?? 8;
  if (!Number.isInteger(periods) || periods < 1 || periods > MAX_PERIODS) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `--periods must be a whole number from 1 to ${MAX_PERIODS}, got ${periods}`,
      'For example --periods 8',
    );
  }
  const empty: Retention = { cohort: spec.cohort, period, periods, rows: [] };
  const range = await resolveRange(store, options);
  if (range === undefined) return empty;
  const d = store.dialect;
  const number = (ms: Sql) => d.localPeriodNumber(ms, period, options.tz);
  const key =
    spec.cohort === 'source'
      ? dimensionSql(d, 'traffic_source') // of the visitor's first session
      : spec.cohort === 'channel' || spec.cohort === 'country'
        ? dimensionSql(d, spec.cohort)
        : spec.cohort === 'device'
          ? sql`device_type`
          : spec.cohort === 'engagement'
            ? ENGAGEMENT
            : d.localBucketText(sql`start_ms`, period, options.tz);
  // Each visitor's first session (of all stored), when it meets the filters and starts in the period.
  const firsts = sql`SELECT ${d.argMin(sql`session_id`, [sql`start_ms`, sql`session_id`])} AS first_session
    FROM sessions GROUP BY identity`;
  const membersSql = sql`SELECT identity, ${key} AS cohort, ${number(sql`start_ms`)} AS c0,
      (SELECT ${number(sql`max(start_ms)`)} FROM sessions) - ${number(sql`start_ms`)} AS seen
    FROM ${sessionsIn(d, options.filters)} f
    WHERE session_id IN (SELECT first_session FROM (${firsts}) x)
      AND start_ms >= ${BigInt(range.fromMs)} AND start_ms < ${BigInt(range.toMs)}`;
  const q = d.compile(
    d.tables((define) => {
      const members = define('members', membersSql);
      // The periods (from each visitor's first) in which the visitor has a session.
      const activity = sql`SELECT DISTINCT identity, ${d.int64(sql`${number(sql`x_start`)} - c0`)} AS k
        FROM (SELECT identity, c0 FROM ${members} m0) m
        JOIN (SELECT identity, start_ms AS x_start FROM sessions) x USING (identity)`;
      return sql`SELECT cohort, k, count(*) AS size, ${d.countIf(sql`seen >= k`)} AS eligible,
          ${d.countIf(sql`hit = 1 AND seen >= k`)} AS active
        FROM (SELECT identity, cohort, seen, ${d.int64(d.numbers(sql`${periods + 1}`))} AS k FROM ${members} m1) m
        LEFT JOIN (SELECT identity, k, 1 AS hit FROM (${activity}) a0) a USING (identity, k)
        GROUP BY cohort, k ORDER BY cohort, k`;
    }),
  );
  const found = (await store.query(q)) as {
    cohort: string;
    k: number;
    size: number;
    eligible: number;
    active: number;
  }[];
  const byCohort = new Map<string, CohortRow>();
  for (const r of found) {
    let row = byCohort.get(r.cohort);
    if (row === undefined) {
      row = { cohort: r.cohort, size: r.size, active: [], share: [] };
      byCohort.set(r.cohort, row);
    }
    row.active[r.k] = r.eligible === 0 ? null : r.active;
    row.share[r.k] = r.eligible === 0 ? null : r.active / r.eligible;
  }
  const rows = [...byCohort.values()];
  if (!calendar) rows.sort((a, b) => b.size - a.size || (a.cohort < b.cohort ? -1 : 1));
  return { cohort: spec.cohort, period, periods, rows };
}
