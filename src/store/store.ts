/**
 * The store: where imported events, their sessions, rejected rows, imports and the rules in
 * force are kept, as narrow roles (EventSink, SessionSink, AffectedRange, ImportLog, RulesStore,
 * QueryRunner…), one implementation per engine (DuckDB now, ClickHouse later). `ingest/` drives
 * the writing roles with the engine, `analysis/` queries through compiled plans. DuckDB's
 * Parquet fast path is an optional capability (capabilities.ts).
 *
 *   const store = await openStore('duckdb:stint.duckdb');
 *   await store.transaction(async (tx) => { … });
 */

import type { EventColumns } from '../core/columns.ts';
import type { StintEvent } from '../core/event.ts';
import type { IdentityMode, SessionRules } from '../core/rules.ts';
import type { SessionColumns } from '../core/session-columns.ts';
import type { Dialect } from '../sql/dialect.ts';
import type { CompiledQuery } from '../sql/query.ts';

export interface StoredRules {
  readonly version: number;
  readonly rules: SessionRules;
  readonly createdAtMs: number;
}

export interface ImportRecord {
  readonly path: string;
  readonly fingerprint: string;
  readonly bytes: number;
  readonly importedAtMs: number;
  readonly rows: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly leftOut: number;
  readonly rulesVersion: number;
}

export interface StoredReject {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
  readonly detail: string;
  readonly raw: string;
}

/** Events read back from a store: their columns, and each one's `seq` (its place in input order). */
export interface ReadEvents {
  readonly columns: EventColumns;
  readonly seqs: Float64Array;
}

/** EventSink: idempotent append. Events are staged in input order, retries of stored event_ids dropped, then moved in. */
export interface EventSink {
  /** Stages new events for this transaction; called batch by batch, in input order. */
  stageEvents(events: readonly StintEvent[]): Promise<void>;
  /**
   * Stages events whose columns the caller built (`cols`, one per event of `events`: no retry
   * dropped between them), as `stageEvents` does, with fewer texts per event.
   */
  stageColumns(cols: EventColumns, events: readonly StintEvent[]): Promise<void>;
  /** Drops staged retries (an event_id already stored, or staged before); returns how many. */
  dropStoredRetries(): Promise<number>;
  /** The staged events, in input order. */
  stagedEvents(): Promise<ReadEvents>;
  /** The staged events' positions: `count` consecutive seqs from `first`. */
  stagedSeqs(): Promise<{ first: number; count: number }>;
  /** Moves the staged events into the store. */
  commitEvents(importId: number): Promise<number>;
}

/** SessionSink: sessions upserted by session id (deterministic: an unchanged session keeps its id). */
export interface SessionSink {
  /**
   * Replaces the sessions whose identity is one of `keys` (all of them when undefined; with
   * `affectedEvents` in device mode, those it read the events of), and
   * places each sessionized event (its `seq`, in the order sessionized) in its new session.
   */
  replaceSessions(
    keys: readonly string[] | undefined,
    sessions: SessionColumns,
    rulesVersion: number,
    events: ReadEvents,
  ): Promise<void>;
  /**
   * Closes open sessions that the latest stored or staged event now shows as over: a session's
   * last event more than `timeoutMs` before it (SESSIONS.md section 3, the last session).
   */
  closeTimedOut(timeoutMs: number): Promise<number>;
}

/** AffectedRange: the events of the identities staged events touch, in identity and time order once sessionized (read in input order). */
export interface AffectedRange {
  /**
   * The stored and staged events (only the stored ones with `staged: false`), in input order,
   * of every identity that shares an anonymous_id or user_id with a staged event, closed over
   * those links; and those ids. With `identity: 'device'` (where an event's identity is its own
   * anonymous_id, else user_id) only the staged events' identities, and of each only the stored
   * events from its last session starting at or before its earliest staged event on: earlier
   * sessions cannot change. `replaceSessions` replaces just those.
   */
  affectedEvents(options?: {
    staged?: boolean;
    identity?: IdentityMode;
  }): Promise<{ keys: string[]; events: ReadEvents }>;
  /** Every stored event, in input order. */
  allEvents(): Promise<ReadEvents>;
}

/** ImportLog, the writing side: imports and their rejected rows. */
export interface ImportLogWriter {
  /** Records an import; gives its id. */
  recordImport(record: ImportRecord): Promise<number>;
  addRejects(importId: number, rejects: readonly StoredReject[]): Promise<void>;
}

/** RulesStore, the writing side: a new version of the rules. */
export interface RulesWriter {
  saveRules(rules: SessionRules, nowMs: number): Promise<StoredRules>;
}

/** Erasure: deletes and retention, with their own log. */
export interface EventEraser {
  /**
   * Deletes the stored events `where` selects (a condition on the events table, its values
   * `params`), and reads back the events left of every identity they touched, closed over
   * device ↔ user links: `replaceSessions(keys, …)` then replaces exactly those identities'
   * sessions, and `finishDelete` gives how many of their old sessions are gone.
   */
  deleteEvents(
    where: string,
    params: readonly (string | number | bigint)[],
  ): Promise<{ removed: number; keys: string[]; events: ReadEvents }>;
  finishDelete(): Promise<number>;
  /** Drops whole sessions that ended before `beforeMs`, with their events (retention). */
  dropSessionsBefore(beforeMs: number): Promise<{ events: number; sessions: number }>;
  /** Records an erasure in the store's own log of them (table `erasures`). */
  recordErasure(record: ErasureRecord): Promise<void>;
}

/** The store's own values (`meta`), the writing side. */
export interface MetaWriter {
  /** Sets a value of the store's own (`meta`), such as how far a server's event log is stored. */
  setMeta(key: string, value: string): Promise<void>;
}

/** What one transaction may do, all or nothing: every writing role. */
export interface StoreTransaction
  extends EventSink,
    SessionSink,
    AffectedRange,
    ImportLogWriter,
    RulesWriter,
    EventEraser,
    MetaWriter {}

/** One erasure: a forgotten visitor (`what` is the SHA-256 of the id), a delete, or retention. */
export interface ErasureRecord {
  readonly atMs: number;
  readonly kind: 'forget' | 'delete' | 'retention';
  /** Who asked: `cli:USER`, `token:ID`, `server`. */
  readonly by: string;
  readonly what: string;
  readonly events: number;
  readonly sessions: number;
}

/**
 * A query's time limit: past it the query is stopped and fails with STINT_QUERY_TIMEOUT
 * (0 or less: fails at once, unrun). A query waiting for a read connection counts its wait.
 */
export interface QueryOptions {
  readonly timeoutMs?: number | undefined;
}

/** RulesStore: the rules in force (the latest version); saved with `RulesWriter.saveRules`. */
export interface RulesStore {
  rules(): Promise<StoredRules | undefined>;
}

/** ImportLog: the imports recorded (`ImportLogWriter`), found by content fingerprint. */
export interface ImportLog {
  findImport(fingerprint: string): Promise<ImportRecord | undefined>;
  imports(): Promise<ImportRecord[]>;
}

/** The stored event_ids, for the collector's retry check (EventSink's idempotence, seen from outside). */
export interface StoredEventIds {
  /** Calls `each` with the stored events' event_ids (non-empty ones), a chunk at a time. */
  eachEventId(each: (ids: readonly string[]) => void): Promise<void>;
  /** Which of these event_ids are stored. */
  storedEventIds(ids: readonly string[]): Promise<Set<string>>;
}

/** QueryRunner: compiled analysis queries, in the store's dialect. */
export type QueryRunner = Pick<Store, 'dialect' | 'query'>;

/** A store: its reading roles, and transactions for the writing ones. Open one with `openStore` (open.ts). */
export interface Store extends RulesStore, ImportLog, StoredEventIds {
  readonly dialect: Dialect;
  readonly path: string;
  /** Runs `work` in one transaction: committed when it returns, rolled back when it throws. */
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** A value set with `StoreTransaction.setMeta`. */
  meta(key: string): Promise<string | undefined>;
  /** Runs a compiled analysis query; rows as plain objects. */
  query(q: CompiledQuery, options?: QueryOptions): Promise<Record<string, unknown>[]>;
  close(): void;
}
