/**
 * A user's engagement level from how often and how recently they come, as of `nowMs`:
 *
 *   new     the first session is less than NEW_DAYS (7) days before now;
 *   power   active on at least POWER_DAYS (10) distinct days of the WINDOW_DAYS (28) before now,
 *           and seen within the last 7 days;
 *   core    active on at least CORE_DAYS (3) of those 28 days, and seen within the last 14 days;
 *   casual  everyone else (rare or lapsed).
 *
 *   segmentOf({ firstMs, lastMs, activeDays: 12 }, nowMs) // 'power'
 */
import { type Sql, sql } from '../../../sql/query.ts';

export const SEGMENTS = ['new', 'casual', 'core', 'power'] as const;
export type Segment = (typeof SEGMENTS)[number];

const DAY_MS = 86_400_000;
export const NEW_DAYS = 7;
export const WINDOW_DAYS = 28;
export const POWER_DAYS = 10;
export const POWER_RECENT_DAYS = 7;
export const CORE_DAYS = 3;
export const CORE_RECENT_DAYS = 14;

export interface Activity {
  readonly firstMs: number;
  readonly lastMs: number;
  /** Distinct local days with a session start in [nowMs - WINDOW_DAYS days, nowMs). */
  readonly activeDays: number;
}

export function segmentOf(a: Activity, nowMs: number): Segment {
  const since = (days: number) => nowMs - days * DAY_MS;
  if (a.firstMs >= since(NEW_DAYS)) return 'new';
  if (a.activeDays >= POWER_DAYS && a.lastMs >= since(POWER_RECENT_DAYS)) return 'power';
  if (a.activeDays >= CORE_DAYS && a.lastMs >= since(CORE_RECENT_DAYS)) return 'core';
  return 'casual';
}

/** The window of active days: [start, nowMs). */
export const windowStartMs = (nowMs: number): number => nowMs - WINDOW_DAYS * DAY_MS;

/** The same rule in SQL, over columns first_ms, last_ms and active_days. */
export function segmentSql(nowMs: number): Sql {
  const since = (days: number) => BigInt(Math.ceil(nowMs - days * DAY_MS));
  return sql`CASE WHEN first_ms >= ${since(NEW_DAYS)} THEN 'new'
    WHEN active_days >= ${POWER_DAYS} AND last_ms >= ${since(POWER_RECENT_DAYS)} THEN 'power'
    WHEN active_days >= ${CORE_DAYS} AND last_ms >= ${since(CORE_RECENT_DAYS)} THEN 'core'
    ELSE 'casual' END`;
}
