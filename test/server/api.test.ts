/**
 * `stint serve` through its HTTP API, in process: the collector's answers (accepted, rejected
 * with reasons, clamped, duplicates, bots), NDJSON, the public key from a browser and CORS,
 * cookieless visitor ids and their daily salts, the query API against the CLI on the same store,
 * sessions and journeys, OpenAPI, health and metrics, the live stream over a real port, late and
 * out-of-order events against `sessionize`, graceful shutdown and a restart on the same data.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ANALYSES } from '../../src/analysis/catalog.ts';
import type { StintEvent } from '../../src/core/event.ts';
import { createRules } from '../../src/core/rules.ts';
import { sessionize } from '../../src/core/sessionize.ts';
import { createServer, type StintServer } from '../../src/server/app.ts';
import { resolveConfig } from '../../src/server/config.ts';
import { encodeLines, openEventLog } from '../../src/server/event-log.ts';
import { openSalts } from '../../src/server/salts.ts';
import { openDuckDBStore } from '../../src/store/duckdb-store.ts';
import { stintHere } from '../helpers/cli-in-process.ts';
import { closeServers, startTestServer, type TestServer } from '../helpers/server.ts';
import { ev } from '../helpers/store.ts';

const CHROME_LINUX =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const SHOP = 'https://shop.example';

/** Servers this file opens itself (a restart on an existing directory); closed before closeServers. */
const reopened: StintServer[] = [];
const tempDirs: string[] = [];

afterEach(async () => {
  for (const s of reopened.splice(0)) await s.close();
  await closeServers();
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

type Json = Record<string, unknown>;
type SessionJson = Json & {
  session_id: string;
  identity: string;
  start: string;
  end: string;
  events: number;
  pageviews: number;
  entry_page: string;
  exit_page: string;
  end_reason: string;
  device_type: string;
  browser: string;
  os: string;
};
type OverviewJson = {
  metrics: Record<'sessions' | 'events' | 'conversion_rate', { value: number }>;
};
type JourneyJson = {
  session: SessionJson;
  events: (Json & { timestamp: string; path: string; event: string; properties: Json })[];
};

/** GET with the admin token; the body as JSON, the status asserted to be 200. */
async function get<T = Json>(t: TestServer, url: string): Promise<T> {
  const res = await t.app.inject({ url, headers: t.auth(t.admin) });
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json() as T;
}

/** Every stored session of a site (one page of up to 1000). */
async function allSessions(t: TestServer, site = 'shop'): Promise<SessionJson[]> {
  const page = await get<{ sessions: SessionJson[]; next: string | null }>(
    t,
    `/api/v1/sessions?site=${site}&limit=1000`,
  );
  expect(page.next).toBeNull();
  return page.sessions;
}

async function journey(t: TestServer, id: string, site = 'shop'): Promise<JourneyJson> {
  return get<JourneyJson>(t, `/api/v1/sessions/${id}?site=${site}`);
}

/** POSTs with shop's public key, as a browser on an allowed page would. */
function browserPost(
  t: TestServer,
  body: unknown,
  opts: { ua?: string; ip?: string; origin?: string | null } = {},
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.origin !== null) headers.origin = opts.origin ?? SHOP;
  if (opts.ua !== undefined) headers['user-agent'] = opts.ua;
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/events?key=${t.sites.shop.publicKey}`,
    headers,
    remoteAddress: opts.ip ?? '203.0.113.7',
    payload: JSON.stringify(body),
  });
}

/** A server on an existing data directory (startTestServer wants a fresh one). */
async function reopen(dir: string, settings: Record<string, string> = {}): Promise<StintServer> {
  const config = resolveConfig(
    { data: dir },
    { STINT_LOG_LEVEL: 'silent', STINT_SESSIONIZE_DELAY: '10ms', ...settings },
  );
  const server = await createServer(config, { logger: false });
  reopened.push(server);
  return server;
}

/** A site's store, read after its server has stopped: the rows of `sql`. */
async function storedRows(dir: string, sql: string, site = 'shop'): Promise<Record<string, unknown>[]> {
  const store = await openDuckDBStore(join(dir, 'sites', `${site}.duckdb`));
  try {
    return await store.query({ sql, params: [] });
  } finally {
    store.close();
  }
}

/** A test server stopped with `events` in site shop's log only (as a crash before they were stored), then started again. */
async function restartWithLogged(events: StintEvent[]): Promise<{ t: TestServer; again: StintServer }> {
  const t = await startTestServer();
  await t.server.close();
  const { log } = await openEventLog(join(t.dir, 'sites', 'shop.log'), undefined);
  await log.appendLines(encodeLines(events));
  await log.close();
  return { t, again: await reopen(t.dir) };
}

describe('collector answers', () => {
  it('answers one event object with its counts', async () => {
    const t = await startTestServer();
    const res = await t.post({ anonymous_id: 'a', timestamp: '2026-11-20T10:00:00Z', url: '/x' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accepted: 1, duplicates: 0, bots: 0, rejected: [] });
  });

  it('accepts the good events of a batch and lists each bad one by index, code and message', async () => {
    const t = await startTestServer();
    const good = (n: number) => ({
      anonymous_id: 'mix',
      timestamp: `2026-11-20T10:0${n}:00Z`,
      url: `/p${n}`,
    });
    const res = await t.post({
      events: [
        good(0),
        { anonymous_id: 'mix', timestamp: 'yesterday', url: '/bad-ts' },
        { anonymous_id: 'mix', timestamp: '2026-11-20T10:01:00Z', url: `/${'x'.repeat(5000)}` },
        { anonymous_id: 'mix', timestamp: '2026-11-20T10:01:00Z', properties: { nested: { a: 1 } } },
        good(1),
        { anonymous_id: 'mix', timestamp: '2026-11-20T10:01:00Z', value: 'abc' },
        good(2),
      ],
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { accepted: number; duplicates: number; bots: number; rejected: Json[] };
    expect(body.accepted).toBe(3);
    expect(body.duplicates).toBe(0);
    expect(body.bots).toBe(0);
    expect(body.rejected.map((r) => r.index)).toEqual([1, 2, 3, 5]);
    expect(body.rejected.map((r) => r.code)).toEqual(['bad_timestamp', 'invalid', 'invalid', 'bad_value']);
    for (const r of body.rejected) {
      expect(Object.keys(r).sort()).toEqual(['code', 'index', 'message']);
      expect(typeof r.message).toBe('string');
      expect((r.message as string).length).toBeGreaterThan(0);
    }
    expect(body.rejected[0]!.message).toContain('yesterday');
    expect(body.rejected[1]!.message).toMatch(/url/);
    expect(body.rejected[2]!.message).toMatch(/nested/);
    expect(body.rejected[3]!.message).toContain('abc');
    await t.settle();
    const [s] = await allSessions(t);
    expect(s).toMatchObject({ identity: 'mix', events: 3, entry_page: '/p0', exit_page: '/p2' });
  });

  it('answers 400 with the same shape when every event is bad', async () => {
    const t = await startTestServer();
    const res = await t.post({
      events: [
        { anonymous_id: 'a', timestamp: 'yesterday' },
        { anonymous_id: 'a', timestamp: '2026-11-20T10:00:00Z', value: 'abc' },
        { anonymous_id: 'a', timestamp: '2026-11-20T10:00:00Z', deep: { a: 1 } },
      ],
    });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { rejected: Json[] };
    expect(body).toMatchObject({ accepted: 0, duplicates: 0, bots: 0 });
    expect(body.rejected.map((r) => [r.index, r.code])).toEqual([
      [0, 'bad_timestamp'],
      [1, 'bad_value'],
      [2, 'invalid'],
    ]);
    for (const r of body.rejected) expect(typeof r.message).toBe('string');
    await t.settle();
    expect(await allSessions(t)).toEqual([]);
  });

  it('takes the receive time when there is no timestamp', async () => {
    const t = await startTestServer();
    const before = Date.now();
    const res = await t.post({ anonymous_id: 'now', url: '/now' });
    const after = Date.now();
    expect(res.json()).toEqual({ accepted: 1, duplicates: 0, bots: 0, rejected: [] });
    await t.settle();
    const [s] = await allSessions(t);
    const j = await journey(t, s!.session_id);
    expect(j.events).toHaveLength(1);
    const ts = Date.parse(j.events[0]!.timestamp);
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(after);
    expect(j.events[0]!.properties).not.toHaveProperty('stint_clamped_from');
  });

  it('clamps a timestamp far in the future to the receive time, with a warning and the original kept', async () => {
    const t = await startTestServer();
    const before = Date.now();
    const res = await t.post({
      events: [
        { anonymous_id: 'f', timestamp: '2026-11-20T10:00:00Z', url: '/ok' },
        { anonymous_id: 'g', timestamp: '2099-01-01T00:00:00Z', url: '/future' },
      ],
    });
    const after = Date.now();
    expect(res.statusCode).toBe(200);
    const body = res.json() as Json & { warnings: Json[] };
    expect(body).toMatchObject({ accepted: 2, duplicates: 0, bots: 0, rejected: [] });
    expect(body.warnings).toHaveLength(1);
    expect(body.warnings[0]).toMatchObject({ index: 1, code: 'clamped_future' });
    await t.settle();
    const s = (await allSessions(t)).find((x) => x.identity === 'g');
    expect(s).toBeDefined();
    const j = await journey(t, s!.session_id);
    const e = j.events[0]!;
    expect(Date.parse(e.timestamp)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(e.timestamp)).toBeLessThanOrEqual(after);
    expect(e.properties.stint_clamped_from).toBe('2099-01-01T00:00:00.000Z');
    // The event in the present is left alone.
    const f = (await allSessions(t)).find((x) => x.identity === 'f')!;
    const jf = await journey(t, f.session_id);
    expect(jf.events[0]!.timestamp).toBe('2026-11-20T10:00:00.000Z');
    expect(jf.events[0]!.properties).not.toHaveProperty('stint_clamped_from');
  });
});

describe('idempotency', () => {
  it('counts an event_id once: in one request, across requests, and once it is stored', async () => {
    // A long delay: the second request finds the first copy in the log, not yet in the store.
    const t = await startTestServer({ STINT_SESSIONIZE_DELAY: '1h' });
    const e = { anonymous_id: 'r', timestamp: '2026-11-20T10:00:00Z', url: '/r', event_id: 'evt-1' };
    const first = await t.post({ events: [e, e] });
    expect(first.json()).toEqual({ accepted: 1, duplicates: 1, bots: 0, rejected: [] });
    const second = await t.post(e);
    expect(second.json()).toEqual({ accepted: 0, duplicates: 1, bots: 0, rejected: [] });
    await t.settle();
    const third = await t.post(e);
    expect(third.json()).toEqual({ accepted: 0, duplicates: 1, bots: 0, rejected: [] });
    // A retry with other content is still the same event.
    const fourth = await t.post({ ...e, url: '/other' });
    expect(fourth.json()).toEqual({ accepted: 0, duplicates: 1, bots: 0, rejected: [] });
    await t.settle();
    const o = await get<OverviewJson>(t, '/api/v1/overview?site=shop');
    expect(o.metrics.events.value).toBe(1);
    expect(o.metrics.sessions.value).toBe(1);
  });

  it('gives an event without event_id its own: two identical posts are two events', async () => {
    const t = await startTestServer();
    const e = { anonymous_id: 'n', timestamp: '2026-11-20T10:00:00Z', url: '/n' };
    expect((await t.post(e)).json()).toMatchObject({ accepted: 1, duplicates: 0 });
    expect((await t.post(e)).json()).toMatchObject({ accepted: 1, duplicates: 0 });
    await t.settle();
    const o = await get<OverviewJson>(t, '/api/v1/overview?site=shop');
    expect(o.metrics.events.value).toBe(2);
    const [s] = await allSessions(t);
    const j = await journey(t, s!.session_id);
    expect(j.events).toHaveLength(2);
    const ids = j.events.map((x) => x.event_id as string);
    expect(ids[0]).not.toBe('');
    expect(ids[0]).not.toBe(ids[1]);
  });
});

describe('NDJSON', () => {
  it('accepts one event a line, blank lines skipped', async () => {
    const t = await startTestServer();
    const lines = [
      JSON.stringify({ anonymous_id: 'nd', timestamp: '2026-11-20T10:00:00Z', url: '/1' }),
      '',
      JSON.stringify({ anonymous_id: 'nd', timestamp: '2026-11-20T10:01:00Z', url: '/2' }),
      JSON.stringify({ anonymous_id: 'nd', timestamp: '2026-11-20T10:02:00Z', url: '/3' }),
    ];
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/events/ndjson',
      headers: { 'content-type': 'application/x-ndjson', ...t.auth(t.sites.shop.writeKey) },
      payload: `${lines.join('\n')}\n`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ accepted: 3, duplicates: 0, bots: 0, rejected: [] });
    await t.settle();
    const [s] = await allSessions(t);
    expect(s).toMatchObject({ events: 3, entry_page: '/1', exit_page: '/3' });
  });
});

describe('public key from the browser', () => {
  it('takes events from an allowed origin and answers with CORS headers', async () => {
    // The server's clock is a minute past the event: a browser's timestamp a week old is clamped.
    const t = await startTestServer({}, undefined, { now: () => Date.parse('2026-11-20T10:01:00Z') });
    const res = await browserPost(t, { timestamp: '2026-11-20T10:00:00Z', url: '/pk' }, { ua: CHROME_LINUX });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ accepted: 1, duplicates: 0, bots: 0, rejected: [] });
    expect(res.headers['access-control-allow-origin']).toBe(SHOP);
  });

  it('refuses another origin and no origin with 403', async () => {
    const t = await startTestServer();
    const body = { timestamp: '2026-11-20T10:00:00Z', url: '/pk' };
    const other = await browserPost(t, body, { origin: 'https://evil.example', ua: CHROME_LINUX });
    expect(other.statusCode).toBe(403);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const none = await browserPost(t, body, { origin: null, ua: CHROME_LINUX });
    expect(none.statusCode).toBe(403);
    // blog's origin does not open shop's key.
    const blog = await browserPost(t, body, { origin: 'https://blog.example', ua: CHROME_LINUX });
    expect(blog.statusCode).toBe(403);
    await t.settle();
    expect(await allSessions(t)).toEqual([]);
  });

  it('answers the preflight of an allowed origin with 204 and the CORS headers', async () => {
    const t = await startTestServer();
    const res = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/events',
      headers: {
        origin: SHOP,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(SHOP);
    expect(String(res.headers['access-control-allow-methods'])).toMatch(/\bPOST\b/);
    const other = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/events',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('visitor ids', () => {
  it('gives events without ids from one address and browser one hashed visitor, with the device from the User-Agent', async () => {
    const t = await startTestServer({}, undefined, { now: () => Date.parse('2026-11-20T10:05:00Z') });
    const ip = '203.0.113.7';
    for (const [at, url] of [
      ['2026-11-20T10:00:00Z', '/one'],
      ['2026-11-20T10:03:00Z', '/two'],
    ] as const) {
      const res = await browserPost(t, { timestamp: at, url }, { ua: CHROME_LINUX, ip });
      expect(res.json()).toMatchObject({ accepted: 1 });
    }
    // Another address, same browser: another visitor.
    await browserPost(
      t,
      { timestamp: '2026-11-20T10:01:00Z', url: '/three' },
      { ua: CHROME_LINUX, ip: '198.51.100.20' },
    );
    await t.settle();
    const sessions = await allSessions(t);
    expect(sessions).toHaveLength(2);
    const mine = sessions.find((s) => s.events === 2)!;
    const other = sessions.find((s) => s.events === 1)!;
    expect(mine).toMatchObject({ entry_page: '/one', exit_page: '/two' });
    expect(mine.identity).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(mine.identity).not.toContain(ip);
    expect(mine.anonymous_id).toBe(mine.identity);
    expect(other.identity).not.toBe(mine.identity);
    expect(other.identity).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(mine).toMatchObject({ device_type: 'desktop', browser: 'Chrome', os: 'Linux' });
    // The address is nowhere in what is stored about the events.
    const j = await journey(t, mine.session_id);
    expect(JSON.stringify(j)).not.toContain(ip);
  });

  it("takes a server-side sender's ip and user_agent fields for the hash, not its own address", async () => {
    const t = await startTestServer();
    const post = (at: string, remoteAddress: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: {
          'content-type': 'application/json',
          ...t.auth(t.sites.shop.writeKey),
          'user-agent': 'backend/1.0',
        },
        remoteAddress,
        payload: JSON.stringify({ timestamp: at, url: '/srv', ip: '192.0.2.44', user_agent: SAFARI_IPHONE }),
      });
    expect((await post('2026-11-20T10:00:00Z', '10.0.0.1')).json()).toMatchObject({ accepted: 1 });
    expect((await post('2026-11-20T10:02:00Z', '10.0.0.2')).json()).toMatchObject({ accepted: 1 });
    await t.settle();
    const sessions = await allSessions(t);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.events).toBe(2);
    expect(sessions[0]!.identity).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(sessions[0]!.identity).not.toContain('192.0.2.44');
    expect(sessions[0]).toMatchObject({ device_type: 'mobile', os: 'iOS' });
  });

  it('keeps a visit across UTC midnight under one visitor id, and starts a new one after a pause', async () => {
    // Only Date is faked: receive times (and so the salts' days) follow it, timers run as usual.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.UTC(2026, 10, 20, 23, 50));
      const t = await startTestServer();
      const at = async (iso: string, ip: string, url: string) => {
        vi.setSystemTime(Date.parse(iso));
        const res = await browserPost(t, { url }, { ua: CHROME_LINUX, ip });
        expect(res.json()).toMatchObject({ accepted: 1 });
      };
      // One visitor browses over midnight; another leaves at 23:15 and comes back after midnight.
      await at('2026-11-20T23:15:00Z', '198.51.100.8', '/early');
      await at('2026-11-20T23:55:00Z', '203.0.113.7', '/before');
      await at('2026-11-21T00:05:00Z', '203.0.113.7', '/after');
      await at('2026-11-21T00:06:00Z', '198.51.100.8', '/back');
      await t.settle();
      const sessions = await allSessions(t);
      const across = sessions.filter((s) => s.entry_page === '/before');
      expect(across).toHaveLength(1);
      expect(across[0]).toMatchObject({ events: 2, exit_page: '/after' });
      const early = sessions.find((s) => s.entry_page === '/early')!;
      const back = sessions.find((s) => s.entry_page === '/back')!;
      expect(early.identity).not.toBe(back.identity);
      expect(sessions).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('openSalts: one id per input and UTC day, yesterday kept for an active visitor, salts secret and short-lived', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stint-salts-'));
    const dir2 = mkdtempSync(join(tmpdir(), 'stint-salts-'));
    tempDirs.push(dir, dir2);
    const day1 = Date.UTC(2026, 10, 20, 1, 0);
    const day1Late = Date.UTC(2026, 10, 20, 23, 59, 59);
    const day2 = Date.UTC(2026, 10, 21, 0, 0, 1);
    const day3 = Date.UTC(2026, 10, 22, 12, 0);
    const never = () => false;
    const ip = '203.0.113.9';
    const salts = openSalts(dir);

    const id1 = salts.visitorId('shop', ip, CHROME_LINUX, day1, never);
    expect(id1).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(id1).not.toContain(ip);
    expect(salts.visitorId('shop', ip, CHROME_LINUX, day1Late, never)).toBe(id1);
    // Any part of the input changes the id.
    expect(salts.visitorId('blog', ip, CHROME_LINUX, day1, never)).not.toBe(id1);
    expect(salts.visitorId('shop', '203.0.113.10', CHROME_LINUX, day1, never)).not.toBe(id1);
    expect(salts.visitorId('shop', ip, SAFARI_IPHONE, day1, never)).not.toBe(id1);

    // The next day: a new id, unless yesterday's id is still active.
    const id2 = salts.visitorId('shop', ip, CHROME_LINUX, day2, never);
    expect(id2).not.toBe(id1);
    const asked: string[] = [];
    const kept = salts.visitorId('shop', ip, CHROME_LINUX, day2, (id) => {
      asked.push(id);
      return id === id1;
    });
    expect(kept).toBe(id1);
    expect(asked).toContain(id1);
    expect(salts.visitorId('shop', ip, CHROME_LINUX, day2, (id) => id !== id1 && id !== id2)).toBe(id2);

    // The salts are kept (a restart gives the same ids), readable by the owner only.
    const path = join(dir, 'salts.json');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(openSalts(dir, () => day2).visitorId('shop', ip, CHROME_LINUX, day2, never)).toBe(id2);
    const days = () => Object.keys((JSON.parse(readFileSync(path, 'utf8')) as { days: Json }).days).sort();
    expect(days()).toEqual(['2026-11-20', '2026-11-21']);

    // Day three: the first day's salt is gone; day two's id survives only for an active visitor.
    const id3 = salts.visitorId('shop', ip, CHROME_LINUX, day3, never);
    expect([id1, id2]).not.toContain(id3);
    expect(days()).toEqual(['2026-11-21', '2026-11-22']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(salts.visitorId('shop', ip, CHROME_LINUX, day3, (id) => id === id1)).toBe(id3);
    expect(salts.visitorId('shop', ip, CHROME_LINUX, day3, (id) => id === id2)).toBe(id2);

    // Not derivable from the date: another data directory gives other ids for the same input.
    const other = openSalts(dir2);
    expect(other.visitorId('shop', ip, CHROME_LINUX, day1, never)).not.toBe(id1);
    expect(other.visitorId('shop', ip, CHROME_LINUX, day3, never)).not.toBe(id3);
  });
});

describe('bots', () => {
  it('leaves out a known bot and stores nothing', async () => {
    const t = await startTestServer();
    const res = await browserPost(t, { timestamp: '2026-11-20T10:00:00Z', url: '/crawl' }, { ua: GOOGLEBOT });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accepted: 0, duplicates: 0, bots: 1, rejected: [] });
    // From a server-side sender, the event's own user_agent says so.
    const srv = await t.post({ anonymous_id: 'b', timestamp: '2026-11-20T10:00:00Z', user_agent: GOOGLEBOT });
    expect(srv.json()).toEqual({ accepted: 0, duplicates: 0, bots: 1, rejected: [] });
    await t.settle();
    expect(await allSessions(t)).toEqual([]);
    const o = await get<OverviewJson>(t, '/api/v1/overview?site=shop');
    expect(o.metrics.events.value).toBe(0);
  });
});

describe('query API', () => {
  /** A small shop: visitors from several sources, devices and days; a purchase; a returning visitor. */
  function shopEvents(): Json[] {
    const e = (who: string, at: string, url: string, extra: Json = {}) => ({
      anonymous_id: who,
      timestamp: `2026-11-${at}Z`,
      url: `https://shop.example${url}`,
      user_agent: CHROME_LINUX,
      event_id: `${who}-${at}`,
      ...extra,
    });
    return [
      e('v1', '10T09:00:00', '/?utm_source=google&utm_medium=cpc&utm_campaign=autumn'),
      e('v1', '10T09:02:00', '/a'),
      e('v1', '10T09:05:30', '/b'),
      e('v1', '10T09:06:00', '/b', { event: 'purchase', value: 49.9 }),
      e('v2', '10T12:00:00', '/a', { referrer: 'https://news.ycombinator.com/item?id=1' }),
      e('v2', '10T12:01:00', '/b'),
      e('v3', '12T08:00:00', '/?utm_source=newsletter&utm_medium=email', { user_agent: SAFARI_IPHONE }),
      e('v3', '19T08:00:00', '/a', { user_agent: SAFARI_IPHONE }),
      e('v3', '19T08:00:20', '/c', { user_agent: SAFARI_IPHONE }),
      e('v4', '15T20:00:00', '/b', { user_agent: SAFARI_IPHONE }),
      e('v1', '18T17:30:00', '/a', { referrer: 'https://www.google.com/' }),
      e('v5', '20T23:59:00', '/a'),
      e('v5', '21T00:04:00', '/b'),
      e('v5', '21T00:05:00', '/c', { event: 'click', element: 'buy' }),
    ];
  }

  it('answers every analysis as the CLI does on the same store', async () => {
    const t = await startTestServer({ STINT_GOALS: 'purchase' });
    const events = shopEvents();
    // In three requests, out of order.
    for (const part of [events.slice(7), events.slice(0, 3), events.slice(3, 7)]) {
      const res = await t.post({ events: part });
      expect(res.json()).toMatchObject({ accepted: part.length, rejected: [] });
    }
    await t.settle();
    const range = 'from=2026-11-01&to=2026-11-30';
    // The query string as a user writes it (CLI defaults left out), and with the CLI's defaults spelled out.
    const cases: [string[], string[]][] = [
      [[`report?${range}`, `report?${range}&interval=day`], ['report']],
      [
        [`report?${range}&funnel=/a,/b&funnel=/,event:purchase`],
        ['report', '--funnel', '/a,/b', '--funnel', '/,event:purchase'],
      ],
      [[`overview?${range}`], ['overview']],
      [
        [`breakdown?${range}&by=traffic_source`, `breakdown?${range}&by=traffic_source&limit=20`],
        ['breakdown', '--by', 'traffic_source'],
      ],
      [[`pages?${range}`, `pages?${range}&limit=20`], ['pages']],
      [[`funnel?${range}&step=/a&step=/b`], ['funnel', '--step', '/a', '--step', '/b']],
      [[`retention?${range}`, `retention?${range}&cohort=week&period=week&periods=8`], ['retention']],
      [[`timeseries?${range}&interval=day`], ['timeseries', '--interval', 'day']],
      [[`ctr?${range}`, `ctr?${range}&limit=20&click_event=click`], ['ctr']],
      [[`paths?${range}`, `paths?${range}&steps=3&limit=10`], ['paths']],
    ];
    // Every route asked before the server closes; compared one by one (expect.soft), so one
    // that fails does not hide the others.
    const answers = new Map<string, LightMyRequestResponse>();
    for (const [urls] of cases) {
      for (const u of urls) {
        const url = `/api/v1/${u.replace('?', '?site=shop&')}`;
        answers.set(u, await t.app.inject({ url, headers: t.auth(t.admin) }));
      }
    }
    // The report is not empty: the data reached it.
    const report = answers.get(`report?${range}`)!.json() as { overview: OverviewJson['metrics'] };
    expect(report.overview.sessions.value).toBe(7);
    expect(report.overview.conversion_rate.value).toBeCloseTo(1 / 7, 9);
    await t.server.close();
    const db = join(t.dir, 'sites', 'shop.duckdb');
    for (const [urls, args] of cases) {
      const r = await stintHere([
        ...args,
        '--db',
        db,
        '--from',
        '2026-11-01',
        '--to',
        '2026-11-30',
        '--json',
      ]);
      expect(r.stderr, args.join(' ')).toBe('');
      expect(r.code, args.join(' ')).toBe(0);
      const cli = JSON.parse(r.stdout) as unknown;
      for (const u of urls) {
        const res = answers.get(u)!;
        expect.soft(res.statusCode, `GET ${u}: ${res.body}`).toBe(200);
        if (res.statusCode === 200) expect.soft(res.json(), `GET ${u}`).toEqual(cli);
      }
    }
    // Two reports with their insights and ten commands: about 30 s on a loaded 2-core machine.
  }, 180_000);

  it('pages through the sessions newest first, filters them, and gives one session with its events', async () => {
    const t = await startTestServer();
    const e = (who: string, at: string, url: string) => ({
      anonymous_id: who,
      timestamp: `2026-11-${at}Z`,
      url,
    });
    const res = await t.post({
      events: [
        e('p1', '01T10:00:00', '/a'),
        e('p2', '02T10:00:00', '/b'),
        e('p3', '02T10:00:00', '/a'),
        // p4's events out of order in the request.
        e('p4', '03T10:05:00', '/b'),
        e('p4', '03T10:00:00', '/a'),
        e('p4', '03T10:02:00', '/c'),
        e('p5', '04T10:00:00', '/c'),
        e('p6', '02T10:00:00', '/c'),
      ],
    });
    expect(res.json()).toMatchObject({ accepted: 8 });
    const blog = await t.post(
      { anonymous_id: 'b1', timestamp: '2026-11-05T10:00:00Z', url: '/post' },
      t.auth(t.sites.blog.writeKey),
    );
    expect(blog.json()).toMatchObject({ accepted: 1 });
    await t.settle();

    const seen: SessionJson[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/v1/sessions?site=shop&limit=2${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
      const page: { sessions: SessionJson[]; next: string | null } = await get(t, url);
      expect(page.sessions.length).toBeLessThanOrEqual(2);
      if (page.next !== null) expect(page.sessions).toHaveLength(2);
      seen.push(...page.sessions);
      cursor = page.next;
      pages++;
      expect(pages).toBeLessThan(10);
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(6);
    expect(new Set(seen.map((s) => s.session_id)).size).toBe(6);
    expect(new Set(seen.map((s) => s.identity))).toEqual(new Set(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']));
    const order = [...seen].sort((a, b) =>
      a.start !== b.start ? (a.start < b.start ? 1 : -1) : a.session_id < b.session_id ? 1 : -1,
    );
    expect(seen.map((s) => s.session_id)).toEqual(order.map((s) => s.session_id));
    expect(seen[0]!.identity).toBe('p5');
    expect(seen.at(-1)!.identity).toBe('p1');
    // The same as one page.
    expect((await allSessions(t)).map((s) => s.session_id)).toEqual(seen.map((s) => s.session_id));

    const filtered = await get<{ sessions: SessionJson[]; next: string | null }>(
      t,
      `/api/v1/sessions?site=shop&filter=${encodeURIComponent('entry_page=/a')}`,
    );
    expect(filtered.next).toBeNull();
    expect(filtered.sessions.map((s) => s.identity).sort()).toEqual(['p1', 'p3', 'p4']);
    for (const s of filtered.sessions) expect(s.entry_page).toBe('/a');
    const ranged = await get<{ sessions: SessionJson[] }>(
      t,
      '/api/v1/sessions?site=shop&from=2026-11-02&to=2026-11-02',
    );
    expect(ranged.sessions.map((s) => s.identity).sort()).toEqual(['p2', 'p3', 'p6']);

    for (const bad of ['not-a-cursor!', Buffer.from('garbage').toString('base64url')]) {
      const r = await t.app.inject({
        url: `/api/v1/sessions?site=shop&limit=2&cursor=${encodeURIComponent(bad)}`,
        headers: t.auth(t.admin),
      });
      expect(r.statusCode, bad).toBe(400);
    }

    const p4 = seen.find((s) => s.identity === 'p4')!;
    const j = await journey(t, p4.session_id);
    expect(j.session).toEqual(p4);
    expect(j.session).toMatchObject({
      start: '2026-11-03T10:00:00.000Z',
      end: '2026-11-03T10:05:00.000Z',
      events: 3,
      entry_page: '/a',
      exit_page: '/b',
    });
    expect(j.events.map((x) => [x.timestamp, x.path])).toEqual([
      ['2026-11-03T10:00:00.000Z', '/a'],
      ['2026-11-03T10:02:00.000Z', '/c'],
      ['2026-11-03T10:05:00.000Z', '/b'],
    ]);

    const unknown = await t.app.inject({
      url: `/api/v1/sessions/${'0'.repeat(32)}?site=shop`,
      headers: t.auth(t.admin),
    });
    expect(unknown.statusCode).toBe(404);
    const [blogSession] = await allSessions(t, 'blog');
    expect(blogSession).toBeDefined();
    expect((await journey(t, blogSession!.session_id, 'blog')).session.identity).toBe('b1');
    const cross = await t.app.inject({
      url: `/api/v1/sessions/${blogSession!.session_id}?site=shop`,
      headers: t.auth(t.admin),
    });
    expect(cross.statusCode).toBe(404);
  });
});

describe('service routes', () => {
  it('serves the OpenAPI document without auth, with a path for every route', async () => {
    const t = await startTestServer();
    const res = await t.app.inject({ url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const doc = res.json() as { openapi: string; paths: Record<string, Json> };
    expect(doc.openapi).toBe('3.1.0');
    const paths = Object.keys(doc.paths);
    expect(ANALYSES.length).toBeGreaterThan(0);
    for (const def of ANALYSES) {
      expect(paths, def.name).toContain(`/api/v1/${def.name}`);
      expect(doc.paths[`/api/v1/${def.name}`], def.name).toHaveProperty('get');
    }
    for (const p of ['/api/v1/events', '/api/v1/report', '/api/v1/sessions', '/api/v1/live'])
      expect(paths, p).toContain(p);
    expect(doc.paths['/api/v1/events']).toHaveProperty('post');
  });

  it('answers /healthz', async () => {
    const t = await startTestServer();
    const res = await t.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok' });
  });

  it('shows the counters in /metrics to an admin only', async () => {
    const t = await startTestServer();
    const e = (n: number, extra: Json = {}) => ({
      anonymous_id: 'm',
      timestamp: `2026-11-20T10:0${n}:00Z`,
      url: `/m${n}`,
      event_id: `m-${n}`,
      ...extra,
    });
    expect((await t.post({ events: [e(0), e(1), e(2)] })).json()).toMatchObject({ accepted: 3 });
    expect(
      (await t.post({ events: [e(1), e(3), { ...e(4), timestamp: 'yesterday' }] })).json(),
    ).toMatchObject({
      accepted: 1,
      duplicates: 1,
      rejected: [{ index: 2, code: 'bad_timestamp' }],
    });
    expect((await browserPost(t, { url: '/bot' }, { ua: GOOGLEBOT })).json()).toMatchObject({ bots: 1 });
    await t.settle();

    const res = await t.app.inject({ url: '/metrics', headers: t.auth(t.admin) });
    expect(res.statusCode).toBe(200);
    const text = res.body;
    const value = (metric: string, labels: string) => {
      const re = new RegExp(`^${metric}\\{${labels}\\} (\\S+)$`, 'm');
      const m = re.exec(text);
      expect(m, `${metric}{${labels}}`).not.toBeNull();
      return Number(m![1]);
    };
    expect(value('stint_events_accepted_total', 'site="shop"')).toBe(4);
    expect(value('stint_events_duplicates_total', 'site="shop"')).toBe(1);
    expect(value('stint_events_rejected_total', 'site="shop",code="bad_timestamp"')).toBe(1);
    expect(value('stint_events_bots_total', 'site="shop"')).toBe(1);
    expect(value('stint_open_sessions', 'site="shop"')).toBe(1);
    expect(value('stint_queue_depth', 'site="shop"')).toBe(0);
    expect(value('stint_commit_seconds_count', 'site="shop"')).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^stint_commit_seconds_bucket\{le="[^"]+",site="shop"\} \d+$/m);

    const anonymous = await t.app.inject({ url: '/metrics' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.body).not.toContain('stint_events_accepted_total');
    const reader = await t.app.inject({ url: '/metrics', headers: t.auth(t.sites.shop.reader) });
    expect(reader.statusCode).toBe(403);
  });

  it('streams /api/v1/live over a real port', async () => {
    const t = await startTestServer();
    expect(
      (await t.post({ anonymous_id: 'live', timestamp: '2026-11-20T10:00:00Z', url: '/live' })).json(),
    ).toMatchObject({ accepted: 1 });
    const unauthorised = await t.app.inject({ url: '/api/v1/live?site=shop' });
    expect(unauthorised.statusCode).toBe(401);
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 10_000);
    try {
      const res = await fetch(`${url}/api/v1/live?site=shop&access_token=${t.admin}`, {
        signal: abort.signal,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
      const update = (await firstFrame(res)) as {
        open_sessions: number;
        events_per_second: number;
        latest: Json[];
      };
      expect(update).toHaveProperty('open_sessions');
      expect(update).toHaveProperty('events_per_second');
      expect(typeof update.events_per_second).toBe('number');
      expect(Array.isArray(update.latest)).toBe(true);
      expect(update.open_sessions).toBe(1);
      expect(update.latest).toHaveLength(1);
      expect(update.latest[0]).toMatchObject({
        path: '/live',
        visitor: 'live',
        ts: '2026-11-20T10:00:00.000Z',
      });
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
  });

  it('ends open live streams when it closes', async () => {
    const t = await startTestServer();
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), 10_000);
    try {
      const res = await fetch(`${url}/api/v1/live?site=shop&access_token=${t.admin}`, {
        signal: abort.signal,
      });
      const reader = res.body!.getReader();
      await reader.read();
      const started = performance.now();
      await t.server.close();
      expect(performance.now() - started).toBeLessThan(3000);
      // The stream ends: no more frames, then done.
      for (;;) {
        const { done } = await reader.read();
        if (done) break;
      }
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
  });
});

/** The first `data: {...}` frame of a Server-Sent Events answer, parsed. */
async function firstFrame(res: Response): Promise<unknown> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    const frame = /^data: (\{.*\})\n\n/.exec(buffered);
    if (frame !== null) return JSON.parse(frame[1]!);
  }
  throw new Error(`no frame in ${JSON.stringify(buffered)}`);
}

describe('late and out-of-order events', () => {
  it('stores the sessions sessionize gives for the same events, whatever order and batch they came in', async () => {
    const t = await startTestServer();
    const e = (who: string, at: string, url: string) => ({
      anonymous_id: who,
      timestamp: `2026-11-20T${at}Z`,
      url,
      event_id: `${who}-${at}`,
    });
    const arrivals = [
      e('v', '10:20:00', '/c'),
      e('v', '10:00:00', '/a'),
      e('v', '10:45:00', '/d'),
      e('w', '10:50:00', '/w1'),
      e('v', '10:10:00', '/b'),
      // Three hours before the latest: far beyond the lateness.
      e('v', '07:45:00', '/early'),
      e('v', '07:50:00', '/early2'),
      e('w', '12:00:00', '/w2'),
    ];
    for (const [k, event] of arrivals.entries()) {
      const res = await t.post(event);
      expect(res.json()).toMatchObject({ accepted: 1 });
      // Most of them sessionized on their own, so later ones must rework stored sessions.
      if (k !== 1 && k !== 5) await t.settle();
    }
    await t.settle();
    const pick = (s: {
      session_id: string;
      identity: string;
      start: string;
      end: string;
      events: number;
      pageviews: number;
      entry_page: string;
      exit_page: string;
      end_reason: string;
    }) => ({
      session_id: s.session_id,
      identity: s.identity,
      start: s.start,
      end: s.end,
      events: s.events,
      pageviews: s.pageviews,
      entry_page: s.entry_page,
      exit_page: s.exit_page,
      end_reason: s.end_reason,
    });
    const stored = (await allSessions(t)).map(pick).sort((a, b) => (a.session_id < b.session_id ? -1 : 1));
    const expected = sessionize(arrivals, createRules())
      .sessions.map((s) =>
        pick({
          session_id: s.sessionId,
          identity: s.identity,
          start: new Date(s.startMs).toISOString(),
          end: new Date(s.endMs).toISOString(),
          events: s.events,
          pageviews: s.pageviews,
          entry_page: s.entryPage,
          exit_page: s.exitPage,
          end_reason: s.endReason,
        }),
      )
      .sort((a, b) => (a.session_id < b.session_id ? -1 : 1));
    expect(expected).toHaveLength(4);
    expect(stored).toEqual(expected);
    // What that is, spelled out.
    const byStart = [...stored].sort((a, b) => (a.start < b.start ? -1 : 1));
    expect(
      byStart.map((s) => [s.identity, s.start.slice(11, 16), s.end.slice(11, 16), s.events, s.end_reason]),
    ).toEqual([
      ['v', '07:45', '07:50', 2, 'timeout'],
      ['v', '10:00', '10:45', 4, 'timeout'],
      ['w', '10:50', '10:50', 1, 'timeout'],
      ['w', '12:00', '12:00', 1, 'open'],
    ]);
  });
});

describe('shutdown and restart', () => {
  it('stores everything accepted when it closes, and refuses posts once closing', async () => {
    const t = await startTestServer({ STINT_SESSIONIZE_DELAY: '1h' });
    const res = await t.post({
      events: [
        { anonymous_id: 's1', timestamp: '2026-11-20T10:00:00Z', url: '/a', event_id: 'g-1' },
        { anonymous_id: 's1', timestamp: '2026-11-20T10:01:00Z', url: '/b', event_id: 'g-2' },
        { anonymous_id: 's2', timestamp: '2026-11-20T10:02:00Z', url: '/c', event_id: 'g-3' },
      ],
    });
    expect(res.json()).toMatchObject({ accepted: 3 });
    const closing = t.server.close();
    const late = await t
      .post({ anonymous_id: 's3', timestamp: '2026-11-20T10:03:00Z', url: '/d', event_id: 'g-4' })
      .catch((err: Error) => err);
    if (!(late instanceof Error)) {
      expect(late.statusCode).toBe(503);
    }
    await closing;
    const after = await t
      .post({ anonymous_id: 's3', timestamp: '2026-11-20T10:03:00Z', url: '/d' })
      .catch((err: Error) => err);
    if (!(after instanceof Error)) expect(after.statusCode).toBeGreaterThanOrEqual(300);

    const events = await storedRows(t.dir, 'SELECT event_id, session_id FROM events ORDER BY ts_ms');
    expect(events.map((r) => r.event_id)).toEqual(['g-1', 'g-2', 'g-3']);
    const sessions = await storedRows(
      t.dir,
      'SELECT session_id, identity, events FROM sessions ORDER BY identity',
    );
    expect(sessions.map((r) => [r.identity, Number(r.events)])).toEqual([
      ['s1', 2],
      ['s2', 1],
    ]);
    const ids = new Set(sessions.map((r) => r.session_id));
    for (const e of events) expect(ids.has(e.session_id)).toBe(true);
  });

  it('keeps recognising retries of events stored before a restart', async () => {
    const t = await startTestServer({ STINT_SESSIONIZE_DELAY: '1h' });
    const e = (id: string, at: string) => ({
      anonymous_id: 'rs',
      timestamp: `2026-11-20T${at}Z`,
      url: `/${id}`,
      event_id: id,
    });
    expect((await t.post({ events: [e('k-1', '10:00:00'), e('k-2', '10:01:00')] })).json()).toMatchObject({
      accepted: 2,
    });
    await t.server.close();

    const again = await reopen(t.dir);
    const post = (body: unknown) =>
      again.app.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: { 'content-type': 'application/json', ...t.auth(t.sites.shop.writeKey) },
        payload: JSON.stringify(body),
      });
    const retry = await post(e('k-1', '10:00:00'));
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual({ accepted: 0, duplicates: 1, bots: 0, rejected: [] });
    const mixed = await post({ events: [e('k-2', '10:01:00'), e('k-3', '10:02:00')] });
    expect(mixed.json()).toEqual({ accepted: 1, duplicates: 1, bots: 0, rejected: [] });
    await again.settle();
    const o = await again.app.inject({ url: '/api/v1/overview?site=shop', headers: t.auth(t.admin) });
    expect(o.statusCode).toBe(200);
    expect(o.json().metrics.events.value).toBe(3);
    expect(o.json().metrics.sessions.value).toBe(1);
  });

  it("stores what a site's log holds beyond its store when it starts, before any request", async () => {
    // A crash after these were acknowledged, before they were stored: only the log has them.
    const { t, again } = await restartWithLogged([
      ev('crash', '2026-11-20T10:00:00Z', { eventId: 'c-1' }),
      ev('crash', '2026-11-20T10:02:00Z', { eventId: 'c-2' }),
    ]);
    // Only /metrics is asked (it opens no site): the events are stored on their own.
    await vi.waitFor(
      async () => {
        const m = await again.app.inject({ url: '/metrics', headers: t.auth(t.admin) });
        expect(m.body).toContain('stint_events_sessionized_total{site="shop"} 2');
      },
      { timeout: 45_000, interval: 50 },
    );
    await again.close();
    const rows = await storedRows(t.dir, 'SELECT event_id FROM events ORDER BY event_id');
    expect(rows.map((r) => r.event_id)).toEqual(['c-1', 'c-2']);
  });

  it('sets aside an event its store refuses, counted in /metrics, and stores the rest', async () => {
    // An older version logged lone surrogates as they came; DuckDB refuses them in a session's pages.
    const { t, again } = await restartWithLogged([
      ev('v', '2026-11-20T10:00:00Z', { eventId: 'ok-1', url: '/a' }),
      ev('v', '2026-11-20T10:01:00Z', { eventId: 'bad', url: '/\ud800' }),
      ev('v', '2026-11-20T10:02:00Z', { eventId: 'ok-2', url: '/b' }),
    ]);
    await vi.waitFor(
      async () => {
        const m = await again.app.inject({ url: '/metrics', headers: t.auth(t.admin) });
        expect(m.body).toContain('stint_events_set_aside_total{site="shop"} 1');
        expect(m.body).toContain('stint_events_sessionized_total{site="shop"} 2');
        expect(m.body).toContain('stint_unsessionized_events{site="shop"} 0');
      },
      { timeout: 45_000, interval: 50 },
    );
    await again.close();
    const events = await storedRows(t.dir, 'SELECT event_id FROM events ORDER BY event_id');
    expect(events.map((r) => r.event_id)).toEqual(['ok-1', 'ok-2']);
    const rejects = await storedRows(t.dir, 'SELECT reason, raw FROM rejects');
    expect(rejects).toEqual([{ reason: 'unstorable', raw: expect.stringContaining('"event_id":"bad"') }]);
    // Setting the event aside takes retries a second apart: seconds on a loaded machine.
  }, 120_000);
});
