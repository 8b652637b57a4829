/**
 * A site's write path (src/server/writer/): a failing sessionizing
 * transaction is retried after a pause, no transaction is larger than `maxBatchEvents`, an
 * event the log holds twice is stored once, and a batch starts before the delay only while the
 * collector has room.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deviceIdentity } from '../../src/core/event.ts';
import { createRules } from '../../src/core/rules.ts';
import { openEventLog } from '../../src/server/event-log.ts';
import { localWriterStore, openSiteWriter, type WriterOptions } from '../../src/server/writer/index.ts';
import { openDuckDBStore } from '../../src/store/duckdb-store.ts';
import type { Store } from '../../src/store/store.ts';
import { ev } from '../helpers/store.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fixture(): Promise<{ dir: string; store: Store }> {
  const dir = mkdtempSync(join(tmpdir(), 'stint-writer-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const store = await openDuckDBStore(join(dir, 'site.duckdb'));
  cleanups.push(() => store.close());
  return { dir, store };
}

const OPTIONS: WriterOptions = {
  latenessMs: 300_000,
  maxBatchEvents: 2,
  maxPendingEvents: 10_000,
  sessionizeDelayMs: 10,
};

/** A writer on a fresh store and log with OPTIONS and `options`, closed after the test. */
async function siteWriter(options: Partial<WriterOptions> = {}) {
  const { dir, store } = await fixture();
  const writer = await openSiteWriter(localWriterStore(store), createRules(), join(dir, 'site.log'), {
    ...OPTIONS,
    ...options,
  });
  cleanups.push(() => writer.close());
  return { store, writer };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('site writer batches', () => {
  it("counts a request's own events against maxPendingEvents, and takes a large one when nothing waits", async () => {
    // A minute's delay: what is accepted stays unsessionized during the test.
    const waitingWriter = async () =>
      (await siteWriter({ maxPendingEvents: 10, sessionizeDelayMs: 60_000, quietBatchEvents: 1_000_000 }))
        .writer;
    let serial = 0;
    const events = (n: number) =>
      Array.from({ length: n }, () => {
        const i = serial++;
        return ev('p', new Date(Date.UTC(2026, 10, 20, 10, 0, i)).toISOString(), { eventId: `p${i}` });
      });
    const writer = await waitingWriter();
    await writer.submit(events(8));
    await expect(writer.submit(events(5))).rejects.toMatchObject({ reason: 'busy' });
    await writer.submit(events(2));
    expect(writer.unsessionized + writer.queued).toBe(10);
    // Nothing waits: even 25, more than the allowance, are taken.
    const fresh = await waitingWriter();
    await fresh.submit(events(25));
    await expect(fresh.submit(events(1))).rejects.toMatchObject({ reason: 'busy' });
  });

  it('waits before it retries a failed sessionizing transaction, also with a full batch waiting', async () => {
    const { dir, store } = await fixture();
    const errors: unknown[] = [];
    const writer = await openSiteWriter(localWriterStore(store), createRules(), join(dir, 'site.log'), {
      ...OPTIONS,
      onSessionize: (s) => {
        if ('error' in s) errors.push(s.error);
      },
    });
    // The store fails (disk full, say) while three events (more than a batch) wait.
    const transaction = store.transaction.bind(store);
    // A real transaction on the store (BEGIN … ROLLBACK) whose work fails, as a full disk would.
    store.transaction = () =>
      transaction(async () => {
        throw new Error('disk full');
      });
    await writer.submit([
      ev('a', '2026-11-20T10:00:00Z', { eventId: 'e1' }),
      ev('a', '2026-11-20T10:01:00Z', { eventId: 'e2' }),
      ev('a', '2026-11-20T10:02:00Z', { eventId: 'e3' }),
    ]);
    await sleep(500);
    const failures = errors.length;
    store.transaction = transaction;
    await writer.close();
    // The writer says "retried" after 1 s: in half a second, one attempt (and perhaps one more).
    expect(failures).toBeGreaterThanOrEqual(1);
    expect(failures).toBeLessThanOrEqual(2);
  });

  it('keeps a transaction to maxBatchEvents also for the events recovered from the log at start', async () => {
    const { dir, store } = await fixture();
    const logDir = join(dir, 'site.log');
    // Five events in the log that the store does not have yet (a crash before they were stored).
    const { log } = await openEventLog(logDir, undefined);
    for (let i = 0; i < 5; i++) await log.append([ev('a', `2026-11-20T10:0${i}:00Z`, { eventId: `r${i}` })]);
    await log.close();

    const sizes: number[] = [];
    const writer = await openSiteWriter(localWriterStore(store), createRules(), logDir, {
      ...OPTIONS,
      onSessionize: (s) => {
        if ('events' in s) sizes.push(s.events);
      },
    });
    expect(writer.unsessionized).toBe(5);
    await writer.settle();
    await writer.close();
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(5);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(OPTIONS.maxBatchEvents);
  });
  it('stores an event once when the log holds it twice (an unacknowledged copy, then its retry)', async () => {
    const { dir, store } = await fixture();
    const logDir = join(dir, 'site.log');
    const { log } = await openEventLog(logDir, undefined);
    const a = ev('a', '2026-11-20T10:00:00Z', { eventId: 'e1' });
    await log.append([a]);
    await log.append([ev('a', '2026-11-20T10:01:00Z', { eventId: 'e2' }), a]);
    await log.close();
    const writer = await openSiteWriter(localWriterStore(store), createRules(), logDir, OPTIONS);
    cleanups.push(() => writer.close());
    await writer.settle();
    const rows = await store.query({ sql: 'SELECT event_id FROM events ORDER BY event_id', params: [] });
    expect(rows.map((r) => r.event_id)).toEqual(['e1', 'e2']);
    expect((await writer.submit([a])).duplicate).toEqual([true]);
  });

  it('tells retries from new events while a batch of many thousand ids leaves the index', async () => {
    const { store, writer } = await siteWriter({
      maxBatchEvents: 50_000,
      maxPendingEvents: 100_000,
      sessionizeDelayMs: 0,
    });
    const base = Date.parse('2026-11-20T10:00:00Z');
    const events = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) =>
        ev(`v${(from + i) % 700}`, new Date(base + (from + i) * 1000).toISOString(), {
          eventId: `e${from + i}`,
        }),
      );
    for (let k = 0; k < 10; k++) await writer.submit(events(k * 2000, 2000));
    // Retries go on arriving while the 20,000 events are stored and their ids leave the index
    // (thousands at a time, between requests): every one is a duplicate, whenever it comes.
    const settled = writer.settle();
    let done = false;
    void settled.then(() => {
      done = true;
    });
    const answers: boolean[] = [];
    for (let k = 0; !done || k < 20; k = (k + 1) % 200) {
      answers.push(...(await writer.submit(events(k * 100, 100))).duplicate);
      await new Promise(setImmediate);
    }
    await settled;
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((d) => d)).toBe(true);
    const [row] = await store.query({ sql: 'SELECT count(*) AS n FROM events', params: [] });
    expect(Number(row?.n)).toBe(20_000);
    expect((await writer.submit(events(20_000, 1))).duplicate).toEqual([false]);
  });

  /** A writer with a minute's delay that starts a batch once 100 events wait, while it has room; with the size of each batch it stored. */
  async function quietWriter() {
    const batches: number[] = [];
    const { writer } = await siteWriter({
      maxBatchEvents: 10_000,
      sessionizeDelayMs: 60_000,
      quietBatchEvents: 100,
      onSessionize: (s) => {
        if ('events' in s) batches.push(s.events);
      },
    });
    return { writer, batches };
  }

  it('starts a batch once quietBatchEvents wait while the collector has room, not after the delay', async () => {
    const { writer, batches } = await quietWriter();
    const at = (i: number) => new Date(Date.parse('2026-11-20T10:00:00Z') + i * 1000).toISOString();
    await writer.submit(Array.from({ length: 60 }, (_, i) => ev(`v${i % 7}`, at(i))));
    await sleep(300);
    expect(batches).toEqual([]); // fewer than 100 wait: the delay (a minute) applies
    await writer.submit(Array.from({ length: 60 }, (_, i) => ev(`v${i % 7}`, at(60 + i))));
    await vi.waitFor(() => expect(batches).toEqual([120]), { timeout: 5000, interval: 20 });
  });

  it('lets batches wait for the delay while the collector is busy', async () => {
    const { writer, batches } = await quietWriter();
    // The collector's thread busy for a whole second (the writer looks once a second).
    const until = performance.now() + 1100;
    while (performance.now() < until) {
      // busy
    }
    await sleep(20);
    await writer.submit(Array.from({ length: 150 }, (_, i) => ev(`v${i % 7}`, '2026-11-20T10:00:00Z')));
    await sleep(500);
    expect(batches).toEqual([]);
    expect(writer.unsessionized).toBe(150);
  });

  it('counts open sessions from the front of the visitors in order of activity, and a late one within a second', async () => {
    const { writer } = await siteWriter({ maxBatchEvents: 1000 });
    const at = (minutes: number) =>
      new Date(Date.parse('2026-11-20T10:00:00Z') + minutes * 60_000).toISOString();
    await writer.submit([ev('a', at(0)), ev('a', at(2)), ev('b', at(10)), ev('c', at(40))]);
    // Latest event at 40 min: a (last at 2) is over, b (10) and c (40) are open (30 min timeout).
    expect(writer.openSessions()).toBe(2);
    // b comes back: moved behind c, still counted once.
    await writer.submit([ev('b', at(41))]);
    expect(writer.openSessions()).toBe(2);
    // A late first event of d, already over: behind open visitors, so counted at first, and
    // forgotten by the sweep within a second. Whether d is active is exact at once.
    await writer.submit([ev('d', at(5))]);
    expect(writer.isActive(deviceIdentity(ev('d', at(5))))).toBe(false);
    expect(writer.isActive(deviceIdentity(ev('c', at(5))))).toBe(true);
    expect(writer.openSessions()).toBeGreaterThanOrEqual(2);
    await sleep(1100);
    expect(writer.openSessions()).toBe(2);
  });
});
