/**
 * `stint serve` (src/server/app.ts, collect.ts): a live stream ends once its
 * credential is revoked, close() finishes when a /live request was still opening its site, a
 * relayed visitor address is never stored under another spelling, and rate limits are keyed by
 * something a client cannot choose or share with every visitor.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServers, startTestServer } from '../helpers/server.ts';

afterEach(async () => {
  await closeServers();
});

const CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

/** Resolves with 'timeout' when `p` takes longer than `ms`. */
function within<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

describe('live stream (review)', () => {
  it('ends a live stream within a few seconds of its token being revoked', async () => {
    const t = await startTestServer();
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const abort = new AbortController();
    try {
      const res = await fetch(`${url}/api/v1/live?site=shop&access_token=${t.sites.shop.reader}`, {
        signal: abort.signal,
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      await reader.read();
      // Another process (stint tokens revoke) revokes the token; the docs promise it stops
      // working within a second.
      t.server.registry.revokeToken(t.sites.shop.reader.slice(0, 11));
      const ended = (async () => {
        for (;;) if ((await reader.read()).done) return 'ended';
      })();
      expect(await within(ended, 4000)).toBe('ended');
    } finally {
      abort.abort();
    }
  });

  it('finishes close() when a /live request was still opening its site as the server began closing', async () => {
    const t = await startTestServer();
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    // Close begins while a /live request is between its credential check and the opening of
    // the site's store (the first request to "blog" opens it).
    let closing: Promise<void> | undefined;
    const site = t.server.registry.site;
    t.server.registry.site = (name) => {
      if (name === 'blog' && closing === undefined) closing = t.server.close();
      return site(name);
    };
    const abort = new AbortController();
    let outcome: 'timeout' | undefined;
    try {
      const res = await within(
        fetch(`${url}/api/v1/live?site=blog&access_token=${t.admin}`, { signal: abort.signal }),
        4000,
      );
      expect(closing).toBeDefined();
      if (res !== 'timeout') expect([200, 503]).toContain(res.status);
      outcome = (await within(closing!, 4000)) as 'timeout' | undefined;
    } finally {
      abort.abort();
      await closing;
    }
    expect(outcome, 'close() still waits for the live stream').toBeUndefined();
  });
});

describe('past timestamps from a browser (review)', () => {
  it('clamps a browser timestamp older than max_past (default 7d), and takes STINT_MAX_PAST', async () => {
    for (const [settings, daysAgo] of [
      [{}, 30],
      [{ STINT_MAX_PAST: '1d' }, 3],
    ] as const) {
      const t = await startTestServer(settings);
      expect(t.config.maxPastMs).toBe('STINT_MAX_PAST' in settings ? 86_400_000 : 7 * 86_400_000);
      const old = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/events?key=${t.sites.shop.publicKey}`,
        headers: { 'content-type': 'text/plain', origin: 'https://shop.example', 'user-agent': CHROME },
        payload: JSON.stringify({ url: '/old', timestamp: old }),
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().warnings).toEqual([expect.objectContaining({ index: 0, code: 'clamped_past' })]);
    }
  });
});

describe('privacy (review)', () => {
  it('never stores a visitor address a server relays as "IP" or as properties.ip', async () => {
    const t = await startTestServer({ STINT_RATE_LIMIT_IP: '0', STINT_RATE_LIMIT_KEY: '0' });
    const ips = ['198.51.100.41', '198.51.100.42'];
    const res = await t.post({
      events: [
        { url: '/relay-upper', timestamp: '2026-11-20T10:00:00Z', user_agent: CHROME, IP: ips[0] },
        {
          url: '/relay-props',
          timestamp: '2026-11-20T10:00:00Z',
          user_agent: CHROME,
          properties: { ip: ips[1] },
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    await t.settle();
    const files = (readdirSync(t.dir, { recursive: true }) as string[])
      .map((f) => join(t.dir, f))
      .filter((f) => statSync(f).isFile());
    const found: string[] = [];
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const ip of ips) if (bytes.includes(ip)) found.push(`${ip} in ${file}`);
    }
    expect(found).toEqual([]);
  });
});

describe('rate limits (review)', () => {
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
