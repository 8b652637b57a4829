/**
 * The collector's promise under crashes: a load generator sends events (each with an event_id)
 * and retries every batch until it is acknowledged, while a loop kills the server with SIGKILL
 * at random moments and starts it again, a few times (bounded: well under a minute). At the end
 * every event is stored exactly once, and the stored sessions are those `sessionize` gives for
 * the same events. The server is the real `stint serve` in a child process; kills land during
 * commits, during sessionizing transactions and while accepted events wait in the log
 * (sessionizing runs a second after events arrive here). test/server/disk-full.test.ts does
 * the same on a full disk.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createRules } from '../../src/core/rules.ts';
import { sessionize } from '../../src/core/sessionize.ts';
import { openRegistry } from '../../src/server/registry.ts';
import { openDuckDBStore } from '../../src/store/duckdb-store.ts';
import { type ServeProcess, startServe } from '../helpers/serve-process.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const KILLS = 3;
const EVENTS = 1000;
const SENDERS = 4;

describe('stint serve under SIGKILL', () => {
  it(`stores every acknowledged event exactly once across ${KILLS} kills, in the sessions of sessionize`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stint-durable-'));
    dirs.push(dir);
    const registry = openRegistry(dir);
    const { writeKey } = registry.addSite('shop', []);
    const admin = registry.createToken('admin', undefined, 'test').secret;
    const port = 19000 + Math.floor(Math.random() * 2000);
    let recoveries = 0;
    const startServer = () => startServe(dir, { STINT_SESSIONIZE_DELAY: '1s', STINT_LATENESS: '1m' }, port);
    /** Stops the server with `signal`, counting the restarts whose log says they recovered events. */
    const stopServer = async (s: ServeProcess, signal: NodeJS.Signals) => {
      await s.stop(signal);
      recoveries += (s.output().match(/recovered logged events/g) ?? []).length;
    };
    const base = `http://127.0.0.1:${port}`;

    // 40 visitors; times move forward with jitter, so some events arrive late and out of order,
    // a few far behind the watermark (lateness is 1 minute here); gaps of over 30 min split sessions.
    const rand = fc.sample(fc.integer({ min: 0, max: 1_000_000 }), { numRuns: EVENTS * 3, seed: 42 });
    const t0 = Date.UTC(2026, 10, 20, 8);
    const events = Array.from({ length: EVENTS }, (_, i) => {
      const jitter = rand[3 * i]! % 100 === 0 ? -3_600_000 : -(rand[3 * i]! % 120_000);
      return {
        event_id: `ev-${i}`,
        anonymous_id: `v${rand[3 * i + 1]! % 40}`,
        timestamp: t0 + i * 7_001 + jitter + (i % 997),
        url: `https://shop.example/p${rand[3 * i + 2]! % 12}`,
        event: rand[3 * i + 2]! % 50 === 0 ? 'purchase' : 'pageview',
      };
    });

    let server = await startServer();
    let kills = 0;
    let next = 0;
    let acknowledged = 0;
    // Each kill lands soon after the new server acknowledged a batch: before the sessionize delay
    // (1 s) has passed, so its log holds accepted events that are not stored yet, however slow
    // the machine is to start the server.
    const killer = (async () => {
      while (kills < KILLS) {
        const before = acknowledged;
        while (acknowledged === before && next < events.length) await sleep(10);
        await sleep(50 + ((kills * 97) % 200));
        await stopServer(server, 'SIGKILL');
        kills++;
        server = await startServer();
      }
    })();

    // Senders: batches of 1–20 events, each retried until acknowledged.
    let retries = 0;
    let duplicates = 0;
    const send = async (): Promise<void> => {
      while (next < events.length) {
        const size = 1 + (next % 20);
        const batch = events.slice(next, next + size);
        next += batch.length;
        for (;;) {
          try {
            const res = await fetch(`${base}/api/v1/events`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${writeKey}` },
              body: JSON.stringify({ events: batch }),
              signal: AbortSignal.timeout(10_000),
            });
            if (res.status === 200) {
              const answer = (await res.json()) as {
                accepted: number;
                duplicates: number;
                rejected: unknown[];
              };
              expect(answer.rejected).toEqual([]);
              expect(answer.accepted + answer.duplicates).toBe(batch.length);
              acknowledged += batch.length;
              duplicates += answer.duplicates;
              break;
            }
            expect(res.status).toBe(503);
          } catch (err) {
            if ((err as Error).name === 'AssertionError') throw err;
          }
          retries++;
          await sleep(30);
        }
        // Spread the traffic over the killer's run, so that kills land under load.
        await sleep(250);
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, send));
    await killer;
    expect(kills).toBe(KILLS);
    expect(acknowledged).toBe(EVENTS);
    // The kills did hit: requests failed and were sent again, and some restarts found logged
    // events that were not stored yet. (Duplicates: a batch logged whose answer the kill cut off.)
    expect(retries).toBeGreaterThan(0);
    expect(recoveries).toBeGreaterThan(0);
    console.log(
      `${kills} kills, ${retries} failed sends retried, ${duplicates} duplicates answered, ${recoveries} restarts recovered logged events`,
    );

    // Wait until everything is sessionized, then stop gracefully and read the store.
    for (;;) {
      const text = await (
        await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${admin}` } })
      ).text();
      if (/^stint_unsessionized_events\{site="shop"\} 0$/m.test(text)) break;
      await sleep(100);
    }
    await stopServer(server, 'SIGTERM');

    const store = await openDuckDBStore(join(dir, 'sites', 'shop.duckdb'));
    try {
      const [counts] = await store.query({
        sql: 'SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM events',
        params: [],
      });
      expect(Number(counts!.n)).toBe(EVENTS);
      expect(Number(counts!.ids)).toBe(EVENTS);
      const stored = await store.query({
        sql: `SELECT session_id, identity, start_ms, end_ms, events, pageviews, end_reason, entry_page, exit_page
              FROM sessions ORDER BY identity, start_ms`,
        params: [],
      });
      const expected = sessionize(events, createRules()).sessions;
      expect(stored.map(row)).toEqual(
        expected.map((s) => ({
          id: s.sessionId,
          identity: s.identity,
          start: s.startMs,
          end: s.endMs,
          events: s.events,
          pageviews: s.pageviews,
          endReason: s.endReason,
          entry: s.entryPage,
          exit: s.exitPage,
        })),
      );
    } finally {
      store.close();
    }
  }, 150_000);
});

function row(r: Record<string, unknown>) {
  return {
    id: r.session_id,
    identity: r.identity,
    start: Number(r.start_ms),
    end: Number(r.end_ms),
    events: Number(r.events),
    pageviews: Number(r.pageviews),
    endReason: r.end_reason,
    entry: r.entry_page,
    exit: r.exit_page,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
