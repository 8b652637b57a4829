/**
 * No event lost or counted twice over a bad network: against a real `stint serve`, a seeded fetch
 * wrapper fails requests before they leave, loses answers after the server stored the batch, and
 * answers 503, while the app tracks and flushes at will. Every flush resolves, and the server's own
 * answers (those the client saw and those it lost) add up to each event stored exactly once.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientError, createClient } from '../../src/client/index.ts';
import { type StintServer, startStint } from './stint-server.ts';

let stint: StintServer;
beforeAll(async () => {
  stint = await startStint(['flaky']);
});
afterAll(() => stint?.stop());

const SEED = 19;
const EVENTS = 300;

describe('a flaky network', () => {
  it(`stores each of ${EVENTS} events exactly once, whatever fails (seed ${SEED})`, async () => {
    const dice = fc.sample(fc.integer({ min: 0, max: 999_999 }), { numRuns: 5000, seed: SEED });
    let roll = 0;
    /** A number in [0, 1), the same on every run. */
    const next = () => dice[roll++ % dice.length]! / 1_000_000;
    const seen = { calls: 0, lostBefore: 0, lostAfter: 0, unavailable: 0 };
    /** Events the server answered as stored in answers the client never got. */
    let hiddenAccepted = 0;
    const errors: ClientError[] = [];
    const client = createClient({
      url: stint.base,
      writeKey: stint.writeKey('flaky'),
      batchSize: 7,
      maxRetries: 50,
      flushIntervalMs: 3_600_000,
      clock: { now: () => Date.UTC(2026, 10, 20, 8), sleep: async () => {} },
      random: next,
      onError: (e) => errors.push(e),
      fetch: async (input, init) => {
        seen.calls++;
        const r = next();
        if (r < 0.2) {
          seen.lostBefore++;
          throw new TypeError('fetch failed', { cause: new Error('ECONNRESET') });
        }
        if (r < 0.3) {
          seen.unavailable++;
          return new Response('{"error":{"code":"busy","message":"retry shortly"}}', { status: 503 });
        }
        const res = await fetch(input, init);
        if (r < 0.5) {
          seen.lostAfter++;
          hiddenAccepted += ((await res.json()) as { accepted: number }).accepted;
          throw new TypeError('fetch failed', { cause: new Error('socket hang up') });
        }
        return res;
      },
    });

    const flushes: Promise<unknown>[] = [];
    for (let i = 0; i < EVENTS; i++) {
      client.track({ anonymous_id: `v${i % 9}`, url: `https://shop.example/p${i}` });
      const r = next();
      if (r < 0.03) flushes.push(client.flush());
      else if (r < 0.05) await client.flush();
    }
    const stats = await client.close();
    await Promise.all(flushes);

    expect(errors).toEqual([]);
    expect(stats).toMatchObject({ tracked: EVENTS, failed: 0, rejected: 0, pending: 0 });
    // Every kind of failure happened, more than once.
    expect(Math.min(seen.lostBefore, seen.lostAfter, seen.unavailable), JSON.stringify(seen)).toBeGreaterThan(
      1,
    );
    // The server stored each event once: what it answered as stored, seen or not, is the whole.
    expect(stats.accepted + hiddenAccepted).toBe(EVENTS);
    expect(stats.duplicates).toBeGreaterThan(0);
    const sessions = await stint.storedEvents('flaky', EVENTS);
    expect(sessions.reduce((n, s) => n + Number(s.events), 0)).toBe(EVENTS);
    console.log(
      `flaky network (seed ${SEED}): ${seen.calls} requests for ${Math.ceil(EVENTS / 7)}+ batches; ` +
        `${seen.lostBefore} failed before sending, ${seen.lostAfter} answers lost, ${seen.unavailable} 503s; ` +
        `${stats.duplicates} events answered as duplicates`,
    );
  });
});
