/**
 * The store contract, role by role (store.ts): every method of EventSink, SessionSink,
 * AffectedRange, ImportLog, RulesStore, QueryRunner, the stored event_ids, erasure and meta,
 * and the optional Parquet capability's absence or presence. Run by `describeStoreContract`.
 */
import { expect, it } from 'vitest';
import { sessionizeToColumns } from '../../src/core/batch.ts';
import { EventColumnsBuilder } from '../../src/core/columns.ts';
import type { StintEvent } from '../../src/core/event.ts';
import { createRules } from '../../src/core/rules.ts';
import { parquetFastPath } from '../../src/store/capabilities.ts';
import { commitStaged, storeCollectorBatch } from '../../src/store/ingest/index.ts';
import type { Store, StoreTransaction } from '../../src/store/store.ts';
import { ev } from './store.ts';

const RULES = createRules();

const columnsOf = (events: readonly StintEvent[]) => {
  const b = new EventColumnsBuilder(events.length, { dedupe: false });
  for (const e of events) b.append(e);
  return b.finish();
};

const ids = async (store: Store, sql: string): Promise<unknown[]> =>
  (await store.query({ sql, params: [] })).map((r) => Object.values(r)[0]);

/** The role tests, on stores `fresh` opens (closed by the caller's afterEach). */
export function roleContract(fresh: () => Promise<Store>): void {
  const withRules = async (): Promise<{ store: Store; version: number }> => {
    const store = await fresh();
    const { version } = await store.transaction((tx) => tx.saveRules(RULES, 0));
    return { store, version };
  };
  const stored = { rules: RULES, version: 1, createdAtMs: 0 };
  const plainCommit = (tx: StoreTransaction, version: number) =>
    commitStaged(tx, { rules: RULES, rulesVersion: version, dropRetries: true, record: async () => 0 });

  it('EventSink: stages events and columns alike, gives them back in input order, and commits them', async () => {
    const { store, version } = await withRules();
    const a = [ev('a', '2026-10-01T10:00:00Z', { eventId: 'x1' }), ev('b', '2026-10-01T10:01:00Z')];
    const b = [ev('a', '2026-10-01T10:02:00Z', { eventId: 'x2', url: '/p' })];
    await store.transaction(async (tx) => {
      await tx.stageEvents(a);
      await tx.stageColumns(columnsOf(b), b);
      const seqs = await tx.stagedSeqs();
      expect(seqs.count).toBe(3);
      const staged = await tx.stagedEvents();
      expect(Array.from(staged.seqs)).toEqual([seqs.first, seqs.first + 1, seqs.first + 2]);
      expect(Array.from(staged.columns.tsMs)).toEqual([...a, ...b].map((e) => e.tsMs));
      await plainCommit(tx, version);
    });
    expect(await ids(store, 'SELECT event_id FROM events ORDER BY seq')).toEqual(['x1', '', 'x2']);
    expect(store.path).not.toBe('');
  });

  it('stored event_ids: every one, in chunks, and which of some are stored', async () => {
    const { store } = await withRules();
    await store.transaction((tx) =>
      storeCollectorBatch(
        tx,
        [ev('a', '2026-10-01T10:00:00Z', { eventId: 'k1' }), ev('a', '2026-10-01T10:01:00Z')],
        stored,
      ),
    );
    const all: string[] = [];
    await store.eachEventId((chunk) => all.push(...chunk));
    expect(all).toEqual(['k1']);
    expect([...(await store.storedEventIds(['k1', 'k2']))]).toEqual(['k1']);
    expect([...(await store.storedEventIds([]))]).toEqual([]);
  });

  it('AffectedRange: in device mode, the staged identities from their last session that can change', async () => {
    const { store, version } = await withRules();
    await store.transaction(async (tx) => {
      await tx.stageEvents([
        ev('a', '2026-10-01T08:00:00Z'),
        ev('a', '2026-10-01T10:00:00Z'),
        ev('b', '2026-10-01T10:00:00Z'),
      ]);
      await plainCommit(tx, version);
    });
    await store.transaction(async (tx) => {
      await tx.stageEvents([ev('a', '2026-10-01T10:05:00Z')]);
      const { keys, events } = await tx.affectedEvents({ identity: 'device' });
      expect(keys).toEqual(['a']);
      // a's 08:00 session cannot change: only its 10:00 session and the new event.
      expect(Array.from(events.columns.tsMs)).toEqual(
        ['2026-10-01T10:00:00Z', '2026-10-01T10:05:00Z'].map((t) => Date.parse(t)),
      );
    });
    await store.transaction(async (tx) => {
      await tx.stageEvents([ev('a', '2026-10-01T10:05:00Z')]);
      const storedOnly = await tx.affectedEvents({ identity: 'device', staged: false });
      expect(storedOnly.events.columns.length).toBe(1);
      const all = await tx.allEvents();
      expect(all.columns.length).toBe(3); // the stored ones
    });
  });

  it('SessionSink: replaces every session with keys undefined, and closes none that are not over', async () => {
    const { store, version } = await withRules();
    await store.transaction(async (tx) => {
      await tx.stageEvents([ev('a', '2026-10-01T10:00:00Z'), ev('a', '2026-10-01T10:40:00Z')]);
      await plainCommit(tx, version);
    });
    expect(await ids(store, 'SELECT count(*) AS n FROM sessions')).toEqual([2]);
    await store.transaction(async (tx) => {
      const all = await tx.allEvents();
      const rules = createRules({ timeoutMs: 60 * 60_000 });
      await tx.replaceSessions(
        undefined,
        sessionizeToColumns(all.columns, rules, { eventSessions: true }),
        version,
        all,
      );
      expect(await tx.closeTimedOut(rules.timeoutMs)).toBe(0);
    });
    expect(await ids(store, 'SELECT events FROM sessions')).toEqual([2]);
  });

  it('ImportLog: keeps rejected rows with their import', async () => {
    const { store } = await withRules();
    await store.transaction(async (tx) => {
      await tx.addRejects(7, [{ file: 'f.csv', line: 3, reason: 'bad_timestamp', detail: 'x', raw: 'a,b' }]);
      await tx.addRejects(7, []);
    });
    const rows = await store.query({
      sql: 'SELECT import_id, file, line, reason, raw FROM rejects',
      params: [],
    });
    expect(rows).toEqual([{ import_id: 7, file: 'f.csv', line: 3, reason: 'bad_timestamp', raw: 'a,b' }]);
  });

  it('meta: a value set in a transaction is read back, and replaced', async () => {
    const store = await fresh();
    expect(await store.meta('log_position')).toBeUndefined();
    await store.transaction((tx) => tx.setMeta('log_position', '0:10'));
    await store.transaction((tx) => tx.setMeta('log_position', '0:20'));
    expect(await store.meta('log_position')).toBe('0:20');
  });

  it('erasure: deletes selected events, resessionizes what is left, and logs it', async () => {
    const { store, version } = await withRules();
    await store.transaction(async (tx) => {
      await tx.stageEvents([
        ev('a', '2026-10-01T10:00:00Z', { url: '/1' }),
        ev('a', '2026-10-01T10:01:00Z', { url: '/2' }),
        ev('b', '2026-10-01T10:00:00Z'),
      ]);
      await plainCommit(tx, version);
    });
    await store.transaction(async (tx) => {
      const { removed, keys, events } = await tx.deleteEvents(`url = ?`, ['/1']);
      expect([removed, keys, events.columns.length]).toEqual([1, ['a'], 1]);
      await tx.replaceSessions(
        keys,
        sessionizeToColumns(events.columns, RULES, { eventSessions: true }),
        version,
        events,
      );
      expect(await tx.finishDelete()).toBe(1);
      await tx.recordErasure({
        atMs: 5,
        kind: 'delete',
        by: 'cli:test',
        what: 'url',
        events: 1,
        sessions: 1,
      });
    });
    expect(await ids(store, `SELECT events FROM sessions WHERE identity = 'a'`)).toEqual([1]);
    expect(await ids(store, 'SELECT kind FROM erasures')).toEqual(['delete']);
  });

  it('erasure: retention drops whole sessions that ended before a time, with their events', async () => {
    const { store, version } = await withRules();
    await store.transaction(async (tx) => {
      await tx.stageEvents([ev('a', '2026-10-01T10:00:00Z'), ev('b', '2026-10-03T10:00:00Z')]);
      await plainCommit(tx, version);
    });
    const dropped = await store.transaction((tx) =>
      tx.dropSessionsBefore(Date.parse('2026-10-02T00:00:00Z')),
    );
    expect(dropped).toEqual({ events: 1, sessions: 1 });
    expect(await ids(store, 'SELECT identity FROM sessions')).toEqual(['b']);
  });

  it('the Parquet fast path is an optional capability: whole, or absent', async () => {
    const store = await fresh();
    await store.transaction(async (tx) => {
      const fast = parquetFastPath(tx);
      if (fast === undefined) return;
      expect(typeof fast.stageRows).toBe('function');
      expect(typeof fast.touchesStored).toBe('function');
      expect(typeof fast.addSessionized).toBe('function');
    });
  });
}
