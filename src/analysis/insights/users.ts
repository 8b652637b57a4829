/**
 * The users of the period by engagement level (profile/engagement.ts): how many are new, casual,
 * core and power, and the users of one level (or all), most sessions first. A user is in the
 * period when a session of theirs starts in it; their counts cover every session before "now"
 * (the period's end, profile/period.ts).
 *
 *   await users(store, options, { segment: 'power', limit: 20 }) // { counts: { power: 3, … }, rows: [...] }
 */
import { sql } from '../../sql/query.ts';
import type { Store } from '../../store/store.ts';
import { whereSql } from '../plans.ts';
import type { QueryOptions } from '../query-options.ts';
import { SEGMENTS, type Segment, segmentSql, windowStartMs } from './profile/engagement.ts';
import { asOf } from './profile/period.ts';

export interface UserRow {
  readonly identity: string;
  readonly segment: Segment;
  readonly sessions: number;
  readonly first_seen: string;
  readonly last_seen: string;
  readonly total_duration_s: number;
  readonly active_days_28: number;
}

export interface Users {
  /** The instant taken as now (ISO); null when the store has no sessions. */
  readonly now: string | null;
  readonly total: number;
  readonly counts: Record<Segment, number>;
  /** The segment listed, or null for all. */
  readonly segment: Segment | null;
  /** Users of the segment, most sessions first (then the latest seen, then identity). */
  readonly rows: UserRow[];
}

const noCounts = (): Record<Segment, number> =>
  Object.fromEntries(SEGMENTS.map((s) => [s, 0])) as Record<Segment, number>;

export async function users(
  store: Store,
  options: QueryOptions,
  spec: { readonly segment?: Segment | undefined; readonly limit: number },
): Promise<Users> {
  const segment = spec.segment ?? null;
  const period = await asOf(store, options);
  if (period === undefined) return { now: null, total: 0, counts: noCounts(), segment, rows: [] };
  const { nowMs, fromMs } = period;
  const d = store.dialect;
  const before = whereSql(d, [{ kind: 'range', fromMs: -8.64e15, toMs: nowMs }, ...options.filters]);
  const day = d.localPeriodNumber(sql`start_ms`, 'day', options.tz);
  const perUser = sql`SELECT identity, count(*) AS sessions, min(start_ms) AS first_ms, max(start_ms) AS last_ms,
      coalesce(sum(end_ms - start_ms), 0) AS duration_ms,
      count(DISTINCT CASE WHEN start_ms >= ${BigInt(Math.ceil(windowStartMs(nowMs)))} THEN ${day} ELSE NULL END) AS active_days
    FROM sessions${before} GROUP BY identity HAVING max(start_ms) >= ${BigInt(Math.ceil(fromMs))}`;
  const segmented = sql`(SELECT identity, sessions, first_ms, last_ms, duration_ms, active_days,
      ${segmentSql(nowMs)} AS segment FROM (${perUser}) u)`;
  const countRows = (await store.query(
    d.compile(sql`SELECT segment, count(*) AS n FROM ${segmented} g GROUP BY segment`),
  )) as { segment: Segment; n: number | bigint }[];
  const counts = noCounts();
  for (const r of countRows) counts[r.segment] = Number(r.n);
  const only = segment === null ? sql`` : sql` WHERE segment = ${segment}`;
  const rows = (await store.query(
    d.compile(sql`SELECT identity, sessions, first_ms, last_ms, duration_ms, active_days, segment
      FROM ${segmented} g${only} ORDER BY sessions DESC, last_ms DESC, identity LIMIT ${spec.limit}`),
  )) as Record<string, string | number | bigint>[];
  return {
    now: new Date(nowMs).toISOString(),
    total: SEGMENTS.reduce((sum, s) => sum + counts[s], 0),
    counts,
    segment,
    rows: rows.map((r) => ({
      identity: String(r.identity),
      segment: r.segment as Segment,
      sessions: Number(r.sessions),
      first_seen: new Date(Number(r.first_ms)).toISOString(),
      last_seen: new Date(Number(r.last_ms)).toISOString(),
      total_duration_s: Number(r.duration_ms) / 1000,
      active_days_28: Number(r.active_days),
    })),
  };
}
