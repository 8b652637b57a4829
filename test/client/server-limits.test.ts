/**
 * The SDK against a `stint serve` with small limits (batch_size 2, 4 events a minute per write
 * key): a 413 makes the client send smaller batches until they fit, and the server's own 429
 * makes it wait exactly the Retry-After it sent (through the injected clock: no real waiting).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientError, createClient } from '../../src/client/index.ts';
import { type StintServer, startStint } from './stint-server.ts';

let stint: StintServer;
beforeAll(async () => {
  stint = await startStint(['split', 'limited'], {
    STINT_BATCH_SIZE: '2',
    STINT_EVENT_RATE_LIMIT_KEY: '4',
  });
});
afterAll(() => stint?.stop());

describe('the server’s limits', () => {
  it('halves a batch the server finds too large (413) until it is taken, and stores each event once', async () => {
    const sizes: [number, number][] = [];
    const client = createClient({
      url: stint.base,
      writeKey: stint.writeKey('split'),
      batchSize: 4,
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        sizes.push([JSON.parse(String(init?.body)).events.length, res.status]);
        return res;
      },
    });
    for (let i = 0; i < 4; i++) client.track({ anonymous_id: 'v1', url: `https://shop.example/${i}` });
    const stats = await client.close();
    expect(sizes).toEqual([
      [4, 413],
      [2, 200],
      [2, 200],
    ]);
    expect(stats).toMatchObject({ accepted: 4, failed: 0 });
    await stint.storedEvents('split', 4);
  });

  it('waits the Retry-After of a 429 from the server, then gives up after maxRetries and says why', async () => {
    const sleeps: number[] = [];
    const retryAfter: (string | null)[] = [];
    const errors: ClientError[] = [];
    const client = createClient({
      url: stint.base,
      writeKey: stint.writeKey('limited'),
      batchSize: 2,
      maxRetries: 2,
      clock: { now: () => Date.now(), sleep: async (ms) => void sleeps.push(ms) },
      onError: (e) => errors.push(e),
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        if (res.status === 429) retryAfter.push(res.headers.get('retry-after'));
        return res;
      },
    });
    for (let i = 0; i < 4; i++) client.track({ anonymous_id: 'v1', url: `https://shop.example/${i}` });
    expect(await client.flush()).toMatchObject({ accepted: 4, failed: 0 });
    expect(sleeps).toEqual([]);

    // The minute's budget is spent: the fifth event waits as the server asks, three times.
    client.track({ anonymous_id: 'v1', url: 'https://shop.example/more' });
    const stats = await client.close();
    expect(retryAfter).toHaveLength(3);
    expect(sleeps).toEqual(retryAfter.slice(0, 2).map((s) => Number(s) * 1000));
    expect(sleeps.every((ms) => ms > 0)).toBe(true);
    expect(stats).toMatchObject({ accepted: 4, failed: 1 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'gave_up', status: 429, serverCode: 'event_rate_limited' });
    expect(errors[0]!.message).toMatch(/after 3 attempts; the last: More than 4 events a minute/);
  });
});
