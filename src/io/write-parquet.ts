/**
 * Parquet writer on DuckDB: rows (arrays in column order) are checked against their declared
 * types, appended to an in-memory table in data chunks of 2048 rows (the appender's bulk path),
 * then written by one `COPY … TO path (FORMAT parquet)`. TIMESTAMP_MS takes epoch milliseconds
 * (or a Date / ISO string); null and undefined are NULL, '' stays ''.
 *
 *   await writeParquet('out.parquet', [{ name: 'ts', type: 'TIMESTAMP_MS' }, { name: 'user', type: 'VARCHAR' }],
 *     [[1704164645678, 'u1'], [1704164646000, null]]);  // → 2 (rows written)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBTimestampMillisecondsValue,
  type DuckDBType,
  type DuckDBValue,
  INTEGER,
  TIMESTAMP_MS,
  VARCHAR,
} from '@duckdb/node-api';
import { quoteIdentifier } from './quote-identifier.ts';

export type ParquetColumnType = 'VARCHAR' | 'BIGINT' | 'DOUBLE' | 'INTEGER' | 'BOOLEAN' | 'TIMESTAMP_MS';

export interface ParquetColumn {
  name: string;
  type: ParquetColumnType;
}

const CHUNK_ROWS = 2048;
const TABLE = 'stint_parquet_out';

function fail(value: unknown, type: string): never {
  throw new TypeError(`cannot write ${JSON.stringify(value) ?? String(value)} as ${type}`);
}

function toNumber(value: unknown, type: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n === 'bigint') return Number(n);
  return typeof n === 'number' && Number.isFinite(n) ? n : fail(value, type);
}

function toBigInt(value: unknown, type: string): bigint {
  return typeof value === 'bigint' ? value : BigInt(Math.trunc(toNumber(value, type)));
}

/** Each declared type: its DuckDB type and how a JS value becomes a value of it. */
const TYPES: Record<ParquetColumnType, { type: DuckDBType; convert: (value: unknown) => DuckDBValue }> = {
  VARCHAR: {
    type: VARCHAR,
    convert: (v) => (typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v)),
  },
  BIGINT: { type: BIGINT, convert: (v) => toBigInt(v, 'BIGINT') },
  DOUBLE: { type: DOUBLE, convert: (v) => toNumber(v, 'DOUBLE') },
  INTEGER: {
    type: INTEGER,
    convert: (v) => {
      const n = Math.trunc(toNumber(v, 'INTEGER'));
      return n >= -2147483648 && n <= 2147483647 ? n : fail(v, 'INTEGER');
    },
  },
  BOOLEAN: {
    type: BOOLEAN,
    convert: (v) =>
      v === true || v === 'true' ? true : v === false || v === 'false' ? false : fail(v, 'BOOLEAN'),
  },
  TIMESTAMP_MS: {
    type: TIMESTAMP_MS,
    convert: (v) => {
      const ms = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : v;
      return new DuckDBTimestampMillisecondsValue(toBigInt(Number.isNaN(ms) ? v : ms, 'TIMESTAMP_MS'));
    },
  },
};

async function* rowBatches(rows: AsyncIterable<unknown[][]> | unknown[][]): AsyncGenerator<unknown[][]> {
  if (Array.isArray(rows)) yield rows;
  else yield* rows;
}

/** Write rows to a Parquet file (replacing it); returns the number of rows written. */
export async function writeParquet(
  path: string,
  columns: readonly ParquetColumn[],
  rows: AsyncIterable<unknown[][]> | unknown[][],
): Promise<number> {
  if (columns.length === 0) throw new Error('writeParquet: no columns');
  const specs = columns.map((c) => TYPES[c.type]);
  const types = specs.map((s) => s.type);
  // Spills (a table larger than memory) go to a temp dir of our own, not to ./.tmp.
  const tempDir = await mkdtemp(join(tmpdir(), 'stint-parquet-'));
  const instance = await DuckDBInstance.create(':memory:', { temp_directory: tempDir });
  const connection = await instance.connect();
  let written = 0;
  try {
    const columnList = columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ');
    await connection.run(`CREATE TABLE ${TABLE} (${columnList})`);
    const appender = await connection.createAppender(TABLE);
    let buffer: DuckDBValue[][] = specs.map(() => []);
    const flush = (): void => {
      if (buffer[0]!.length === 0) return;
      const chunk = DuckDBDataChunk.create(types);
      chunk.setColumns(buffer);
      appender.appendDataChunk(chunk);
      buffer = specs.map(() => []);
    };
    for await (const batch of rowBatches(rows)) {
      for (const row of batch) {
        written += 1;
        if (row.length !== specs.length) {
          throw new Error(
            `writeParquet ${path}: row ${written} has ${row.length} values for ${specs.length} columns`,
          );
        }
        for (let c = 0; c < specs.length; c++) {
          const value = row[c];
          try {
            buffer[c]!.push(value === null || value === undefined ? null : specs[c]!.convert(value));
          } catch (err) {
            const where = `row ${written}, column "${columns[c]!.name}"`;
            throw new Error(`writeParquet ${path}: ${where}: ${(err as Error).message}`);
          }
        }
        if (buffer[0]!.length === CHUNK_ROWS) flush();
      }
    }
    flush();
    appender.closeSync();
    await connection.run(`COPY ${TABLE} TO $1 (FORMAT parquet)`, [path]);
    return written;
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(tempDir, { recursive: true, force: true });
  }
}
