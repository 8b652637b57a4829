/**
 * The distributed store: ClickHouse, one node or a sharded cluster (store/clickhouse/schema.ts).
 * Analyses compile to ClickHouse SQL and read the views `events` and `sessions`; transactions
 * keep their writes in memory and write them at the end (clickhouse/transaction.ts).
 *
 *   const store = await openClickHouseStore('clickhouse://127.0.0.1:8123/stint');
 */
import { StintError } from '../core/errors.ts';
import { clickhouse, literal } from '../sql/clickhouse.ts';
import type { CompiledQuery } from '../sql/query.ts';
import { inlineParams } from './clickhouse/erase.ts';
import { ClickHouseNode, ClickHouseUnreachable, type Row } from './clickhouse/node.ts';
import {
  CLICKHOUSE_SCHEMA_VERSION,
  dropStaleReaders,
  entryTables,
  SESSION_TABLE_COLUMNS,
  SHARD_OBJECTS,
  shardTables,
  writeTable,
} from './clickhouse/schema.ts';
import { type ClickHouseTarget, parseTarget } from './clickhouse/target.ts';
import { ClickHouseTransaction, nextVersion } from './clickhouse/transaction.ts';
import { rulesFromJson } from './rules-json.ts';
import type { ImportRecord, QueryOptions, Store, StoredRules, StoreTransaction } from './store.ts';

/** The store's layout on its server: the shard nodes, and whether tables are distributed over them. */
export interface ClickHouseLayout {
  readonly target: ClickHouseTarget;
  readonly distributed: boolean;
  /** Each shard's node, in shard order (one: the entry node, on a single server). */
  readonly shards: readonly ClickHouseNode[];
}

/** The tables a ClickHouse store writes rows to (`events` and `sessions` through the distributed tables). */
export type ClickHouseTable =
  | 'events'
  | 'sessions'
  | 'rules'
  | 'rejects'
  | 'erasures'
  | 'imports'
  | 'stint_meta';

/** A ClickHouse store: the Store roles, and rows in and out for `stint migrate` and the collector. */
export interface ClickHouseStore extends Store {
  readonly layout: ClickHouseLayout;
  /** Inserts rows as they are, synchronously on every shard they go to. */
  insertRows(table: ClickHouseTable, rows: readonly Row[]): Promise<void>;
  /** A SELECT's rows, on the entry node. */
  rows(sql: string): Promise<Row[]>;
  /** A SELECT's rows on shard `k`'s node (from 1), over its own tables `events_local` and `sessions_local`. */
  shardRows(k: number, sql: string): Promise<Row[]>;
  /**
   * A transaction over shard `k`'s identities alone (from 1), read and written on its node: a
   * worker's. Sessions are over by the latest event of the whole store.
   */
  shardTransaction<T>(k: number, work: (tx: ClickHouseTransaction) => Promise<T>): Promise<T>;
}

/** A shard's own events and sessions, latest versions, not deleted. */
const LOCAL_EVENTS = '(SELECT * FROM events_local FINAL WHERE deleted = 0)';
const LOCAL_SESSIONS = '(SELECT * FROM sessions_local FINAL WHERE deleted = 0)';

export async function openClickHouseStore(address: string): Promise<ClickHouseStore> {
  const target = parseTarget(address);
  const server = new ClickHouseNode(target.url, target, 'default');
  try {
    if (!(await server.ping().catch(() => false))) throw new ClickHouseUnreachable(target.url, target.shown);
    await server.command(`CREATE DATABASE IF NOT EXISTS ${target.database}`);
    const layout = await layoutOf(server, target);
    for (const shard of layout.shards) {
      if (shard.url !== target.url) {
        const admin = new ClickHouseNode(shard.url, target, 'default');
        try {
          await admin.command(`CREATE DATABASE IF NOT EXISTS ${target.database}`);
        } finally {
          await admin.close();
        }
      }
      for (const ddl of shardTables()) await shard.command(ddl);
    }
    const entry = layout.shards.find((s) => s.url === target.url) ?? new ClickHouseNode(target.url, target);
    await ensureOurs(entry, target);
    await dropStaleReaders(entry, layout.distributed);
    for (const ddl of entryTables(target.database, layout.distributed ? target.cluster : undefined)) {
      await entry.command(ddl);
    }
    const [version] = await entry.query(`SELECT value FROM stint_meta FINAL WHERE key = 'schema_version'`);
    if (version === undefined) {
      await entry.insert('stint_meta', [
        { key: 'schema_version', value: String(CLICKHOUSE_SCHEMA_VERSION), version: nextVersion() },
      ]);
    } else if (Number(version.value) !== CLICKHOUSE_SCHEMA_VERSION) {
      throw new StintError(
        'STINT_STORE_UNREADABLE',
        `${target.shown} is a stint store of ClickHouse schema version ${String(version.value)}; this stint reads version ${CLICKHOUSE_SCHEMA_VERSION}`,
        'Use the stint version that wrote it, or another database',
      );
    }
    return new ClickHouseStoreOnNodes(target.shown, entry, layout);
  } finally {
    await server.close();
  }
}

/** The cluster `target.cluster` when the server defines it, each shard's node; else the one server. */
async function layoutOf(server: ClickHouseNode, target: ClickHouseTarget): Promise<ClickHouseLayout> {
  const rows = await server.query(
    `SELECT shard_num, any(host_address) AS host FROM system.clusters WHERE cluster = ${literal(target.cluster)}
     GROUP BY shard_num ORDER BY shard_num`,
  );
  if (rows.length === 0)
    return { target, distributed: false, shards: [new ClickHouseNode(target.url, target)] };
  const port = new URL(target.url).port || '8123';
  const urls = target.shardUrls ?? rows.map((r) => `http://${String(r.host)}:${port}`);
  if (urls.length !== rows.length) {
    throw new StintError(
      'STINT_STORE_UNREADABLE',
      `${target.shown} names ${urls.length} shard nodes, but the cluster ${target.cluster} has ${rows.length} shards`,
      'List each shard node once in ?shards=HOST:PORT,… in shard order, or leave ?shards= out',
    );
  }
  return { target, distributed: true, shards: urls.map((u) => new ClickHouseNode(u, target)) };
}

/** A database with tables of its own is somebody else's: never add ours to it. */
async function ensureOurs(entry: ClickHouseNode, target: ClickHouseTarget): Promise<void> {
  const tables = (await entry.query(`SHOW TABLES FROM ${target.database}`)).map((r) => String(r.name));
  const ours = new Set(SHARD_OBJECTS);
  if (tables.some((t) => !ours.has(t)) && !tables.includes('stint_meta')) {
    throw new StintError(
      'STINT_STORE_UNREADABLE',
      `${target.shown}: the database ${target.database} has tables of its own; it is not a stint store`,
      'Name a new database in the address (it is created), or a store stint made',
    );
  }
}

/** The session fields that are booleans: ClickHouse 18.16 keeps them as UInt8, DuckDB gives true/false. */
const BOOLEANS = SESSION_TABLE_COLUMNS.filter((c) => c.type === 'bool').map((c) => c.name);

function withBooleans(rows: Row[]): Row[] {
  for (const row of rows) {
    for (const name of BOOLEANS) {
      const v = row[name];
      if (v === 0 || v === 1) row[name] = v === 1;
    }
  }
  return rows;
}

const IMPORT_FIELDS = `path, fingerprint, bytes, imported_at AS importedAtMs, rows, accepted, duplicates,
  rejected, left_out AS leftOut, rules_version AS rulesVersion`;

class ClickHouseStoreOnNodes implements ClickHouseStore {
  readonly dialect = clickhouse;
  /** The stored events' latest versions, not deleted, with their keys: what a transaction reads. */
  readonly #storedEvents: string;

  constructor(
    readonly path: string,
    private readonly entry: ClickHouseNode,
    readonly layout: ClickHouseLayout,
  ) {
    this.#storedEvents = `(SELECT * FROM ${writeTable('events', layout.distributed)} FINAL WHERE deleted = 0)`;
  }

  async rules(): Promise<StoredRules | undefined> {
    const [row] = await this.entry.query(
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
    const [row] = await this.entry.query(
      `SELECT ${IMPORT_FIELDS} FROM imports WHERE fingerprint = ${literal(fingerprint)} ORDER BY id LIMIT 1`,
    );
    return row as ImportRecord | undefined;
  }

  async imports(): Promise<ImportRecord[]> {
    return (await this.entry.query(`SELECT ${IMPORT_FIELDS} FROM imports ORDER BY id`)) as never;
  }

  /** The transaction before this one: one at a time per store, as on DuckDB. */
  #transactions: Promise<unknown> = Promise.resolve();

  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.#serial(() => this.#transaction(undefined, work));
  }

  shardTransaction<T>(shard: number, work: (tx: ClickHouseTransaction) => Promise<T>): Promise<T> {
    return this.#serial(() => this.#transaction(shard, work));
  }

  #serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#transactions.then(run);
    this.#transactions = next.catch(() => {});
    return next;
  }

  /**
   * A transaction over the whole store (reads through the entry node's views, writes through
   * the distributed tables), or over one shard's identities (`shard`, from 1): reads and writes
   * on that shard's node alone, so a worker goes on while another shard is down.
   */
  async #transaction<T>(
    shard: number | undefined,
    work: (tx: ClickHouseTransaction) => Promise<T>,
  ): Promise<T> {
    const node = shard === undefined ? this.entry : this.#shard(shard);
    const latestTs = async (): Promise<number | undefined> => {
      const [row] = await this.entry.query(
        `SELECT max(ts_ms) AS ts, count() AS n FROM ${writeTable('events', this.layout.distributed)} WHERE deleted = 0`,
      );
      return Number(row?.n ?? 0) === 0 ? undefined : Number(row!.ts);
    };
    const tx = new ClickHouseTransaction({
      rows: (sql) => node.query(sql),
      storedEvents: shard === undefined ? this.#storedEvents : LOCAL_EVENTS,
      sessions: shard === undefined ? 'sessions' : LOCAL_SESSIONS,
      latestTs,
    });
    const result = await work(tx);
    await tx.flush({
      everyShard: async (statement) => {
        for (const s of this.layout.shards) await s.command(statement);
      },
      mutationsDone: () => this.#mutationsDone(),
      insert: (table, rows) =>
        shard !== undefined && (table === 'events' || table === 'sessions')
          ? node.insert(`${table}_local`, rows)
          : this.insertRows(table, rows),
    });
    return result;
  }

  /** Waits (up to a minute) until no shard has a mutation of this store's tables running. */
  async #mutationsDone(): Promise<boolean> {
    const database = this.layout.target.database;
    for (let waited = 0; waited < 60_000; waited += 100) {
      let running = 0;
      for (const s of this.layout.shards) {
        const [row] = await s.query(
          `SELECT count() AS n FROM system.mutations WHERE database = ${literal(database)} AND is_done = 0`,
        );
        running += Number(row?.n ?? 0);
      }
      if (running === 0) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }

  /** Shard `k`'s node (from 1). */
  #shard(k: number): ClickHouseNode {
    const node = this.layout.shards[k - 1];
    if (node === undefined) {
      const n = this.layout.shards.length;
      throw new StintError(
        'STINT_BAD_FLAG',
        `${this.path} has ${n} shard${n === 1 ? '' : 's'}: there is no shard ${k}`,
        `Give --shard 1${n === 1 ? '' : ` to ${n}`}`,
      );
    }
    return node;
  }

  shardRows(k: number, sql: string): Promise<Row[]> {
    return this.#shard(k).query(sql);
  }

  insertRows(table: ClickHouseTable, rows: readonly Row[]): Promise<void> {
    const to =
      table === 'events' || table === 'sessions' ? writeTable(table, this.layout.distributed) : table;
    return this.entry.insert(to, rows);
  }

  rows(sql: string): Promise<Row[]> {
    return this.entry.query(sql);
  }

  async meta(key: string): Promise<string | undefined> {
    const [row] = await this.entry.query(`SELECT value FROM stint_meta FINAL WHERE key = ${literal(key)}`);
    return row === undefined ? undefined : String(row.value);
  }

  async eachEventId(each: (ids: readonly string[]) => void): Promise<void> {
    const rows = await this.entry.query(`SELECT event_id FROM events WHERE event_id != ''`);
    for (let i = 0; i < rows.length; i += 10_000)
      each(rows.slice(i, i + 10_000).map((r) => String(r.event_id)));
  }

  async storedEventIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.entry.query(
      `SELECT DISTINCT event_id FROM events WHERE event_id IN (${ids.map(literal).join(', ')})`,
    );
    return new Set(rows.map((r) => String(r.event_id)));
  }

  query(q: CompiledQuery, options: QueryOptions = {}): Promise<Row[]> {
    // A query written with ? placeholders (erase.ts counts what a delete would remove) gets its values inlined.
    const text = q.params.length === 0 ? q.sql : inlineParams(q.sql, q.params);
    return this.entry.query(text, options).then(withBooleans);
  }

  close(): void {
    void this.entry.close();
    for (const s of this.layout.shards) if (s !== this.entry) void s.close();
  }
}
