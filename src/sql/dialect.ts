/**
 * What differs between SQL engines, as the primitives the analyses use: how values are bound,
 * conditional counts, an exact median, arg-min, JSON text, local-time buckets, arrays. An
 * analysis writes its query once with the `sql` template and these; each store has a Dialect.
 */
import type { CompiledQuery, Sql } from './query.ts';

/** Calendar buckets of a time, in a zone. */
export type TimeUnit = 'hour' | 'day' | 'week' | 'month';

/** See Dialect.withNext. Names are column names written in the code. */
export interface NextSpec {
  readonly columns: readonly string[];
  readonly partition: string;
  /** Unique within a partition. */
  readonly order: readonly string[];
  readonly of: string;
}

export interface Dialect {
  readonly name: 'duckdb' | 'clickhouse';
  /** The query text and its bound values (or literals, where the engine has no parameters). */
  compile(q: Sql): CompiledQuery;

  /** A number as a 64-bit integer (join keys of both sides must have one type). */
  int64(x: Sql): Sql;

  /** Aggregate: rows where `cond` holds. */
  countIf(cond: Sql): Sql;
  /** Aggregate: the exact median (the mean of the two middle values); NULL over no rows. */
  median(x: Sql): Sql;
  /** Aggregate: `value` of the row with the least `key` (a tuple compared left to right). */
  argMin(value: Sql, key: readonly Sql[]): Sql;
  /** Aggregate: the distinct values, sorted, as an array. */
  sortedDistinct(x: Sql): Sql;

  /** The text of the top-level property `name` of a JSON object text; NULL when it has none. */
  jsonText(json: Sql, name: string): Sql;
  /** The first capture group of a regular expression (RE2 syntax) in `text`; '' when none. */
  regexpGroup(text: Sql, pattern: string): Sql;
  /** True when `needle` occurs in `text` (plain text, no pattern). */
  contains(text: Sql, needle: Sql): Sql;
  /** LIKE where `\` escapes `%`, `_` and itself in `pattern`. */
  like(text: Sql, pattern: Sql): Sql;

  /** Local hour 0-23 of epoch milliseconds `ms` in zone `tz`. */
  localHour(ms: Sql, tz: string): Sql;
  /** ISO weekday 1 (Monday) - 7 of `ms` in `tz`. */
  isoWeekday(ms: Sql, tz: string): Sql;
  /** The local bucket as text: 2026-10-01T13 (hour), 2026-10-01 (day, and week: its Monday), 2026-10 (month). */
  localBucketText(ms: Sql, unit: TimeUnit, tz: string): Sql;
  /** The local day, week (from Monday) or month of `ms` as a number; consecutive buckets differ by 1. */
  localPeriodNumber(ms: Sql, unit: Exclude<TimeUnit, 'hour'>, tz: string): Sql;
  /**
   * A table (b0, b1, key): label i covers [starts[i], ends[i]); undefined where the engine cannot
   * join on a range (the analysis then labels each row with `localBucketText`).
   */
  rangeTable(starts: readonly number[], ends: readonly number[], labels: readonly string[]): Sql | undefined;

  /** True when `x` is one of `values` (a list of at least one value). */
  isIn(x: Sql, values: readonly string[]): Sql;

  /**
   * Named subqueries for one statement: `body` defines each with `define(name, query)` (a later
   * one may use an earlier) and uses what `define` returns as a table. DuckDB computes each once
   * (WITH … AS MATERIALIZED); an engine without table CTEs inlines each use.
   */
  tables(body: (define: (name: string, query: Sql) => Sql) => Sql): Sql;
  /**
   * The rows of `from` (a subquery with the `columns`, which include `partition`, `order` and
   * `of`), each with `next_<of>`: `of` of the next row of the same `partition` in `order`, NULL
   * for the last. A window `lead` where the engine has one, per-partition arrays where not.
   */
  withNext(from: Sql, spec: NextSpec): Sql;

  /** The number of elements of an array. */
  arrayLength(a: Sql): Sql;
  /** The first `n` elements of an array. */
  arrayHead(a: Sql, n: Sql): Sql;
  /** In a select list: one row per index (1 …) of the array, the other columns repeated. */
  arrayIndexes(a: Sql): Sql;
  /** In a select list: one row per number 0 … n-1, the other columns repeated. */
  numbers(n: Sql): Sql;
}
