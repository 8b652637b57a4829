/** The SQL of a Parquet file's properties as JSON, where DuckDB writes the record path's JSON exactly. */
import { DuckDBTypeId } from '@duckdb/node-api';
import { quoteIdentifier } from '../quote-identifier.ts';

/** Property column types whose JSON from DuckDB's to_json is the record path's JSON.stringify. */
export const JSON_EXACT_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.VARCHAR,
  DuckDBTypeId.BOOLEAN,
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
]);

/** 64-bit integers: a number in JSON while JavaScript holds them exactly, else a string (as `plain`). */
export const WIDE_INTEGERS = new Set<DuckDBTypeId>([DuckDBTypeId.BIGINT, DuckDBTypeId.UBIGINT]);

/**
 * A row's properties as the record path writes them (`JSON.stringify` of the non-empty
 * non-canonical columns, in column order), or undefined when a column's type has no exact form.
 */
export function propertiesSql(
  columns: readonly { key: string; name: string; type: DuckDBTypeId }[],
): string | undefined {
  if (columns.some((c) => !JSON_EXACT_TYPES.has(c.type))) return undefined;
  if (columns.length === 0) return "''";
  const pairs = columns.map(({ key, name, type }) => {
    // Text as text: a JSON-typed column (VARCHAR to DuckDB) is a string to the record path too.
    const id =
      type === DuckDBTypeId.VARCHAR ? `CAST(${quoteIdentifier(name)} AS VARCHAR)` : quoteIdentifier(name);
    const empty = type === DuckDBTypeId.VARCHAR ? `${id} IS NULL OR ${id} = ''` : `${id} IS NULL`;
    const quotedKey = `'${JSON.stringify(key).replaceAll("'", "''")}:'`;
    const json = WIDE_INTEGERS.has(type)
      ? `CASE WHEN ${id} BETWEEN -${Number.MAX_SAFE_INTEGER} AND ${Number.MAX_SAFE_INTEGER}
              THEN CAST(${id} AS VARCHAR) ELSE CAST(to_json(CAST(${id} AS VARCHAR)) AS VARCHAR) END`
      : `CAST(to_json(${id}) AS VARCHAR)`;
    return `CASE WHEN ${empty} THEN NULL ELSE ${quotedKey} || ${json} END`;
  });
  const body = `concat_ws(',', ${pairs.join(', ')})`;
  return `CASE WHEN ${body} = '' THEN '' ELSE '{' || ${body} || '}' END`;
}

/** Types whose DuckDB text differs from the record path's text of the same value (1.50 vs 1.5). */
export const INEXACT_TEXT_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
  DuckDBTypeId.DECIMAL,
]);
