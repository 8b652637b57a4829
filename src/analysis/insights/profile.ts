/**
 * One user's profile from the stored sessions and events: how much and when they come (in their
 * own time zone), the best hour to reach them, device, pages and events, their engagement level
 * and the pages they are likely to open next. "Now" is the period's end (profile/period.ts); the
 * profile covers every session of the identity before it (from `--from` when given).
 *
 *   await profile(store, options, 'alice') // { sessions: 14, segment: 'core', best_hour: { hour: 8, … }, … }
 */
import { isTimeZone } from '../../core/zone.ts';
import { sql } from '../../sql/query.ts';
import type { Store } from '../../store/store.ts';
import { around, EXIT } from '../paths.ts';
import { type Condition, sessionsIn } from '../plans.ts';
import type { QueryOptions } from '../query-options.ts';
import { type Segment, segmentOf, windowStartMs } from './profile/engagement.ts';
import { type NextPage, nextPages, transitionsFrom } from './profile/next-page.ts';
import { asOf } from './profile/period.ts';
import { type Schedule, scheduleOf } from './profile/schedule.ts';

/** The most recent sessions read for the schedule, devices, pages and transitions (counts use all). */
export const MAX_PROFILE_SESSIONS = 5000;
const TOP = 5;
/** Everyone's moves from the last page read at most (the most frequent). */
const MAX_NEIGHBOURS = 100;

export interface Profile {
  readonly identity: string;
  /** The instant taken as now (ISO): see profile/period.ts. */
  readonly now: string | null;
  readonly sessions: number;
  readonly first_seen: string | null;
  readonly last_seen: string | null;
  readonly total_duration_s: number;
  readonly avg_duration_s: number | null;
  /** Distinct local days (in the query's zone) with a session in the 28 days before now. */
  readonly active_days_28: number;
  readonly segment: Segment | null;
  /** The user's zone: the most frequent known one of their sessions, else the query's. */
  readonly zone: string;
  readonly zone_source: 'sessions' | 'query';
  /** Hours and weekdays, each session in its own zone (one without: in `zone`). */
  readonly schedule: Schedule;
  readonly preferred_device: string | null;
  readonly devices: { device: string; sessions: number; share: number }[];
  readonly top_pages: { page: string; views: number }[];
  readonly top_events: { event: string; count: number }[];
  /** The last page of the latest session, and the likely next pages after it. */
  readonly last_page: string | null;
  readonly next_pages: NextPage[];
  /** Sessions read for the schedule, devices, pages and moves (the latest MAX_PROFILE_SESSIONS). */
  readonly sessions_read: number;
}

interface SessionRow {
  start_ms: number | bigint;
  timezone: string;
  device_type: string;
  pages: string[] | null;
}

export async function profile(store: Store, options: QueryOptions, identity: string): Promise<Profile> {
  const period = await asOf(store, options);
  const empty = emptyProfile(identity, options.tz, period?.nowMs);
  if (period === undefined) return empty;
  const { nowMs } = period;
  const d = store.dialect;
  const mine: Condition[] = [
    { kind: 'dimension', dimension: 'identity', op: '=', value: identity },
    { kind: 'range', fromMs: options.fromMs ?? -8.64e15, toMs: nowMs },
    ...options.filters,
  ];
  const theirs = sessionsIn(d, mine);
  const day = d.localPeriodNumber(sql`start_ms`, 'day', options.tz);
  const [agg] = (await store.query(
    d.compile(sql`SELECT count(*) AS sessions, min(start_ms) AS first_ms, max(start_ms) AS last_ms,
        coalesce(sum(end_ms - start_ms), 0) AS duration_ms,
        count(DISTINCT CASE WHEN start_ms >= ${BigInt(Math.ceil(windowStartMs(nowMs)))} THEN ${day} ELSE NULL END) AS active_days
      FROM ${theirs} s`),
  )) as Record<string, number | bigint | null>[];
  const sessions = Number(agg?.sessions ?? 0);
  if (sessions === 0) return empty;
  const rows = (await store.query(
    d.compile(sql`SELECT start_ms, timezone, device_type, pages FROM ${theirs} s
      ORDER BY start_ms DESC LIMIT ${MAX_PROFILE_SESSIONS}`),
  )) as unknown as SessionRow[];
  const events = (await store.query(
    d.compile(sql`SELECT event, count(*) AS n FROM events
      WHERE session_id IN (SELECT session_id FROM ${theirs} s) GROUP BY event ORDER BY n DESC, event LIMIT ${TOP}`),
  )) as { event: string; n: number | bigint }[];

  const zoneCounts = countBy(rows.map((r) => r.timezone).filter((z) => z !== '' && isTimeZone(z)));
  const zone = zoneCounts[0]?.key ?? options.tz;
  const starts = rows.map((r) => ({
    startMs: Number(r.start_ms),
    zone: r.timezone !== '' && isTimeZone(r.timezone) ? r.timezone : zone,
  }));
  const pageLists = rows.map((r) => r.pages ?? []);
  const lastPage = pageLists[0]?.[pageLists[0].length - 1] ?? null;
  const devices = countBy(rows.map((r) => r.device_type || 'unknown'));
  const durationS = Number(agg!.duration_ms) / 1000;
  const firstMs = Number(agg!.first_ms);
  const lastMs = Number(agg!.last_ms);
  const activeDays = Number(agg!.active_days ?? 0);
  return {
    identity,
    now: new Date(nowMs).toISOString(),
    sessions,
    first_seen: new Date(firstMs).toISOString(),
    last_seen: new Date(lastMs).toISOString(),
    total_duration_s: durationS,
    avg_duration_s: durationS / sessions,
    active_days_28: activeDays,
    segment: segmentOf({ firstMs, lastMs, activeDays }, nowMs),
    zone,
    zone_source: zoneCounts.length > 0 ? 'sessions' : 'query',
    schedule: scheduleOf(starts),
    preferred_device: devices[0]?.key ?? null,
    devices: devices.map((c) => ({ device: c.key, sessions: c.n, share: c.n / rows.length })),
    top_pages: countBy(pageLists.flat())
      .slice(0, TOP)
      .map((c) => ({ page: c.key, views: c.n })),
    top_events: events.map((e) => ({ event: e.event, count: Number(e.n) })),
    last_page: lastPage,
    next_pages:
      lastPage === null
        ? []
        : nextPages(
            transitionsFrom(pageLists, lastPage),
            await everyoneFrom(store, options, period, lastPage),
          ),
    sessions_read: rows.length,
  };
}

/** Everyone's moves from `page` to another page in the period (exits left out). */
async function everyoneFrom(
  store: Store,
  options: QueryOptions,
  period: { fromMs: number; nowMs: number },
  page: string,
): Promise<Map<string, number>> {
  const { next } = await around(
    store,
    { ...options, fromMs: period.fromMs, toMs: period.nowMs },
    page,
    MAX_NEIGHBOURS,
  );
  return new Map(next.filter((n) => n.page !== EXIT).map((n) => [n.page, Number(n.count)]));
}

function emptyProfile(identity: string, tz: string, nowMs: number | undefined): Profile {
  return {
    identity,
    now: nowMs === undefined ? null : new Date(nowMs).toISOString(),
    sessions: 0,
    first_seen: null,
    last_seen: null,
    total_duration_s: 0,
    avg_duration_s: null,
    active_days_28: 0,
    segment: null,
    zone: tz,
    zone_source: 'query',
    schedule: scheduleOf([]),
    preferred_device: null,
    devices: [],
    top_pages: [],
    top_events: [],
    last_page: null,
    next_pages: [],
    sessions_read: 0,
  };
}

/** Values by how often they occur, most first (ties by value). */
function countBy(values: readonly string[]): { key: string; n: number }[] {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m]
    .map(([key, n]) => ({ key, n }))
    .sort((a, b) => b.n - a.n || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
