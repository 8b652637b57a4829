/**
 * The collector's limits count events: a browser (public key) sends at most browser_batch_size
 * events a request and never to the bulk NDJSON route; budgets of events per minute per key and
 * per client address answer 429 with Retry-After, per site (a flood of one site leaves the
 * others' posts alone); and the credential is checked before the body is parsed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closeServers, startTestServer, type TestServer } from '../helpers/server.ts';

afterEach(closeServers);

const NOW = Date.UTC(2026, 10, 20, 12);
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

const events = (n: number, tag = 'e') =>
  Array.from({ length: n }, (_, i) => ({ anonymous_id: `${tag}${i % 7}`, url: `/${tag}/${i}` }));

function browser(
  t: TestServer,
  body: unknown,
  remoteAddress = '203.0.113.9',
  site: 'shop' | 'blog' = 'shop',
) {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/events?key=${t.sites[site].publicKey}`,
    remoteAddress,
    headers: {
      'content-type': 'text/plain',
      origin: `https://${site}.example`,
      'user-agent': CHROME,
    },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function ndjson(
  t: TestServer,
  lines: readonly unknown[],
  headers: Record<string, string>,
  url = '/api/v1/events/ndjson',
) {
  return t.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-ndjson', ...headers },
    payload: lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'),
  });
}

/** The value of `stint_requests_refused_total{code}` in /metrics. */
async function refused(t: TestServer, code: string): Promise<number> {
  const text = (await t.app.inject({ url: '/metrics', headers: t.auth(t.admin) })).body;
  const m = new RegExp(`^stint_requests_refused_total\\{code="${code}"\\} (\\d+)$`, 'm').exec(text);
  return m === null ? 0 : Number(m[1]);
}

describe('browser keys', () => {
  it('take at most browser_batch_size events a request (50 by default)', async () => {
    const t = await startTestServer({}, undefined, { now: () => NOW });
    const fifty = await browser(t, { events: events(50) });
    expect(fifty.statusCode, fifty.body).toBe(200);
    expect(fifty.json()).toMatchObject({ accepted: 50 });
    const more = await browser(t, { events: events(51) });
    expect(more.statusCode, more.body).toBe(413);
    expect(more.json().error.code).toBe('batch_too_large');
    expect(more.json().error.message).toMatch(/at most 50 \(the server's browser_batch_size\)/);
    // A write key still sends up to batch_size.
    expect((await t.post({ events: events(51) })).json()).toMatchObject({ accepted: 51 });
  });

  it('are refused on the bulk NDJSON route with a 403 that names the write key', async () => {
    const t = await startTestServer({}, undefined, { now: () => NOW });
    const res = await ndjson(
      t,
      events(2),
      { origin: 'https://shop.example' },
      `/api/v1/events/ndjson?key=${t.sites.shop.publicKey}`,
    );
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error.code).toBe('write_key_required');
    expect(res.json().error.message).toMatch(/write key \(Authorization: Bearer sk_…\)/);
    expect((await ndjson(t, events(2), t.auth(t.sites.shop.writeKey))).json()).toMatchObject({ accepted: 2 });
  });
});

describe('event budgets', () => {
  it('count events per client address, answer 429 with Retry-After, and refill with time', async () => {
    let now = NOW;
    const t = await startTestServer({ STINT_EVENT_RATE_LIMIT_IP: '120' }, undefined, { now: () => now });
    expect((await browser(t, { events: events(50) })).statusCode).toBe(200);
    expect((await browser(t, { events: events(50) })).statusCode).toBe(200);
    // 20 left: a request of 50 is refused whole, one of 20 is taken.
    const over = await browser(t, { events: events(50) });
    expect(over.statusCode, over.body).toBe(429);
    expect(over.json().error.code).toBe('event_rate_limited');
    expect(over.json().error.message).toMatch(
      /More than 120 events a minute from this address \(the server's event_rate_limit_ip\)/,
    );
    expect(over.headers['retry-after']).toBe('15');
    expect(over.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect((await browser(t, { events: events(20) })).statusCode).toBe(200);
    // Spent: refused before the body is read, even a bad one.
    const spent = await browser(t, '{not json');
    expect(spent.statusCode, spent.body).toBe(429);
    // Another address has its own budget.
    expect((await browser(t, { events: events(50) }, '198.51.100.4')).statusCode).toBe(200);
    // Half a minute later, half the budget is back.
    now += 30_000;
    expect((await browser(t, { events: events(50) })).statusCode).toBe(200);
    expect((await browser(t, { events: events(20) })).statusCode).toBe(429);
    expect(await refused(t, 'event_rate_limited')).toBe(3);
  });

  it('count events per key, each site on its own: a flood of one site leaves the others alone', async () => {
    const t = await startTestServer(
      { STINT_EVENT_RATE_LIMIT_KEY: '1000', STINT_EVENT_RATE_LIMIT_IP: '0' },
      undefined,
      {
        now: () => NOW,
      },
    );
    const shop = t.auth(t.sites.shop.writeKey);
    expect((await ndjson(t, events(1000), shop)).json()).toMatchObject({ accepted: 1000 });
    const flood = await ndjson(t, events(1), shop);
    expect(flood.statusCode, flood.body).toBe(429);
    expect(flood.json().error.message).toMatch(/the server's event_rate_limit_key/);
    expect(Number(flood.headers['retry-after'])).toBeGreaterThan(0);
    // A request larger than a minute's budget could never be taken: it is told to send fewer.
    const huge = await ndjson(t, events(1001), t.auth(t.sites.blog.writeKey));
    expect(huge.statusCode).toBe(429);
    expect(huge.json().error.message).toMatch(/send fewer events a request/);
    // The other site's writes are taken.
    expect((await ndjson(t, events(10), t.auth(t.sites.blog.writeKey))).json()).toMatchObject({
      accepted: 10,
    });

    // A site's public key is one budget, whatever the addresses: its flood stops there too.
    for (let i = 0; i < 20; i++)
      expect((await browser(t, { events: events(50) }, `192.0.2.${i}`)).statusCode).toBe(200);
    expect((await browser(t, { events: events(1) }, '192.0.2.200')).statusCode).toBe(429);
    expect((await browser(t, { events: events(1) }, '192.0.2.200', 'blog')).statusCode).toBe(200);
  });
});

describe('the credential is checked before the body is parsed', () => {
  it('answers a bad key 401 (not 400 or 413) whatever the body', async () => {
    const t = await startTestServer({ STINT_NDJSON_BODY_LIMIT: '1kb' }, undefined, { now: () => NOW });
    const badJson = await t.post('{not json', t.auth('sk_unknown'));
    expect(badJson.statusCode, badJson.body).toBe(401);
    const badLines = await ndjson(t, ['{not json', '['], t.auth('sk_unknown'));
    expect(badLines.statusCode, badLines.body).toBe(401);
    const big = await ndjson(t, ['x'.repeat(4096)], t.auth('st_not_a_token'));
    expect(big.statusCode, big.body).toBe(401);
    const noKey = await t.post('{not json', {});
    expect(noKey.statusCode, noKey.body).toBe(401);
    const unknownSiteKey = await browser(t, '{not json').then(() =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/events?key=pk_unknown',
        headers: { 'content-type': 'application/json', origin: 'https://shop.example' },
        payload: '{not json',
      }),
    );
    expect(unknownSiteKey.statusCode, unknownSiteKey.body).toBe(401);
    const wrongOrigin = await t.app.inject({
      method: 'POST',
      url: `/api/v1/events?key=${t.sites.shop.publicKey}`,
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      payload: '{not json',
    });
    expect(wrongOrigin.statusCode, wrongOrigin.body).toBe(403);
    expect(await refused(t, 'invalid_json')).toBe(1); // only the good key's bad body was parsed
    expect(await refused(t, 'unauthorized')).toBe(5);
  });
});
