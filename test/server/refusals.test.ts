/**
 * What `stint serve` refuses, and how it says so: a key that names another site,
 * the report's funnels, refusals a browser can read and that say what would be taken, refused
 * requests in /metrics, credentials kept out of the request log, a second server on the same
 * data refused, and /healthz when a site cannot be opened.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { asParameters } from '../../src/analysis/catalog.ts';
import { createServer, redactedUrl, type StintServer } from '../../src/server/app.ts';
import { resolveConfig } from '../../src/server/config.ts';
import { ROOT } from '../helpers/cli.ts';
import { closeServers, startTestServer, type TestServer } from '../helpers/server.ts';

const SHOP = 'https://shop.example';
const own: StintServer[] = [];

afterEach(async () => {
  for (const s of own.splice(0)) await s.close();
  await closeServers();
});

const event = (n: number) => ({
  anonymous_id: 'a',
  event_id: `a-${n}`,
  timestamp: `2026-11-20T10:0${n}:00Z`,
  url: `${SHOP}/${['', 'pricing', 'signup'][n % 3]}`,
});

async function sessionCount(t: TestServer, site: 'shop' | 'blog'): Promise<number> {
  await t.settle();
  const res = await t.app.inject({ url: `/api/v1/sessions?site=${site}`, headers: t.auth(t.admin) });
  return (res.json() as { sessions: unknown[] }).sessions.length;
}

/** A browser's POST with shop's public key from `origin`. */
const browser = (t: TestServer, payload: string, contentType = 'application/json', origin = SHOP) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/events?key=${t.sites.shop.publicKey}`,
    headers: { 'content-type': contentType, origin },
    payload,
  });

describe('a key implies its site', () => {
  it('refuses a write key whose request names another site, and stores nothing for either', async () => {
    const t = await startTestServer();
    const query = await t.app.inject({
      method: 'POST',
      url: '/api/v1/events?site=blog',
      headers: { 'content-type': 'application/json', ...t.auth(t.sites.shop.writeKey) },
      payload: JSON.stringify({ events: [event(1)] }),
    });
    expect(query.statusCode, query.body).toBe(400);
    expect(query.json()).toMatchObject({ error: { code: 'site_mismatch' } });
    expect(query.json().error.message).toContain('"shop"');
    const batch = await t.post({ events: [event(0)], site: 'blog' });
    expect(batch.statusCode, batch.body).toBe(400);
    expect(batch.json()).toMatchObject({ error: { code: 'site_mismatch' } });
    expect(await sessionCount(t, 'shop')).toBe(0);
    expect(await sessionCount(t, 'blog')).toBe(0);
    // Naming its own site, or none, is fine.
    expect((await t.post({ events: [event(2)], site: 'shop' })).json()).toMatchObject({ accepted: 1 });
    expect((await t.post({ events: [event(3)], site: null })).json()).toMatchObject({ accepted: 1 });
  });

  it("refuses each event naming another site, in any case, and keeps the request's others", async () => {
    const t = await startTestServer();
    const single = await t.post({ ...event(0), Site: 'blog' });
    expect(single.statusCode, single.body).toBe(400);
    expect(single.json()).toMatchObject({ accepted: 0, rejected: [{ index: 0, code: 'site_mismatch' }] });
    const batch = await t.post({
      events: [{ ...event(1), site: 'blog' }, { ...event(2), site: 'shop' }, event(3)],
    });
    expect(batch.statusCode, batch.body).toBe(200);
    expect(batch.json()).toMatchObject({ accepted: 2, rejected: [{ index: 0, code: 'site_mismatch' }] });
    expect(batch.json().rejected[0].message).toContain('"blog"');
    const admin = await t.post({ events: [{ ...event(4), site: 'shop' }], site: 'blog' }, t.auth(t.admin));
    expect(admin.json()).toMatchObject({ accepted: 0, rejected: [{ index: 0, code: 'site_mismatch' }] });
    expect(await sessionCount(t, 'blog')).toBe(0);
  });

  it("refuses a public key whose body names another site, readable by the key's origin", async () => {
    const t = await startTestServer();
    const res = await browser(t, JSON.stringify({ events: [event(0)], site: 'blog' }));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'site_mismatch' } });
    expect(res.headers['access-control-allow-origin']).toBe(SHOP);
    expect(await sessionCount(t, 'blog')).toBe(0);
  });
});

describe('the report over HTTP', () => {
  // That the funnels equal `stint report --funnel`'s is in server-api.test.ts, with every analysis.
  it('takes one funnel per parameter, and refuses one without steps as the CLI does', async () => {
    const t = await startTestServer();
    expect((await t.post({ events: [0, 1, 2].map(event) })).json()).toMatchObject({ accepted: 3 });
    await t.settle();
    const res = await t.app.inject({
      url: '/api/v1/report?site=shop&funnel=/,/pricing,/signup&funnel=/pricing,/nowhere',
      headers: t.auth(t.admin),
    });
    expect(res.statusCode, res.body).toBe(200);
    const { funnels } = res.json() as { funnels: { steps: string[]; rows: { entered: number }[] }[] };
    expect(funnels.map((f) => f.steps)).toEqual([
      ['/', '/pricing', '/signup'],
      ['/pricing', '/nowhere'],
    ]);
    expect(funnels.map((f) => f.rows.map((r) => r.entered))).toEqual([
      [1, 1, 1],
      [1, 0],
    ]);
    const none = await t.app.inject({ url: '/api/v1/report?site=shop', headers: t.auth(t.admin) });
    expect(none.json()).not.toHaveProperty('funnels');
    const empty = await t.app.inject({ url: '/api/v1/report?site=shop&funnel=,', headers: t.auth(t.admin) });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ error: { code: 'STINT_BAD_FLAG' } });
  });
});

describe('refusals of a whole request', () => {
  it('let the browser read them and say what would be taken', async () => {
    const t = await startTestServer({ STINT_BODY_LIMIT: '2kb' });
    const badJson = await browser(t, '{"url": ');
    expect(badJson.statusCode).toBe(400);
    expect(badJson.headers['access-control-allow-origin']).toBe(SHOP);

    const xml = await browser(t, '<event/>', 'application/xml');
    expect(xml.statusCode).toBe(415);
    expect(xml.headers['access-control-allow-origin']).toBe(SHOP);
    expect(xml.json().error.message).toMatch(/application\/xml.*application\/json.*application\/x-ndjson/);

    const big = await browser(t, JSON.stringify({ ...event(0), properties: { note: 'x'.repeat(3000) } }));
    expect(big.statusCode).toBe(413);
    expect(big.json().error.message).toMatch(/2048 bytes.*body_limit/);

    // Another site's origin, or no key: no CORS header, as before.
    const elsewhere = await browser(t, '{"url": ', 'application/json', 'https://blog.example');
    expect(elsewhere.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('are counted in /metrics by code', async () => {
    const t = await startTestServer();
    await browser(t, '{"url": ');
    await browser(t, '{"url": ');
    await browser(t, '<event/>', 'application/xml');
    await t.post(event(0), { authorization: 'Bearer sk_unknown' });
    const text = (await t.app.inject({ url: '/metrics', headers: t.auth(t.admin) })).body;
    expect(text).toMatch(/^stint_requests_refused_total\{code="invalid_json"\} 2$/m);
    expect(text).toMatch(/^stint_requests_refused_total\{code="bad_content_type"\} 1$/m);
    expect(text).toMatch(/^stint_requests_refused_total\{code="unauthorized"\} 1$/m);
  });
});

describe('NDJSON, the bulk route', () => {
  const ndjson = (
    t: TestServer,
    lines: string[],
    url = '/api/v1/events/ndjson',
    auth = t.sites.shop.writeKey,
  ) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-ndjson', ...t.auth(auth) },
      payload: lines.join('\n'),
    });
  const lines = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      JSON.stringify({
        anonymous_id: `b${i % 50}`,
        event_id: `b-${i}`,
        timestamp: 1_763_600_000_000 + i * 1000,
        url: '/b',
      }),
    );

  it('takes many more events a request than the JSON route, up to its own setting', async () => {
    const t = await startTestServer();
    const json = await t.post({ events: lines(1001).map((l) => JSON.parse(l)) });
    expect(json.statusCode).toBe(413);
    expect(json.json().error.message).toMatch(
      /at most 1000 \(the server's batch_size\).*\/api\/v1\/events\/ndjson/,
    );
    const bulk = await ndjson(t, lines(5000));
    expect(bulk.statusCode, bulk.body).toBe(200);
    expect(bulk.json()).toMatchObject({ accepted: 5000, rejected: [] });
  });

  it('refuses past ndjson_batch_size, and asks an admin for ?site= only', async () => {
    const t = await startTestServer({ STINT_NDJSON_BATCH_SIZE: '10' });
    const over = await ndjson(t, lines(11));
    expect(over.statusCode).toBe(413);
    expect(over.json().error.message).toMatch(
      /11 events in one request; at most 10 \(the server's ndjson_batch_size\)$/,
    );
    const admin = await ndjson(t, lines(1), '/api/v1/events/ndjson', t.admin);
    expect(admin.statusCode).toBe(400);
    expect(admin.json().error.message).toBe('Name the site: ?site=NAME');
    const named = await ndjson(t, lines(1), '/api/v1/events/ndjson?site=blog', t.admin);
    expect(named.json()).toMatchObject({ accepted: 1 });
  });
});

describe('a refused credential', () => {
  it('is told when it was revoked or has expired, and a made-up one is told to send a token', async () => {
    const t = await startTestServer();
    const overview = (token: string) =>
      t.app.inject({ url: '/api/v1/overview?site=shop', headers: t.auth(token) });
    const reader = t.server.registry.tokens().find((x) => x.site === 'shop')!;
    t.server.registry.revokeToken(reader.id);
    const revoked = await overview(t.sites.shop.reader);
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().error.message).toMatch(/was revoked/);
    const { secret } = t.server.registry.createShare('shop', Date.now() - 1000, Date.now() - 60_000);
    const expired = await overview(secret);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.message).toMatch(/has expired/);
    const unknown = await overview('st_not-a-token');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.message).toMatch(/^Send a token/);
  });
});

describe('an analysis without a parameter it requires', () => {
  it('is told which, with the values it takes', async () => {
    const t = await startTestServer();
    const res = await t.app.inject({ url: '/api/v1/breakdown?site=shop', headers: t.auth(t.admin) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/^Parameter "by" is required: one of: .*traffic_source/);
  });
});

describe('a property of a kind not taken', () => {
  it('is refused naming every kind it may be', async () => {
    const t = await startTestServer();
    const res = await t.post({
      events: [
        { ...event(0), plan: { tier: 'gold' } },
        { ...event(1), note: 'x'.repeat(1025) },
      ],
    });
    expect(res.statusCode).toBe(400);
    const messages = (res.json() as { rejected: { message: string }[] }).rejected.map((r) => r.message);
    expect(messages).toEqual([
      'plan must be a string, a number, a boolean or null',
      'note must NOT have more than 1024 characters',
    ]);
    // A number out of its bounds is told the bound, not the other kinds it could have been.
    const bounds = await t.post({
      events: [
        { ...event(2), timestamp: 1e16 },
        { ...event(3), value: 1e13 },
      ],
    });
    expect((bounds.json() as { rejected: { message: string }[] }).rejected.map((r) => r.message)).toEqual([
      'timestamp must be <= 1000000000000000',
      'value 10000000000000 is not a decimal number from -1e12 to 1e12',
    ]);
  });
});

describe("the analyses' errors over HTTP", () => {
  it('name query parameters, not the CLI flags', async () => {
    expect(asParameters('--limit needs a whole number from 1 to 100000, got "0x10"')).toBe(
      'limit needs a whole number from 1 to 100000, got "0x10"',
    );
    expect(asParameters('Write digits only, at most 100: for example --steps 3')).toBe(
      'Write digits only, at most 100: for example steps=3',
    );
    expect(asParameters('Use --from and --to (--click-event /a)')).toBe('Use from and to (click_event=/a)');
    expect(asParameters('a --x-y b--c')).toBe('a x_y b--c');
    const t = await startTestServer();
    const res = await t.app.inject({ url: '/api/v1/paths?site=shop&steps=0', headers: t.auth(t.admin) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/^steps needs a whole number/);
    expect(res.json().error.hint).toMatch(/steps=\d/);
  });
});

describe('the sessions list', () => {
  it('takes a page size in digits from 1 to 1000 only', async () => {
    const t = await startTestServer();
    for (const limit of ['0', '1001', '0x10', '1e2', '99999999999999999999', ' ']) {
      const res = await t.app.inject({
        url: `/api/v1/sessions?site=shop&limit=${encodeURIComponent(limit)}`,
        headers: t.auth(t.admin),
      });
      expect(res.statusCode, limit).toBe(400);
      expect(res.json().error.message, limit).toMatch(/^limit needs a whole number from 1 to 1000/);
    }
    const ok = await t.app.inject({ url: '/api/v1/sessions?site=shop&limit=1000', headers: t.auth(t.admin) });
    expect(ok.statusCode).toBe(200);
  });
});

describe('the request log', () => {
  it('never holds a credential, however its parameter is spelled', () => {
    expect(redactedUrl('/api/v1/sites?access_token=st_1&site=shop')).toBe(
      '/api/v1/sites?access_token=[redacted]&site=shop',
    );
    expect(redactedUrl('/api/v1/sites?access%5Ftoken=st_2')).toBe('/api/v1/sites?access%5Ftoken=[redacted]');
    expect(redactedUrl('/api/v1/sites?ACCESS_TOKEN=st_3')).toBe('/api/v1/sites?ACCESS_TOKEN=[redacted]');
    expect(redactedUrl('/api/v1/events?site=a&%6Bey=pk_4')).toBe('/api/v1/events?site=a&%6Bey=[redacted]');
    expect(redactedUrl('/api/v1/events?key')).toBe('/api/v1/events?key=[redacted]');
    expect(redactedUrl('/api/v1/events?%zz=1&monkey=2')).toBe('/api/v1/events?%zz=1&monkey=2');
    expect(redactedUrl('/healthz')).toBe('/healthz');
  });
});

describe('the data directory', () => {
  it('is refused to a second server while another one has it, with what to do', async () => {
    const t = await startTestServer();
    // The sites were added while the first server ran, and no request came for them: it opens
    // them on its own within a second or two, and a second process must not start on them.
    await expect
      .poll(async () => (await t.app.inject({ url: '/healthz' })).json().sites, { timeout: 10_000 })
      .toBe(2);
    const second = spawn(
      process.execPath,
      [join(ROOT, 'bin/stint.js'), 'serve', '--data', t.dir, '--port', '0'],
      {
        env: { ...process.env, NO_COLOR: '1', STINT_LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    second.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((done) => {
      const timer = setTimeout(() => {
        second.kill('SIGKILL');
        done(null);
      }, 60_000);
      second.on('exit', (c) => {
        clearTimeout(timer);
        done(c);
      });
    });
    expect(code, stderr).toBe(2);
    expect(stderr).toMatch(
      new RegExp(
        `The data directory ${t.dir} is in use: the store .*shop\\.duckdb is in use by another process \\(PID ${process.pid}\\)`,
      ),
    );
    expect(stderr).toContain('--data directory of its own');
    expect(stderr).not.toMatch(/bug in stint/i);
    // The first one goes on serving.
    expect((await t.post(event(1))).json()).toMatchObject({ accepted: 1 });
  }, 90_000);

  it('/healthz says 503 while a site cannot be opened, tries it at most every 10 s, and the server still starts', async () => {
    const t2 = await startTestServer();
    expect((await t2.post(event(0), t2.auth(t2.sites.blog.writeKey))).json()).toMatchObject({ accepted: 1 });
    await t2.settle();
    await t2.server.close();
    // A corrupt block: DuckDB's message says "block", which is no lock held by another process.
    const broken = join(t2.dir, 'sites', 'blog.duckdb');
    const fd = openSync(broken, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 12_288);
    closeSync(fd);
    const server = await createServer(resolveConfig({ data: t2.dir }, { STINT_LOG_LEVEL: 'silent' }), {
      logger: false,
    });
    own.push(server);
    const sick = await server.app.inject({ url: '/healthz' });
    expect(sick.statusCode).toBe(503);
    expect(sick.json()).toMatchObject({ status: 'degraded', failing: 1 });
    expect(sick.body).not.toContain(broken);
    // The other site is served meanwhile.
    const post = (key: string, n: number) =>
      server.app.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        payload: JSON.stringify(event(n)),
      });
    expect((await post(t2.sites.shop.writeKey, 1)).json()).toMatchObject({ accepted: 1 });
    // Once the file is gone, health checks within 10 s of the last try do not open it again…
    rmSync(broken);
    rmSync(`${broken}.wal`, { force: true });
    for (let i = 0; i < 3; i++) expect((await server.app.inject({ url: '/healthz' })).statusCode).toBe(503);
    // …and a request to the site does (a new, empty store): healthy again.
    expect((await post(t2.sites.blog.writeKey, 2)).json()).toMatchObject({ accepted: 1 });
    expect((await server.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  }, 60_000);
});

describe('the OpenAPI document', () => {
  it('lists the warnings of an answer, the content types, the key header and the report funnels', async () => {
    const t = await startTestServer();
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
    const events = doc.paths['/api/v1/events'].post;
    expect(Object.keys(events.requestBody.content)).toEqual(['application/json', 'text/plain']);
    expect(events.responses['200'].content['application/json'].schema.properties).toHaveProperty('warnings');
    expect(Object.keys(doc.paths['/api/v1/events/ndjson'].post.requestBody.content)).toEqual([
      'application/x-ndjson',
      'application/jsonl',
    ]);
    expect(doc.components.securitySchemes.siteKeyHeader).toMatchObject({ in: 'header', name: 'X-Stint-Key' });
    expect(doc.components.securitySchemes.accessToken).toMatchObject({ in: 'query', name: 'access_token' });
    const report = doc.paths['/api/v1/report'].get.parameters.map((p: { name: string }) => p.name);
    expect(report).toContain('funnel');
  });
});
