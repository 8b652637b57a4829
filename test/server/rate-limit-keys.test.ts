/**
 * Rate limits are keyed by something a client cannot choose or share with every visitor: one
 * visitor is not refused for another's use of a site's public key, and behind a proxy the
 * per-address limit is keyed on the address the proxy saw.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CHROME, closeServers, startTestServer } from '../helpers/server.ts';

afterEach(async () => {
  await closeServers();
});

describe('rate limits', () => {
  it("does not refuse one visitor's events because another client used up the site's public key", async () => {
    const t = await startTestServer({ STINT_RATE_LIMIT_IP: '600', STINT_RATE_LIMIT_KEY: '3' });
    const browser = (remoteAddress: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/events?key=${t.sites.shop.publicKey}`,
        remoteAddress,
        headers: { 'content-type': 'text/plain', origin: 'https://shop.example', 'user-agent': CHROME },
        payload: JSON.stringify({ url: '/x' }),
      });
    // One client (the public key is in every page) sends a few requests…
    for (let i = 0; i < 3; i++) expect((await browser('203.0.113.66')).statusCode).toBe(200);
    // …and a real visitor elsewhere is refused: the bucket is the whole site's.
    expect((await browser('198.51.100.7')).statusCode).toBe(200);
  });

  it('keys the per-address limit behind a proxy on the address the proxy saw, not one the client wrote', async () => {
    const t = await startTestServer({
      STINT_TRUST_PROXY: 'true',
      STINT_RATE_LIMIT_IP: '2',
      STINT_RATE_LIMIT_KEY: '0',
    });
    // nginx with proxy_add_x_forwarded_for appends the real client address to what the client sent.
    const viaProxy = (spoofed: string) =>
      t.app.inject({
        url: '/api/v1/overview?site=shop',
        remoteAddress: '127.0.0.1',
        headers: { ...t.auth(t.admin), 'x-forwarded-for': `${spoofed}, 203.0.113.5` },
      });
    expect((await viaProxy('10.0.0.1')).statusCode).toBe(200);
    expect((await viaProxy('10.0.0.2')).statusCode).toBe(200);
    expect((await viaProxy('10.0.0.3')).statusCode).toBe(429);
  });
});
