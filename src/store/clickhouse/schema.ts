/**
 * The ClickHouse store's tables. Events and sessions live on every shard (`*_local`), sharded by
 * a hash of the identity through `Distributed` tables (`*_all`), so all of an identity's events
 * are on one shard and sessionizing never crosses shards. Both are `ReplacingMergeTree`s with a
 * `version`: a rewritten event (its session changed) or session replaces the older row, and a
 * removed one is a row with `deleted = 1`. Each shard's views `events_final` and
 * `sessions_final` keep the latest version of each (`FINAL`) and drop the deleted, so a retry or
 * a rewrite counts once even before ClickHouse has merged the parts; `events` and `sessions`,
 * which every analysis reads, are `Distributed` over them, so each shard aggregates its own rows.
 * Imports, rejects, rules and the store's own values are small and live on the entry node.
 *
 * Every statement runs on ClickHouse 18.16 (Debian's): times are Int64 epoch milliseconds.
 */
import { EVENT_COLUMNS, EVENT_STORE_COLUMNS } from '../../schema/events.ts';
import { SESSION_COLUMNS } from '../../schema/sessions.ts';
import type { Column, FieldType } from '../../schema/types.ts';

/** Bumped whenever a table changes; a store of another version is refused with a hint. */
export const CLICKHOUSE_SCHEMA_VERSION = 1;

/** Each field type as ClickHouse 18.16 keeps it (times Int64 epoch ms, booleans UInt8). */
export const CLICKHOUSE_TYPE: Readonly<Record<FieldType, string>> = {
  text: 'String',
  time: 'Int64',
  double: 'Float64',
  bool: 'UInt8',
  count: 'Int64',
  int32: 'Int32',
  text_list: 'Array(String)',
};

/** An event's identity in device mode, in SQL: its anonymous_id, else its user_id. */
export const EVENT_IDENTITY = `if(anonymous_id != '', anonymous_id, user_id)`;
const EVENT_SHARD_KEY = `cityHash64(${EVENT_IDENTITY})`;
const SESSION_SHARD_KEY = 'cityHash64(identity)';

/** The events table's columns (store columns, then the event fields) as the views give them. */
export const EVENT_TABLE_COLUMNS: readonly Column[] = [...EVENT_STORE_COLUMNS, ...EVENT_COLUMNS];
/**
 * The sessions table's columns. `identity_no` counts users (`count(DISTINCT identity_no)`): on
 * DuckDB a number per identity, here a 64-bit hash of it, so no shard numbers identities.
 */
export const SESSION_TABLE_COLUMNS: readonly Column[] = SESSION_COLUMNS.filter(
  (c) => c.name !== 'identity_no',
);

const columns = (cs: readonly Column[]): string =>
  cs.map((c) => `${c.name} ${CLICKHOUSE_TYPE[c.type]}`).join(',\n  ');
const names = (cs: readonly Column[]): string => cs.map((c) => c.name).join(', ');

/**
 * The key a retry shares with its first copy: the event_id; for an event without one, its
 * content and place among identical events of its import (`ekey`, set by the store).
 */
const LOCAL_TABLES = [
  `CREATE TABLE IF NOT EXISTS events_local (
  ${columns(EVENT_TABLE_COLUMNS)},
  ekey String,
  version UInt64,
  deleted UInt8
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(toDateTime(intDiv(ts_ms, 1000)))
ORDER BY (${EVENT_SHARD_KEY}, ts_ms, ekey)`,
  `CREATE TABLE IF NOT EXISTS sessions_local (
  ${columns(SESSION_TABLE_COLUMNS)},
  identity_no UInt64 ALIAS sipHash64(identity),
  version UInt64,
  deleted UInt8
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(toDateTime(intDiv(start_ms, 1000)))
ORDER BY (${SESSION_SHARD_KEY}, session_id)`,
];

/**
 * What a shard answers for: its own events and sessions, latest versions, not deleted. `FINAL`
 * on one shard is exact because a key lives on one shard. The entry node's `events` and
 * `sessions` read these through `Distributed` tables, so each shard filters and aggregates its
 * own rows and sends the entry node partial aggregates, not rows.
 */
const FINAL_VIEWS = [
  `CREATE VIEW IF NOT EXISTS events_final AS
   SELECT ${names(EVENT_TABLE_COLUMNS)} FROM events_local FINAL WHERE deleted = 0`,
  `CREATE VIEW IF NOT EXISTS sessions_final AS
   SELECT ${names(SESSION_TABLE_COLUMNS)}, identity_no FROM sessions_local FINAL WHERE deleted = 0`,
];

/** The tables and views of every shard's node. */
export const shardTables = (): string[] => [...LOCAL_TABLES, ...FINAL_VIEWS];

/** The objects stint makes on a shard node that is not the entry node. */
export const SHARD_OBJECTS: readonly string[] = [
  'events_local',
  'sessions_local',
  'events_final',
  'sessions_final',
];

/**
 * What the analyses read, `events` and `sessions`. On a cluster: `Distributed` tables over each
 * shard's `*_final` views, with the views' columns spelled out (the entry node need not be a
 * shard). On a single node: plain views.
 */
function readers(database: string, cluster: string | undefined): string[] {
  if (cluster === undefined) {
    return [
      `CREATE VIEW IF NOT EXISTS events AS
       SELECT ${names(EVENT_TABLE_COLUMNS)} FROM events_local FINAL WHERE deleted = 0`,
      `CREATE VIEW IF NOT EXISTS sessions AS
       SELECT ${names(SESSION_TABLE_COLUMNS)}, identity_no FROM sessions_local FINAL WHERE deleted = 0`,
    ];
  }
  return [
    `CREATE TABLE IF NOT EXISTS events (
       ${columns(EVENT_TABLE_COLUMNS)}
     ) ENGINE = Distributed(${cluster}, ${database}, events_final)`,
    `CREATE TABLE IF NOT EXISTS sessions (
       ${columns(SESSION_TABLE_COLUMNS)},
       identity_no UInt64
     ) ENGINE = Distributed(${cluster}, ${database}, sessions_final)`,
  ];
}

/** The engine `events` and `sessions` have on the entry node of a store of this layout. */
const readerEngine = (distributed: boolean): string => (distributed ? 'Distributed' : 'View');

/**
 * Drops the entry node's `events` and `sessions` when they are not what this layout reads: a
 * store made before the analyses were pushed down to the shards has views over the distributed
 * tables there. They hold no rows, and `entryTables` makes them again.
 */
export async function dropStaleReaders(
  entry: {
    query(sql: string): Promise<Record<string, unknown>[]>;
    command(sql: string): Promise<void>;
  },
  distributed: boolean,
): Promise<void> {
  const rows = await entry.query(
    `SELECT name, engine FROM system.tables WHERE database = currentDatabase() AND name IN ('events', 'sessions')`,
  );
  for (const row of rows) {
    if (row.engine !== readerEngine(distributed))
      await entry.command(`DROP TABLE IF EXISTS ${String(row.name)}`);
  }
}

/**
 * The entry node's tables: the distributed ones over `cluster` (none on a single node, where the
 * local tables are the whole store), what the analyses read, and the small tables.
 */
export function entryTables(database: string, cluster: string | undefined): string[] {
  const distributed =
    cluster === undefined
      ? []
      : [
          `CREATE TABLE IF NOT EXISTS events_all AS events_local
           ENGINE = Distributed(${cluster}, ${database}, events_local, ${EVENT_SHARD_KEY})`,
          `CREATE TABLE IF NOT EXISTS sessions_all AS sessions_local
           ENGINE = Distributed(${cluster}, ${database}, sessions_local, ${SESSION_SHARD_KEY})`,
        ];
  return [
    ...distributed,
    ...readers(database, cluster),
    `CREATE TABLE IF NOT EXISTS stint_meta (key String, value String, version UInt64)
     ENGINE = ReplacingMergeTree(version) ORDER BY key`,
    `CREATE TABLE IF NOT EXISTS rules (version Int32, rules String, created_at Int64)
     ENGINE = MergeTree ORDER BY version`,
    `CREATE TABLE IF NOT EXISTS imports (
       id Int32, path String, fingerprint String, bytes Int64, imported_at Int64, rows Int64,
       accepted Int64, duplicates Int64, rejected Int64, left_out Int64, rules_version Int32
     ) ENGINE = MergeTree ORDER BY id`,
    `CREATE TABLE IF NOT EXISTS rejects (
       import_id Int32, file String, line Int64, reason String, detail String, raw String
     ) ENGINE = MergeTree ORDER BY (import_id, line)`,
    `CREATE TABLE IF NOT EXISTS erasures (
       at_ms Int64, kind String, actor String, what String, events Int64, sessions Int64
     ) ENGINE = MergeTree ORDER BY at_ms`,
  ];
}

/** The table to write events and sessions to: the distributed one, or on a single node the local one. */
export const writeTable = (table: 'events' | 'sessions', distributed: boolean): string =>
  `${table}_${distributed ? 'all' : 'local'}`;
