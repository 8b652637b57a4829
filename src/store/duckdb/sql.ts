/** Small helpers to run SQL on a DuckDB connection: one value, or rows as plain objects (numbers, not bigints). */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';

export async function scalar(
  connection: DuckDBConnection,
  sql: string,
  params: DuckDBValue[] = [],
): Promise<unknown> {
  const reader = await connection.runAndReadAll(sql, params);
  return reader.getRowsJS()[0]?.[0] ?? undefined;
}

export async function rowObjects(
  connection: DuckDBConnection,
  sql: string,
  params: DuckDBValue[] = [],
): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql, params);
  return reader
    .getRowObjectsJS()
    .map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])),
    );
}
