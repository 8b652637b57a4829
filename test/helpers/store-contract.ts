/**
 * The store contract: what every `Store` implementation must do, as one suite that each
 * implementation's test file runs with its own `open` (DuckDB now; ClickHouse later).
 *
 *   describeStoreContract('DuckDB', () => openDuckDBStore(path));
 *
 * Every analysis is part of it: on the same events a store answers each one as the DuckDB
 * store does, and the overview as the plain TypeScript reference (analysis/overview.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { aggregatesOfSessions, metricsOf, overview } from '../../src/analysis/overview.ts';
import { compile } from '../../src/analysis/plans.ts';
import { parseQueryOptions } from '../../src/analysis/query-options.ts';
import { sessionizeToColumns } from '../../src/core/batch.ts';
import type { StintEvent } from '../../src/core/event.ts';
import { createRules } from '../../src/core/rules.ts';
import { sessionizeEvents } from '../../src/core/sessionize.ts';
import { rulesToJson } from '../../src/store/rules-json.ts';
import type { ImportRecord, Store, StoreTransaction } from '../../src/store/store.ts';
import { EVENTS, everyAnalysis } from '../sql/every-analysis.ts';
import { ev, freshStore, importEvents } from './store.ts';
import { roleContract } from './store-roles-contract.ts';

const RULES = createRules({ goals: ['purchase'], identity: 'user' });

function record(path: string, rulesVersion: number): ImportRecord {
  return {
    path,
    fingerprint: `sha256:${path}`,
    bytes: 10,
    importedAtMs: Date.UTC(2026, 9, 1),
    rows: 3,
    accepted: 2,
    duplicates: 1,
    rejected: 0,
    leftOut: 0,
    rulesVersion,
  };
}

/** Stages events, sessionizes what they touch, records and commits, as an import does. */
async function importInto(tx: StoreTransaction, events: StintEvent[], path: string, version: number) {
  await tx.stageEvents(events);
  const dropped = await tx.dropStoredRetries();
  const { keys, events: read } = await tx.affectedEvents({ identity: RULES.identity });
  const sessions = sessionizeToColumns(read.columns, RULES, { eventSessions: true });
  await tx.replaceSessions(keys, sessions, version, read);
  await tx.closeTimedOut(RULES.timeoutMs);
  await tx.commitEvents(await tx.recordImport(record(path, version)));
  return { dropped, keys, events: read.columns.length };
}

export function describeStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`store contract: ${name}`, () => {
    const opened: Store[] = [];
    const fresh = async (): Promise<Store> => {
      const s = await open();
      opened.push(s);
      return s;
    };
    afterEach(() => {
      for (const s of opened.splice(0)) s.close();
    });
    roleContract(fresh);

    const count = async (store: Store, table: string): Promise<number> =>
      Number((await store.query({ sql: `SELECT count(*) AS n FROM ${table}`, params: [] }))[0]!.n);

    it('starts empty: no rules, no imports, no sessions', async () => {
      const store = await fresh();
      expect(await store.rules()).toBeUndefined();
      expect(await store.imports()).toEqual([]);
      expect(await count(store, 'sessions')).toBe(0);
    });

    it('keeps rules with increasing versions, and gives them back equal', async () => {
      const store = await fresh();
      const first = await store.transaction((tx) => tx.saveRules(RULES, 1000));
      const second = await store.transaction((tx) => tx.saveRules(createRules({ timeoutMs: 60_000 }), 2000));
      expect([first.version, second.version]).toEqual([1, 2]);
      const latest = await store.rules();
      expect(latest?.version).toBe(2);
      expect(rulesToJson(latest!.rules)).toBe(rulesToJson(createRules({ timeoutMs: 60_000 })));
    });

    it('records imports and finds them by fingerprint', async () => {
      const store = await fresh();
      await store.transaction(async (tx) => {
        const { version } = await tx.saveRules(RULES, 0);
        await importInto(tx, [ev('a', '2026-10-01T10:00:00Z', { eventId: 'e1' })], 'a.csv', version);
      });
      expect(await store.findImport('sha256:a.csv')).toMatchObject({
        path: 'a.csv',
        accepted: 2,
        rulesVersion: 1,
      });
      expect(await store.findImport('sha256:other')).toBeUndefined();
      expect((await store.imports()).map((i) => i.path)).toEqual(['a.csv']);
    });

    it('rolls a failed transaction back whole', async () => {
      const store = await fresh();
      await expect(
        store.transaction(async (tx) => {
          const { version } = await tx.saveRules(RULES, 0);
          await importInto(tx, [ev('a', '2026-10-01T10:00:00Z')], 'a.csv', version);
          throw new Error('disk full');
        }),
      ).rejects.toThrow('disk full');
      expect(await store.rules()).toBeUndefined();
      expect(await store.imports()).toEqual([]);
      expect(await count(store, 'events')).toBe(0);
      expect(await count(store, 'sessions')).toBe(0);
    });

    it('drops retries of stored and of earlier staged events; the first occurrence wins', async () => {
      const store = await fresh();
      const version = (await store.transaction((tx) => tx.saveRules(RULES, 0))).version;
      await store.transaction((tx) =>
        importInto(tx, [ev('a', '2026-10-01T10:00:00Z', { eventId: 'e1', url: '/first' })], 'a', version),
      );
      const second = await store.transaction((tx) =>
        importInto(
          tx,
          [
            ev('a', '2026-10-01T10:05:00Z', { eventId: 'e1', url: '/retry' }),
            ev('a', '2026-10-01T10:06:00Z', { eventId: 'e2' }),
            ev('a', '2026-10-01T10:07:00Z', { eventId: 'e2' }),
          ],
          'b',
          version,
        ),
      );
      expect(second.dropped).toBe(2);
      const urls = await store.query({ sql: 'SELECT url FROM events ORDER BY seq', params: [] });
      expect(urls.map((r) => r.url)).toEqual(['/first', '']);
    });

    it('re-sessionizes exactly the identities linked to new events, and replaces their sessions', async () => {
      const store = await fresh();
      const version = (await store.transaction((tx) => tx.saveRules(RULES, 0))).version;
      await store.transaction((tx) =>
        importInto(
          tx,
          [
            ev('dev1', '2026-10-01T10:00:00Z'),
            ev('dev2', '2026-10-01T10:00:00Z', { userId: 'u1' }),
            ev('other', '2026-10-01T10:00:00Z'),
          ],
          'a',
          version,
        ),
      );
      // dev1 logs in as u1: dev1, u1 and (through u1) dev2 are affected; `other` is not.
      const second = await store.transaction((tx) =>
        importInto(tx, [ev('dev1', '2026-10-01T10:10:00Z', { userId: 'u1' })], 'b', version),
      );
      expect(second.keys).toEqual(['dev1', 'dev2', 'u1']);
      expect(second.events).toBe(3);
      const sessions = await store.query({
        sql: 'SELECT identity, events, start_ms, end_reason FROM sessions ORDER BY identity',
        params: [],
      });
      // In user mode dev1 and dev2 now belong to u1: one session of three events; `other` is untouched.
      expect(sessions.map((s) => [s.identity, s.events])).toEqual([
        ['other', 1],
        ['u1', 3],
      ]);
      const placed = await store.query({
        sql: 'SELECT count(*) AS n FROM events WHERE session_id IS NULL OR session_id NOT IN (SELECT session_id FROM sessions)',
        params: [],
      });
      expect(Number(placed[0]!.n)).toBe(0);
    });

    it('closes open sessions that a later event shows as over', async () => {
      const store = await fresh();
      const version = (await store.transaction((tx) => tx.saveRules(RULES, 0))).version;
      await store.transaction((tx) => importInto(tx, [ev('a', '2026-10-01T10:00:00Z')], 'a', version));
      const before = await store.query({ sql: 'SELECT end_reason FROM sessions', params: [] });
      expect(before.map((r) => r.end_reason)).toEqual(['open']);
      await store.transaction((tx) => importInto(tx, [ev('b', '2026-10-01T12:00:00Z')], 'b', version));
      const after = await store.query({
        sql: 'SELECT identity, end_reason FROM sessions ORDER BY identity',
        params: [],
      });
      expect(after.map((r) => [r.identity, r.end_reason])).toEqual([
        ['a', 'timeout'],
        ['b', 'open'],
      ]);
    });

    it('runs compiled plans with values bound, and gives plain rows (numbers, not bigints)', async () => {
      const store = await fresh();
      const version = (await store.transaction((tx) => tx.saveRules(RULES, 0))).version;
      await store.transaction((tx) => importInto(tx, [ev('a', '2026-10-01T10:00:00Z')], 'a', version));
      const plan = (value: string) =>
        compile(
          {
            where: [{ kind: 'dimension', dimension: 'identity', op: '=', value }],
            aggregates: ['sessions', 'pageviews'],
          },
          store.dialect,
        );
      expect(await store.query(plan('a'))).toEqual([{ sessions: 1, pageviews: 1 }]);
      expect(await store.query(plan("x' OR '1'='1"))).toEqual([{ sessions: 0, pageviews: 0 }]);
    });

    it('answers every analysis as the DuckDB store does, and the overview as the TypeScript reference', async () => {
      const store = await fresh();
      const reference = await freshStore();
      for (const s of [store, reference]) await importEvents(s, EVENTS, RULES);
      // Each analysis unfiltered and with one property filter (test/sql runs every filter).
      const some = (all: ReturnType<typeof everyAnalysis>) =>
        all.filter(([name]) => / \[(prop\.plan=pro)?\]$/.test(name) || name === 'session journey');
      const analyses = some(everyAnalysis(store));
      const expected = some(everyAnalysis(reference));
      expect(analyses.length).toBeGreaterThan(40);
      const plain = (x: unknown): unknown => (x === undefined ? x : JSON.parse(JSON.stringify(x)));
      for (const [i, [name, run]] of analyses.entries())
        expect(plain(await run()), name).toEqual(plain(await expected[i]![1]()));
      const whole = parseQueryOptions({ from: '2026-09-01', to: '2026-11-01' });
      const metrics = Object.fromEntries(
        Object.entries((await overview(store, whole)).metrics).map(([m, c]) => [m, c.value]),
      );
      const sessions = sessionizeEvents(EVENTS, RULES);
      expect(metrics).toEqual(metricsOf(aggregatesOfSessions(sessions)));
      // Over a hundred queries: on two shards each subquery is a round trip to every shard.
    }, 180_000);
  });
}
