/**
 * Activity: sessions by ISO weekday and hour of their start in the visitor's own local time (each
 * session in its `timezone`; one without a known zone in the report's `--tz`), as 7×24 counts.
 *
 * With zone `report`, every session is read in `--tz` instead.
 *
 *   await activity(store, options) // { tz, zone: 'visitor', total: 120, in_report_zone: 4, sessions: [[…24], …7] }
 */
import { sql } from '../sql/query.ts';
import type { Store } from '../store/store.ts';
import { periodWhere } from './overview.ts';
import { ownZones } from './own-zone.ts';
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
  const { local, inReportZone } = await ownZones(store, inPeriod, options.tz, zone === 'visitor');
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
