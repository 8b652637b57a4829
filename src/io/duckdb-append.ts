/**
 * Rows into a DuckDB table through its appender, in data chunks (the appender's bulk path):
 * each column is a function of the row and its index. Closes the appender.
 *
 *   appendRows(appender, [INTEGER, VARCHAR], names, [(_, i) => i, (name) => name]);
 */
import { type DuckDBAppender, DuckDBDataChunk, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';

/** Rows per data chunk: DuckDB's vector size. */
export const CHUNK_ROWS = 2048;

export function appendRows<T>(
  appender: DuckDBAppender,
  types: readonly DuckDBType[],
  rows: readonly T[],
  columns: readonly ((row: T, index: number) => DuckDBValue)[],
): void {
  for (let from = 0; from < rows.length; from += CHUNK_ROWS) {
    const slice = rows.slice(from, from + CHUNK_ROWS);
    const chunk = DuckDBDataChunk.create([...types], slice.length);
    chunk.setColumns(columns.map((value) => slice.map((row, k) => value(row, from + k))));
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
}
