/**
 * The request's User-Agent header is bounded as the event's `user_agent` field is (1,024 UTF-16
 * code units): a longer header is cut to that, never stored whole in each event. The store keeps
 * one agent shared by many events once (DuckDB's dictionary compression), not once per event.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDuckDBStore } from '../../src/store/duckdb-store.ts';
import { closeServers, startTestServer, type TestServer } from '../helpers/server.ts';

afterEach(closeServers);

/** The stored events' user agents' lengths, read from the site's store once the server is closed. */
async function storedAgentLengths(t: TestServer): Promise<number[]> {
  await t.settle();
  await t.server.close();
  const store = await openDuckDBStore(join(t.dir, 'sites', 'shop.duckdb'));
  try {
    const rows = await store.query({
      sql: 'SELECT length(user_agent) AS n FROM events ORDER BY n',
      params: [],
    });
    return rows.map((r) => Number(r.n));
  } finally {
    await store.close();
  }
}

describe('user agent bounds', () => {
  it('cuts a 15 KB User-Agent header from a browser to 1,024 characters in every event', async () => {
    const t = await startTestServer();
    const agent = `Mozilla/5.0 (X11; Linux x86_64) ${'A'.repeat(15_000)}`;
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/events?key=${t.sites.shop.publicKey}`,
      headers: { origin: 'https://shop.example', 'content-type': 'application/json', 'user-agent': agent },
      payload: JSON.stringify({ events: Array.from({ length: 5 }, (_, i) => ({ url: `/p${i}` })) }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 5, rejected: [] });
    expect(await storedAgentLengths(t)).toEqual([1024, 1024, 1024, 1024, 1024]);
  });

  it("refuses an event whose own user_agent is longer than 1,024 characters, and takes the request's others", async () => {
    const t = await startTestServer();
    const agent = (n: number) => 'Mozilla/5.0 (X11; Linux x86_64) '.padEnd(n, 'x');
    const res = await t.post({
      events: [
        { url: '/a', anonymous_id: 'v', user_agent: agent(1025) },
        { url: '/b', anonymous_id: 'v', user_agent: agent(1024) },
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      accepted: 1,
      rejected: [
        { index: 0, code: 'invalid', message: 'user_agent must NOT have more than 1024 characters' },
      ],
    });
    expect(await storedAgentLengths(t)).toEqual([1024]);
  });

  it('keeps one agent of 5,000 events once: the store grows by far less than the 5 MB they name', async () => {
    const sizeAfter = async (events: number): Promise<number> => {
      const t = await startTestServer();
      expect((await t.post({ url: '/first', anonymous_id: 'v0' })).statusCode).toBe(200);
      const agent = 'Mozilla/5.0 (X11; Linux x86_64) '.padEnd(1024, 'x');
      for (let sent = 0; sent < events; sent += 500) {
        const batch = Array.from({ length: 500 }, (_, i) => ({
          url: `/p${i}`,
          anonymous_id: `v${i % 50}`,
          timestamp: 1_800_000_000_000 + sent + i,
          user_agent: agent,
        }));
        expect((await t.post({ events: batch })).statusCode).toBe(200);
      }
      await t.settle();
      await t.server.close();
      return statSync(join(t.dir, 'sites', 'shop.duckdb')).size;
    };
    const grown = (await sizeAfter(5000)) - (await sizeAfter(0));
    expect(grown).toBeLessThan(512 * 1024);
  });
});
