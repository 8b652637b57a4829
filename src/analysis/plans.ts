/**
 * Query plans over the sessions table, and their compilation to each store's SQL. Analyses
 * say what they want (aggregates, a grouping, conditions); the dialect says how. Values are
 * always bound parameters: a filter's text never becomes SQL.
 *
 *   compile({ where: [{ kind: 'range', fromMs, toMs }], aggregates: ['sessions'] }, 'duckdb')
 *   // { sql: 'SELECT count(*) AS sessions FROM sessions WHERE start_ms >= $1 AND start_ms < $2', params: [...] }
 */

export type Dialect = 'duckdb';

type Scalar = string | number | bigint;
export type Param = Scalar | readonly Scalar[];

export interface CompiledQuery {
  readonly sql: string;
  /** Bound values; an array binds as a list. */
  readonly params: Param[];
}

/** The host of a referrer URL, lower case, without user info or port; '' when it has none. */
const REFERRER_DOMAIN = `lower(regexp_extract(referrer, '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^/?#@]*@)?([^/:?#@]+)', 1))`;

/** Session dimensions an analysis can group or filter by, and the SQL behind each. */
export const SESSION_DIMENSIONS = {
  /** Where the visit came from: utm_source, else the referrer's domain, else '(direct)'. */
  traffic_source: `coalesce(nullif(source, ''), nullif(${REFERRER_DOMAIN}, ''), '(direct)')`,
  referrer_domain: REFERRER_DOMAIN,
  source: 'source',
  medium: 'medium',
  campaign: 'campaign',
  referrer: 'referrer',
  entry_page: 'entry_page',
  exit_page: 'exit_page',
  device_type: 'device_type',
  browser: 'browser',
  os: 'os',
  timezone: 'timezone',
  end_reason: 'end_reason',
  identity: 'identity',
} as const;

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

/** Calendar buckets of a session's start, in a zone. */
export type TimeUnit = 'hour' | 'day' | 'week' | 'month';

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

const DUCKDB_AGGREGATES: Record<Aggregate, string> = {
  sessions: 'count(*)',
  users: 'count(DISTINCT identity_no)',
  pageviews: 'coalesce(sum(pageviews), 0)',
  events: 'coalesce(sum(events), 0)',
  bounces: 'count(*) FILTER (WHERE bounce)',
  engaged: 'count(*) FILTER (WHERE engaged)',
  duration_sum: 'coalesce(sum(duration_s), 0)',
  duration_median: 'median(duration_s)',
  converted: 'count(*) FILTER (WHERE conversions > 0)',
  value_sum: 'coalesce(sum(value), 0)',
};

export function compile(plan: Plan, dialect: Dialect): CompiledQuery {
  if (dialect !== 'duckdb') throw new Error(`no SQL builder for ${dialect}`);
  const params: Param[] = [];
  const bind = (v: Param): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const conditions = plan.where.map((c) => condition(c, bind));
  const aggregates = plan.aggregates.map((a) => `${DUCKDB_AGGREGATES[a]} AS ${a}`);
  const where = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
  if (plan.groupBy === undefined)
    return { sql: `SELECT ${aggregates.join(', ')} FROM sessions${where}`, params };
  const order = plan.orderBy === 'sessions' ? 'count(*) DESC, key' : 'key';
  const limit = plan.limit === undefined ? '' : ` LIMIT ${bind(plan.limit)}`;
  if (plan.groupBy.kind === 'time' && plan.groupBy.buckets !== undefined) {
    const b = plan.groupBy.buckets;
    const toBig = (xs: readonly number[]) => xs.map((x) => BigInt(x));
    const buckets = `SELECT unnest(${bind(toBig(b.starts))})::BIGINT AS b0, unnest(${bind(toBig(b.ends))})::BIGINT AS b1,
                            unnest(${bind(b.labels)}) AS key`;
    return {
      sql: `SELECT b.key AS key, ${aggregates.join(', ')}
            FROM (SELECT * FROM sessions${where}) sessions JOIN (${buckets}) b ON start_ms >= b.b0 AND start_ms < b.b1
            GROUP BY ALL ORDER BY ${order}${limit}`,
      params,
    };
  }
  if (plan.groupBy.kind === 'property') {
    // Each session's first non-empty value of the property, joined on; the filters come first.
    const values = `SELECT session_id, arg_min(v, (ts_ms, seq)) AS v
      FROM (SELECT session_id, ts_ms, seq, ${propertyText(plan.groupBy.name, bind)} AS v FROM events WHERE properties <> '')
      WHERE v IS NOT NULL AND v <> '' GROUP BY session_id`;
    return {
      sql: `SELECT coalesce(p.v, '') AS key, ${aggregates.join(', ')}
            FROM (SELECT * FROM sessions${where}) sessions LEFT JOIN (${values}) p USING (session_id)
            GROUP BY ALL ORDER BY ${order}${limit}`,
      params,
    };
  }
  const key = groupKey(plan.groupBy, bind);
  return {
    sql: `SELECT ${key} AS key, ${aggregates.join(', ')} FROM sessions${where} GROUP BY ALL ORDER BY ${order}${limit}`,
    params,
  };
}

export type Bind = (v: Param) => string;

/**
 * A query over the sessions that meet `where`: `body` reads them as the table `s` (all columns
 * of sessions) and binds its own values. Analyses keep one body per dialect.
 *
 *   sessionQuery('duckdb', where, (bind) => `SELECT count(*) FROM s WHERE pageviews > ${bind(1)}`)
 */
export function sessionQuery(
  dialect: Dialect,
  where: readonly Condition[],
  body: (bind: Bind) => string,
): CompiledQuery {
  if (dialect !== 'duckdb') throw new Error(`no SQL builder for ${dialect}`);
  const params: Param[] = [];
  const bind: Bind = (v) => {
    params.push(v);
    return `$${params.length}`;
  };
  const conditions = where.map((c) => condition(c, bind));
  const filter = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
  return { sql: `WITH s AS (SELECT * FROM sessions${filter}) ${body(bind)}`, params };
}

const TIME_FORMATS: Record<TimeUnit, string> = {
  hour: '%Y-%m-%dT%H',
  day: '%Y-%m-%d',
  week: '%Y-%m-%d',
  month: '%Y-%m',
};

/** An event property as text (JSON path bound as a value, so any name is safe). */
function propertyText(name: string, bind: Bind): string {
  return `json_extract_string(properties, ${bind(`$."${name.replace(/["\\]/g, '')}"`)})`;
}

function groupKey(g: Exclude<GroupKey, { kind: 'property' }>, bind: Bind): string {
  if (g.kind === 'dimension') return SESSION_DIMENSIONS[g.dimension];
  const local = `timezone(${bind(g.tz)}, to_timestamp(start_ms / 1000))`;
  if (g.kind === 'local_hour') return `hour(${local})`;
  if (g.kind === 'weekday') return `isodow(${local})`;
  return `strftime(date_trunc('${g.unit}', ${local}), '${TIME_FORMATS[g.unit]}')`;
}

function condition(c: Condition, bind: Bind): string {
  if (c.kind === 'range') {
    return `start_ms >= ${bind(BigInt(Math.ceil(c.fromMs)))} AND start_ms < ${bind(BigInt(Math.ceil(c.toMs)))}`;
  }
  if (c.kind === 'property') {
    const test =
      c.op === '~'
        ? `contains(${propertyText(c.name, bind)}, ${bind(c.value)})`
        : `${propertyText(c.name, bind)} = ${bind(c.value)}`;
    const having = `session_id IN (SELECT session_id FROM events WHERE properties <> '' AND ${test})`;
    return c.op === '!=' ? `NOT ${having}` : having;
  }
  const column = SESSION_DIMENSIONS[c.dimension];
  if (c.op === '=') return `${column} = ${bind(c.value)}`;
  if (c.op === '!=') return `${column} <> ${bind(c.value)}`;
  return `contains(${column}, ${bind(c.value)})`;
}
