/**
 * Query plans over the sessions table, and their compilation to each store's SQL. Analyses
 * say what they want (aggregates, a grouping, conditions); the dialect says how. Values are
 * always bound parameters: a filter's text never becomes SQL.
 *
 *   compile({ where: [{ kind: 'range', fromMs, toMs }], aggregates: ['sessions'] }, 'duckdb')
 *   // { sql: 'SELECT count(*) AS sessions FROM sessions WHERE start_ms >= $1 AND start_ms < $2', params: [...] }
 */

export type Dialect = 'duckdb';

export interface CompiledQuery {
  readonly sql: string;
  readonly params: (string | number | bigint)[];
}

/** Session dimensions an analysis can group or filter by, and the column behind each. */
export const SESSION_DIMENSIONS = {
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
  | {
      readonly kind: 'dimension';
      readonly dimension: SessionDimension;
      readonly op: FilterOp;
      readonly value: string;
    };

export type FilterOp = '=' | '!=' | '~';

export interface Plan {
  readonly where: readonly Condition[];
  readonly aggregates: readonly Aggregate[];
}

const DUCKDB_AGGREGATES: Record<Aggregate, string> = {
  sessions: 'count(*)',
  users: 'count(DISTINCT identity)',
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
  const params: (string | number | bigint)[] = [];
  const bind = (v: string | number | bigint): string => {
    params.push(v);
    return `$${params.length}`;
  };
  const conditions = plan.where.map((c) => condition(c, bind));
  const select = plan.aggregates.map((a) => `${DUCKDB_AGGREGATES[a]} AS ${a}`).join(', ');
  const where = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
  return { sql: `SELECT ${select} FROM sessions${where}`, params };
}

function condition(c: Condition, bind: (v: string | number | bigint) => string): string {
  if (c.kind === 'range') {
    return `start_ms >= ${bind(BigInt(Math.ceil(c.fromMs)))} AND start_ms < ${bind(BigInt(Math.ceil(c.toMs)))}`;
  }
  const column = SESSION_DIMENSIONS[c.dimension];
  if (c.op === '=') return `${column} = ${bind(c.value)}`;
  if (c.op === '!=') return `${column} <> ${bind(c.value)}`;
  return `contains(${column}, ${bind(c.value)})`;
}
