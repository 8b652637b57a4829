import { type Sql, sql } from '../../sql/query.ts';
import type { Store } from '../../store/store.ts';
import { periodWhere } from '../overview.ts';
import { ownZones } from '../own-zone.ts';
import { DURATION_BUCKETS, dimensionSql, PAGES_BUCKETS, sessionsIn } from '../plans.ts';
import type { QueryOptions } from '../query-options.ts';
import { chooseGoal, type EventCount } from './drivers/goal.ts';
import { type Apart, type Driver, liftsOf, type TraitCounts } from './drivers/lifts.ts';
import { TRAITS, type TraitName, WEEKDAYS } from './drivers/words.ts';

export { TRAITS, type TraitName } from './drivers/words.ts';

export const MIN_SESSIONS = 30;
/** At most this many values are listed apart (the most sessions first); the rest are counted. */
export const MAX_APART = 50;

export interface DriversSpec {
  /** The event a session converts with; undefined: the store's configured goal (see drivers/goal.ts). */
  readonly goal: string | undefined;
  readonly minSessions: number;
}

export interface Drivers {
  /** Null when none was given and no configured goal occurs: nothing is ranked then. */
  readonly goal: string | null;
  /** Why this goal: "given", "the first configured goal (of signup, purchase)", … */
  readonly goal_from: string;
  /** The store's commonest event names (at most 20), most first: the goals one could ask about. */
  readonly events: EventCount[];
  /** The period's sessions, and those with at least one `goal` event. */
  readonly sessions: number;
  readonly conversions: number;
  readonly rate: number | null;
  readonly min_sessions: number;
  /** The zone of the hour and weekday of sessions without a known zone of their own. */
  readonly tz: string;
  readonly in_report_zone: number;
  /** Tested, strongest first (Holm-adjusted p, then |log lift|). */
  readonly ranked: Driver[];
  /** Not ranked: too few sessions on a side, or no conversion to give an interval. */
  readonly apart: Apart[];
  /** Values apart beyond the MAX_APART listed. */
  readonly apart_left_out: number;
}

type Row = { key: string | number | bigint | null; sessions: number | bigint; conversions: number | bigint };

export async function drivers(store: Store, options: QueryOptions, spec: DriversSpec): Promise<Drivers> {
  // The configured goals are read only when no goal is given.
  const chosen = await chooseGoal(store, spec.goal, async () => (await store.rules())?.rules.goals ?? []);
  const where = await periodWhere(store, options);
  const empty: Drivers = {
    goal: chosen.goal,
    goal_from: chosen.from,
    events: chosen.events,
    sessions: 0,
    conversions: 0,
    rate: null,
    min_sessions: spec.minSessions,
    tz: options.tz,
    in_report_zone: 0,
    ranked: [],
    apart: [],
    apart_left_out: 0,
  };
  if (where === undefined || chosen.goal === null) return empty;
  const goal = chosen.goal;
  const d = store.dialect;
  const inPeriod = sessionsIn(d, where);
  const { local, inReportZone } = await ownZones(store, inPeriod, options.tz);
  const keys: Record<TraitName, Sql> = {
    length: dimensionSql(d, 'duration_bucket'),
    depth: dimensionSql(d, 'pages_bucket'),
    channel: dimensionSql(d, 'channel'),
    source: dimensionSql(d, 'traffic_source'),
    device: dimensionSql(d, 'device_type'),
    country: dimensionSql(d, 'country'),
    entry_page: dimensionSql(d, 'entry_page'),
    hour: local((tz) => d.localHour(sql`start_ms`, tz)),
    weekday: local((tz) => d.isoWeekday(sql`start_ms`, tz)),
  };
  // One flag per session that has a goal event (a session with none is NULL, or 0 in ClickHouse).
  const converted = sql`SELECT session_id, 1 AS hit FROM events WHERE event = ${goal} GROUP BY session_id`;
  const traits: TraitCounts[] = [];
  for (const trait of TRAITS) {
    const rows = (await store.query(
      d.compile(sql`SELECT key, count(*) AS sessions, ${d.countIf(sql`hit = 1`)} AS conversions
        FROM (SELECT ${keys[trait]} AS key, hit
              FROM ${inPeriod} s LEFT JOIN (${converted}) c USING (session_id)) x
        GROUP BY key ORDER BY key`),
    )) as Row[];
    traits.push({ trait, values: inOrder(trait, rows) });
  }
  const all = traits[0]!.values.reduce((acc, v) => ({ n: acc.n + v.sessions, x: acc.x + v.conversions }), {
    n: 0,
    x: 0,
  });
  if (all.n === 0) return { ...empty, in_report_zone: inReportZone };
  const { ranked, apart } = liftsOf(traits, spec.minSessions);
  return {
    ...empty,
    sessions: all.n,
    conversions: all.x,
    rate: all.x / all.n,
    in_report_zone: inReportZone,
    ranked,
    apart: apart.slice(0, MAX_APART),
    apart_left_out: Math.max(0, apart.length - MAX_APART),
  };
}

/** The values as text, an ordered trait's in its order (buckets, hours, weekdays). */
function inOrder(trait: TraitName, rows: readonly Row[]): TraitCounts['values'] {
  const values = rows.map((r) => ({
    value: valueText(trait, r.key),
    sessions: Number(r.sessions),
    conversions: Number(r.conversions),
  }));
  const order: readonly string[] | undefined =
    trait === 'length'
      ? DURATION_BUCKETS.map(([label]) => label)
      : trait === 'depth'
        ? PAGES_BUCKETS.map(([label]) => label)
        : trait === 'weekday'
          ? WEEKDAYS
          : trait === 'hour'
            ? Array.from({ length: 24 }, (_, h) => String(h))
            : undefined;
  if (order === undefined) return values;
  return values.sort((a, b) => order.indexOf(a.value) - order.indexOf(b.value));
}

function valueText(trait: TraitName, key: Row['key']): string {
  if (key === null) return '';
  if (trait === 'weekday') return WEEKDAYS[Number(key) - 1] ?? String(key);
  if (trait === 'hour') return String(Number(key));
  return String(key);
}
