/**
 * Activity: sessions by ISO weekday and hour of their start in the visitor's own local time (each
 * session in its `timezone`; one without a known zone in the report's `--tz`), as 7×24 counts.
 *
 * With zone `report`, every session is read in `--tz` instead.
 *
 *   await activity(store, options) // { tz, zone: 'visitor', total: 120, in_report_zone: 4, sessions: [[…24], …7] }
 */
import { isTimeZone } from '../core/zone.ts';
import { join, raw, type Sql, sql } from '../sql/query.ts';
import type { Store } from '../store/store.ts';
import { periodWhere } from './overview.ts';
import { sessionsIn } from './plans.ts';
import type { QueryOptions } from './query-options.ts';

/** Whose clock: each visitor's own zone (`visitor`), or the report's `tz` for every session (`report`). */
export const ACTIVITY_ZONES = ['visitor', 'report'] as const;
export type ActivityZone = (typeof ACTIVITY_ZONES)[number];

export interface Activity {
  /** The zone of sessions without a known one of their own (the report's). */
  readonly tz: string;
  readonly zone: ActivityZone;
  readonly total: number;
  /** Sessions counted in `tz` because their own zone was empty or unknown (zone `report`: all). */
  readonly in_report_zone: number;
  /** sessions[weekday - 1][hour]: weekday 1 is Monday, hour 0-23 local. */
  readonly sessions: number[][];
}

const emptyGrid = (): number[][] => Array.from({ length: 7 }, () => Array<number>(24).fill(0));

export async function activity(
  store: Store,
  options: QueryOptions,
  zone: ActivityZone = 'visitor',
): Promise<Activity> {
  const grid = emptyGrid();
  const where = await periodWhere(store, options);
  if (where === undefined) return { tz: options.tz, zone, total: 0, in_report_zone: 0, sessions: grid };
  const d = store.dialect;
  const inPeriod = sessionsIn(d, where);
  // The zones of the period's sessions: each known one is a branch of the query below (engines
  // such as ClickHouse 18.16 take a zone only as a constant, never from a column).
  const zoneRows = (await store.query(
    d.compile(sql`SELECT timezone AS zone, count(*) AS n FROM ${inPeriod} s GROUP BY timezone`),
  )) as { zone: string; n: number | bigint }[];
  const zones = zoneRows
    .map((r) => r.zone)
    .filter((z) => zone === 'visitor' && z !== '' && isTimeZone(z))
    .sort();
  const known = new Set(zones);
  const inReportZone = zoneRows.filter((r) => !known.has(r.zone)).reduce((sum, r) => sum + Number(r.n), 0);
  const local = (of: (tz: string) => Sql): Sql => inOwnZone(zones, options.tz, of);
  const rows = (await store.query(
    d.compile(sql`SELECT wd, hr, count(*) AS n
      FROM (SELECT ${local((tz) => d.isoWeekday(sql`start_ms`, tz))} AS wd,
                   ${local((tz) => d.localHour(sql`start_ms`, tz))} AS hr
            FROM ${inPeriod} s) x
      GROUP BY wd, hr ORDER BY wd, hr`),
  )) as { wd: number | bigint; hr: number | bigint; n: number | bigint }[];
  let total = 0;
  for (const r of rows) {
    grid[Number(r.wd) - 1]![Number(r.hr)] = Number(r.n);
    total += Number(r.n);
  }
  return { tz: options.tz, zone, total, in_report_zone: inReportZone, sessions: grid };
}

/** `of(zone)` of each session's own zone when it is one of `zones`, else `of(fallback)`. */
function inOwnZone(zones: readonly string[], fallback: string, of: (tz: string) => Sql): Sql {
  if (zones.length === 0) return of(fallback);
  const branches = zones.map((z) => sql`WHEN timezone = ${z} THEN ${of(z)}`);
  return sql`CASE ${join(branches, raw(' '))} ELSE ${of(fallback)} END`;
}
