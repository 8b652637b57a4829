/**
 * The ClickHouse store's tables. Events and sessions live on every shard (`*_local`), sharded by
 * a hash of the identity through `Distributed` tables (`*_all`), so all of an identity's events
 * are on one shard and sessionizing never crosses shards. Both are `ReplacingMergeTree`s with a
 * `version`: a rewritten event (its session changed) or session replaces the older row, and a
 * removed one is a row with `deleted = 1`. The views `events` and `sessions`, which every
 * analysis reads, keep the latest version of each (`FINAL`) and drop the deleted, so a retry or
 * a rewrite counts once even before ClickHouse has merged the parts. Imports, rejects, rules and
 * the store's own values are small and live on the entry node.
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

/** The tables of every shard's node. */
export const shardTables = (): string[] => LOCAL_TABLES;

/**
 * The entry node's tables: the distributed ones over `cluster` (none on a single node, where the
 * local tables are the whole store), the views the analyses read, and the small tables.
 */
export function entryTables(database: string, cluster: string | undefined): string[] {
  const source = (table: 'events' | 'sessions') =>
    cluster === undefined ? `${table}_local` : `${table}_all`;
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
    `CREATE VIEW IF NOT EXISTS events AS
     SELECT ${names(EVENT_TABLE_COLUMNS)} FROM ${source('events')} FINAL WHERE deleted = 0`,
    `CREATE VIEW IF NOT EXISTS sessions AS
     SELECT ${names(SESSION_TABLE_COLUMNS)}, identity_no FROM ${source('sessions')} FINAL WHERE deleted = 0`,
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
