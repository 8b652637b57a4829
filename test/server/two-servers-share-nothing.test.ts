/**
 * Two `stint serve` apps in one process share nothing: each has its own context (settings,
 * registry, sites, metrics, closing state; src/server/context.ts), none of it at module level.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closeServers, startTestServer, type TestServer } from '../helpers/server.ts';

afterEach(closeServers);

const accepted = async (t: TestServer): Promise<string | undefined> => {
  const res = await t.app.inject({ url: '/metrics', headers: t.auth(t.admin) });
  expect(res.statusCode).toBe(200);
  return /^stint_events_accepted_total\{site="shop"\} (\d+)$/m.exec(res.body)?.[1];
};

describe('two servers in one process', () => {
  it('count, store and close each on their own', async () => {
    const a = await startTestServer();
    const b = await startTestServer();
    const res = await a.post({ url: 'https://shop.example/pricing', anonymous_id: 'v1' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 1 });
    await a.settle();
    expect(await accepted(a)).toBe('1');
    expect((await accepted(b)) ?? '0').toBe('0');

    // B's key is not A's: each registry has its own sites.
    const wrongServer = await b.post({ url: 'https://shop.example/' }, a.auth(a.sites.shop.writeKey));
    expect(wrongServer.statusCode).toBe(401);

    await a.server.close();
    const health = await b.app.inject({ url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok' });
    expect((await b.post({ url: 'https://shop.example/' })).statusCode).toBe(200);
  });
});
