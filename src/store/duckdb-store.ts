/**
 * The embedded store: one DuckDB file (`./stint.duckdb` by default). Times are epoch
 * milliseconds in BIGINT columns, as on ClickHouse, so one plan compiles for both. The store's
 * reading roles are here; its tables (duckdb/schema.ts) and transactions (duckdb/transaction.ts)
 * beside it.
 *
 *   const store = await openDuckDBStore('stint.duckdb');
 *   const rows = await store.query(compile(plan, store.dialect));
 *   store.close();
 */
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue, listValue } from '@duckdb/node-api';
import { StintError } from '../core/errors.ts';
import { duckdb } from '../sql/duckdb.ts';
import type { CompiledQuery } from '../sql/query.ts';
import { ReadLane, withinTime } from './duckdb/read-lane.ts';
import {
  CHECKPOINT_THRESHOLD,
  KEYS,
  PLACES,
  SCHEMA,
  SCHEMA_VERSION,
  STAGE,
  storeError,
  upgradeFrom1,
  upgradeFrom2,
} from './duckdb/schema.ts';
import { rowObjects, scalar } from './duckdb/sql.ts';
import { DuckDBTransaction } from './duckdb/transaction.ts';
import { resessionizeAll } from './ingest/resessionize.ts';
import { rulesFromJson } from './rules-json.ts';
import type { ImportRecord, QueryOptions, Store, StoredRules, StoreTransaction } from './store.ts';

/** `memoryLimit`: DuckDB's `memory_limit` for this store (e.g. '1GB'); its default is 80 % of RAM. */
export async function openDuckDBStore(
  path: string,
  options: { memoryLimit?: string; readConnections?: number } = {},
): Promise<Store> {
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, {
      checkpoint_threshold: CHECKPOINT_THRESHOLD,
      ...(options.memoryLimit === undefined ? {} : { memory_limit: options.memoryLimit }),
    });
  } catch (err) {
    throw storeError(path, err);
  }
  const connection = await instance.connect();
  let upgraded = false;
  try {
    // A database with tables of its own is somebody else's: never add ours to it.
    const tables = Number(
      await scalar(
        connection,
        `SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database()`,
      ),
    );
    const ours = Number(
      await scalar(
        connection,
        `SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() AND table_name = 'stint_meta'`,
      ),
    );
    if (tables > 0 && ours === 0) {
      throw new StintError(
        'STINT_STORE_UNREADABLE',
        `${path} is a DuckDB database but not a stint store: it has tables of its own`,
        'Pass --db a new file name (it is created) or a store stint made',
      );
    }
    await connection.run(SCHEMA);
    const version = await scalar(connection, `SELECT value FROM stint_meta WHERE key = 'schema_version'`);
    if (version === undefined) {
      await connection.run(`INSERT INTO stint_meta VALUES ('schema_version', ?)`, [String(SCHEMA_VERSION)]);
    } else if (Number(version) === 1 || Number(version) === 2) {
      if (Number(version) === 1) await upgradeFrom1(connection);
      await upgradeFrom2(connection);
      upgraded = true;
    } else if (Number(version) !== SCHEMA_VERSION) {
      throw new StintError(
        'STINT_STORE_UNREADABLE',
        `${path} is a stint store of schema version ${version}; this stint reads version ${SCHEMA_VERSION}`,
        'Use the stint version that wrote it, or import into a new --db file',
      );
    }
  } catch (err) {
    connection.closeSync();
    instance.closeSync();
    throw err;
  }
  const store = new DuckDBStore(path, instance, connection, options.readConnections);
  if (upgraded) {
    // Sessions of an older version lack fields of this one: sessionized again, under their rules.
    const stored = await store.rules();
    if (stored !== undefined)
      await store.transaction((tx) => resessionizeAll(tx, stored.rules, stored.version));
  }
  return store;
}

const IMPORT_FIELDS = `path, fingerprint, bytes, imported_at AS "importedAtMs", rows, accepted, duplicates,
  rejected, left_out AS "leftOut", rules_version AS "rulesVersion"`;

class DuckDBStore implements Store {
  readonly dialect = duckdb;

  /**
   * Reads run on connections of their own, one at a time per lane, so they never see or
   * interleave with an open transaction: analyses on one lane, the collector's quick checks
   * (`storedEventIds`) on another, so a slow report never holds up a commit.
   */
  readonly #lanes: { readonly queries: ReadLane; readonly checks: ReadLane };

  constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    /** Analyses that may run at once, each on a connection of its own. */
    readConnections = 1,
  ) {
    this.#lanes = { queries: new ReadLane(readConnections), checks: new ReadLane() };
  }

  /** Runs `work` on a read connection once the reads before it (in its lane) are done. */
  #reading<T>(work: (c: DuckDBConnection) => Promise<T>, lane: ReadLane = this.#lanes.queries): Promise<T> {
    return lane.run(this.instance, work);
  }

  #read(sql: string, params?: DuckDBValue[]): Promise<Record<string, unknown>[]> {
    return this.#reading((c) => rowObjects(c, sql, params));
  }

  async rules(): Promise<StoredRules | undefined> {
    const [row] = await this.#read(
      'SELECT version, rules, created_at FROM rules ORDER BY version DESC LIMIT 1',
    );
    if (row === undefined) return undefined;
    return {
      version: Number(row.version),
      rules: rulesFromJson(String(row.rules)),
      createdAtMs: Number(row.created_at),
    };
  }

  async findImport(fingerprint: string): Promise<ImportRecord | undefined> {
    const [row] = await this.#read(
      `SELECT ${IMPORT_FIELDS} FROM imports WHERE fingerprint = ? ORDER BY id LIMIT 1`,
      [fingerprint],
    );
    return row as ImportRecord | undefined;
  }

  async imports(): Promise<ImportRecord[]> {
    return (await this.#read(`SELECT ${IMPORT_FIELDS} FROM imports ORDER BY id`)) as never;
  }

  /** The transaction before this one: they share one connection, so they run one at a time. */
  #transactions: Promise<unknown> = Promise.resolve();

  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    const run = this.#transactions.then(() => this.#transaction(work));
    this.#transactions = run.catch(() => {});
    return run;
  }

  async #transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    const c = this.connection;
    await c.run('BEGIN TRANSACTION');
    try {
      const result = await work(new DuckDBTransaction(c));
      await c.run(
        `DROP TABLE IF EXISTS ${STAGE}; DROP TABLE IF EXISTS ${KEYS}; DROP TABLE IF EXISTS ${PLACES}`,
      );
      await c.run('COMMIT');
      return result;
    } catch (err) {
      // A COMMIT that failed (a full disk) ended the transaction already, and the ROLLBACK fails
      // with "no transaction is active": the error to give is the first one.
      await c.run('ROLLBACK').catch(() => undefined);
      // A setting a failed statement left behind (settings outlive transactions).
      await c.run('RESET disabled_optimizers').catch(() => undefined);
      throw err;
    }
  }

  async meta(key: string): Promise<string | undefined> {
    const [row] = await this.#read('SELECT value FROM stint_meta WHERE key = ?', [key]);
    return row === undefined ? undefined : String(row.value);
  }

  eachEventId(each: (ids: readonly string[]) => void): Promise<void> {
    return this.#reading(async (c) => {
      const stream = await c.stream(`SELECT event_id FROM events WHERE event_id <> ''`);
      for (;;) {
        const chunk = await stream.fetchChunk();
        if (chunk === null || chunk.rowCount === 0) break;
        each(chunk.getColumnValues(0) as string[]);
      }
    });
  }

  async storedEventIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const list = listValue([...ids]);
    const rows = await this.#reading(
      (c) =>
        rowObjects(c, 'SELECT DISTINCT event_id FROM events WHERE event_id IN (SELECT unnest($1))', [list]),
      this.#lanes.checks,
    );
    return new Set(rows.map((r) => String(r.event_id)));
  }

  query(q: CompiledQuery, options: QueryOptions = {}): Promise<Record<string, unknown>[]> {
    const params = q.params.map(
      (p): DuckDBValue => (Array.isArray(p) ? listValue(p as DuckDBValue[]) : (p as DuckDBValue)),
    );
    // The limit counts the wait for a connection: a deadline, fixed now.
    const deadline = options.timeoutMs === undefined ? undefined : performance.now() + options.timeoutMs;
    return this.#reading((c) =>
      withinTime(c, deadline === undefined ? undefined : deadline - performance.now(), () =>
        rowObjects(c, q.sql, params),
      ),
    );
  }

  close(): void {
    this.#lanes.queries.close();
    this.#lanes.checks.close();
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
