/**
 * A DuckDB store opened read-only for `stint migrate`: its tables streamed in batches of rows
 * as ClickHouse takes them (BIGINTs as numbers, booleans as 0/1, lists as arrays), so a store of
 * any size moves without being held in memory. DuckDB writes each row as JSON (`to_json`).
 *
 *   const source = await openDuckDBSource('stint.duckdb');
 *   for await (const rows of source.batches('SELECT * FROM events ORDER BY seq', 50_000)) …
 *   source.close();
 */
import { existsSync } from 'node:fs';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { StintError } from '../../core/errors.ts';
import type { Row } from '../clickhouse/node.ts';
import { SCHEMA_VERSION, storeError } from '../duckdb/schema.ts';
import { scalar } from '../duckdb/sql.ts';

export interface DuckDBSource {
  readonly path: string;
  /** Whether the store has this table (`erasures` is made by the first erasure). */
  has(table: string): Promise<boolean>;
  /** One value of a one-row SELECT, as text (exact, whatever its size). */
  value(sql: string): Promise<string>;
  /** The rows of a SELECT, `size` at a time, converted for ClickHouse; in `orderBy` order when given. */
  batches(sql: string, size: number, orderBy?: string): AsyncGenerator<Row[]>;
  close(): void;
}

export async function openDuckDBSource(path: string): Promise<DuckDBSource> {
  if (!existsSync(path)) {
    throw new StintError(
      'STINT_STORE_UNREADABLE',
      `No store at ${path}`,
      'Name the DuckDB store to move: --from duckdb:FILE (the file stint import wrote)',
    );
  }
  let instance: DuckDBInstance;
  try {
    // Read-only: a process reading the store is not disturbed; one writing it (stint serve) holds a lock.
    instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  } catch (err) {
    const refused = storeError(path, err);
    if (refused.code !== 'STINT_STORE_LOCKED') throw refused;
    throw new StintError(
      'STINT_STORE_LOCKED',
      refused.message,
      'Stop the process that has it open (stint serve, an import), then migrate: the move only reads the file',
    );
  }
  const connection = await instance.connect();
  try {
    const tables = await tablesOf(connection);
    if (!tables.has('stint_meta')) {
      throw new StintError(
        'STINT_STORE_UNREADABLE',
        `${path} is not a stint store: it has no stint_meta table`,
        'Name the DuckDB store to move: --from duckdb:FILE (the file stint import wrote)',
      );
    }
    const version = await scalar(connection, `SELECT value FROM stint_meta WHERE key = 'schema_version'`);
    if (Number(version) !== SCHEMA_VERSION) {
      throw new StintError(
        'STINT_STORE_UNREADABLE',
        `${path} is a stint store of schema version ${String(version)}; stint migrate moves version ${SCHEMA_VERSION}`,
        `Open it once with this stint to upgrade it (stint report --db ${path}), then migrate`,
      );
    }
    return new Source(path, instance, connection, tables);
  } catch (err) {
    connection.closeSync();
    instance.closeSync();
    throw err;
  }
}

async function tablesOf(c: DuckDBConnection): Promise<Set<string>> {
  const reader = await c.runAndReadAll(
    'SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database()',
  );
  return new Set(reader.getRowsJS().map((r) => String(r[0])));
}

/** A row as ClickHouse's JSON takes it: booleans as 0/1 (UInt8), NULL left out (the column's default). */
function forClickHouse(row: Row): Row {
  for (const [k, v] of Object.entries(row)) {
    if (typeof v === 'boolean') row[k] = v ? 1 : 0;
    else if (v === null) delete row[k];
  }
  return row;
}

class Source implements DuckDBSource {
  constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly tables: ReadonlySet<string>,
  ) {}

  async has(table: string): Promise<boolean> {
    return this.tables.has(table);
  }

  async value(sql: string): Promise<string> {
    return String((await scalar(this.connection, `SELECT CAST((${sql}) AS VARCHAR)`)) ?? '');
  }

  async *batches(sql: string, size: number, orderBy?: string): AsyncGenerator<Row[]> {
    if (orderBy !== undefined) {
      yield* this.#pages(sql, size, orderBy);
      return;
    }
    // Each row as one JSON text: ten times faster than DuckDB's values converted one by one.
    const result = await this.connection.stream(`SELECT to_json(r) FROM (${sql}) r`);
    let batch: Row[] = [];
    for await (const chunk of result.yieldRowsJs()) {
      for (const [json] of chunk) batch.push(forClickHouse(JSON.parse(String(json)) as Row));
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  /**
   * Page after page of `orderBy` values (a growing integer, such as `seq`): no sort of the whole
   * table (200 MB for a million events), and DuckDB's row-group minima and maxima skip all but
   * the page's rows. A gap (deleted rows) makes a page smaller, never wrong.
   */
  async *#pages(sql: string, size: number, orderBy: string): AsyncGenerator<Row[]> {
    const range = `SELECT min(${orderBy}) AS lo, max(${orderBy}) AS hi FROM (${sql})`;
    const [bounds] = (await this.connection.runAndReadAll(range)).getRowsJS();
    if (bounds?.[0] === null || bounds?.[0] === undefined) return;
    const [lo, hi] = [Number(bounds[0]), Number(bounds[1])];
    for (let from = lo; from <= hi; from += size) {
      // The page first, then its rows as JSON: to_json before the filter would write every row.
      const page = `SELECT * FROM (${sql}) WHERE ${orderBy} >= ${from} AND ${orderBy} < ${from + size} ORDER BY ${orderBy}`;
      const reader = await this.connection.runAndReadAll(`SELECT to_json(r) FROM (${page}) r`);
      const rows = reader.getRowsJS().map(([json]) => forClickHouse(JSON.parse(String(json)) as Row));
      if (rows.length > 0) yield rows;
    }
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
