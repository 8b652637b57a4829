/**
 * An accepted event that the store refuses must not hold up its site: the writer stores the
 * events around it and sets it aside in the store's `rejects` table, with the store's message.
 * A store that refuses everything (a full disk) sets nothing aside.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventRecord } from '../../src/core/event.ts';
import { createNormalizer } from '../../src/core/normalize.ts';
import { createRules } from '../../src/core/rules.ts';
import { openEventLog } from '../../src/server/event-log.ts';
import { partitionStorable } from '../../src/server/unstorable.ts';
import {
  localWriterStore,
  openSiteWriter,
  type SetAside,
  type WriterOptions,
} from '../../src/server/writer/index.ts';
import { openDuckDBStore } from '../../src/store/duckdb-store.ts';
import { ev } from '../helpers/store.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A store that refuses any set holding a bad item, or holding both items of a bad pair. */
function fakeStore(bad: ReadonlySet<number>, badPairs: readonly [number, number][] = []) {
  let tries = 0;
  const tryStore = async (items: readonly number[]): Promise<string | undefined> => {
    tries++;
    const has = new Set(items);
    const item = items.find((i) => bad.has(i));
    if (item !== undefined) return `refused ${item}`;
    const pair = badPairs.find(([a, b]) => has.has(a) && has.has(b));
    return pair === undefined ? undefined : `refused ${pair[0]} with ${pair[1]}`;
  };
  return { tryStore, tries: () => tries };
}

describe('partitionStorable', () => {
  it('keeps every item but the refused ones, in order, in about 2·log2(n) tries per refused item', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 300 })
          .chain((n) => fc.tuple(fc.constant(n), fc.uniqueArray(fc.nat(n - 1), { maxLength: 4 }))),
        async ([n, badList]) => {
          const items = Array.from({ length: n }, (_, i) => i);
          const bad = new Set(badList);
          const store = fakeStore(bad);
          const { kept, refused } = await partitionStorable(items, store.tryStore, async () => true);
          expect(kept).toEqual(items.filter((i) => !bad.has(i)));
          expect(refused).toEqual(
            [...bad].sort((a, b) => a - b).map((i) => ({ item: i, reason: `refused ${i}` })),
          );
          // Each refused item: a try per halving on its way down, one for the other half, one
          // more to confirm it.
          expect(store.tries()).toBeLessThanOrEqual(1 + bad.size * (2 * Math.ceil(Math.log2(n)) + 2));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses the later of two items that the store refuses only together', async () => {
    const store = fakeStore(new Set(), [[3, 9]]);
    const items = Array.from({ length: 12 }, (_, i) => i);
    const { kept, refused } = await partitionStorable(items, store.tryStore, async () => true);
    expect(kept).toEqual(items.filter((i) => i !== 9));
    expect(refused).toEqual([{ item: 9, reason: 'refused 3 with 9' }]);
  });

  it('throws the store error and refuses nothing when the store takes nothing at all', async () => {
    const refuseAll = async () => 'IO Error: No space left on device';
    await expect(partitionStorable([1, 2, 3], refuseAll, async () => false)).rejects.toThrow(
      'No space left on device',
    );
  });

  it('throws and refuses nothing when the store refuses any try past some size', async () => {
    // As a memory limit or a full temp disk would: small tries pass, large ones fail.
    const bySize = async (items: readonly number[]) =>
      items.length > 5 ? 'Out of Memory Error: failed to allocate' : undefined;
    const works = async (kept: readonly number[]) => (await bySize([...kept, -1])) === undefined;
    const items = Array.from({ length: 12 }, (_, i) => i);
    await expect(partitionStorable(items, bySize, works)).rejects.toThrow('Out of Memory');
  });

  it('keeps an item the store refused only for a moment', async () => {
    let failures = 1;
    const flaky = async (items: readonly number[]) =>
      items.includes(2) && failures-- > 0 ? 'Conflict: try again' : undefined;
    const { kept, refused } = await partitionStorable([1, 2, 3], flaky, async () => true);
    expect(kept).toEqual([1, 2, 3]);
    expect(refused).toEqual([]);
  });
});

describe('eventRecord', () => {
  it('gives an input record that normalizes back to the same event', () => {
    const e = ev('anon-1', '2026-11-20T10:00:00.123Z', {
      userId: 'u1',
      name: 'purchase',
      url: 'https://shop.example/cart?utm_source=mail',
      referrer: 'https://mail.example/',
      utmSource: 'mail',
      utmCampaign: 'winter',
      timezone: 'Europe/Berlin',
      userAgent: 'Mozilla/5.0',
      value: 12.5,
      eventId: 'e1',
      properties: { plan: 'pro', items: [1, 2] },
    });
    const result = createNormalizer()(eventRecord(e));
    expect(result).toMatchObject({ ok: true, event: e });
  });
});

describe('site writer with an event the store refuses', () => {
  async function fixture() {
    const dir = mkdtempSync(join(tmpdir(), 'stint-unstorable-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const store = await openDuckDBStore(join(dir, 'site.duckdb'));
    cleanups.push(() => store.close());
    return { logDir: join(dir, 'site.log'), store };
  }
  const rows = (store: Awaited<ReturnType<typeof fixture>>['store'], sql: string) =>
    store.query({ sql, params: [] });
  /** A writer on the store, with what its sessionizing reported. */
  async function openWriter(
    { logDir, store }: Awaited<ReturnType<typeof fixture>>,
    options: Partial<WriterOptions> = {},
  ) {
    const errors: unknown[] = [];
    const setAside: SetAside[] = [];
    const writer = await openSiteWriter(localWriterStore(store), createRules(), logDir, {
      latenessMs: 300_000,
      maxBatchEvents: 10_000,
      maxPendingEvents: 10_000,
      sessionizeDelayMs: 10,
      onSessionize: (s) => {
        if ('error' in s) errors.push(s.error);
        else setAside.push(...s.setAside);
      },
      ...options,
    });
    cleanups.push(() => writer.close());
    return { writer, errors, setAside };
  }

  it('stores the events around it and sets it aside in rejects, with the store message and the event as JSON', async () => {
    const { logDir, store } = await fixture();
    // A log left by a version that wrote lone surrogates as they came (JSON allows "\ud800"):
    // DuckDB refuses the session's pages that hold such a url.
    const poison = ev('a', '2026-11-20T10:01:00Z', { eventId: 'p1', url: 'https://shop.example/\ud800' });
    const { log } = await openEventLog(logDir, undefined);
    await log.append([ev('b', '2026-11-20T09:59:00Z', { eventId: 'b1', url: '/home' })]);
    await log.append([
      ev('a', '2026-11-20T10:00:00Z', { eventId: 'a1', url: '/home' }),
      poison,
      ev('a', '2026-11-20T10:02:00Z', { eventId: 'a2', url: '/cart' }),
    ]);
    await log.append([ev('c', '2026-11-20T10:03:00Z', { eventId: 'c1', url: '/home' })]);
    await log.close();

    const { writer, errors, setAside } = await openWriter({ logDir, store });
    // The whole batch fails once; then each logged commit is stored on its own, the poison set aside.
    await expect(writer.settle()).rejects.toThrow(/surrogate/);
    await writer.settle();
    expect(errors).toHaveLength(1);
    expect(setAside).toEqual([{ eventId: 'p1', reason: expect.stringMatching(/surrogate/) }]);
    expect(
      (await rows(store, 'SELECT event_id FROM events ORDER BY event_id')).map((r) => r.event_id),
    ).toEqual(['a1', 'a2', 'b1', 'c1']);
    expect(
      await rows(store, 'SELECT identity, events, entry_page, exit_page FROM sessions ORDER BY identity'),
    ).toEqual([
      { identity: 'a', events: 2, entry_page: '/home', exit_page: '/cart' },
      { identity: 'b', events: 1, entry_page: '/home', exit_page: '/home' },
      { identity: 'c', events: 1, entry_page: '/home', exit_page: '/home' },
    ]);
    const [reject] = await rows(store, 'SELECT import_id, file, reason, detail, raw FROM rejects');
    expect(reject).toMatchObject({ import_id: 0, file: 'collector', reason: 'unstorable' });
    expect(String(reject?.detail)).toMatch(/surrogate/);
    // The event as an input record: sent again once the cause is fixed, it is the same event.
    expect(JSON.parse(String(reject?.raw))).toEqual(eventRecord(poison));

    // Nothing waits; new events are stored as before, in whole batches.
    expect(writer.unsessionized).toBe(0);
    await writer.submit([ev('a', '2026-11-20T10:04:00Z', { eventId: 'a3' })]);
    await writer.settle();
    const [a] = await rows(store, "SELECT events FROM sessions WHERE identity = 'a'");
    expect(a?.events).toBe(3);
  });

  it('sets nothing aside while the store refuses every event, and stores them all once it works again', async () => {
    const { logDir, store } = await fixture();
    // Any waiting event makes a quiet batch: commits must still not hurry the retries.
    const { writer, errors, setAside } = await openWriter({ logDir, store }, { quietBatchEvents: 1 });
    // A real transaction on the store (BEGIN … ROLLBACK) whose work fails, as a full disk would.
    const transaction = store.transaction.bind(store);
    store.transaction = () =>
      transaction(async () => {
        throw new Error('IO Error: No space left on device');
      });
    await writer.submit([ev('a', '2026-11-20T10:00:00Z', { eventId: 'a1' })]);
    await writer.submit([
      ev('a', '2026-11-20T10:01:00Z', { eventId: 'a2' }),
      ev('b', '2026-11-20T10:01:00Z', { eventId: 'b1' }),
    ]);
    // Commits go on arriving. The first try, and the careful one a second later: both fail
    // whole, and no commit brings a retry forward.
    for (let i = 0; i < 60; i++) {
      await writer.submit([ev('c', new Date(Date.parse('2026-11-20T10:02:00Z') + i * 1000).toISOString())]);
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors.length).toBeLessThanOrEqual(3);
    expect(String(errors.at(-1))).toMatch(/No space left/);
    store.transaction = transaction;
    await writer.settle();
    expect(setAside).toEqual([]);
    expect(await rows(store, 'SELECT count(*) AS n FROM rejects')).toEqual([{ n: 0 }]);
    expect(await rows(store, 'SELECT count(*) AS n FROM events')).toEqual([{ n: 63 }]);
  });

  it('sets nothing aside while the store refuses transactions past some size', async () => {
    const { logDir, store } = await fixture();
    const { log } = await openEventLog(logDir, undefined);
    await log.append(Array.from({ length: 50 }, (_, i) => ev(`v${i % 5}`, '2026-11-20T10:00:00Z')));
    await log.close();
    // Staging more than 30 events fails, as DuckDB's memory limit would under a heavy query.
    const transaction = store.transaction.bind(store);
    store.transaction = (work) =>
      transaction((tx) => {
        const stage = tx.stageColumns.bind(tx);
        tx.stageColumns = (columns, events) => {
          if (columns.length > 30) throw new Error('Out of Memory Error: failed to allocate');
          return stage(columns, events);
        };
        return work(tx);
      });
    const { writer, errors, setAside } = await openWriter({ logDir, store });
    // The first try, then the careful one a second later: it fails too, with the store's error.
    await vi.waitFor(() => expect(errors.length).toBeGreaterThanOrEqual(2), { timeout: 5000, interval: 50 });
    expect(String(errors[1])).toMatch(/Out of Memory/);
    expect(setAside).toEqual([]);
    expect(writer.unsessionized).toBe(50);
    store.transaction = transaction;
    await writer.settle();
    expect(await rows(store, 'SELECT count(*) AS n FROM rejects')).toEqual([{ n: 0 }]);
    expect(await rows(store, 'SELECT count(*) AS n FROM events')).toEqual([{ n: 50 }]);
  });

  it("stores a failed batch's commits back to back, not one per sessionize_delay", async () => {
    const { logDir, store } = await fixture();
    // A minute's delay; a batch starts once 11 events wait: the poison's commit and ten more.
    const { writer, setAside } = await openWriter(
      { logDir, store },
      { sessionizeDelayMs: 60_000, quietBatchEvents: 11 },
    );
    await writer.submit([ev('a', '2026-11-20T10:00:00Z', { eventId: 'p1', url: '/\ud800' })]);
    for (let i = 0; i < 10; i++)
      await writer.submit([ev(`v${i}`, '2026-11-20T10:01:00Z', { eventId: `e${i}` })]);
    // That batch fails; a second later its commits are stored one at a time, one after the other.
    // One per sessionize_delay would take ten minutes; a loaded machine takes seconds, so the wait
    // allows 40 s without coming near a minute.
    await vi.waitFor(() => expect(writer.unsessionized).toBe(0), { timeout: 40_000, interval: 50 });
    expect(setAside.map((s) => s.eventId)).toEqual(['p1']);
    expect(await rows(store, 'SELECT count(*) AS n FROM events')).toEqual([{ n: 10 }]);
  });
});
