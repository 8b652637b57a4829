/**
 * Rows into DuckDB tables through the appender, in data chunks (its bulk path). `appendRows`
 * takes each column as a function of the row and its index; `appendColumns` copies typed arrays
 * into the chunks as they are (no value per row); `appendTexts` makes a dictionary table.
 *
 *   appendRows(appender, [INTEGER, VARCHAR], names, [(_, i) => i, (name) => name]);
 *   await appendColumns(c, 'CREATE TEMP TABLE t', 't', [{ name: 'x', type: INTEGER, values }], n);
 */
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBType,
  type DuckDBValue,
  INTEGER,
  UBIGINT,
  VARCHAR,
} from '@duckdb/node-api';

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

/** An appender on a table just made by `create` (temporary tables live in the temp catalog). */
function createAppender(
  connection: DuckDBConnection,
  table: string,
  create: string,
): Promise<DuckDBAppender> {
  return create.startsWith('CREATE TEMP')
    ? connection.createAppender(table, 'main', 'temp')
    : connection.createAppender(table);
}

/** Numeric columns as typed arrays, appended to `table` chunk by chunk. */
export async function appendColumns(
  connection: DuckDBConnection,
  create: string,
  table: string,
  columns: readonly {
    name: string;
    type: DuckDBType;
    values: Int32Array | Float64Array | Uint32Array | Uint8Array;
  }[],
  length: number,
): Promise<void> {
  await connection.run(`${create} (${columns.map((c) => `${c.name} ${c.type.toString()}`).join(', ')})`);
  const appender = await createAppender(connection, table, create);
  const types = columns.map((c) => c.type);
  for (let from = 0; from < length; from += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, length - from);
    const chunk = DuckDBDataChunk.create(types, n);
    columns.forEach((c, i) => {
      // Numeric vectors keep their values in a typed array `items`, written back by flush().
      const vector = chunk.getColumnVector(i) as unknown as {
        items: Int32Array | Float64Array;
        flush(): void;
      };
      const source = c.values;
      if (c.type === UBIGINT) {
        const words = new Uint32Array(vector.items.buffer, vector.items.byteOffset, n * 2);
        words.set(source.subarray(from * 2, (from + n) * 2));
      } else {
        vector.items.set(source.subarray(from, from + n));
      }
      vector.flush();
    });
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
}

/** A dictionary as a table (code, text columns…); one row per code. */
export async function appendTexts(
  connection: DuckDBConnection,
  create: string,
  table: string,
  names: readonly string[],
  rows: readonly (readonly string[])[],
): Promise<void> {
  await connection.run(`${create} (code INTEGER, ${names.map((n) => `${n} VARCHAR`).join(', ')})`);
  appendRows(await createAppender(connection, table, create), [INTEGER, ...names.map(() => VARCHAR)], rows, [
    (_, code) => code,
    ...names.map((_, c) => (row: readonly string[]) => row[c]!),
  ]);
}

/** 0, 1, …, n - 1: a position column for `appendColumns`. */
export function positions(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let k = 0; k < n; k++) out[k] = k;
  return out;
}

/** The typed array behind a numeric DuckDB vector (its `items`), read without a value per row. */
export function items<T>(vector: unknown): T {
  return (vector as { items: T }).items;
}

/**
 * Drops temp tables after work that made them. Quiet: in a failed transaction every statement
 * fails (and its rollback drops them anyway), and the error being handled must not be hidden.
 */
export async function dropTables(connection: DuckDBConnection, tables: readonly string[]): Promise<void> {
  for (const table of tables) await connection.run(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
}
