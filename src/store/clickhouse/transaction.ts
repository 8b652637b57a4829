/**
 * One ClickHouse store transaction. ClickHouse has no multi-statement transactions, so a
 * transaction here reads what it needs and keeps every write in memory until `work` returns;
 * then it writes them in an order whose every prefix a rerun repairs (docs/operations.md,
 * "What a crash leaves"): rules, sessions, events, rejects, the import record, the store's own
 * values. A `work` that throws writes nothing.
 */
import type { EventColumns } from '../../core/columns.ts';
import type { StintEvent } from '../../core/event.ts';
import type { IdentityMode, SessionRules } from '../../core/rules.ts';
import type { SessionColumns } from '../../core/session-columns.ts';
import { literal } from '../../sql/clickhouse.ts';
import { rulesToJson } from '../rules-json.ts';
import type {
  ErasureRecord,
  ImportRecord,
  ReadEvents,
  StoredReject,
  StoredRules,
  StoreTransaction,
} from '../store.ts';
import { affectedRows, int64s, type Reader, type RedoFrom } from './affected.ts';
import { inlineParams, purgeStatements, selectDoomed } from './erase.ts';
import type { Row } from './node.ts';
import { eventFields, eventKey, eventOf, readEvents, sessionRows, storedFields } from './rows.ts';

/** Where a transaction's writes go, in the order `flush` writes them. */
export interface Writer {
  /** Runs a statement on every shard's node. */
  everyShard(statement: string): Promise<void>;
  /** Waits until every shard's mutations are done; false when they are not within a time limit. */
  mutationsDone(): Promise<boolean>;
  insert(
    table: 'rules' | 'sessions' | 'events' | 'rejects' | 'erasures' | 'imports' | 'stint_meta',
    rows: Row[],
  ): Promise<void>;
}

let lastVersion = 0;
/** A row version greater than every one this process gave before (microseconds of the clock). */
export function nextVersion(): number {
  lastVersion = Math.max(lastVersion + 1, Date.now() * 1000);
  return lastVersion;
}

interface Staged {
  readonly event: StintEvent;
  readonly fields: Row;
  readonly seq: number;
  key: string;
  /** A stored event not yet in a session (a collector's), staged by a worker: kept as it came. */
  readonly pending?: { readonly importId: number; readonly receivedAt: number };
}

/**
 * Events are numbered within a transaction, not by their stored `seq` (collectors on several
 * machines can give two events one seq): stored events read 1, 2, … in (seq, key) order, the
 * staged ones from STAGED on, in staging order.
 */
const STAGED = 2 ** 40;

export class ClickHouseTransaction implements StoreTransaction {
  #staged: Staged[] = [];
  #nextSeq: number | undefined;
  /** Stored events read by this transaction, full rows by number: rewritten when their session changes. */
  readonly #stored = new Map<number, Row>();
  #storedCount = 0;
  #redoFrom: RedoFrom | undefined;
  /** Each staged event's session, by number (STAGED + its place). */
  readonly #placed = new Map<number, string>();
  readonly #sessions = new Map<string, Row>();
  readonly #events: Row[] = [];
  readonly #rules: Row[] = [];
  readonly #rejects: Row[] = [];
  readonly #erasures: Row[] = [];
  readonly #imports: Row[] = [];
  readonly #meta = new Map<string, string>();
  /** Mutations to run on every shard once written: erased rows off the disk. */
  readonly #purge: { hidden: string[]; tombstones: string[] } = { hidden: [], tombstones: [] };
  /** The sessions of the identities a delete touched, before it. */
  #oldSessions: string[] = [];

  constructor(private readonly read: Reader & { latestTs(): Promise<number | undefined> }) {}

  async #seq0(): Promise<number> {
    if (this.#nextSeq === undefined) {
      const [row] = await this.read.rows(`SELECT max(seq) AS s FROM ${this.read.storedEvents}`);
      this.#nextSeq = Number(row?.s ?? 0) + 1;
    }
    return this.#nextSeq;
  }

  async stageEvents(events: readonly StintEvent[]): Promise<void> {
    let seq = await this.#seq0();
    for (const event of events) this.#staged.push({ event, fields: eventFields(event), seq: seq++, key: '' });
    this.#nextSeq = seq;
  }

  stageColumns(_cols: EventColumns, events: readonly StintEvent[]): Promise<void> {
    return this.stageEvents(events);
  }

  async dropStoredRetries(): Promise<number> {
    const seen = new Map<string, number>();
    for (const s of this.#staged) s.key = eventKey(s.fields, seen);
    const keys = [...new Set(this.#staged.map((s) => s.key))];
    const stored = new Set<string>();
    for (let i = 0; i < keys.length; i += 10_000) {
      const chunk = keys.slice(i, i + 10_000);
      const rows = await this.read.rows(
        `SELECT DISTINCT ekey FROM ${this.read.storedEvents} WHERE ekey IN (${chunk.map(literal).join(', ')})`,
      );
      for (const r of rows) stored.add(String(r.ekey));
    }
    const before = this.#staged.length;
    // A retry repeats a stored event, or one staged earlier; the first occurrence wins.
    this.#staged = this.#staged.filter((s) => {
      if (stored.has(s.key)) return false;
      stored.add(s.key);
      return true;
    });
    return before - this.#staged.length;
  }

  async affectedEvents(
    options: { staged?: boolean; identity?: IdentityMode } = {},
  ): Promise<{ keys: string[]; events: ReadEvents }> {
    const staged = this.#staged.map((s) => s.event);
    const { keys, from, rows } = await affectedRows(this.read, staged, options.identity);
    this.#redoFrom = from;
    const stored = this.#numbered(rows);
    if (options.staged === false) return { keys, events: readEvents(stored.events, stored.numbers) };
    return {
      keys,
      events: readEvents(
        [...stored.events, ...staged],
        [...stored.numbers, ...this.#staged.map((_, i) => STAGED + i)],
      ),
    };
  }

  /** Stored rows in input order (seq, then key), numbered for this transaction and kept by number. */
  #numbered(rows: readonly Row[]): { events: StintEvent[]; numbers: number[] } {
    const sorted = [...rows].sort(
      (a, b) => Number(a.seq) - Number(b.seq) || (String(a.ekey) < String(b.ekey) ? -1 : 1),
    );
    const numbers = sorted.map((r) => {
      const n = ++this.#storedCount;
      this.#stored.set(n, r);
      return n;
    });
    return { events: sorted.map(eventOf), numbers };
  }

  async allEvents(): Promise<ReadEvents> {
    const stored = this.#numbered(await this.read.rows(`SELECT * FROM ${this.read.storedEvents}`));
    return readEvents(stored.events, stored.numbers);
  }

  async stagedEvents(): Promise<ReadEvents> {
    return readEvents(
      this.#staged.map((s) => s.event),
      this.#staged.map((_, i) => STAGED + i),
    );
  }

  async stagedSeqs(): Promise<{ first: number; count: number }> {
    return { first: STAGED, count: this.#staged.length };
  }

  /**
   * Stages stored events that have no session yet (a collector wrote them; `rows` as the events
   * table holds them): sessionized as new, and written again with their session, same key.
   */
  stagePending(rows: readonly Row[]): void {
    for (const r of rows) {
      const event = eventOf(r);
      this.#staged.push({
        event,
        fields: storedFields(r),
        seq: Number(r.seq),
        key: String(r.ekey),
        pending: { importId: Number(r.import_id), receivedAt: Number(r.received_at) },
      });
    }
  }

  async replaceSessions(
    keys: readonly string[] | undefined,
    sessions: SessionColumns,
    rulesVersion: number,
    events: ReadEvents,
  ): Promise<void> {
    const of = sessions.eventSessions;
    if (of === undefined || of.length !== events.seqs.length) {
      throw new Error('replaceSessions needs the session of every event (sessionize with eventSessions)');
    }
    const version = nextVersion();
    // The sessions replaced: every one, or those of `keys` from where each can change.
    const old = await this.read.rows(
      `SELECT session_id, identity, start_ms FROM ${this.read.sessions} ${this.#oldWhere(keys)}`,
    );
    for (const row of sessionRows(sessions, events, rulesVersion, version)) {
      this.#sessions.set(String(row.session_id), row);
    }
    const fresh = new Set<string>();
    for (let i = 0; i < sessions.length; i++) fresh.add(sessions.sessionId(i));
    for (const o of old) {
      const id = String(o.session_id);
      if (!fresh.has(id)) this.#sessions.set(id, { ...o, version, deleted: 1 });
    }
    // Each event's session: stored events are rewritten when theirs changed, staged ones placed.
    const ids = new Array<string>(sessions.length);
    for (let i = 0; i < sessions.length; i++) ids[i] = sessions.sessionId(i);
    for (let e = 0; e < of.length; e++) {
      const n = events.seqs[e]!;
      const sessionId = ids[of[e]!]!;
      const stored = this.#stored.get(n);
      if (stored === undefined) this.#placed.set(n, sessionId);
      else if (stored.session_id !== sessionId) {
        const rewritten = { ...stored, session_id: sessionId, version };
        this.#stored.set(n, rewritten);
        this.#events.push(rewritten);
      }
    }
  }

  #oldWhere(keys: readonly string[] | undefined): string {
    if (keys === undefined) return '';
    if (keys.length === 0) return 'WHERE 0';
    const from = this.#redoFrom;
    const bounded = keys.filter((k) => from?.get(k) !== undefined && from.get(k) !== null);
    const whole = keys.filter((k) => !bounded.includes(k));
    const parts: string[] = [];
    if (whole.length > 0) parts.push(`identity IN (${whole.map(literal).join(', ')})`);
    if (bounded.length > 0) {
      parts.push(
        `(identity IN (${bounded.map(literal).join(', ')}) AND start_ms >= transform(identity, [${bounded.map(literal).join(', ')}], ${int64s(bounded.map((k) => from!.get(k)!))}, toInt64(0)))`,
      );
    }
    return `WHERE ${parts.join(' OR ')}`;
  }

  async closeTimedOut(timeoutMs: number): Promise<number> {
    let latest = await this.read.latestTs();
    for (const s of this.#staged) if (latest === undefined || s.event.tsMs > latest) latest = s.event.tsMs;
    if (latest === undefined) return 0;
    const version = nextVersion();
    let closed = 0;
    for (const row of this.#sessions.values()) {
      if (row.deleted === 0 && row.end_reason === 'open' && latest - Number(row.end_ms) > timeoutMs) {
        row.end_reason = 'timeout';
        closed++;
      }
    }
    const pending = [...this.#sessions.keys()];
    const open = await this.read.rows(
      `SELECT * FROM ${this.read.sessions} WHERE end_reason = 'open' AND end_ms < ${literal(latest - timeoutMs)}
       ${pending.length === 0 ? '' : `AND session_id NOT IN (${pending.map(literal).join(', ')})`}`,
    );
    for (const row of open) {
      const { identity_no: _, ...rest } = row;
      this.#sessions.set(String(row.session_id), { ...rest, end_reason: 'timeout', version, deleted: 0 });
      closed++;
    }
    return closed;
  }

  async commitEvents(importId: number): Promise<number> {
    const receivedAt = Date.now();
    const version = nextVersion();
    const seen = new Map<string, number>();
    for (const [i, s] of this.#staged.entries()) {
      this.#events.push({
        seq: s.seq,
        import_id: s.pending?.importId ?? importId,
        received_at: s.pending?.receivedAt ?? receivedAt,
        session_id: this.#placed.get(STAGED + i) ?? '',
        ...s.fields,
        ekey: s.key === '' ? eventKey(s.fields, seen) : s.key,
        version,
        deleted: 0,
      });
    }
    const count = this.#staged.length;
    this.#staged = [];
    return count;
  }

  async recordImport(r: ImportRecord): Promise<number> {
    const [row] = await this.read.rows('SELECT max(id) AS id FROM imports');
    const id = Math.max(Number(row?.id ?? 0), ...this.#imports.map((i) => Number(i.id))) + 1;
    this.#imports.push({
      id,
      path: r.path,
      fingerprint: r.fingerprint,
      bytes: r.bytes,
      imported_at: r.importedAtMs,
      rows: r.rows,
      accepted: r.accepted,
      duplicates: r.duplicates,
      rejected: r.rejected,
      left_out: r.leftOut,
      rules_version: r.rulesVersion,
    });
    return id;
  }

  async addRejects(importId: number, rejects: readonly StoredReject[]): Promise<void> {
    for (const r of rejects) this.#rejects.push({ import_id: importId, ...r });
  }

  async saveRules(rules: SessionRules, nowMs: number): Promise<StoredRules> {
    const [row] = await this.read.rows('SELECT max(version) AS v FROM rules');
    const version = Math.max(Number(row?.v ?? 0), ...this.#rules.map((r) => Number(r.version))) + 1;
    this.#rules.push({ version, rules: rulesToJson(rules), created_at: nowMs });
    return { version, rules, createdAtMs: nowMs };
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.#meta.set(key, value);
  }

  async recordErasure(r: ErasureRecord): Promise<void> {
    this.#erasures.push({
      at_ms: r.atMs,
      kind: r.kind,
      actor: r.by,
      what: r.what,
      events: r.events,
      sessions: r.sessions,
    });
  }

  async deleteEvents(
    where: string,
    params: readonly (string | number | bigint)[],
  ): Promise<{ removed: number; keys: string[]; events: ReadEvents }> {
    const { doomed, keys, left, oldSessions } = await selectDoomed(this.read, inlineParams(where, params));
    const version = nextVersion();
    for (const r of doomed) this.#events.push({ ...r, version, deleted: 1 });
    this.#purgeRows(
      'events_local',
      'ekey',
      doomed.map((r) => String(r.ekey)),
    );
    const stored = this.#numbered(left);
    this.#redoFrom = new Map(keys.map((k) => [k, null]));
    this.#oldSessions = oldSessions;
    return { removed: doomed.length, keys, events: readEvents(stored.events, stored.numbers) };
  }

  async finishDelete(): Promise<number> {
    const gone = this.#oldSessions.filter((id) => this.#sessions.get(id)?.deleted !== 0);
    this.#purgeRows('sessions_local', 'session_id', gone);
    this.#oldSessions = [];
    return gone.length;
  }

  async dropSessionsBefore(beforeMs: number): Promise<{ events: number; sessions: number }> {
    const old = `SELECT session_id FROM ${this.read.sessions} WHERE end_ms < ${literal(Math.trunc(beforeMs))}`;
    const sessions = await this.read.rows(
      `SELECT session_id, identity, start_ms FROM ${this.read.sessions} WHERE session_id IN (${old})`,
    );
    const events = await this.read.rows(
      `SELECT * FROM ${this.read.storedEvents} WHERE session_id IN (${old})`,
    );
    const version = nextVersion();
    for (const r of sessions) this.#sessions.set(String(r.session_id), { ...r, version, deleted: 1 });
    for (const r of events) this.#events.push({ ...r, version, deleted: 1 });
    this.#purgeRows(
      'events_local',
      'ekey',
      events.map((r) => String(r.ekey)),
    );
    this.#purgeRows(
      'sessions_local',
      'session_id',
      sessions.map((r) => String(r.session_id)),
    );
    return { events: events.length, sessions: sessions.length };
  }

  /** Erased rows to remove from disk once written (erase.ts `purgeStatements`). */
  #purgeRows(table: 'events_local' | 'sessions_local', column: string, values: readonly string[]): void {
    const { hidden, tombstones } = purgeStatements(table, column, values);
    this.#purge.hidden.push(...hidden);
    this.#purge.tombstones.push(...tombstones);
  }

  /** Writes what the transaction did, in an order a rerun repairs from any point. */
  async flush(to: Writer): Promise<void> {
    await to.insert('rules', this.#rules);
    await to.insert('sessions', [...this.#sessions.values()]);
    await to.insert('events', this.#events);
    await to.insert('rejects', this.#rejects);
    await to.insert('erasures', this.#erasures);
    await to.insert('imports', this.#imports);
    const version = nextVersion();
    await to.insert(
      'stint_meta',
      [...this.#meta].map(([key, value]) => ({ key, value, version })),
    );
    // The tombstones hide what was removed; then it goes from disk, and after it the tombstones.
    if (this.#purge.hidden.length === 0) return;
    for (const statement of this.#purge.hidden) await to.everyShard(statement);
    if (await to.mutationsDone())
      for (const statement of this.#purge.tombstones) await to.everyShard(statement);
  }
}
