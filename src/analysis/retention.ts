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
import type { Store } from '../store/store.ts';
import { resolveRange } from './overview.ts';
import { SESSION_DIMENSIONS, sessionQuery, type TimeUnit } from './plans.ts';
import type { QueryOptions } from './query-options.ts';

export const COHORT_KINDS = ['day', 'week', 'month', 'source', 'device', 'engagement'] as const;
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

const ENGAGEMENT = `CASE WHEN bounce THEN 'bounce' WHEN engaged THEN 'engaged' ELSE 'light' END`;

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
  const q = sessionQuery(store.dialect, options.filters, (bind) => {
    const tz = bind(options.tz);
    const bucket = (ms: string) => `date_trunc('${period}', timezone(${tz}, to_timestamp(${ms} / 1000)))`;
    const key =
      spec.cohort === 'source'
        ? SESSION_DIMENSIONS.traffic_source // only the first session (f) has these columns here
        : spec.cohort === 'device'
          ? `device_type`
          : spec.cohort === 'engagement'
            ? ENGAGEMENT
            : `strftime(${bucket('f.start_ms')}, '${period === 'month' ? '%Y-%m' : '%Y-%m-%d'}')`;
    return `,
    firsts AS (SELECT identity, arg_min(session_id, (start_ms, session_id)) AS session_id FROM sessions GROUP BY identity),
    members AS (
      SELECT f.identity, ${key} AS cohort, ${bucket('f.start_ms')} AS c0,
             date_diff('${period}', ${bucket('f.start_ms')}, (SELECT ${bucket('max(start_ms)')} FROM sessions)) AS seen
      FROM firsts x JOIN s f ON f.session_id = x.session_id
      WHERE f.start_ms >= ${bind(BigInt(range.fromMs))} AND f.start_ms < ${bind(BigInt(range.toMs))}),
    activity AS (
      SELECT DISTINCT m.cohort, m.identity, date_diff('${period}', m.c0, ${bucket('x.start_ms')}) AS k
      FROM members m JOIN sessions x ON x.identity = m.identity),
    ks AS (SELECT unnest(range(0, ${bind(periods + 1)})) AS k)
    SELECT m.cohort, ks.k, count(*) AS size,
           count(*) FILTER (WHERE m.seen >= ks.k) AS eligible,
           count(a.identity) FILTER (WHERE m.seen >= ks.k) AS active
    FROM members m CROSS JOIN ks LEFT JOIN activity a ON a.identity = m.identity AND a.k = ks.k
    GROUP BY m.cohort, ks.k ORDER BY m.cohort, ks.k`;
  });
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
