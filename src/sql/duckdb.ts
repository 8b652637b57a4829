/**
 * The DuckDB dialect: values bound as $1, $2 … (a list binds as a LIST), FILTER clauses, list
 * functions and time zones through ICU.
 */
import type { Dialect, TimeUnit } from './dialect.ts';
import { type CompiledQuery, join, type Param, raw, render, type Sql, sql, sqlName } from './query.ts';

const FORMATS: Record<TimeUnit, string> = {
  hour: '%Y-%m-%dT%H',
  day: '%Y-%m-%d',
  week: '%Y-%m-%d',
  month: '%Y-%m',
};

/** A unit or format of the code's own as a literal (DuckDB plans time parts better when constant). */
const word = (text: string): Sql => raw(`'${text}'`);

const local = (ms: Sql, tz: string): Sql => sql`timezone(${tz}, to_timestamp(${ms} / 1000))`;

export const duckdb: Dialect = {
  name: 'duckdb',
  compile(q: Sql): CompiledQuery {
    const params: Param[] = [];
    const text = render(q, (v) => {
      params.push(v);
      return `$${params.length}`;
    });
    return { sql: text, params };
  },
  int64: (x) => sql`CAST(${x} AS BIGINT)`,
  countIf: (cond) => sql`count(*) FILTER (WHERE ${cond})`,
  median: (x) => sql`median(${x})`,
  argMin: (value, key) => sql`arg_min(${value}, (${join(key)}))`,
  sortedDistinct: (x) => sql`list(DISTINCT ${x} ORDER BY ${x})`,
  // The JSON path is a bound value, so any name is safe.
  jsonText: (json, name) => sql`json_extract_string(${json}, ${`$."${name.replace(/["\\]/g, '')}"`})`,
  regexpGroup: (text, pattern) => sql`regexp_extract(${text}, ${pattern}, 1)`,
  contains: (text, needle) => sql`contains(${text}, ${needle})`,
  like: (text, pattern) => sql`${text} LIKE ${pattern} ESCAPE '\\'`,
  localHour: (ms, tz) => sql`hour(${local(ms, tz)})`,
  isoWeekday: (ms, tz) => sql`isodow(${local(ms, tz)})`,
  localBucketText: (ms, unit, tz) =>
    sql`strftime(date_trunc(${word(unit)}, ${local(ms, tz)}), ${word(FORMATS[unit])})`,
  // Days, weeks or months from a Monday: date_diff counts whole buckets between truncated times.
  localPeriodNumber: (ms, unit, tz) =>
    sql`date_diff(${word(unit)}, TIMESTAMP '1970-01-05 00:00:00', date_trunc(${word(unit)}, ${local(ms, tz)}))`,
  rangeTable: (starts, ends, labels) => {
    const big = (xs: readonly number[]) => xs.map((x) => BigInt(x));
    return sql`(SELECT unnest(${big(starts)})::BIGINT AS b0, unnest(${big(ends)})::BIGINT AS b1, unnest(${labels}) AS key)`;
  },
  isIn: (x, values) => sql`list_contains(${values}, ${x})`,
  tables(body) {
    const defined: Sql[] = [];
    const main = body((table, query) => {
      defined.push(sql`${sqlName(table)} AS MATERIALIZED (${query})`);
      return sqlName(table);
    });
    return defined.length === 0 ? main : sql`WITH ${join(defined)} ${main}`;
  },
  withNext: (from, { columns, partition, order, of }) =>
    sql`(SELECT ${join(columns.map(sqlName))}, lead(${sqlName(of)}) OVER (PARTITION BY ${sqlName(partition)} ORDER BY ${join(order.map(sqlName))}) AS ${sqlName(`next_${of}`)} FROM ${from} x)`,
  arrayLength: (a) => sql`len(${a})`,
  arrayHead: (a, n) => sql`${a}[1:${n}]`,
  arrayIndexes: (a) => sql`generate_subscripts(${a}, 1)`,
  numbers: (n) => sql`unnest(range(0, ${n}))`,
};
