/**
 * Local time in each visitor's own zone: the zones of a period's sessions, and SQL that reads a
 * start time in its session's zone (one without a known zone in the query's). Engines such as
 * ClickHouse 18.16 take a zone only as a constant, never from a column, so each known zone is a
 * branch of a CASE.
 *
 *   const { local, inReportZone } = await ownZones(store, inPeriod, 'UTC');
 *   sql`SELECT ${local((tz) => d.localHour(sql`start_ms`, tz))} AS hr FROM ${inPeriod} s`
 */
import { isTimeZone } from '../core/zone.ts';
import { join, raw, type Sql, sql } from '../sql/query.ts';
import type { Store } from '../store/store.ts';

export interface OwnZones {
  /** `of(zone)` of each session's own zone when it is known, else `of(fallback)`. */
  readonly local: (of: (tz: string) => Sql) => Sql;
  /** Sessions read in the fallback zone: their own was empty or unknown (all of them when `own` is false). */
  readonly inReportZone: number;
}

/** The zones of the sessions of `inPeriod` (a `sessionsIn` subquery); `own` false reads all in `fallback`. */
export async function ownZones(store: Store, inPeriod: Sql, fallback: string, own = true): Promise<OwnZones> {
  const zoneRows = (await store.query(
    store.dialect.compile(sql`SELECT timezone AS zone, count(*) AS n FROM ${inPeriod} s GROUP BY timezone`),
  )) as { zone: string; n: number | bigint }[];
  const zones = zoneRows
    .map((r) => r.zone)
    .filter((z) => own && z !== '' && isTimeZone(z))
    .sort();
  const known = new Set(zones);
  const inReportZone = zoneRows.filter((r) => !known.has(r.zone)).reduce((sum, r) => sum + Number(r.n), 0);
  return { local: (of) => inOwnZone(zones, fallback, of), inReportZone };
}

function inOwnZone(zones: readonly string[], fallback: string, of: (tz: string) => Sql): Sql {
  if (zones.length === 0) return of(fallback);
  const branches = zones.map((z) => sql`WHEN timezone = ${z} THEN ${of(z)}`);
  return sql`CASE ${join(branches, raw(' '))} ELSE ${of(fallback)} END`;
}
