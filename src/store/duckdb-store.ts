/**
 * The embedded store: one DuckDB file (`./stint.duckdb` by default). Times are epoch
 * milliseconds in BIGINT columns, as on ClickHouse, so one plan compiles for both.
 *
 *   const store = await openDuckDBStore('stint.duckdb');
 *   const rows = await store.query(compile(plan, store.dialect));
 *   store.close();
 */
import {
  BIGINT,
  DOUBLE,
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBType,
  type DuckDBValue,
  INTEGER,
  listValue,
  VARCHAR,
} from '@duckdb/node-api';
import type { EventColumns } from '../core/columns.ts';
import { StintError } from '../core/errors.ts';
import type { StintEvent } from '../core/event.ts';
import type { IdentityMode, SessionRules } from '../core/rules.ts';
import type { SessionColumns } from '../core/session-columns.ts';
import { sessionPages } from '../core/session-pages.ts';
import { pathOf } from '../core/url.ts';
import { appendColumns, appendRows, appendTexts, dropTables } from '../io/duckdb-append.ts';
import type { ParquetRows } from '../io/parquet-columns.ts';
import { stageSessions } from '../io/write-session-parquet.ts';
import { duckdb } from '../sql/duckdb.ts';
import type { CompiledQuery } from '../sql/query.ts';
import { readEventColumns } from './duckdb-columns.ts';
import { deleteEventsWhere, finishDelete } from './duckdb-erase.ts';
import { stageEventColumns, stageParquetRows } from './duckdb-rows.ts';
import { rulesFromJson, rulesToJson } from './rules-json.ts';
import type {
  ErasureRecord,
  ImportRecord,
  QueryOptions,
  ReadEvents,
  Store,
  StoredReject,
  StoredRules,
  StoreTransaction,
} from './store.ts';

/** Bumped whenever a table changes; a store of another version is refused with a hint. */
const SCHEMA_VERSION = 2;

/** The event columns, in table order, with how a `StintEvent` fills each. */
const EVENT_COLUMNS: readonly {
  name: string;
  type: DuckDBType;
  sql: string;
  of: (e: StintEvent) => DuckDBValue;
}[] = [
  { name: 'event_id', type: VARCHAR, sql: 'VARCHAR', of: (e) => e.eventId },
  { name: 'ts_ms', type: BIGINT, sql: 'BIGINT', of: (e) => BigInt(e.tsMs) },
  { name: 'anonymous_id', type: VARCHAR, sql: 'VARCHAR', of: (e) => e.anonymousId },
  { name: 'user_id', type: VARCHAR, sql: 'VARCHAR', of: (e) => e.userId },
  { name: 'event', type: VARCHAR, sql: 'VARCHAR', of: (e) => e.name },
  { name: 'url', type: VARCHAR, sql: 'VARCHAR', of: (e) => e.url },
  { name: 'path', type: VARCHAR, sql: 'VARCHAR', of: (e) => (e.url === '' ? '' : pathOf(e.url)) },
  { name: 'referrer', type: VARCHAR, sql: 'VARCHAR', of: (e) => e.referrer },
  { name: 'utm_source', type: VARCHAR, sql: 'VARCHAR', of: (e) => e.utmSource },
  { name: 'utm_medium', type: VARCHAR, sql: 'VARCHAR', of: (e) => e.utmMedium },
  { name: 'utm_campaign', type: VARCHAR, sql: 'VARCHAR', of: (e) => e.utmCampaign },
  { name: 'utm_term', type: VARCHAR, sql: 'VARCHAR', of: (e) => e.utmTerm },
  { name: 'utm_content', type: VARCHAR, sql: 'VARCHAR', of: (e) => e.utmContent },
  { name: 'session_key', type: VARCHAR, sql: 'VARCHAR', of: (e) => e.sessionKey },
  { name: 'timezone', type: VARCHAR, sql: 'VARCHAR', of: (e) => e.timezone },
  { name: 'user_agent', type: VARCHAR, sql: 'VARCHAR', of: (e) => e.userAgent },
  { name: 'value', type: DOUBLE, sql: 'DOUBLE', of: (e) => e.value },
  {
    name: 'properties',
    type: VARCHAR,
    sql: 'VARCHAR',
    of: (e) => (e.properties === undefined ? '' : JSON.stringify(e.properties)),
  },
];

/** The event columns' names, in table order, for SELECT and INSERT lists. */
const EVENT_NAME_LIST = EVENT_COLUMNS.map((c) => c.name);
const EVENT_NAMES = EVENT_NAME_LIST.join(', ');

const SCHEMA = `
CREATE TABLE IF NOT EXISTS stint_meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS events (
  seq BIGINT, import_id INTEGER, received_at BIGINT, session_id VARCHAR,
  ${EVENT_COLUMNS.map((c) => `${c.name} ${c.sql}`).join(', ')}
);
CREATE TABLE IF NOT EXISTS sessions (
  session_id VARCHAR, identity VARCHAR, user_id VARCHAR, anonymous_id VARCHAR,
  start_ms BIGINT, end_ms BIGINT, duration_s DOUBLE, events BIGINT, pageviews BIGINT,
  bounce BOOLEAN, engaged BOOLEAN, entry_page VARCHAR, exit_page VARCHAR, end_reason VARCHAR,
  source VARCHAR, medium VARCHAR, campaign VARCHAR, referrer VARCHAR,
  device_type VARCHAR, browser VARCHAR, os VARCHAR, timezone VARCHAR,
  value DOUBLE, conversions BIGINT, rules_version INTEGER, pages VARCHAR[], identity_no INTEGER
);
CREATE TABLE IF NOT EXISTS identities (identity VARCHAR, no INTEGER);
CREATE TABLE IF NOT EXISTS rejects (
  import_id INTEGER, file VARCHAR, line BIGINT, reason VARCHAR, detail VARCHAR, raw VARCHAR
);
CREATE TABLE IF NOT EXISTS imports (
  id INTEGER, path VARCHAR, fingerprint VARCHAR, bytes BIGINT, imported_at BIGINT,
  rows BIGINT, accepted BIGINT, duplicates BIGINT, rejected BIGINT, left_out BIGINT,
  rules_version INTEGER
);
CREATE TABLE IF NOT EXISTS rules (version INTEGER, rules VARCHAR, created_at BIGINT);
`;

const STAGE = 'stint_incoming';
const KEYS = 'stint_keys';
const PLACES = 'stint_places';

/**
 * How much write-ahead log DuckDB gathers before it checkpoints it into the file (its default is
 * 16 MB). The server commits a sessionizing transaction every few seconds; at 16 MB a store of
 * 1.6 M events checkpointed every few transactions, and those checkpoints made storing 1 M events
 * in transactions of 25,000 take 18–30 % longer than at 64 MB (docs/benchmarks.md). The price: up
 * to 64 MB more on disk, and about a second to replay it when a server starts after a crash.
 */
const CHECKPOINT_THRESHOLD = '64MB';

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
    } else if (Number(version) === 1) {
      await upgradeFrom1(connection);
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
  return new DuckDBStore(path, instance, connection, options.readConnections);
}

/** Version 1 → 2: each identity gets a number (`identities`), kept on its sessions (`identity_no`). */
async function upgradeFrom1(c: DuckDBConnection): Promise<void> {
  await c.run('BEGIN TRANSACTION');
  try {
    await c.run('ALTER TABLE sessions ADD COLUMN identity_no INTEGER');
    await c.run(
      `INSERT INTO identities SELECT identity, row_number() OVER (ORDER BY identity)
       FROM (SELECT DISTINCT identity FROM sessions)`,
    );
    await c.run(
      'UPDATE sessions SET identity_no = i.no FROM identities i WHERE i.identity = sessions.identity',
    );
    await c.run(`UPDATE stint_meta SET value = '2' WHERE key = 'schema_version'`);
    await c.run('COMMIT');
  } catch (err) {
    await c.run('ROLLBACK');
    throw err;
  }
}

/** DuckDB's refusals to open a file, as one clear line. */
function storeError(path: string, err: unknown): StintError {
  const message = err instanceof Error ? err.message : String(err);
  // DuckDB: 'Could not set lock on file "…": Conflicting lock is held in … (PID n)'. Not any
  // message with "lock" in it: a corrupt file's says "block".
  if (/could not set lock|conflicting lock/i.test(message)) {
    const pid = /\(PID (\d+)\)/.exec(message)?.[1];
    return new StintError(
      'STINT_STORE_LOCKED',
      `The store ${path} is in use by another process${pid === undefined ? '' : ` (PID ${pid})`}`,
      'Stop the other stint (or DuckDB) process using it, or pass another --db file',
    );
  }
  return new StintError(
    'STINT_STORE_UNREADABLE',
    `Cannot open the store ${path}: ${message.split('\n')[0]}`,
    'Check that --db names a stint DuckDB file (a new name creates one)',
  );
}

async function scalar(
  connection: DuckDBConnection,
  sql: string,
  params: DuckDBValue[] = [],
): Promise<unknown> {
  const reader = await connection.runAndReadAll(sql, params);
  return reader.getRowsJS()[0]?.[0] ?? undefined;
}

async function rowObjects(
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

const IMPORT_FIELDS = `path, fingerprint, bytes, imported_at AS "importedAtMs", rows, accepted, duplicates,
  rejected, left_out AS "leftOut", rules_version AS "rulesVersion"`;

/**
 * Read connections, made when first needed, at most `size` of them: a read runs on a free one,
 * or waits (first come, first served) until one is free. With one, reads run one after another.
 */
class ReadLane {
  readonly #all: DuckDBConnection[] = [];
  readonly #free: DuckDBConnection[] = [];
  readonly #waiting: ((c: DuckDBConnection) => void)[] = [];
  #made = 0;

  constructor(readonly size = 1) {}

  async run<T>(instance: DuckDBInstance, work: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const c = await this.#take(instance);
    try {
      return await work(c);
    } finally {
      const next = this.#waiting.shift();
      if (next === undefined) this.#free.push(c);
      else next(c);
    }
  }

  async #take(instance: DuckDBInstance): Promise<DuckDBConnection> {
    const free = this.#free.pop();
    if (free !== undefined) return free;
    if (this.#made >= this.size) return new Promise((resolve) => this.#waiting.push(resolve));
    this.#made++;
    try {
      const c = await instance.connect();
      this.#all.push(c);
      return c;
    } catch (err) {
      this.#made--;
      throw err;
    }
  }

  close(): void {
    for (const c of this.#all) c.closeSync();
  }
}

/** Runs `work` on `c`, interrupting it past `timeoutMs` (then it fails with STINT_QUERY_TIMEOUT). */
async function withinTime<T>(
  c: DuckDBConnection,
  timeoutMs: number | undefined,
  work: () => Promise<T>,
): Promise<T> {
  if (timeoutMs === undefined) return work();
  const timedOut = () =>
    new StintError(
      'STINT_QUERY_TIMEOUT',
      `The query took longer than its time limit (${Math.max(0, Math.round(timeoutMs))} ms) and was stopped`,
      'Ask for less (a shorter period, fewer funnels), or raise the limit',
    );
  if (timeoutMs <= 0) throw timedOut();
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    c.interrupt();
  }, timeoutMs);
  try {
    return await work();
  } catch (err) {
    throw fired ? timedOut() : err;
  } finally {
    clearTimeout(timer);
  }
}

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

class DuckDBTransaction implements StoreTransaction {
  #staged = false;
  #nextSeq: number | undefined;

  constructor(private readonly c: DuckDBConnection) {}

  async stageEvents(events: readonly StintEvent[]): Promise<void> {
    if (!this.#staged) {
      await this.c.run(
        `CREATE TEMP TABLE ${STAGE} (seq BIGINT, ${EVENT_COLUMNS.map((c) => `${c.name} ${c.sql}`).join(', ')}, session_id VARCHAR)`,
      );
      this.#nextSeq = Number(await scalar(this.c, 'SELECT coalesce(max(seq), 0) + 1 FROM events'));
      this.#staged = true;
    }
    const seq0 = this.#nextSeq!;
    appendRows(
      await this.c.createAppender(STAGE, 'main', 'temp'),
      [BIGINT, ...EVENT_COLUMNS.map((c) => c.type), VARCHAR],
      events,
      [
        (_, i) => BigInt(seq0 + i),
        ...EVENT_COLUMNS.map((c) => c.of),
        () => null, // session_id: set once sessionized
      ],
    );
    this.#nextSeq = seq0 + events.length;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.c.run('DELETE FROM stint_meta WHERE key = ?', [key]);
    await this.c.run('INSERT INTO stint_meta VALUES (?, ?)', [key, value]);
  }

  async #ensureStage(): Promise<void> {
    if (!this.#staged) await this.stageEvents([]);
  }

  async stageRows(rows: ParquetRows, cols: EventColumns): Promise<void> {
    await this.#ensureStage();
    const seq0 = this.#nextSeq!;
    const staged = await stageParquetRows(this.c, rows, cols, EVENT_NAME_LIST, seq0);
    try {
      await this.c.run(
        `INSERT INTO ${STAGE} (seq, ${EVENT_NAMES}) SELECT seq, ${EVENT_NAMES} FROM (${staged.sql})`,
        staged.params,
      );
    } finally {
      await staged.drop();
    }
    this.#nextSeq = seq0 + cols.length;
  }

  async stageColumns(cols: EventColumns, events: readonly StintEvent[]): Promise<void> {
    await this.#ensureStage();
    const seq0 = this.#nextSeq!;
    const staged = await stageEventColumns(this.c, cols, events, EVENT_NAME_LIST, seq0);
    try {
      await this.c.run(
        `INSERT INTO ${STAGE} (seq, ${EVENT_NAMES}) SELECT seq, ${EVENT_NAMES} FROM (${staged.sql})`,
      );
    } finally {
      await staged.drop();
    }
    this.#nextSeq = seq0 + cols.length;
  }

  async touchesStored(rows: ParquetRows, ids: readonly string[]): Promise<boolean> {
    const c = this.c;
    if ((await scalar(c, 'SELECT seq FROM events LIMIT 1')) === undefined) return false;
    const table = 'stint_ids';
    await appendTexts(
      c,
      `CREATE TEMP TABLE ${table}`,
      table,
      ['k'],
      ids.filter((k) => k !== '').map((k) => [k]),
    );
    try {
      const linked = await scalar(
        c,
        `SELECT 1 FROM events WHERE anonymous_id IN (SELECT k FROM ${table}) OR user_id IN (SELECT k FROM ${table}) LIMIT 1`,
      );
      if (linked !== undefined || rows.eventIdSql === "''") return linked !== undefined;
    } finally {
      await dropTables(c, [table]);
    }
    const retry = await scalar(
      c,
      `SELECT 1 FROM events WHERE event_id <> ''
         AND event_id IN (SELECT ${rows.eventIdSql} FROM read_parquet(?)) LIMIT 1`,
      [rows.path],
    );
    return retry !== undefined;
  }

  async addSessionized(
    rows: ParquetRows,
    cols: EventColumns,
    sessions: SessionColumns,
    rulesVersion: number,
    importId: number,
  ): Promise<void> {
    const c = this.c;
    const of = sessions.eventSessions;
    if (this.#staged) throw new Error('addSessionized: events are staged in this transaction');
    if (of === undefined) throw new Error('addSessionized needs eventSessions');
    const seq0 = Number(await scalar(c, 'SELECT coalesce(max(seq), 0) + 1 FROM events'));
    const staged = await stageSessions(c, sessions, 'stint_stage_', true);
    try {
      const events = await stageParquetRows(c, rows, cols, EVENT_NAME_LIST, seq0, of);
      // The joins in the order written: the file's rows probe, the narrow tables are built.
      await c.run(`SET disabled_optimizers = 'join_order'`);
      let pages: string[][];
      try {
        const inserted = c.run(
          `INSERT INTO events (seq, import_id, received_at, session_id, ${EVENT_NAMES})
           SELECT e.seq, ${importId}, ${Date.now()}, n.session_id, ${EVENT_COLUMNS.map((col) => `e.${col.name}`).join(', ')}
           FROM (${events.sql}) e JOIN (${staged.ids}) n ON n.session_index = e.session`,
          events.params,
        );
        try {
          pages = pagesJson(cols, sessions); // while DuckDB inserts the events
        } finally {
          await inserted;
        }
      } finally {
        // In a failed transaction this fails too; transaction() resets it after the rollback.
        await c.run('RESET disabled_optimizers').catch(() => undefined);
        await events.drop();
      }
      await this.#insertSessions(staged, pages, rulesVersion);
    } finally {
      await staged.drop();
    }
  }

  async dropStoredRetries(): Promise<number> {
    await this.#ensureStage();
    // A retry repeats a stored event_id, or one staged earlier in input order.
    const result = await this.c.run(
      `DELETE FROM ${STAGE} WHERE event_id <> '' AND (
         event_id IN (SELECT event_id FROM events WHERE event_id <> '')
         OR seq > (SELECT min(s.seq) FROM ${STAGE} s WHERE s.event_id = ${STAGE}.event_id))`,
    );
    return result.rowsChanged;
  }

  async affectedEvents(
    options: { staged?: boolean; identity?: IdentityMode } = {},
  ): Promise<{ keys: string[]; events: ReadEvents }> {
    await this.#ensureStage();
    const c = this.c;
    // Per key, the start of its first session to redo (NULL: all of them).
    await c.run(`CREATE TEMP TABLE ${KEYS} (k VARCHAR PRIMARY KEY, from_ms BIGINT, t0 BIGINT)`);
    let stored: string;
    if (options.identity === 'device') {
      // A device's sessions depend on its own events only: those before the session that a new
      // event can join (the last one starting at or before the earliest new event) stay as they are.
      const identity = `CASE WHEN anonymous_id <> '' THEN anonymous_id ELSE user_id END`;
      await c.run(
        `INSERT INTO ${KEYS}
         SELECT n.k, (SELECT max(s.start_ms) FROM sessions s WHERE s.identity = n.k AND s.start_ms <= n.t0), n.t0
         FROM (SELECT ${identity} AS k, min(ts_ms) AS t0 FROM ${STAGE} GROUP BY 1) n`,
      );
      // No event to redo is older than that session's start or, for a device with no such
      // session (all its sessions start after its earliest new event), than that event: a time
      // bound that lets DuckDB skip the older row groups of the events table.
      const since = Number(await scalar(c, `SELECT coalesce(min(coalesce(from_ms, t0)), 0) FROM ${KEYS}`));
      stored = `SELECT seq, ${EVENT_NAMES} FROM events
        WHERE ts_ms >= ${Math.trunc(since)} AND (
              session_id IN (SELECT s.session_id FROM sessions s JOIN ${KEYS} k ON s.identity = k.k
                             WHERE s.start_ms >= k.from_ms)
           OR ${identity} IN (SELECT k FROM ${KEYS} WHERE from_ms IS NULL))`;
    } else {
      const idsOf = (table: string, where: string): string =>
        `SELECT anonymous_id AS k FROM ${table} WHERE anonymous_id <> '' ${where}
         UNION SELECT user_id FROM ${table} WHERE user_id <> '' ${where}`;
      await c.run(`INSERT INTO ${KEYS} SELECT k, NULL, NULL FROM (${idsOf(STAGE, '')})`);
      // Close over links: an event of a key can bring another id (a device's user, a user's device).
      const linked = `AND (anonymous_id IN (SELECT k FROM ${KEYS}) OR user_id IN (SELECT k FROM ${KEYS}))`;
      for (;;) {
        const added = await c.run(
          `INSERT INTO ${KEYS} SELECT DISTINCT k, NULL, NULL FROM (${idsOf('events', linked)}) WHERE k NOT IN (SELECT k FROM ${KEYS})`,
        );
        if (added.rowsChanged === 0) break;
      }
      stored = `SELECT seq, ${EVENT_NAMES} FROM events
        WHERE anonymous_id IN (SELECT k FROM ${KEYS}) OR user_id IN (SELECT k FROM ${KEYS})`;
    }
    const events = await readEventColumns(
      c,
      options.staged === false ? stored : `${stored} UNION ALL SELECT seq, ${EVENT_NAMES} FROM ${STAGE}`,
    );
    const keys = await c.runAndReadAll(`SELECT k FROM ${KEYS} ORDER BY k`);
    return { keys: keys.getRowsJS().map((r) => String(r[0])), events };
  }

  stagedEvents(): Promise<ReadEvents> {
    return readEventColumns(this.c, `SELECT seq, ${EVENT_NAMES} FROM ${STAGE}`);
  }

  async stagedSeqs(): Promise<{ first: number; count: number }> {
    await this.#ensureStage();
    const [row] = await rowObjects(this.c, `SELECT min(seq) AS first, count(*) AS count FROM ${STAGE}`);
    return { first: Number(row?.first ?? 0), count: Number(row?.count ?? 0) };
  }

  allEvents(): Promise<ReadEvents> {
    return readEventColumns(this.c, `SELECT seq, ${EVENT_NAMES} FROM events`);
  }

  async replaceSessions(
    keys: readonly string[] | undefined,
    sessions: SessionColumns,
    rulesVersion: number,
    events: ReadEvents,
  ): Promise<void> {
    const c = this.c;
    const of = sessions.eventSessions;
    if (of === undefined || of.length !== events.seqs.length) {
      throw new Error('replaceSessions needs the session of every event (sessionize with eventSessions)');
    }
    await this.#ensureStage();
    if (keys === undefined) await c.run('DELETE FROM sessions');
    else
      await c.run(
        `DELETE FROM sessions USING ${KEYS} k
          WHERE sessions.identity = k.k AND (k.from_ms IS NULL OR sessions.start_ms >= k.from_ms)`,
      );
    await c.run(`DROP TABLE IF EXISTS ${PLACES}`);
    if (sessions.length === 0) return;
    const staged = await stageSessions(c, sessions, 'stint_stage_', true);
    try {
      await this.#insertSessions(staged, pagesJson(events.columns, sessions), rulesVersion);
      // Each event's session id: stored events move now, staged ones when they are committed.
      await appendColumns(
        c,
        'CREATE TEMP TABLE stint_places_raw',
        'stint_places_raw',
        [
          { name: 'seq', type: DOUBLE, values: events.seqs },
          { name: 'session', type: INTEGER, values: of },
        ],
        of.length,
      );
      await c.run(
        `CREATE TEMP TABLE ${PLACES} AS
         SELECT p.seq::BIGINT AS seq, n.session_id FROM stint_places_raw p JOIN (${staged.ids}) n ON n.session_index = p.session`,
      );
      await c.run(`UPDATE events SET session_id = p.session_id FROM ${PLACES} p WHERE events.seq = p.seq`);
    } finally {
      await staged.drop();
      await dropTables(c, ['stint_places_raw']);
    }
  }

  /** Inserts staged sessions with their pages (`pagesJson`). */
  async #insertSessions(
    staged: Awaited<ReturnType<typeof stageSessions>>,
    json: string[][],
    rulesVersion: number,
  ): Promise<void> {
    const c = this.c;
    const PAGES = 'stint_pages';
    await appendTexts(c, `CREATE TEMP TABLE ${PAGES}`, PAGES, ['pages'], json);
    try {
      // New identities are numbered after the stored ones (counting numbers beats counting text).
      await c.run(
        `INSERT INTO identities
         SELECT identity, (SELECT coalesce(max(no), 0) FROM identities) + row_number() OVER (ORDER BY identity)
         FROM (${staged.identities}) WHERE identity NOT IN (SELECT identity FROM identities)`,
      );
      await c.run(
        `INSERT INTO sessions
         SELECT n.* EXCLUDE (session_index), ?, p.pages::JSON::VARCHAR[], d.no
         FROM (${staged.select('epoch_ms', 'index')}) n JOIN ${PAGES} p ON p.code = n.session_index
         JOIN identities d ON d.identity = n.identity`,
        [rulesVersion],
      );
    } finally {
      await dropTables(c, [PAGES]);
    }
  }

  async closeTimedOut(timeoutMs: number): Promise<number> {
    await this.#ensureStage();
    const result = await this.c.run(
      `UPDATE sessions SET end_reason = 'timeout'
        WHERE end_reason = 'open'
          AND (SELECT max(ts) FROM (SELECT max(ts_ms) AS ts FROM events UNION ALL SELECT max(ts_ms) FROM ${STAGE})) - end_ms > ?`,
      [timeoutMs],
    );
    return result.rowsChanged;
  }

  async commitEvents(importId: number): Promise<number> {
    await this.#ensureStage();
    await this.c.run(`CREATE TEMP TABLE IF NOT EXISTS ${PLACES} (seq BIGINT, session_id VARCHAR)`);
    const result = await this.c.run(
      `INSERT INTO events (seq, import_id, received_at, session_id, ${EVENT_NAMES})
       SELECT st.seq, ?, ?, p.session_id, ${EVENT_COLUMNS.map((col) => `st.${col.name}`).join(', ')}
       FROM ${STAGE} st LEFT JOIN ${PLACES} p USING (seq) ORDER BY st.seq`,
      [importId, BigInt(Date.now())],
    );
    return result.rowsChanged;
  }

  async addRejects(importId: number, rejects: readonly StoredReject[]): Promise<void> {
    if (rejects.length === 0) return;
    appendRows(
      await this.c.createAppender('rejects'),
      [INTEGER, VARCHAR, BIGINT, VARCHAR, VARCHAR, VARCHAR],
      rejects,
      [() => importId, (r) => r.file, (r) => BigInt(r.line), (r) => r.reason, (r) => r.detail, (r) => r.raw],
    );
  }

  async recordImport(r: ImportRecord): Promise<number> {
    const id = Number(await scalar(this.c, 'SELECT coalesce(max(id), 0) + 1 FROM imports'));
    await this.c.run('INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      id,
      r.path,
      r.fingerprint,
      BigInt(r.bytes),
      BigInt(r.importedAtMs),
      BigInt(r.rows),
      BigInt(r.accepted),
      BigInt(r.duplicates),
      BigInt(r.rejected),
      BigInt(r.leftOut),
      r.rulesVersion,
    ]);
    return id;
  }

  deleteEvents(
    where: string,
    params: readonly (string | number | bigint)[],
  ): Promise<{ removed: number; keys: string[]; events: ReadEvents }> {
    return deleteEventsWhere(this.c, where, params, EVENT_NAMES, KEYS);
  }

  finishDelete(): Promise<number> {
    return finishDelete(this.c, KEYS);
  }

  async dropSessionsBefore(beforeMs: number): Promise<{ events: number; sessions: number }> {
    const cutoff = BigInt(Math.trunc(beforeMs));
    const events = await this.c.run(
      'DELETE FROM events WHERE session_id IN (SELECT session_id FROM sessions WHERE end_ms < ?)',
      [cutoff],
    );
    const sessions = await this.c.run('DELETE FROM sessions WHERE end_ms < ?', [cutoff]);
    await this.c.run('DELETE FROM identities WHERE identity NOT IN (SELECT identity FROM sessions)');
    return { events: events.rowsChanged, sessions: sessions.rowsChanged };
  }

  async recordErasure(r: ErasureRecord): Promise<void> {
    await this.c.run(
      `CREATE TABLE IF NOT EXISTS erasures (at_ms BIGINT, kind VARCHAR, actor VARCHAR, what VARCHAR, events BIGINT, sessions BIGINT)`,
    );
    await this.c.run('INSERT INTO erasures VALUES (?, ?, ?, ?, ?, ?)', [
      BigInt(r.atMs),
      r.kind,
      r.by,
      r.what,
      BigInt(r.events),
      BigInt(r.sessions),
    ]);
  }

  async saveRules(rules: SessionRules, nowMs: number): Promise<StoredRules> {
    const version = Number(await scalar(this.c, 'SELECT coalesce(max(version), 0) + 1 FROM rules'));
    await this.c.run('INSERT INTO rules VALUES (?, ?, ?)', [version, rulesToJson(rules), BigInt(nowMs)]);
    return { version, rules, createdAtMs: nowMs };
  }
}

/**
 * Each session's pages as one JSON array of texts (a row for `appendTexts`), from the events
 * it was sessionized from (with eventSessions); each path is quoted once.
 */
function pagesJson(cols: EventColumns, sessions: SessionColumns): string[][] {
  const pages = sessionPages(cols, sessions.eventSessions!, sessions.length);
  const quoted = cols.paths.values.map((v) => JSON.stringify(v));
  const out: string[][] = new Array(pages.start.length - 1);
  for (let s = 0; s < out.length; s++) {
    let text = '[';
    for (let k = pages.start[s]!; k < pages.start[s + 1]!; k++) {
      text += (k === pages.start[s] ? '' : ',') + quoted[pages.paths[k]!];
    }
    out[s] = [`${text}]`];
  }
  return out;
}
