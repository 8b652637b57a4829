/**
 * Query plans over the sessions table, and their compilation to each store's SQL. Analyses
 * say what they want (aggregates, a grouping, conditions); the dialect (src/sql/) says how.
 * Values are always bound (or, in ClickHouse 18.16, escaped literals): a filter's text never
 * becomes SQL.
 *
 *   compile({ where: [{ kind: 'range', fromMs, toMs }], aggregates: ['sessions'] }, duckdb)
 *   // { sql: 'SELECT count(*) AS sessions FROM sessions WHERE start_ms >= $1 AND start_ms < $2', params: [...] }
 */
import type { Dialect, TimeUnit } from '../sql/dialect.ts';
import { type CompiledQuery, identifier, join, raw, type Sql, sql } from '../sql/query.ts';

export type { Dialect } from '../sql/dialect.ts';
export type { CompiledQuery, Param } from '../sql/query.ts';

/** The host of a referrer URL, lower case, without user info or port; '' when it has none. */
const referrerDomain = (d: Dialect): Sql =>
  sql`lower(${d.regexpGroup(identifier('referrer'), '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/:?#@]+)')})`;

const column = (name: string) => (): Sql => identifier(name);

/** A session's length in buckets, shortest first: the label of the first bound it is under. */
export const DURATION_BUCKETS = [
  ['0-10s', 10],
  ['10-30s', 30],
  ['30s-1m', 60],
  ['1-3m', 180],
  ['3-10m', 600],
  ['10-30m', 1800],
  ['30m+', Number.POSITIVE_INFINITY],
] as const;

/** A session's pageviews in buckets. */
export const PAGES_BUCKETS = [
  ['1', 1],
  ['2', 2],
  ['3-4', 4],
  ['5-9', 9],
  ['10+', Number.POSITIVE_INFINITY],
] as const;

const DURATION_BUCKETS_MS = DURATION_BUCKETS.map(([label, s]) => [label, s * 1000] as const);

/** `CASE WHEN value < bound THEN label … END` (`inclusive`: value <= bound). */
function bucketSql(value: Sql, buckets: readonly (readonly [string, number])[], inclusive: boolean): Sql {
  const op = raw(inclusive ? '<=' : '<');
  const finite = buckets.filter(([, bound]) => Number.isFinite(bound));
  const last = buckets[buckets.length - 1]![0];
  return sql`CASE ${join(
    finite.map(([label, bound]) => sql`WHEN ${value} ${op} ${bound} THEN ${label}`),
    raw(' '),
  )} ELSE ${last} END`;
}

/** The bucket label of a value, as the SQL gives it. */
export function bucketOf(
  value: number,
  buckets: readonly (readonly [string, number])[],
  inclusive: boolean,
): string {
  const hit = buckets.find(([, bound]) => (inclusive ? value <= bound : value < bound));
  return (hit ?? buckets[buckets.length - 1]!)[0];
}

/** Session dimensions an analysis can group or filter by, and the SQL behind each. */
export const SESSION_DIMENSIONS = {
  /** Where the visit came from: its canonical source (from utm_source, else the referrer), else '(direct)'. */
  traffic_source: (): Sql => sql`coalesce(nullif(source, ''), '(direct)')`,
  channel: column('channel'),
  /** ISO 3166-1 alpha-2, or 'unknown' when neither the IP nor the time zone gave one. */
  country: (): Sql => sql`coalesce(nullif(country, ''), 'unknown')`,
  referrer_domain: referrerDomain,
  source: column('source'),
  medium: column('medium'),
  campaign: column('campaign'),
  referrer: column('referrer'),
  entry_page: column('entry_page'),
  exit_page: column('exit_page'),
  device_type: column('device_type'),
  browser: column('browser'),
  os: column('os'),
  timezone: column('timezone'),
  end_reason: column('end_reason'),
  identity: column('identity'),
  /** The session's length: 0-10s, 10-30s, 30s-1m, 1-3m, 3-10m, 10-30m, 30m+ (DURATION_BUCKETS). */
  duration_bucket: (): Sql => bucketSql(sql`(end_ms - start_ms)`, DURATION_BUCKETS_MS, false),
  /** Its pageviews: 1, 2, 3-4, 5-9, 10+ (a session of no pageview is in 1). */
  pages_bucket: (): Sql => bucketSql(sql`pageviews`, PAGES_BUCKETS, true),
} as const satisfies Record<string, (d: Dialect) => Sql>;

export type SessionDimension = keyof typeof SESSION_DIMENSIONS;

/** The aggregates the overview metrics are derived from (see overview.ts). */
export const AGGREGATES = [
  'sessions',
  'users',
  'pageviews',
  'events',
  'bounces',
  'engaged',
  'duration_sum',
  'duration_median',
  'converted',
  'value_sum',
] as const;

export type Aggregate = (typeof AGGREGATES)[number];

export type Condition =
  /** Sessions that start in [fromMs, toMs). */
  | { readonly kind: 'range'; readonly fromMs: number; readonly toMs: number }
  /** Sessions with an event whose property `name` is (=), contains (~) the value; != : none is. */
  | { readonly kind: 'property'; readonly name: string; readonly op: FilterOp; readonly value: string }
  | {
      readonly kind: 'dimension';
      readonly dimension: SessionDimension;
      readonly op: FilterOp;
      readonly value: string;
    };

export type FilterOp = '=' | '!=' | '~';

export type { TimeUnit };

export type GroupKey =
  | { readonly kind: 'dimension'; readonly dimension: SessionDimension }
  /** An event property: the first non-empty value of it among the session's events ('' if none). */
  | { readonly kind: 'property'; readonly name: string }
  /**
   * The local bucket of the start, as text: 2026-10-01T13 (hour), 2026-10-01 (day, week: its
   * Monday), 2026-10 (month). `buckets` (from `bucketBounds`) gives each label's UTC ranges, so
   * no time zone is converted per session.
   */
  | {
      readonly kind: 'time';
      readonly unit: TimeUnit;
      readonly tz: string;
      readonly buckets?: {
        readonly labels: readonly string[];
        readonly starts: readonly number[];
        readonly ends: readonly number[];
      };
    }
  /** Local hour of the start, 0-23. */
  | { readonly kind: 'local_hour'; readonly tz: string }
  /** ISO weekday of the start, 1 (Monday) to 7. */
  | { readonly kind: 'weekday'; readonly tz: string };

export interface Plan {
  readonly where: readonly Condition[];
  readonly aggregates: readonly Aggregate[];
  /** One row per key (as column `key`), ordered by key or by sessions descending. */
  readonly groupBy?: GroupKey | undefined;
  readonly orderBy?: 'key' | 'sessions' | undefined;
  readonly limit?: number | undefined;
}

/** Each aggregate; durations are summed as integer milliseconds, so no sum depends on row order. */
const AGGREGATE_SQL: Record<Aggregate, (d: Dialect) => Sql> = {
  sessions: () => sql`count(*)`,
  users: () => sql`count(DISTINCT identity_no)`,
  pageviews: () => sql`coalesce(sum(pageviews), 0)`,
  events: () => sql`coalesce(sum(events), 0)`,
  bounces: (d) => d.countIf(sql`bounce`),
  engaged: (d) => d.countIf(sql`engaged`),
  duration_sum: () => sql`coalesce(sum(end_ms - start_ms), 0) / 1000`,
  duration_median: (d) => d.median(sql`duration_s`),
  converted: (d) => d.countIf(sql`conversions > 0`),
  value_sum: () => sql`coalesce(sum(value), 0)`,
};

export function compile(plan: Plan, dialect: Dialect): CompiledQuery {
  return dialect.compile(planSql(plan, dialect));
}

function planSql(plan: Plan, d: Dialect): Sql {
  const aggregates = join(plan.aggregates.map((a) => sql`${AGGREGATE_SQL[a](d)} AS ${raw(a)}`));
  const where = whereSql(d, plan.where);
  const g = plan.groupBy;
  if (g === undefined) return sql`SELECT ${aggregates} FROM sessions${where}`;
  const order = plan.orderBy === 'sessions' ? sql`count(*) DESC, key` : sql`key`;
  const tail = plan.limit === undefined ? sql`` : sql` LIMIT ${plan.limit}`;
  const rangeTable =
    g.kind === 'time' && g.buckets !== undefined
      ? d.rangeTable(g.buckets.starts, g.buckets.ends, g.buckets.labels)
      : undefined;
  if (rangeTable !== undefined) {
    return sql`SELECT key, ${aggregates}
            FROM (SELECT * FROM sessions${where}) sessions JOIN ${rangeTable} b ON start_ms >= b.b0 AND start_ms < b.b1
            GROUP BY key ORDER BY ${order}${tail}`;
  }
  if (g.kind === 'property') {
    // Each session's first non-empty value of the property, joined on; the filters come first.
    const values = sql`SELECT session_id, ${d.argMin(sql`prop_value`, [sql`ts_ms`, sql`seq`])} AS first_value
      FROM (SELECT session_id, ts_ms, seq, ${d.jsonText(sql`properties`, g.name)} AS prop_value FROM events WHERE properties <> '')
      WHERE prop_value IS NOT NULL AND prop_value <> '' GROUP BY session_id`;
    return sql`SELECT coalesce(first_value, '') AS key, ${aggregates}
            FROM (SELECT * FROM sessions${where}) sessions LEFT JOIN (${values}) p USING (session_id)
            GROUP BY key ORDER BY ${order}${tail}`;
  }
  return sql`SELECT ${groupKey(g, d)} AS key, ${aggregates} FROM sessions${where} GROUP BY key ORDER BY ${order}${tail}`;
}

/** ` WHERE …` for the conditions, or nothing. */
export function whereSql(d: Dialect, where: readonly Condition[]): Sql {
  return where.length === 0
    ? sql``
    : sql` WHERE ${join(
        where.map((c) => condition(c, d)),
        raw(' AND '),
      )}`;
}

/**
 * The sessions that meet `where`, as a subquery to select from (all columns of sessions):
 *
 *   sql`SELECT count(*) FROM ${sessionsIn(d, where)} s WHERE pageviews > ${1}`
 */
export function sessionsIn(d: Dialect, where: readonly Condition[]): Sql {
  return sql`(SELECT * FROM sessions${whereSql(d, where)})`;
}

/** A session dimension's SQL. */
export function dimensionSql(d: Dialect, dimension: SessionDimension): Sql {
  return SESSION_DIMENSIONS[dimension](d);
}

function groupKey(g: Exclude<GroupKey, { kind: 'property' }>, d: Dialect): Sql {
  if (g.kind === 'dimension') return dimensionSql(d, g.dimension);
  if (g.kind === 'local_hour') return d.localHour(sql`start_ms`, g.tz);
  if (g.kind === 'weekday') return d.isoWeekday(sql`start_ms`, g.tz);
  return d.localBucketText(sql`start_ms`, g.unit, g.tz);
}

function condition(c: Condition, d: Dialect): Sql {
  if (c.kind === 'range') {
    return sql`start_ms >= ${BigInt(Math.ceil(c.fromMs))} AND start_ms < ${BigInt(Math.ceil(c.toMs))}`;
  }
  if (c.kind === 'property') {
    const text = d.jsonText(sql`properties`, c.name);
    const test = c.op === '~' ? d.contains(text, sql`${c.value}`) : sql`${text} = ${c.value}`;
    const having = sql`session_id IN (SELECT session_id FROM events WHERE properties <> '' AND ${test})`;
    return c.op === '!=' ? sql`NOT ${having}` : having;
  }
  const column = dimensionSql(d, c.dimension);
  if (c.op === '=') return sql`${column} = ${c.value}`;
  if (c.op === '!=') return sql`${column} <> ${c.value}`;
  return d.contains(column, sql`${c.value}`);
}
