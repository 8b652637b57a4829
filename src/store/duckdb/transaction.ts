/**
 * One DuckDB store transaction: the writing roles (EventSink, SessionSink, AffectedRange,
 * ImportLog, RulesStore, erasure, meta) and the Parquet fast path capability, on the store's
 * one write connection. Events are staged in a temp table, in input order, with their seqs.
 */
import { BIGINT, DOUBLE, type DuckDBConnection, INTEGER, VARCHAR } from '@duckdb/node-api';
import type { EventColumns } from '../../core/columns.ts';
import type { StintEvent } from '../../core/event.ts';
import type { IdentityMode, SessionRules } from '../../core/rules.ts';
import type { SessionColumns } from '../../core/session-columns.ts';
import { appendColumns, appendRows, dropTables } from '../../io/duckdb-append.ts';
import type { ParquetRows } from '../../io/parquet/index.ts';
import { stageSessions } from '../../io/write-session-parquet.ts';
import type { ParquetFastPath } from '../capabilities.ts';
import { rulesToJson } from '../rules-json.ts';
import type {
  ErasureRecord,
  ImportRecord,
  ReadEvents,
  StoredReject,
  StoredRules,
  StoreTransaction,
} from '../store.ts';
import { affectedEvents } from './affected-range.ts';
import { readEventColumns } from './columns.ts';
import { deleteEventsWhere, finishDelete } from './erase.ts';
import { addSessionized, stageRows, touchesStored } from './fast-path.ts';
import { stageEventColumns } from './rows.ts';
import { EVENT_COLUMNS, EVENT_NAME_LIST, EVENT_NAMES, KEYS, PLACES, STAGE } from './schema.ts';
import { insertSessions, pagesJson } from './sessions.ts';
import { rowObjects, scalar } from './sql.ts';

export class DuckDBTransaction implements StoreTransaction, ParquetFastPath {
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
    await stageRows(this.c, rows, cols, this.#nextSeq!);
    this.#nextSeq! += cols.length;
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

  touchesStored(rows: ParquetRows, ids: readonly string[]): Promise<boolean> {
    return touchesStored(this.c, rows, ids);
  }

  async addSessionized(
    rows: ParquetRows,
    cols: EventColumns,
    sessions: SessionColumns,
    rulesVersion: number,
    importId: number,
  ): Promise<void> {
    if (this.#staged) throw new Error('addSessionized: events are staged in this transaction');
    await addSessionized(this.c, rows, cols, sessions, rulesVersion, importId);
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
    return affectedEvents(this.c, options);
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
      await insertSessions(c, staged, pagesJson(events.columns, sessions), rulesVersion);
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
