/**
 * Retries against a real `stint serve`: an answer lost after the server stored the batch is
 * retried with the same event ids and counted once; waits come from the injected clock and
 * random (no real waiting), honour Retry-After, and end after maxRetries; refusals (4xx) are
 * not retried and reach onError with the server's reasons; the queue bound drops and reports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientError, type Clock, createClient } from '../../src/client/index.ts';
import { type StintServer, startStint } from './stint-server.ts';

let stint: StintServer;
beforeAll(async () => {
  stint = await startStint(['lost', 'backoff', 'rejected', 'queue']);
});
afterAll(() => stint?.stop());

/** A clock whose sleeps return at once and are kept. */
function fakeClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return { sleeps, now: () => Date.UTC(2026, 10, 20, 8), sleep: async (ms) => void sleeps.push(ms) };
}

const noAnswer = () => Promise.reject(new TypeError('fetch failed'));

describe('retries', () => {
  it('retries a batch whose answer was lost with the same event ids, and the server counts each once', async () => {
    const bodies: string[] = [];
    const errors: ClientError[] = [];
    const clock = fakeClock();
    const client = createClient({
      url: stint.base,
      writeKey: stint.writeKey('lost'),
      clock,
      onError: (e) => errors.push(e),
      fetch: async (input, init) => {
        bodies.push(String(init?.body));
        const res = await fetch(input, init);
        if (bodies.length > 1) return res;
        // The server stored the batch and answered; the answer is lost on the way back.
        await res.text();
        throw new TypeError('fetch failed', { cause: new Error('socket hang up') });
      },
    });
    for (let i = 0; i < 5; i++) client.track({ anonymous_id: 'v1', url: `https://shop.example/${i}` });
    const stats = await client.close();
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toBe(bodies[0]);
    expect(clock.sleeps).toHaveLength(1);
    expect(stats).toMatchObject({ tracked: 5, accepted: 0, duplicates: 5, failed: 0, pending: 0 });
    expect(errors).toEqual([]);
    const sessions = await stint.storedEvents('lost', 5);
    expect(sessions.reduce((n, s) => n + Number(s.events), 0)).toBe(5);
  });

  it('waits by full jitter from the injected random, and by Retry-After when the server sends one', async () => {
    const clock = fakeClock();
    let calls = 0;
    const client = createClient({
      url: stint.base,
      writeKey: stint.writeKey('backoff'),
      backoffMs: 100,
      maxBackoffMs: 5000,
      clock,
      random: () => 0.5,
      fetch: async (input, init) => {
        calls++;
        if (calls <= 3) return noAnswer();
        if (calls === 4)
          return new Response('{"error":{"code":"busy","message":"Too many events wait"}}', {
            status: 503,
            headers: { 'retry-after': '2' },
          });
        if (calls === 5) return new Response('bad gateway', { status: 502 });
        return fetch(input, init);
      },
    });
    client.track({ anonymous_id: 'v1', url: 'https://shop.example/' });
    const stats = await client.close();
    // Half of 100·2^n for each failure without Retry-After; 2 s as the 503 asked.
    expect(clock.sleeps).toEqual([50, 100, 200, 2000, 800]);
    expect(stats).toMatchObject({ accepted: 1, failed: 0 });
    await stint.storedEvents('backoff', 1);
  });

  it('gives a batch up after maxRetries and reports it with its events', async () => {
    const clock = fakeClock();
    const errors: ClientError[] = [];
    let calls = 0;
    const client = createClient({
      url: stint.base,
      writeKey: stint.writeKey('backoff'),
      maxRetries: 2,
      clock,
      onError: (e) => errors.push(e),
      fetch: () => {
        calls++;
        return Promise.resolve(new Response('', { status: 500 }));
      },
    });
    const r = client.track({ anonymous_id: 'v1' });
    const stats = await client.close();
    expect(calls).toBe(3);
    expect(clock.sleeps).toHaveLength(2);
    expect(stats).toMatchObject({ accepted: 0, failed: 1, pending: 0 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'gave_up', status: 500 });
    expect(errors[0]!.message).toMatch(/1 event not sent after 3 attempts/);
    expect(errors[0]!.events.map((e) => e.event_id)).toEqual([r.queued ? r.eventId : '']);
  });
});

describe('refusals', () => {
  it("reports each refused event with the server's reason and stores the others, without retrying", async () => {
    const clock = fakeClock();
    const errors: ClientError[] = [];
    const client = createClient({
      url: stint.base,
      writeKey: stint.writeKey('rejected'),
      clock,
      onError: (e) => errors.push(e),
    });
    client.track({ anonymous_id: 'v1', url: 'https://shop.example/', event_id: 'good-1' });
    client.track({ anonymous_id: 'v1', timezone: 'Mars/Olympus', event_id: 'bad-tz' });
    client.track({ anonymous_id: 'v1', value: 'lots', event_id: 'bad-value' });
    const stats = await client.flush();
    expect(stats).toMatchObject({ accepted: 1, rejected: 2, failed: 0 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'rejected', status: 200 });
    expect(errors[0]!.rejected.map((r) => [r.event.event_id, r.code])).toEqual([
      ['bad-tz', 'bad_timezone'],
      ['bad-value', 'bad_value'],
    ]);

    // A batch whose events are all refused is a 400: reported the same way, not retried.
    client.track({ anonymous_id: 'v1', timestamp: '1999-12-31T00:00:00Z', event_id: 'too-old' });
    await client.close();
    expect(errors[1]).toMatchObject({ code: 'rejected', status: 400 });
    expect(errors[1]!.rejected.map((r) => [r.event.event_id, r.code])).toEqual([
      ['too-old', 'bad_timestamp'],
    ]);
    expect(clock.sleeps).toEqual([]);
    await stint.storedEvents('rejected', 1);
  });

  it('reports a refused request (401 unknown write key) once, without retrying', async () => {
    const clock = fakeClock();
    const errors: ClientError[] = [];
    let calls = 0;
    const client = createClient({
      url: stint.base,
      writeKey: 'sk_not_a_key',
      clock,
      onError: (e) => errors.push(e),
      fetch: (input, init) => {
        calls++;
        return fetch(input, init);
      },
    });
    client.track({ anonymous_id: 'v1' });
    client.track({ anonymous_id: 'v2' });
    const stats = await client.close();
    expect(calls).toBe(1);
    expect(clock.sleeps).toEqual([]);
    expect(stats).toMatchObject({ failed: 2, accepted: 0 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'refused', status: 401, serverCode: 'unauthorized' });
    expect(errors[0]!.message).toMatch(/Unknown write key/);
    expect(errors[0]!.events).toHaveLength(2);
  });
});

describe('the queue', () => {
  it('holds maxQueue events at most, and reports each one it drops', async () => {
    const errors: ClientError[] = [];
    const client = createClient({
      url: stint.base,
      writeKey: stint.writeKey('queue'),
      maxQueue: 3,
      flushIntervalMs: 3_600_000,
      onError: (e) => errors.push(e),
    });
    const results = Array.from({ length: 5 }, (_, i) =>
      client.track({ anonymous_id: 'v1', url: `https://shop.example/${i}`, event_id: `q${i}` }),
    );
    expect(results.map((r) => r.queued)).toEqual([true, true, true, false, false]);
    expect(errors.map((e) => [e.code, e.events[0]?.event_id])).toEqual([
      ['queue_full', 'q3'],
      ['queue_full', 'q4'],
    ]);
    expect(errors[0]!.message).toMatch(/3 events wait to be sent \(maxQueue\)/);
    const stats = await client.close();
    expect(stats).toMatchObject({ tracked: 3, accepted: 3, dropped: 2 });
    await stint.storedEvents('queue', 3);
  });

  it('drops and reports an event that is no JSON, and sends the rest', async () => {
    const errors: ClientError[] = [];
    const client = createClient({
      url: stint.base,
      writeKey: stint.writeKey('queue'),
      onError: (e) => errors.push(e),
    });
    const bad = client.track({ anonymous_id: 'v1', properties: { n: 1n as unknown as number } });
    expect(bad).toEqual({ queued: false, reason: 'invalid' });
    expect(errors[0]!.message).toMatch(/not JSON.*BigInt/);
    client.track({ anonymous_id: 'v1', url: 'https://shop.example/ok' });
    expect(await client.close()).toMatchObject({ accepted: 1, dropped: 1 });
  });
});
