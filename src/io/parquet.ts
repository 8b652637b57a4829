/**
 * Parquet reader on DuckDB (in memory), streamed chunk by chunk. Values come out plain: native
 * timestamps and dates as `Date`s (to the millisecond), integers as numbers (as strings beyond
 * 2^53, so ids stay exact), nested and exotic types as their DuckDB text. "Line" = 1-based row
 * number. A file that yields fewer rows than its footer promises is an error, never a short read.
 *
 *   ts TIMESTAMP '2024-01-02 03:04:05.678', id BIGINT 7, tags VARCHAR[] ['a']
 *   → { ts: new Date(1704164645678), id: 7, tags: '[a]' }, line 1
 */

import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import {
  type DuckDBConnection,
  DuckDBInstance,
  DuckDBTypeId,
  JSDuckDBValueConverter,
} from '@duckdb/node-api';
import { StintError } from '../core/errors.ts';
import { columnKeys } from './column-keys.ts';
import { hasGlob } from './glob.ts';
import { isGzip, readHead } from './lines.ts';
import { quoteIdentifier } from './quote-identifier.ts';
import { emptyBatch, type RawRecord, type ReadBatch } from './record.ts';

export { type ParquetColumn, type ParquetColumnType, writeParquet } from './write-parquet.ts';

const BATCH_SIZE = 8192;

export const EPOCH_MS_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS,
  DuckDBTypeId.TIMESTAMP_TZ,
  DuckDBTypeId.DATE,
]);

export const INTEGER_TYPES: readonly DuckDBTypeId[] = [
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
];

const PLAIN_TYPES = new Set<DuckDBTypeId>([
  ...INTEGER_TYPES,
  DuckDBTypeId.BOOLEAN,
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
  DuckDBTypeId.DECIMAL,
  DuckDBTypeId.VARCHAR,
]);

/** The SQL expression that reads one column as a plain value (see the module comment). */
export function plainExpression(name: string, type: DuckDBTypeId): string {
  const id = quoteIdentifier(name);
  if (EPOCH_MS_TYPES.has(type)) return `epoch_ms(${id})`;
  if (PLAIN_TYPES.has(type)) return id;
  return `CAST(${id} AS VARCHAR)`;
}

function selectList(names: readonly string[], types: readonly DuckDBTypeId[]): string {
  return names.map((name, i) => `${plainExpression(name, types[i]!)} AS ${quoteIdentifier(name)}`).join(', ');
}

/** Per column: turns its epoch milliseconds back into a `Date` when it holds native times. */
function timeColumns(types: readonly DuckDBTypeId[]): boolean[] {
  return types.map((t) => EPOCH_MS_TYPES.has(t));
}

/**
 * A value as DuckDB's JS converter gives it, made plain: bigints become numbers (strings beyond
 * 2^53); a native time column's epoch milliseconds become a `Date`, so that a time before 1973
 * is not taken for epoch seconds.
 */
export function plain(value: unknown, isTime = false): unknown {
  if (isTime && value !== null && value !== undefined) return new Date(Number(value));
  if (typeof value !== 'bigint') return value;
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

/** A Parquet file's column names and types. */
export async function parquetSchema(
  connection: DuckDBConnection,
  path: string,
): Promise<{ names: string[]; types: DuckDBTypeId[] }> {
  const probe = await connection.run('SELECT * FROM read_parquet(?) LIMIT 0', [path]);
  const names = probe.columnNames();
  return { names, types: Array.from({ length: probe.columnCount }, (_, i) => probe.columnTypeId(i)) };
}

/**
 * The rows at the given 1-based row numbers of a file, as `select` (SQL over its columns) gives
 * them, each with its row number first: one scan, the numbers joined from a temp table.
 */
export async function parquetRowsAt(
  connection: DuckDBConnection,
  path: string,
  rows: Iterable<number>,
  select: string,
): Promise<unknown[][]> {
  await connection.run('CREATE OR REPLACE TEMP TABLE stint_rows (row_number BIGINT)');
  const appender = await connection.createAppender('stint_rows');
  for (const row of new Set(rows)) {
    appender.appendBigInt(BigInt(row - 1));
    appender.endRow();
  }
  appender.closeSync();
  const result = await connection.runAndReadAll(
    `SELECT file_row_number + 1, ${select} FROM read_parquet(?, file_row_number = true)
     WHERE file_row_number IN (SELECT row_number FROM stint_rows)`,
    [path],
  );
  return result.getRowsJS();
}

/** The records at the given 1-based row numbers, keyed like `readParquet`'s. */
export async function parquetRecordsAt(
  connection: DuckDBConnection,
  path: string,
  rows: readonly number[],
): Promise<Map<number, RawRecord>> {
  const { names, types } = await parquetSchema(connection, path);
  const keys = columnKeys(names);
  const isTime = timeColumns(types);
  const found = new Map<number, RawRecord>();
  for (const [row, ...values] of await parquetRowsAt(connection, path, rows, selectList(names, types))) {
    const record: RawRecord = {};
    for (let c = 0; c < keys.length; c++) record[keys[c]!] = plain(values[c], isTime[c]);
    found.set(Number(row), record);
  }
  return found;
}

async function* readRows(
  path: string,
  connection: DuckDBConnection,
  batchSize: number,
  fileBytes: number,
): AsyncGenerator<ReadBatch> {
  const source = 'read_parquet(?)';
  const { names, types } = await parquetSchema(connection, path);
  const keys = columnKeys(names);
  const isTime = timeColumns(types);
  const count = await connection.runAndReadAll(`SELECT count(*) FROM ${source}`, [path]);
  const total = Number(count.getRowsJS()[0]?.[0] ?? 0);
  const result = await connection.stream(`SELECT ${selectList(names, types)} FROM ${source}`, [path]);
  let batch = emptyBatch(0);
  let rowNo = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    const columns = chunk.convertColumns(JSDuckDBValueConverter);
    for (let r = 0; r < chunk.rowCount; r++) {
      const record: RawRecord = {};
      for (let c = 0; c < keys.length; c++) record[keys[c]!] = plain(columns[c]![r], isTime[c]);
      batch.records.push(record);
      batch.lines.push(++rowNo);
    }
    if (batch.records.length >= batchSize) {
      batch.bytesRead = Math.round((fileBytes * rowNo) / Math.max(total, 1));
      yield batch;
      batch = emptyBatch(0);
    }
  }
  if (rowNo !== total) throw cutShort(path, rowNo, total);
  batch.bytesRead = fileBytes;
  yield batch;
}

/**
 * DuckDB ends a stream early, without an error, when a file is damaged past its footer: fewer
 * rows than the footer promised is an unreadable file, never a short result.
 */
export function cutShort(path: string, read: number, expected: number): StintError {
  return new StintError(
    'STINT_UNREADABLE',
    `${path}: only ${read.toLocaleString('en-US')} of its ${expected.toLocaleString('en-US')} rows could be read; the file is damaged`,
    'Check the file with DuckDB (SELECT count(*) FROM read_parquet(...)) or export it again',
  );
}

/**
 * Read a Parquet file in batches of records keyed by column name. A gzip of one is first unpacked
 * to a temp file (DuckDB reads Parquet by seeking), removed when reading ends.
 */
export async function* readParquet(
  path: string,
  options: { batchSize?: number } = {},
): AsyncGenerator<ReadBatch> {
  const fileBytes = (await stat(path)).size;
  const gzip = isGzip(await readHead(path, 2));
  // DuckDB takes `*`, `?` or `[` in a name as a pattern: such a file is read through a link.
  const tempDir = gzip || hasGlob(path) ? await mkdtemp(join(tmpdir(), 'stint-parquet-')) : undefined;
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    let plainPath = path;
    if (tempDir !== undefined) {
      plainPath = join(tempDir, 'input.parquet');
      if (gzip) await pipeline(createReadStream(path), createGunzip(), createWriteStream(plainPath));
      else await symlink(resolve(path), plainPath);
    }
    yield* readRows(plainPath, connection, options.batchSize ?? BATCH_SIZE, fileBytes);
  } catch (err) {
    if (err instanceof StintError) throw err;
    throw new StintError('STINT_UNREADABLE', `${path}: cannot read as Parquet (${(err as Error).message})`);
  } finally {
    connection.closeSync();
    instance.closeSync();
    if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true });
  }
}
