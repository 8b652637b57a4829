/**
 * The server's site store runs in a worker thread (src/server/site-store.ts). These tests hold
 * it to the store it wraps: the same rows stored and read back, errors that keep their code,
 * a failed call that leaves the store usable, and a crashed worker replaced on the next call.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { StintError } from '../../src/core/errors.ts';
import { createRules } from '../../src/core/rules.ts';
import { encodeLines } from '../../src/server/event-log.ts';
import { openSiteStore, type SiteStore } from '../../src/server/site-store.ts';
import { localWriterStore } from '../../src/server/writer/index.ts';
import { openDuckDBStore } from '../../src/store/duckdb-store.ts';
import { ev } from '../helpers/store.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stint-site-store-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function siteStore(path: string, hooks: Parameters<typeof openSiteStore>[2] = {}): Promise<SiteStore> {
  const store = await openSiteStore(path, {}, hooks);
  cleanups.push(() => store.close());
  return store;
}

const EVENTS = [
  ev('a', '2026-11-20T10:00:00Z', { eventId: 'e1', url: 'https://shop.example/' }),
  ev('a', '2026-11-20T10:05:00Z', { eventId: 'e2', url: 'https://shop.example/pricing' }),
  ev('b', '2026-11-20T10:01:00Z', { eventId: 'e3', url: 'https://shop.example/', userAgent: 'curl/8' }),
  ev('a', '2026-11-20T12:00:00Z', { eventId: 'e4', url: 'https://shop.example/cart', value: 12.5 }),
];
const SESSIONS = 'SELECT * FROM sessions ORDER BY session_id';
const STORED = 'SELECT event_id, session_id, ts_ms FROM events ORDER BY event_id';

describe('site store in a worker thread', () => {
  it('hands a batch of lines that owns its memory over to the worker instead of copying it', async () => {
    const store = await siteStore(join(tempDir(), 'site.duckdb'));
    const rules = await store.ensureRules(createRules());
    // Megabytes, as a sessionizing batch under load: its own ArrayBuffer, moved to the worker.
    const many = Array.from({ length: 20_000 }, (_, i) =>
      ev(`v${i % 500}`, new Date(Date.parse('2026-11-20T10:00:00Z') + i * 1000).toISOString(), {
        eventId: `m${i}`,
      }),
    );
    const big = Buffer.concat([encodeLines(many.slice(0, 10_000)), encodeLines(many.slice(10_000))]);
    expect(big.byteOffset === 0 && big.byteLength === big.buffer.byteLength).toBe(true);
    await store.storeLogged(big, '1:1', rules);
    expect(big.byteLength).toBe(0); // detached: it was moved, not copied
    // A few events' lines are a slice of Node's shared pool: copied, the pool left alone.
    const small = encodeLines(EVENTS);
    expect(small.byteLength).toBeLessThan(small.buffer.byteLength);
    await store.storeLogged(small, '1:2', rules);
    expect(small.byteLength).toBeGreaterThan(0);
    const [row] = await store.query({ sql: 'SELECT count(*) AS n FROM events', params: [] });
    expect(Number(row?.n)).toBe(20_000 + EVENTS.length);
  });

  it('stores logged lines as the writer does in its own thread, and reads them back alike', async () => {
    const dir = tempDir();
    const rules = createRules();
    const here = await openDuckDBStore(join(dir, 'here.duckdb'));
    const local = localWriterStore(here);
    const localRules = await local.ensureRules(rules);
    await local.storeLogged(encodeLines(EVENTS), '1:400', localRules);
    const expected = {
      sessions: await here.query({ sql: SESSIONS, params: [] }),
      events: await here.query({ sql: STORED, params: [] }),
    };
    here.close();

    const store = await siteStore(join(dir, 'worker.duckdb'));
    const stored = await store.ensureRules(rules);
    expect(stored.rules).toEqual(localRules.rules);
    expect(await store.ensureRules(createRules({ timeoutMs: 60_000 }))).toEqual(stored); // saved once
    await store.storeLogged(encodeLines(EVENTS), '1:400', stored);
    expect(await store.query({ sql: SESSIONS, params: [] })).toEqual(expected.sessions);
    expect(await store.query({ sql: STORED, params: [] })).toEqual(expected.events);
    expect(expected.sessions.length).toBe(3);
    expect(await store.meta('log_position')).toBe('1:400');
    expect(await store.meta('nothing')).toBeUndefined();
    expect(await store.rules()).toEqual(stored);
    expect(await store.storedEventIds(['e2', 'e9', 'e4'])).toEqual(new Set(['e2', 'e4']));
    const ids: string[] = [];
    await store.eachEventId((chunk) => ids.push(...chunk));
    expect(ids.sort()).toEqual(['e1', 'e2', 'e3', 'e4']);
    await expect(store.transaction(async () => undefined)).rejects.toThrow('only through storeLogged');
  });

  it('stores a batch sent twice once (its first answer lost with a worker that stopped)', async () => {
    const store = await siteStore(join(tempDir(), 'site.duckdb'));
    const rules = await store.ensureRules(createRules());
    await store.storeLogged(encodeLines(EVENTS.slice(0, 2)), '1:200', rules);
    await store.storeLogged(encodeLines(EVENTS.slice(0, 2)), '1:200', rules);
    await store.storeLogged(encodeLines(EVENTS.slice(2)), '1:400', rules);
    expect(await store.query({ sql: STORED, params: [] })).toHaveLength(4);
    expect(await store.meta('log_position')).toBe('1:400');
  });

  it('gives the store’s errors with their code, and goes on after a failed call', async () => {
    const dir = tempDir();
    const notAStore = join(dir, 'notes.duckdb');
    writeFileSync(notAStore, 'not a database\n'.repeat(500));
    const direct = await openDuckDBStore(notAStore).catch((err: unknown) => err);
    const viaWorker = await openSiteStore(notAStore).catch((err: unknown) => err);
    expect(direct).toBeInstanceOf(StintError);
    expect(viaWorker).toBeInstanceOf(StintError);
    expect((viaWorker as StintError).code).toBe((direct as StintError).code);
    expect((viaWorker as StintError).message).toBe((direct as StintError).message);
    expect((viaWorker as StintError).hint).toBe((direct as StintError).hint);

    const store = await siteStore(join(dir, 'site.duckdb'));
    await expect(store.query({ sql: 'SELECT * FROM no_such_table', params: [] })).rejects.toThrow(
      /no_such_table/,
    );
    expect(await store.query({ sql: 'SELECT 1 AS one', params: [] })).toEqual([{ one: 1 }]);
  });

  it('fails the calls of a worker that stops before answering, and starts a new one on the same file for the next', async () => {
    const dir = tempDir();
    const workers: Worker[] = [];
    const store = await siteStore(join(dir, 'site.duckdb'), { onStart: (w) => workers.push(w) });
    const rules = await store.ensureRules(createRules());
    await store.storeLogged(encodeLines(EVENTS.slice(0, 2)), '1:200', rules);
    expect(workers).toHaveLength(1);

    const pending = store.query({ sql: 'SELECT count(*) AS n FROM range(100000000)', params: [] });
    await workers[0]!.terminate();
    await expect(pending).rejects.toThrow('stopped');

    expect(await store.query({ sql: 'SELECT count(*)::INTEGER AS n FROM events', params: [] })).toEqual([
      { n: 2 },
    ]);
    expect(workers).toHaveLength(2);
  });

  it('refuses calls made while it closes, and answers those made before', async () => {
    const store = await openSiteStore(join(tempDir(), 'site.duckdb'));
    const before = store.query({ sql: 'SELECT count(*)::INTEGER AS n FROM range(3000000)', params: [] });
    const closing = store.close();
    await expect(store.meta('log_position')).rejects.toThrow('closed');
    expect(await before).toEqual([{ n: 3_000_000 }]);
    await closing;
  });

  it('closes: later calls are refused, and the file opens in this thread', async () => {
    const dir = tempDir();
    const path = join(dir, 'site.duckdb');
    const store = await openSiteStore(path);
    const rules = await store.ensureRules(createRules());
    await store.storeLogged(encodeLines(EVENTS), '1:400', rules);
    await store.close();
    await store.close(); // twice is fine
    await expect(store.meta('log_position')).rejects.toThrow('closed');
    const again = await openDuckDBStore(path);
    try {
      expect(await again.meta('log_position')).toBe('1:400');
    } finally {
      again.close();
    }
  });
});
