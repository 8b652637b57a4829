/**
 * The DuckDB store's tables: the event columns (with how an event fills each), the schema and
 * its version, the upgrade from version 1, and DuckDB's refusals to open a file as one clear line.
 */
import {
  BIGINT,
  DOUBLE,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
  VARCHAR,
} from '@duckdb/node-api';
import { StintError } from '../../core/errors.ts';
import type { StintEvent } from '../../core/event.ts';
import { pathOf } from '../../core/url.ts';
import {
  EVENT_STORE_COLUMNS,
  type EventColumnName,
  EVENT_COLUMNS as SCHEMA_EVENT_COLUMNS,
} from '../../schema/events.ts';
import { SESSION_COLUMNS } from '../../schema/sessions.ts';
import { columnsDdl, DUCKDB_SQL, type FieldType } from '../../schema/types.ts';

/** Bumped whenever a table changes; a store of another version is refused with a hint. */
export const SCHEMA_VERSION = 3;

/** How a `StintEvent` fills each event column. */
const FILL: Readonly<Record<EventColumnName, (e: StintEvent) => DuckDBValue>> = {
  event_id: (e) => e.eventId,
  ts_ms: (e) => BigInt(e.tsMs),
  anonymous_id: (e) => e.anonymousId,
  user_id: (e) => e.userId,
  event: (e) => e.name,
  url: (e) => e.url,
  path: (e) => (e.url === '' ? '' : pathOf(e.url)),
  referrer: (e) => e.referrer,
  utm_source: (e) => e.utmSource,
  utm_medium: (e) => e.utmMedium,
  utm_campaign: (e) => e.utmCampaign,
  utm_term: (e) => e.utmTerm,
  utm_content: (e) => e.utmContent,
  session_key: (e) => e.sessionKey,
  timezone: (e) => e.timezone,
  country: (e) => e.country,
  user_agent: (e) => e.userAgent,
  value: (e) => e.value,
  properties: (e) => (e.properties === undefined ? '' : JSON.stringify(e.properties)),
};

/** The DuckDB types of the event columns' field types. */
const DUCKDB_TYPE: Partial<Record<FieldType, DuckDBType>> = { text: VARCHAR, time: BIGINT, double: DOUBLE };

/** The event columns (schema/events.ts), in table order, with how a `StintEvent` fills each. */
export const EVENT_COLUMNS: readonly {
  name: string;
  type: DuckDBType;
  sql: string;
  of: (e: StintEvent) => DuckDBValue;
}[] = SCHEMA_EVENT_COLUMNS.map((c) => ({
  name: c.name,
  type: DUCKDB_TYPE[c.type]!,
  sql: DUCKDB_SQL[c.type],
  of: FILL[c.name as EventColumnName],
}));

/** The event columns' names, in table order, for SELECT and INSERT lists. */
export const EVENT_NAME_LIST = EVENT_COLUMNS.map((c) => c.name);
export const EVENT_NAMES = EVENT_NAME_LIST.join(', ');

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS stint_meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS events (
  ${columnsDdl(EVENT_STORE_COLUMNS)},
  ${columnsDdl(SCHEMA_EVENT_COLUMNS)}
);
CREATE TABLE IF NOT EXISTS sessions (
  ${columnsDdl(SESSION_COLUMNS)}
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

export const STAGE = 'stint_incoming';
export const KEYS = 'stint_keys';
export const PLACES = 'stint_places';

/**
 * How much write-ahead log DuckDB gathers before it checkpoints it into the file (its default is
 * 16 MB). The server commits a sessionizing transaction every few seconds; at 16 MB a store of
 * 1.6 M events checkpointed every few transactions, and those checkpoints made storing 1 M events
 * in transactions of 25,000 take 18–30 % longer than at 64 MB (docs/benchmarks.md). The price: up
 * to 64 MB more on disk, and about a second to replay it when a server starts after a crash.
 */
export const CHECKPOINT_THRESHOLD = '64MB';

/** Version 1 → 2: each identity gets a number (`identities`), kept on its sessions (`identity_no`). */
export async function upgradeFrom1(c: DuckDBConnection): Promise<void> {
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

/**
 * Version 2 → 3: events keep a `country` (from the client IP, which is never stored), and
 * sessions gain `channel` and `country` between `referrer` and `device_type`. The sessions
 * table is rebuilt in the new column order; its sessions must then be sessionized again
 * (their `source` becomes a canonical name), which the caller does.
 */
export async function upgradeFrom2(c: DuckDBConnection): Promise<void> {
  await c.run('BEGIN TRANSACTION');
  try {
    await c.run(`ALTER TABLE events ADD COLUMN country VARCHAR DEFAULT ''`);
    await c.run(`CREATE TABLE sessions_v3 (${columnsDdl(SESSION_COLUMNS)})`);
    await c.run('INSERT INTO sessions_v3 BY NAME SELECT * FROM sessions');
    await c.run('DROP TABLE sessions');
    await c.run('ALTER TABLE sessions_v3 RENAME TO sessions');
    await c.run(`UPDATE stint_meta SET value = '3' WHERE key = 'schema_version'`);
    await c.run('COMMIT');
  } catch (err) {
    await c.run('ROLLBACK');
    throw err;
  }
}

/** DuckDB's refusals to open a file, as one clear line. */
export function storeError(path: string, err: unknown): StintError {
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
