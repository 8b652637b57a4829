/**
 * The kinds of value a stint field holds, and their DuckDB SQL types: what the schema's event
 * and session fields are written in, and what the DDL, writers and JSON schemas derive from.
 */

/** text; int64 epoch milliseconds; double; bool; a non-negative int64 count; int32; list of text. */
export type FieldType = 'text' | 'time' | 'double' | 'bool' | 'count' | 'int32' | 'text_list';

/** A field's DuckDB column type (times are kept as epoch milliseconds). */
export const DUCKDB_SQL: Readonly<Record<FieldType, string>> = {
  text: 'VARCHAR',
  time: 'BIGINT',
  double: 'DOUBLE',
  bool: 'BOOLEAN',
  count: 'BIGINT',
  int32: 'INTEGER',
  text_list: 'VARCHAR[]',
};

/** A stored column: its name and type. */
export interface Column {
  readonly name: string;
  readonly type: FieldType;
}

/** `name TYPE, name TYPE, …` for a CREATE TABLE. */
export function columnsDdl(columns: readonly Column[]): string {
  return columns.map((c) => `${c.name} ${DUCKDB_SQL[c.type]}`).join(', ');
}
