/**
 * The SDK against a real `stint serve`: tracked events arrive and make sessions, in batches of
 * `batchSize` (⌈N/batchSize⌉ requests, counted through a wrapping fetch that still reaches the
 * server), a partial batch goes out after `flushIntervalMs`, and `close()` sends what is left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientError, createClient } from '../../src/client/index.ts';
import { CHROME } from '../helpers/server.ts';
import { type StintServer, startStint } from './stint-server.ts';

let stint: StintServer;
beforeAll(async () => {
  stint = await startStint(['arrive', 'batch', 'interval', 'close', 'clock']);
});
afterAll(() => stint?.stop());

/** A fetch that reaches the server and keeps each request's events. */
function countingFetch(): { fetch: typeof fetch; batches: { event_id: string }[][] } {
  const batches: { event_id: string }[][] = [];
  return {
    batches,
    fetch: (input, init) => {
      batches.push(JSON.parse(String(init?.body)).events);
      return fetch(input, init);
    },
  };
}

async function until(what: string, check: () => boolean): Promise<void> {
  // A bound on waiting, not a timed assertion: it only turns a hang into a message.
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`still waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('createClient against stint serve', () => {
  it('sends tracked events that appear as a session in GET /api/v1/sessions', async () => {
    const errors: ClientError[] = [];
    const client = createClient({
      url: stint.base,
      writeKey: stint.writeKey('arrive'),
      onError: (e) => errors.push(e),
    });
    const visitor = { user_id: 'u-42', user_agent: CHROME, timezone: 'Europe/Berlin' };
    const t0 = Date.UTC(2026, 10, 20, 8);
    const first = client.track({ ...visitor, timestamp: t0, url: 'https://shop.example/pricing' });
    client.track({ ...visitor, timestamp: t0 + 60_000, url: 'https://shop.example/join' });
    client.track({
      ...visitor,
      timestamp: new Date(t0 + 90_000),
      event: 'signup',
      url: 'https://shop.example/join',
      properties: { plan: 'pro' },
      value: 49,
    });
    expect(first).toEqual({ queued: true, eventId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const stats = await client.close();
    expect(stats).toMatchObject({
      tracked: 3,
      accepted: 3,
      duplicates: 0,
      rejected: 0,
      failed: 0,
      pending: 0,
    });
    expect(errors).toEqual([]);

    const [session, ...others] = await stint.storedEvents('arrive', 3);
    expect(others).toEqual([]);
    expect(session).toMatchObject({
      user_id: 'u-42',
      start: '2026-11-20T08:00:00.000Z',
      end: '2026-11-20T08:01:30.000Z',
      events: 3,
      pageviews: 2,
      entry_page: '/pricing',
      exit_page: '/join',
      timezone: 'Europe/Berlin',
      browser: 'Chrome',
      value: 49,
    });
  });

  it('sends N events in ⌈N/batchSize⌉ requests: full batches at once, the rest on flush', async () => {
    const counted = countingFetch();
    const client = createClient({
      url: stint.base,
      writeKey: stint.writeKey('batch'),
      batchSize: 10,
      flushIntervalMs: 3_600_000,
      fetch: counted.fetch,
    });
    const ids = Array.from({ length: 25 }, (_, i) => {
      const r = client.track({ anonymous_id: `v${i % 4}`, url: `https://shop.example/p${i}` });
      if (!r.queued) throw new Error('not queued');
      return r.eventId;
    });
    // Two full batches go out without a flush; the last five wait for one.
    await until('two batches answered', () => client.stats().pending === 5);
    expect(counted.batches).toHaveLength(2);
    const stats = await client.flush();
    expect(counted.batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(counted.batches.flat().map((e) => e.event_id)).toEqual(ids);
    expect(stats).toMatchObject({ tracked: 25, accepted: 25, pending: 0 });
    const sessions = await stint.storedEvents('batch', 25);
    expect(sessions.reduce((n, s) => n + Number(s.events), 0)).toBe(25);
    await client.close();
    expect(counted.batches).toHaveLength(3);
  });

  it('sends a partial batch after flushIntervalMs, without a flush', async () => {
    const counted = countingFetch();
    const client = createClient({
      url: stint.base,
      writeKey: stint.writeKey('interval'),
      flushIntervalMs: 20,
      fetch: counted.fetch,
    });
    client.track({ anonymous_id: 'v1', url: 'https://shop.example/' });
    client.track({ anonymous_id: 'v1', url: 'https://shop.example/about' });
    await until('a request', () => counted.batches.length === 1);
    expect(counted.batches[0]).toHaveLength(2);
    await stint.storedEvents('interval', 2);
    await client.close();
  });

  it('close() sends what is queued, then drops and reports a later track', async () => {
    const counted = countingFetch();
    const errors: ClientError[] = [];
    const client = createClient({
      url: stint.base,
      writeKey: stint.writeKey('close'),
      flushIntervalMs: 3_600_000,
      fetch: counted.fetch,
      onError: (e) => errors.push(e),
    });
    for (let i = 0; i < 3; i++) client.track({ anonymous_id: 'v1', url: `https://shop.example/${i}` });
    expect(counted.batches).toHaveLength(0);
    const stats = await client.close();
    expect(counted.batches.map((b) => b.length)).toEqual([3]);
    expect(stats).toMatchObject({ accepted: 3, pending: 0 });

    expect(client.track({ anonymous_id: 'v1' })).toEqual({ queued: false, reason: 'closed' });
    expect(errors.map((e) => e.code)).toEqual(['closed']);
    expect(client.stats()).toMatchObject({ tracked: 3, dropped: 1 });
    await stint.storedEvents('close', 3);
  });

  it('stamps each event with the injected clock at track, not at send', async () => {
    let nowMs = Date.UTC(2026, 10, 21, 9, 30);
    const client = createClient({
      url: stint.base,
      writeKey: stint.writeKey('clock'),
      clock: { now: () => nowMs, sleep: async () => {} },
    });
    client.track({ anonymous_id: 'v1', url: 'https://shop.example/a' });
    nowMs += 5 * 60_000;
    client.track({ anonymous_id: 'v1', url: 'https://shop.example/b' });
    await client.close();
    const [session] = await stint.storedEvents('clock', 2);
    expect(session).toMatchObject({ start: '2026-11-21T09:30:00.000Z', end: '2026-11-21T09:35:00.000Z' });
  });
});
