/**
 * The ClickHouse dialect, for ClickHouse 18.16 (Debian's) and later. Designed around 18.16's
 * limits: no query parameters (`{name:Type}` came later), so values are inlined as escaped
 * literals; no window functions; no JSONExtract (visitParam* reads a flat object); no table
 * CTEs, one JOIN per SELECT, equality joins only; times are Int64 epoch milliseconds.
 */
import type { Dialect, TimeUnit } from './dialect.ts';
import {
  type CompiledQuery,
  join,
  type Param,
  raw,
  render,
  type Scalar,
  type Sql,
  sql,
  sqlName,
} from './query.ts';

/**
 * A value as a ClickHouse literal. 18.16 has no query parameters, so this is the one place a
 * value becomes SQL text: a string is quoted with every `\` and `'` escaped (and control bytes
 * written as \xHH), a number is finite by the `sql` template's check.
 */
export function literal(v: Param): string {
  if (typeof v === 'object') return `[${v.map((x: Scalar) => literal(x)).join(', ')}]`;
  if (typeof v === 'string') {
    const body = v
      .replace(/[\\']/g, (c) => `\\${c}`)
      .replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
    return `'${body}'`;
  }
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'bigint') return v < 0n ? `(${v})` : `${v}`;
  if (!Number.isFinite(v)) throw new TypeError(`cannot write ${v} as a ClickHouse literal`);
  return v < 0 ? `(${v})` : `${v}`;
}

const dateTime = (ms: Sql): Sql => sql`toDateTime(intDiv(${ms}, 1000))`;

const FORMATS: Record<Exclude<TimeUnit, 'week'>, string> = {
  hour: '%Y-%m-%dT%H',
  day: '%Y-%m-%d',
  month: '%Y-%m',
};

const RELATIVE: Record<Exclude<TimeUnit, 'hour'>, string> = {
  day: 'toRelativeDayNum',
  week: 'toRelativeWeekNum',
  month: 'toRelativeMonthNum',
};

export const clickhouse: Dialect = {
  name: 'clickhouse',
  compile(q: Sql): CompiledQuery {
    return { sql: render(q, literal), params: [] };
  },
  int64: (x) => sql`toInt64(${x})`,
  countIf: (cond) => sql`countIf(${cond})`,
  // median() is approximate in ClickHouse; the sorted array gives the exact one, between the
  // middle two as DuckDB interpolates it (lo * 0.5 + hi * 0.5, which is (lo + hi) / 2 to the last
  // bit; lo + (hi - lo) * 0.5 can differ in it: 80.30000000000001 for 20.6 and 140).
  median: (x) => {
    const sorted = sql`arraySort(groupArray(${x}))`;
    const lo = sql`${sorted}[intDiv(count(${x}) + 1, 2)]`;
    const hi = sql`${sorted}[intDiv(count(${x}), 2) + 1]`;
    return sql`if(count(${x}) = 0, NULL, (${lo} + ${hi}) / 2)`;
  },
  argMin: (value, key) => sql`argMin(${value}, tuple(${join(key)}))`,
  sortedDistinct: (x) => sql`arraySort(groupUniqArray(${x}))`,
  // visitParam* find the first "name": in the text, for flat objects; a string is unquoted,
  // anything else (a number, true) is its JSON text, as DuckDB's json_extract_string gives it.
  jsonText: (json, name) => {
    const n = name.replace(/["\\]/g, '');
    return sql`if(visitParamHas(${json}, ${n}), if(substring(visitParamExtractRaw(${json}, ${n}), 1, 1) = '"', visitParamExtractString(${json}, ${n}), visitParamExtractRaw(${json}, ${n})), NULL)`;
  },
  regexpGroup: (text, pattern) => sql`extract(${text}, ${pattern})`,
  contains: (text, needle) => sql`(position(${text}, ${needle}) > 0)`,
  like: (text, pattern) => sql`${text} LIKE ${pattern}`,
  localHour: (ms, tz) => sql`toHour(${dateTime(ms)}, ${tz})`,
  isoWeekday: (ms, tz) => sql`toDayOfWeek(${dateTime(ms)}, ${tz})`,
  localBucketText: (ms, unit, tz) =>
    unit === 'week'
      ? sql`toString(toMonday(${dateTime(ms)}, ${tz}))`
      : sql`formatDateTime(${dateTime(ms)}, ${FORMATS[unit]}, ${tz})`,
  localPeriodNumber: (ms, unit, tz) => sql`${raw(RELATIVE[unit])}(${dateTime(ms)}, ${tz})`,
  // 18.16 joins on equality only: each row is labelled with localBucketText instead.
  rangeTable: () => undefined,
  isIn: (x, values) => sql`has(${values}, ${x})`,
  // 18.16 has no table CTEs: each use is the subquery itself.
  tables: (body) => body((_, query) => sql`(${query})`),
  // No window functions: each partition's rows as one sorted array of tuples (the order columns
  // first, so tuples sort by them), unrolled again with each row's index.
  withNext(from, { columns, partition, order, of }) {
    const inTuple = [...order, ...columns.filter((c) => c !== partition && !order.includes(c))];
    const at = (c: string) => raw(String(inTuple.indexOf(c) + 1));
    const out = columns.map((c) =>
      c === partition ? sqlName(c) : sql`tupleElement(one, ${at(c)}) AS ${sqlName(c)}`,
    );
    return sql`(SELECT ${join(out)}, if(i < length(rows), tupleElement(rows[i + 1], ${at(of)}), NULL) AS ${sqlName(`next_${of}`)}
      FROM (SELECT ${sqlName(partition)}, arraySort(groupArray(tuple(${join(inTuple.map(sqlName))}))) AS rows FROM ${from} x GROUP BY ${sqlName(partition)})
      ARRAY JOIN rows AS one, arrayEnumerate(rows) AS i)`;
  },
  arrayLength: (a) => sql`length(${a})`,
  arrayHead: (a, n) => sql`arraySlice(${a}, 1, ${n})`,
  arrayIndexes: (a) => sql`arrayJoin(arrayEnumerate(${a}))`,
  numbers: (n) => sql`arrayJoin(range(${n}))`,
};
