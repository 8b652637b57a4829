/**
 * `stint serve` against hostile requests, the security list of the serve issue:
 * 1. every read route refuses missing, unknown, other-site, revoked and expired credentials
 *    (401 or 403, never 200 or 5xx); share links and read tokens stay on their own site;
 * 2. SQL in any filter, dimension, step, zone, interval, cursor or limit changes nothing, and one
 *    site's data never shows in another's answers;
 * 3. oversized, deeply nested, non-UTF-8, poisoned and malformed bodies get a 4xx, never a 5xx;
 * 4. CR/LF in event fields or request headers never becomes a response header;
 * 5. a fuzzed collector never answers 5xx, always in one of its two shapes, and keeps working;
 * 6. a visitor's raw IP address is written nowhere under the data directory.
 * Besides: the rate limits answer 429 with Retry-After, and a query over a huge period (made
 * by one ancient event from a browser, or asked for by a share link) must not stall the server.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ANALYSES, analysisOptions } from '../../src/cli/commands/analyses.ts';
import { CANONICAL_FIELDS } from '../../src/core/normalize.ts';
import { openRegistry } from '../../src/server/registry.ts';
import { closeServers, startTestServer, type TestServer } from '../helpers/server.ts';

afterEach(closeServers);

type Res = LightMyRequestResponse;

/** Text that is in shop's events only, and in blog's events only. */
const SHOP_MARK = 'zqshoponly';
const BLOG_MARK = 'zqblogonly';
/** Rate limits off, for tests that send many requests from one address. */
const NO_LIMITS = { STINT_RATE_LIMIT_IP: '0', STINT_RATE_LIMIT_KEY: '0' };
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const NO_SESSION = '0'.repeat(32);

/** Resolves with `p`, or fails the test if no answer comes within `ms` (a /live that streamed). */
async function within<T>(p: Promise<T>, what: string, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

function get(t: TestServer, url: string, headers: Record<string, string> = {}, ms = 10_000): Promise<Res> {
  return within(t.app.inject({ method: 'GET', url, headers }), url, ms);
}

const withQuery = (route: string, query: string): string =>
  query === '' ? route : `${route}${route.includes('?') ? '&' : '?'}${query}`;

const STACK = /\bat .+\.(?:ts|js|mjs):\d+|node_modules|\\n\s+at /;

/** `{"error": {"code", "message"}}` (a hint may follow), nothing else. */
function isErrorBody(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const o = body as Record<string, unknown>;
  if (Object.keys(o).join() !== 'error') return false;
  const e = o.error as Record<string, unknown> | null;
  return typeof e === 'object' && e !== null && typeof e.code === 'string' && typeof e.message === 'string';
}

/** The collector's answer: `{accepted, duplicates, bots, rejected: [{index, code, message}], warnings?}`. */
function isCollectorAnswer(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const o = body as Record<string, unknown>;
  const keys = Object.keys(o).sort().join();
  if (keys !== 'accepted,bots,duplicates,rejected' && keys !== 'accepted,bots,duplicates,rejected,warnings')
    return false;
  const count = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  const item = (r: unknown) => {
    const x = r as Record<string, unknown> | null;
    return (
      typeof x === 'object' &&
      x !== null &&
      count(x.index) &&
      typeof x.code === 'string' &&
      typeof x.message === 'string'
    );
  };
  return (
    count(o.accepted) &&
    count(o.duplicates) &&
    count(o.bots) &&
    Array.isArray(o.rejected) &&
    o.rejected.every(item) &&
    (o.warnings === undefined || (Array.isArray(o.warnings) && o.warnings.every(item)))
  );
}

function parsed(res: Res): unknown {
  try {
    return JSON.parse(res.body);
  } catch {
    return undefined;
  }
}

/** An error answer with this status, in the error shape, without a stack. */
function expectError(res: Res, status: number, code?: string): void {
  expect(res.statusCode, res.body).toBe(status);
  const body = parsed(res);
  expect(isErrorBody(body), res.body).toBe(true);
  if (code !== undefined) expect((body as { error: { code: string } }).error.code).toBe(code);
  expect(res.body).not.toMatch(STACK);
}

/** Any collector answer: below 500, JSON, the answer shape (200, or 400 with all refused) or the error shape. */
function expectCollectorAnswer(res: Res): void {
  expect(res.statusCode, res.body).toBeLessThan(500);
  const body = parsed(res);
  expect(body, `not JSON: ${res.body}`).not.toBeUndefined();
  if (isErrorBody(body)) {
    expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
    expect(res.body).not.toMatch(STACK);
    return;
  }
  expect(isCollectorAnswer(body), res.body).toBe(true);
  expect([200, 400], res.body).toContain(res.statusCode);
  if (res.statusCode === 400) {
    const a = body as { accepted: number; bots: number; rejected: unknown[] };
    expect(a.accepted + a.bots, res.body).toBe(0);
    expect(a.rejected.length, res.body).toBeGreaterThan(0);
  }
}

/** A few sessions per site: shop's text carries SHOP_MARK, blog's BLOG_MARK. */
async function seed(t: TestServer): Promise<void> {
  const shop = [
    {
      anonymous_id: 'shop-a',
      timestamp: '2026-11-20T10:00:00Z',
      url: 'https://shop.example/?utm_source=google',
      referrer: 'https://www.google.com/',
      properties: { a: `${SHOP_MARK}-a`, plan: 'pro' },
    },
    { anonymous_id: 'shop-a', timestamp: '2026-11-20T10:01:00Z', url: 'https://shop.example/pricing' },
    {
      anonymous_id: 'shop-a',
      timestamp: '2026-11-20T10:02:00Z',
      event: 'click',
      url: 'https://shop.example/pricing',
      element: 'buy-button',
    },
    {
      anonymous_id: 'shop-a',
      timestamp: '2026-11-20T10:03:00Z',
      event: 'purchase',
      value: 49,
      url: 'https://shop.example/checkout',
    },
    {
      anonymous_id: 'shop-b',
      timestamp: '2026-11-20T11:00:00Z',
      url: `https://shop.example/docs/${SHOP_MARK}`,
      referrer: 'https://news.example/item',
    },
    {
      user_id: 'shop-user-1',
      timestamp: '2026-11-27T09:00:00Z',
      url: 'https://shop.example/pricing',
      utm_source: 'newsletter',
    },
    { user_id: 'shop-user-1', timestamp: '2026-11-27T09:05:00Z', url: 'https://shop.example/' },
  ];
  const blog = [
    {
      anonymous_id: `${BLOG_MARK}-visitor`,
      timestamp: '2026-11-20T10:00:00Z',
      url: `https://blog.example/${BLOG_MARK}-post`,
      referrer: `https://${BLOG_MARK}.example/`,
      utm_source: `${BLOG_MARK}-source`,
      properties: { a: `${BLOG_MARK}-prop` },
    },
    {
      anonymous_id: `${BLOG_MARK}-visitor`,
      timestamp: '2026-11-20T10:01:00Z',
      event: 'click',
      element: `${BLOG_MARK}-element`,
      url: `https://blog.example/${BLOG_MARK}-post`,
    },
    { user_id: `${BLOG_MARK}-user`, timestamp: '2026-11-21T12:00:00Z', url: 'https://blog.example/' },
  ];
  const s = await t.post({ events: shop });
  expect(s.json(), s.body).toMatchObject({ accepted: shop.length, rejected: [] });
  const b = await t.post({ events: blog }, t.auth(t.sites.blog.writeKey));
  expect(b.json(), b.body).toMatchObject({ accepted: blog.length, rejected: [] });
  await t.settle();
}

/** Each read route with the parameters it needs to answer 200 for a reader of its site. */
const ROUTE_PARAMS: Record<string, string> = {
  breakdown: 'by=traffic_source&limit=10',
  funnel: 'step=/&step=/pricing',
  pages: 'limit=10',
  paths: 'steps=3&limit=10',
  ctr: 'limit=10',
  compare: 'change=2026-11-24',
  profile: 'identity=v1',
};

function readRoutes(sessionId: string): string[] {
  return [
    '/api/v1/report',
    ...ANALYSES.map((d) => withQuery(`/api/v1/${d.name}`, ROUTE_PARAMS[d.name] ?? '')),
    '/api/v1/sessions',
    `/api/v1/sessions/${sessionId}`,
    '/api/v1/live',
  ];
}

describe('read access', () => {
  it('answers 401 or 403 on every read route to missing, wrong, revoked and expired credentials', async () => {
    const t = await startTestServer(NO_LIMITS);
    await seed(t);
    const { registry } = t.server;
    const list = await get(t, '/api/v1/sessions', t.auth(t.sites.shop.reader));
    const shopSession = list.json().sessions[0].session_id as string;

    // Credentials that work, then are revoked; a share link that expired.
    const reader = registry.createToken('read', 'shop', 'to revoke');
    const admin = registry.createToken('admin', undefined, 'admin to revoke');
    const share = registry.createShare('shop', undefined);
    const expired = registry.createShare('shop', Date.now() - 1);
    for (const secret of [reader.secret, admin.secret, share.secret]) {
      expect((await get(t, '/api/v1/overview?site=shop', t.auth(secret))).statusCode).toBe(200);
    }
    registry.revokeToken(reader.token.id);
    registry.revokeToken(admin.token.id);
    registry.revokeShare(share.share.id);
    expect(registry.tokens().find((x) => x.id === reader.token.id)?.revokedAtMs).toBeDefined();

    const q = (secret: string) => `access_token=${encodeURIComponent(secret)}`;
    const cases: { name: string; headers?: Record<string, string>; query?: string; status: 401 | 403 }[] = [
      { name: 'no credentials', status: 401 },
      { name: 'no credentials, ?site=shop', query: 'site=shop', status: 401 },
      { name: 'garbage bearer', headers: { authorization: 'Bearer garbage' }, status: 401 },
      { name: 'unknown st_ token', headers: t.auth(`st_${'A'.repeat(43)}`), status: 401 },
      { name: 'unknown share', headers: t.auth(`sh_${'A'.repeat(43)}`), status: 401 },
      { name: 'a token one character off', headers: t.auth(`${t.admin.slice(0, -1)}x`), status: 401 },
      {
        name: 'Basic auth with the admin token',
        headers: { authorization: `Basic ${Buffer.from(`admin:${t.admin}`).toString('base64')}` },
        query: 'site=shop',
        status: 401,
      },
      { name: 'the admin token without "Bearer"', headers: { authorization: t.admin }, status: 401 },
      { name: 'garbage access_token', query: 'access_token=garbage', status: 401 },
      { name: 'empty access_token', query: 'access_token=', status: 401 },
      { name: "shop's write key", headers: t.auth(t.sites.shop.writeKey), query: 'site=shop', status: 401 },
      { name: "shop's public key", headers: t.auth(t.sites.shop.publicKey), query: 'site=shop', status: 401 },
      {
        name: 'blog reader asking for shop',
        headers: t.auth(t.sites.blog.reader),
        query: 'site=shop',
        status: 403,
      },
      {
        name: 'blog reader (access_token) asking for shop',
        query: `${q(t.sites.blog.reader)}&site=shop`,
        status: 403,
      },
      {
        name: 'shop reader asking for blog',
        headers: t.auth(t.sites.shop.reader),
        query: 'site=blog',
        status: 403,
      },
      { name: 'shop share asking for blog', headers: t.auth(t.share), query: 'site=blog', status: 403 },
      { name: 'shop share (access_token) asking for blog', query: `${q(t.share)}&site=blog`, status: 403 },
      {
        name: 'blog reader asking for a site that does not exist',
        headers: t.auth(t.sites.blog.reader),
        query: 'site=nosuchsite',
        status: 403,
      },
      { name: 'revoked read token', headers: t.auth(reader.secret), status: 401 },
      {
        name: 'revoked read token, ?site=shop',
        headers: t.auth(reader.secret),
        query: 'site=shop',
        status: 401,
      },
      { name: 'revoked read token (access_token)', query: q(reader.secret), status: 401 },
      { name: 'revoked admin token', headers: t.auth(admin.secret), query: 'site=shop', status: 401 },
      { name: 'revoked share link', headers: t.auth(share.secret), status: 401 },
      { name: 'revoked share link (access_token)', query: `${q(share.secret)}&site=shop`, status: 401 },
      { name: 'expired share link', headers: t.auth(expired.secret), status: 401 },
      { name: 'expired share link (access_token)', query: `${q(expired.secret)}&site=shop`, status: 401 },
    ];

    const wrong: string[] = [];
    const check = (res: Res, what: string, status: number) => {
      const body = parsed(res);
      if (
        res.statusCode !== status ||
        !isErrorBody(body) ||
        STACK.test(res.body) ||
        res.body.includes(SHOP_MARK)
      )
        wrong.push(`${what}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    };
    for (const route of readRoutes(shopSession)) {
      for (const c of cases) {
        const url = withQuery(route, c.query ?? '');
        check(await get(t, url, c.headers), `${c.name}: GET ${url}`, c.status);
      }
    }
    // /sites and /metrics take no site: every credential above that is not valid is a 401 there,
    // and /metrics is for admins only.
    for (const c of cases.filter((x) => x.status === 401)) {
      for (const route of ['/api/v1/sites', '/metrics']) {
        const url = withQuery(route, c.query ?? '');
        check(await get(t, url, c.headers), `${c.name}: GET ${url}`, 401);
      }
    }
    for (const secret of [t.sites.shop.reader, t.sites.blog.reader, t.share]) {
      check(await get(t, '/metrics', t.auth(secret)), `GET /metrics with ${secret.slice(0, 3)}…`, 403);
      check(
        await get(t, `/metrics?${q(secret)}`, {}),
        `GET /metrics?access_token=${secret.slice(0, 3)}…`,
        403,
      );
    }
    expect(wrong).toEqual([]);

    // The same routes answer 200 to the right credentials, so the refusals above are about them.
    for (const route of readRoutes(shopSession).filter((r) => !r.startsWith('/api/v1/live'))) {
      const res = await get(t, route, t.auth(t.sites.shop.reader));
      expect(res.statusCode, `${route}: ${res.body}`).toBe(200);
      expect(res.body).not.toContain(BLOG_MARK);
    }
    expect((await get(t, '/metrics', t.auth(t.admin))).statusCode).toBe(200);
  });

  it('keeps share links and read tokens on their own site', async () => {
    const t = await startTestServer(NO_LIMITS);
    await seed(t);
    const shopSession = (await get(t, '/api/v1/sessions?site=shop', t.auth(t.admin)))
      .json()
      .sessions.map((s: { session_id: string }) => s.session_id)[0] as string;

    // The share link reads shop, by default and by name, and nothing else.
    const own = await get(t, '/api/v1/overview', t.auth(t.share));
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().metrics.sessions.value).toBe(3);
    expect((await get(t, '/api/v1/overview?site=shop', t.auth(t.share))).statusCode).toBe(200);
    expect((await get(t, `/api/v1/overview?access_token=${t.share}`)).statusCode).toBe(200);
    expectError(await get(t, '/api/v1/overview?site=blog', t.auth(t.share)), 403);
    expectError(await get(t, '/metrics', t.auth(t.share)), 403);

    // /sites lists only what the credential may read.
    const names = async (token: string, query = '') => {
      const res = await get(t, withQuery('/api/v1/sites', query), t.auth(token));
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().sites as { name: string }[]).map((s) => s.name).sort();
    };
    expect(await names(t.sites.shop.reader)).toEqual(['shop']);
    expect(await names(t.sites.shop.reader, 'site=blog')).toEqual(['shop']);
    expect(await names(t.sites.blog.reader)).toEqual(['blog']);
    expect(await names(t.share)).toEqual(['shop']);
    expect(await names(t.admin)).toEqual(['blog', 'shop']);

    // A shop session id asked of blog's store is not found (blog's reader reads blog by default).
    const journey = await get(t, `/api/v1/sessions/${shopSession}`, t.auth(t.sites.blog.reader));
    expectError(journey, 404);
    expect(journey.body).not.toContain(SHOP_MARK);
    expectError(await get(t, `/api/v1/sessions/${shopSession}?site=shop`, t.auth(t.sites.blog.reader)), 403);

    // Parameter pollution: ?site twice, or two tokens, never reads shop for blog's reader.
    for (const url of [
      '/api/v1/sessions?site=shop&site=shop',
      '/api/v1/sessions?site=shop&site=blog',
      `/api/v1/sessions?access_token=${t.sites.blog.reader}&access_token=${t.sites.shop.reader}&site=shop`,
    ]) {
      const res = await get(t, url, t.auth(t.sites.blog.reader));
      expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(500);
      expect(res.body, url).not.toContain(SHOP_MARK);
    }

    // A share link stops working when it expires.
    const brief = t.server.registry.createShare('shop', Date.now() + 400);
    expect((await get(t, '/api/v1/overview', t.auth(brief.secret))).statusCode).toBe(200);
    await new Promise((r) => setTimeout(r, 450));
    expectError(await get(t, '/api/v1/overview', t.auth(brief.secret)), 401);
  });

  it('stops taking a token or share link within a second of another process revoking it', async () => {
    const t = await startTestServer(NO_LIMITS);
    const reader = t.server.registry.createToken('read', 'shop', 'revoked by the CLI');
    const share = t.server.registry.createShare('shop', undefined);
    for (const secret of [reader.secret, share.secret])
      expect((await get(t, '/api/v1/overview', t.auth(secret))).statusCode).toBe(200);
    // `stint tokens revoke` and `stint share revoke` write the same file from another process.
    const cli = openRegistry(t.dir);
    cli.revokeToken(reader.token.id);
    cli.revokeShare(share.share.id);
    const revokedAt = Date.now();
    for (const secret of [reader.secret, share.secret]) {
      let res = await get(t, '/api/v1/overview', t.auth(secret));
      while (res.statusCode === 200 && Date.now() - revokedAt < 1500) {
        await new Promise((r) => setTimeout(r, 50));
        res = await get(t, '/api/v1/overview', t.auth(secret));
      }
      expectError(res, 401);
      expect(Date.now() - revokedAt).toBeLessThan(1500);
    }
  });

  it('takes events only with a key of the site, from its origins, or an admin token', async () => {
    const t = await startTestServer(NO_LIMITS);
    const event = JSON.stringify({ anonymous_id: 'w', timestamp: '2026-11-20T10:00:00Z', url: '/w' });
    const send = (headers: Record<string, string>, query = '') =>
      t.app.inject({
        method: 'POST',
        url: withQuery('/api/v1/events', query),
        headers: { 'content-type': 'application/json', 'user-agent': CHROME, ...headers },
        payload: event,
      });
    const { shop, blog } = t.sites;
    expectError(await send({}), 401);
    expectError(await send({ authorization: `Bearer sk_${'A'.repeat(43)}` }), 401);
    expectError(await send(t.auth(shop.reader)), 401);
    expectError(await send(t.auth(t.share)), 401);
    expectError(await send({}, 'key=pk_unknown'), 401);
    expectError(await send({}, `key=${shop.publicKey}`), 403);
    expectError(await send({ 'x-stint-key': shop.publicKey }), 403);
    for (const origin of [
      'https://evil.example',
      'https://shop.example.evil.example',
      'http://shop.example',
      'https://shop.example:8443',
      'null',
      'https://blog.example',
    ]) {
      const res = await send({ origin }, `key=${shop.publicKey}`);
      expectError(res, 403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
    expectError(await send({ origin: 'https://shop.example' }, `key=${blog.publicKey}`), 403);
    expectError(await send(t.auth(t.admin)), 400, 'no_site');
    // And the right ones work.
    const browser = await send({ origin: 'https://shop.example', 'x-stint-key': shop.publicKey });
    expect(browser.statusCode, browser.body).toBe(200);
    expect(browser.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect((await send(t.auth(t.admin), 'site=blog')).statusCode).toBe(200);
  });
});

describe('SQL injection', () => {
  const INJECTIONS = [
    "x' OR '1'='1",
    "'); DROP TABLE sessions;--",
    '1; DROP TABLE events',
    "' UNION SELECT * FROM events--",
    '"; DELETE FROM sessions; --',
    "\\'; ATTACH '/tmp/stint-evil.db' AS evil; --",
    '$1',
    "%' OR 1=1 --",
  ];
  const b64 = (s: string) => Buffer.from(s).toString('base64url');

  /** Values to send as `param`: hostile text alone and after a value the parameter takes. */
  function payloads(param: string): string[] {
    const prefixed = (prefix: string) => INJECTIONS.map((i) => `${prefix}${i}`);
    switch (param) {
      case 'filter':
        return [
          "source=x' OR '1'='1",
          "prop.a'); DROP TABLE sessions;--=1",
          "source' OR 1=1--=x",
          'prop.x"]\') OR 1=1--=1',
          // Property names that pass the pattern and go into a JSON path.
          ...prefixed('prop.a..b='),
          ...prefixed('prop.-='),
          ...prefixed('prop.a.-_.9~'),
          ...prefixed('source='),
          ...prefixed('prop.a='),
          ...prefixed('traffic_source~'),
          ...prefixed('referrer!='),
          ...INJECTIONS,
        ];
      case 'by':
        return [
          'source; DROP TABLE events',
          "prop.x') OR 1=1--",
          'prop.a"; DROP TABLE sessions;--',
          'prop.a..b',
          'prop.-',
          'prop.a.-_.9',
          'prop.$',
          ...prefixed('prop.'),
          ...prefixed('source'),
          ...INJECTIONS,
        ];
      case 'step':
        return [
          "/'; DELETE FROM events;--",
          "event:purchase' OR '1'='1",
          "/docs/*'; DROP TABLE sessions;--",
          ...prefixed('/'),
          ...prefixed('event:'),
          ...INJECTIONS,
        ];
      case 'page':
        return [...prefixed('/'), ...INJECTIONS];
      case 'cursor':
        return [
          ...INJECTIONS,
          ...INJECTIONS.map((i) => b64(`1:${i}`)),
          b64("1:ab' OR '1'='1"),
          b64('x:y'),
          b64('1:ab'),
          b64('-9999999999999999:ff'),
        ];
      case 'tz':
        return ["UTC'; DROP TABLE x;--", ...prefixed('UTC'), ...prefixed('Europe/Berlin'), ...INJECTIONS];
      default: {
        const sensible: Record<string, string> = {
          limit: '1',
          periods: '1',
          steps: '1',
          interval: 'day',
          cohort: 'week',
          period: 'week',
          metric: 'sessions',
          window: '7d',
          from: '2026-11-01',
          to: '2026-12-01',
          click_event: 'click',
          any_order: '1',
        };
        return [...prefixed(sensible[param] ?? ''), ...INJECTIONS, '1;DROP'];
      }
    }
  }

  /** Each read route, the parameters it takes, and those it needs. */
  function queryRoutes(): { route: string; params: string[]; base: [string, string][] }[] {
    const base = (name: string): [string, string][] =>
      [...new URLSearchParams(ROUTE_PARAMS[name] ?? '').entries()] as [string, string][];
    return [
      ...ANALYSES.map((d) => ({
        route: `/api/v1/${d.name}`,
        params: analysisOptions(d)
          .map((o) => o.long?.replace(/^--/, '') ?? '')
          .filter((l) => l !== '' && l !== 'db' && l !== 'json')
          .map((l) => l.replaceAll('-', '_')),
        base: base(d.name),
      })),
      // Brief: the report's insights are routes of their own above, each with its own parameters.
      { route: '/api/v1/report', params: ['from', 'to', 'tz', 'filter', 'interval'], base: [['brief', '1']] },
      { route: '/api/v1/sessions', params: ['from', 'to', 'tz', 'filter', 'limit', 'cursor'], base: [] },
    ];
  }

  /** What the admin sees of both sites. */
  async function snapshot(t: TestServer): Promise<string[]> {
    const out: string[] = [];
    for (const site of ['shop', 'blog']) {
      for (const route of [
        '/api/v1/overview',
        '/api/v1/sessions?limit=1000',
        '/api/v1/pages?limit=100',
        '/api/v1/breakdown?by=source&limit=100',
      ]) {
        const res = await get(t, withQuery(route, `site=${site}`), t.auth(t.admin));
        expect(res.statusCode, res.body).toBe(200);
        out.push(res.body);
      }
    }
    return out;
  }

  it('changes nothing through any filter, dimension, step, zone, interval, limit or cursor', async () => {
    const t = await startTestServer(NO_LIMITS);
    await seed(t);
    const before = await snapshot(t);
    expect(JSON.parse(before[0]!).metrics.sessions.value).toBe(3);
    expect(JSON.parse(before[4]!).metrics.sessions.value).toBe(2);

    const wrong: string[] = [];
    let sent = 0;
    for (const { route, params, base } of queryRoutes()) {
      for (const param of params) {
        for (const value of payloads(param)) {
          const query = new URLSearchParams([...base.filter(([k]) => k !== param), [param, value]]);
          const url = `${route}?${query}`;
          // Half with shop's reader (shop by default), half with the admin naming shop.
          const res =
            sent++ % 2 === 0
              ? await get(t, url, t.auth(t.sites.shop.reader))
              : await get(t, `${url}&site=shop`, t.auth(t.admin));
          const body = parsed(res);
          const fine =
            (res.statusCode === 200 && body !== undefined) || (res.statusCode === 400 && isErrorBody(body));
          if (!fine || res.body.includes(BLOG_MARK) || STACK.test(res.body))
            wrong.push(`${param}=${value} on ${route}: ${res.statusCode} ${res.body.slice(0, 200)}`);
        }
      }
    }
    // The site and the session id are checked against the registry and a pattern.
    for (const site of ["shop' OR '1'='1", '../sites/blog', 'blog.duckdb', "shop'; DROP TABLE sessions;--"]) {
      const res = await get(t, `/api/v1/overview?site=${encodeURIComponent(site)}`, t.auth(t.admin));
      if (res.statusCode !== 404 || !isErrorBody(parsed(res)) || res.body.includes(BLOG_MARK))
        wrong.push(`site=${site}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
    for (const id of ["' OR '1'='1", `${NO_SESSION}' OR '1'='1`, '%27%20OR%201%3D1--']) {
      const res = await get(t, `/api/v1/sessions/${encodeURIComponent(id)}`, t.auth(t.sites.shop.reader));
      if (res.statusCode !== 404 || !isErrorBody(parsed(res)))
        wrong.push(`session ${id}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    }
    expectError(
      await get(t, "/api/v1/overview?site=shop&'%3B%20DROP%20TABLE%20x%3B--=1", t.auth(t.admin)),
      400,
      'bad_param',
    );
    expect(wrong).toEqual([]);
    expect(sent).toBeGreaterThan(500);

    // A filter's text is compared as text: the classic tautology matches no session.
    for (const filter of ["source=x' OR '1'='1", "prop.a=x' OR '1'='1", "entry_page~' OR 1=1 --"]) {
      const q = new URLSearchParams({ filter });
      const o = await get(t, `/api/v1/overview?${q}`, t.auth(t.sites.shop.reader));
      expect(o.statusCode, o.body).toBe(200);
      expect(o.json().metrics.sessions.value, filter).toBe(0);
      const s = await get(t, `/api/v1/sessions?${q}`, t.auth(t.sites.shop.reader));
      expect(s.json().sessions, filter).toEqual([]);
    }
    // Nothing changed in either site.
    expect(await snapshot(t)).toEqual(before);
    // Over a thousand requests, one per hostile value of each parameter of each route.
  }, 240_000);
});

describe('hostile bodies', () => {
  const send = (t: TestServer, payload: string | Buffer, contentType: string, url = '/api/v1/events') =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': contentType, ...t.auth(t.sites.shop.writeKey) },
      payload,
    });
  const event = (i: number) => ({ anonymous_id: `v${i}`, timestamp: '2026-11-20T10:00:00Z', url: `/p${i}` });

  it('refuses bodies and batches over the limits (413) and wrong content types (415)', async () => {
    const t = await startTestServer({
      ...NO_LIMITS,
      STINT_BODY_LIMIT: '2kb',
      STINT_NDJSON_BODY_LIMIT: '4kb',
      STINT_BATCH_SIZE: '5',
      STINT_NDJSON_BATCH_SIZE: '5',
    });
    // Under the limits: taken.
    const small = { ...event(0), p1: 'x'.repeat(750), p2: 'x'.repeat(750) };
    expect((await t.post(small)).statusCode).toBe(200);
    expect((await t.post({ events: [1, 2, 3, 4, 5].map(event) })).json()).toMatchObject({ accepted: 5 });

    const big = JSON.stringify({ ...event(1), padding: 'x'.repeat(3000) });
    expectError(await send(t, big, 'application/json'), 413, 'body_too_large');
    expectError(await send(t, big, 'text/plain'), 413, 'body_too_large');
    expectError(await send(t, `${big}\n`.repeat(3), 'application/x-ndjson', '/api/v1/events/ndjson'), 413);
    expectError(await send(t, 'x'.repeat(1024 * 1024), 'application/json'), 413);
    expectError(await t.post({ events: [1, 2, 3, 4, 5, 6].map(event) }), 413, 'batch_too_large');
    const ndjson = [1, 2, 3, 4, 5, 6].map((i) => JSON.stringify(event(i))).join('\n');
    expectError(
      await send(t, ndjson, 'application/x-ndjson', '/api/v1/events/ndjson'),
      413,
      'batch_too_large',
    );

    for (const type of [
      'application/xml',
      'multipart/form-data; boundary=xyz',
      'application/x-www-form-urlencoded',
      'image/png',
    ]) {
      expectError(await send(t, JSON.stringify(event(7)), type), 415);
      expectError(await send(t, JSON.stringify(event(7)), type, '/api/v1/events/ndjson'), 415);
    }
    expectError(await send(t, JSON.stringify(event(7)), 'application/x-ndjson'), 415);
    expectError(await send(t, JSON.stringify(event(7)), 'application/json', '/api/v1/events/ndjson'), 415);
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('refuses deeply nested JSON, nested properties, invalid UTF-8 and poisoned or bad lines (400)', async () => {
    const t = await startTestServer(NO_LIMITS);
    const depth = 100_000;
    const deepArray = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const deepObject = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const bodies: [string, string][] = [
      ['array nesting', deepArray],
      ['object nesting', deepObject],
      ['nesting in events', `{"events":[${deepArray}]}`],
      ['nested property', `{"anonymous_id":"d","properties":{"p":${deepObject}}}`],
      ['nested extra key', `{"anonymous_id":"d","extra":${deepArray}}`],
      // "constructor" makes the parser scan the whole tree for poisoning.
      ['nesting the poisoning scan walks', `{"constructor":1,"anonymous_id":"d","a":${deepObject}}`],
      ['unclosed nesting', '['.repeat(depth)],
      ['unclosed object nesting', '{"a":'.repeat(depth)],
    ];
    for (const [name, body] of bodies) {
      const res = await send(t, body, 'application/json');
      expect(res.statusCode, `${name}: ${res.body.slice(0, 300)}`).toBe(400);
      expectCollectorAnswer(res);
      const lines = await send(t, body, 'application/x-ndjson', '/api/v1/events/ndjson');
      expect(lines.statusCode, `${name} as NDJSON: ${lines.body.slice(0, 300)}`).toBe(400);
      expectCollectorAnswer(lines);
      expect((await t.app.inject({ url: '/healthz' })).statusCode, name).toBe(200);
    }

    // A nested property value is refused per event; the others in the batch are taken.
    const batch = await t.post({
      events: [
        { ...event(1), properties: { nested: { a: 1 } } },
        event(2),
        { ...event(3), tags: ['a', 'b'] },
        { ...event(4), extra: { deep: { er: true } } },
      ],
    });
    expect(batch.statusCode, batch.body).toBe(200);
    expect(batch.json()).toMatchObject({ accepted: 1 });
    expect(batch.json().rejected.map((r: { index: number; code: string }) => [r.index, r.code])).toEqual([
      [0, 'invalid'],
      [2, 'invalid'],
      [3, 'invalid'],
    ]);
    const one = await t.post({ ...event(5), properties: { nested: { a: 1 } } });
    expect(one.statusCode).toBe(400);
    expect(one.json().rejected).toMatchObject([{ index: 0, code: 'invalid' }]);

    // Invalid UTF-8.
    const bad = Buffer.concat([
      Buffer.from('{"anonymous_id":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    expectError(await send(t, bad, 'application/json'), 400, 'invalid_utf8');
    expectError(await send(t, bad, 'text/plain'), 400, 'invalid_utf8');
    expectError(await send(t, bad, 'application/x-ndjson', '/api/v1/events/ndjson'), 400, 'invalid_utf8');
    expectError(
      await send(t, Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), 'application/json'),
      400,
      'invalid_utf8',
    );

    // Invalid JSON and prototype poisoning.
    const poisoned = [
      '{"anonymous_id":"p","__proto__":{"polluted":true}}',
      '{"anonymous_id":"p","properties":{"__proto__":{"polluted":true}}}',
      '{"anonymous_id":"p","constructor":{"prototype":{"polluted":true}}}',
      '{"events":[{"anonymous_id":"p","__proto__":{"polluted":true}}]}',
    ];
    for (const body of poisoned) expectError(await send(t, body, 'application/json'), 400, 'forbidden_name');
    for (const body of ['{"anonymous_id":', '{bad}', "{'a':1}", '']) {
      expectError(await send(t, body, 'application/json'), 400, body === '' ? undefined : 'invalid_json');
    }
    for (const body of poisoned) {
      const lines = `${JSON.stringify(event(8))}\n${body}\n`;
      expectError(
        await send(t, lines, 'application/x-ndjson', '/api/v1/events/ndjson'),
        400,
        'forbidden_name',
      );
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    // NDJSON with one bad line: the request is refused, and none of its lines is stored.
    const lines = [JSON.stringify(event(9)), '{not json', JSON.stringify(event(10))].join('\n');
    expectError(await send(t, lines, 'application/x-ndjson', '/api/v1/events/ndjson'), 400, 'invalid_json');

    // Still working: a normal event is taken, and only it is stored.
    const ok = await t.post(event(11));
    expect(ok.json()).toEqual({ accepted: 1, duplicates: 0, bots: 0, rejected: [] });
    await t.settle();
    const sessions = await get(t, '/api/v1/sessions?site=shop', t.auth(t.admin));
    expect(
      sessions
        .json()
        .sessions.map((s: { entry_page: string }) => s.entry_page)
        .sort(),
    ).toEqual(['/p11', '/p2']);
  });
});

describe('header injection', () => {
  const INJECTED = ['\r\nSet-Cookie: x=1', '\r\nX-Injected: 1', '\nSet-Cookie: x=1', '\rX-Injected: 1'];

  function expectCleanHeaders(res: Res, what: string): void {
    expect(res.headers['set-cookie'], what).toBeUndefined();
    expect(res.headers['x-injected'], what).toBeUndefined();
    for (const [name, value] of Object.entries(res.headers)) {
      expect(String(value), `${what}: header ${name}`).not.toMatch(/[\r\n]/);
    }
  }

  it('keeps CR/LF in user agent, referrer and url as text, never as a response header', async () => {
    const t = await startTestServer(NO_LIMITS);
    const events = INJECTED.map((crlf, i) => ({
      anonymous_id: `h${i}`,
      timestamp: `2026-11-20T1${i}:00:00Z`,
      url: `https://shop.example/landing${i}${crlf}`,
      referrer: `https://ref.example/${i}${crlf}`,
      user_agent: `${CHROME}${crlf}`,
      utm_source: `src${crlf}`,
      note: `n${crlf}`,
    }));
    const res = await t.post({ events });
    expectCleanHeaders(res, 'ingest');
    expectCollectorAnswer(res);
    // One at a time, from a browser (CORS headers are set on this path).
    for (const e of events) {
      const one = await t.app.inject({
        method: 'POST',
        url: `/api/v1/events?key=${t.sites.shop.publicKey}`,
        headers: { 'content-type': 'application/json', origin: 'https://shop.example', 'user-agent': CHROME },
        payload: JSON.stringify({ ...e, anonymous_id: `b${e.anonymous_id}`, event_id: undefined }),
      });
      expectCleanHeaders(one, 'browser ingest');
      expectCollectorAnswer(one);
    }
    await t.settle();

    const accepted = res.json().accepted as number;
    const list = await get(t, '/api/v1/sessions?site=shop&limit=100', t.auth(t.admin));
    expect(list.statusCode, list.body).toBe(200);
    expectCleanHeaders(list, '/sessions');
    const sessions = list.json().sessions as { session_id: string; anonymous_id: string; referrer: string }[];
    if (accepted > 0) expect(sessions.length).toBeGreaterThan(0);
    for (const s of sessions) {
      const sent = events.find((e) => s.anonymous_id.endsWith(e.anonymous_id))!;
      // Stored as sent: the text is data, shown as data.
      expect(s.referrer).toBe(sent.referrer);
      const journey = await get(t, `/api/v1/sessions/${s.session_id}?site=shop`, t.auth(t.admin));
      expect(journey.statusCode, journey.body).toBe(200);
      expectCleanHeaders(journey, '/sessions/:id');
      const [stored] = journey.json().events as { url: string; referrer: string }[];
      expect(stored).toMatchObject({ url: sent.url, referrer: sent.referrer });
    }
    for (const url of [
      '/api/v1/breakdown?site=shop&by=referrer&limit=20',
      '/api/v1/pages?site=shop&limit=20',
      '/api/v1/report?site=shop',
    ]) {
      const r = await get(t, url, t.auth(t.admin));
      expect(r.statusCode, r.body).toBe(200);
      expectCleanHeaders(r, url);
    }
  });

  it('never echoes CR/LF from request headers (User-Agent, Origin) into the answer', async () => {
    const t = await startTestServer(NO_LIMITS);
    for (const crlf of INJECTED) {
      const attempts: InjectOptions[] = [
        {
          method: 'POST',
          url: `/api/v1/events?key=${t.sites.shop.publicKey}`,
          headers: {
            'content-type': 'application/json',
            origin: 'https://shop.example',
            'user-agent': `${CHROME}${crlf}`,
          },
          payload: JSON.stringify({ url: '/ua' }),
        },
        {
          method: 'POST',
          url: `/api/v1/events?key=${t.sites.shop.publicKey}`,
          headers: {
            'content-type': 'application/json',
            origin: `https://shop.example${crlf}`,
            'user-agent': CHROME,
          },
          payload: JSON.stringify({ url: '/origin' }),
        },
        {
          method: 'OPTIONS',
          url: '/api/v1/events',
          headers: { origin: `https://shop.example${crlf}`, 'access-control-request-method': 'POST' },
        },
        {
          method: 'GET',
          url: '/api/v1/overview?site=shop',
          headers: { ...t.auth(t.admin), 'user-agent': crlf },
        },
      ];
      for (const options of attempts) {
        let res: Res;
        try {
          res = await t.app.inject(options);
        } catch (err) {
          // Node may refuse such a header before it is sent: then nothing reached the server.
          expect((err as NodeJS.ErrnoException).code ?? (err as Error).message).toMatch(
            /ERR_INVALID_CHAR|ERR_HTTP_INVALID_HEADER_VALUE|header/i,
          );
          continue;
        }
        const what = `${options.method} ${options.url} with ${JSON.stringify(crlf)}`;
        expect(res.statusCode, `${what}: ${res.body}`).toBeLessThan(500);
        expectCleanHeaders(res, what);
        // An Origin with CR/LF is no allowed origin: no CORS answer, and no 200 for the key.
        if (/[\r\n]/.test(String(options.headers?.origin ?? ''))) {
          expect(res.headers['access-control-allow-origin'], what).toBeUndefined();
          if (options.method === 'POST') expectError(res, 403, 'origin_not_allowed');
        }
      }
    }
    // A proper preflight still gets its CORS answer.
    const pre = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/events',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://shop.example');
  });
});

describe('collector fuzz', () => {
  it('stores an event whose strings hold a lone surrogate, with U+FFFD in its place, and goes on storing', async () => {
    // Found by the fuzz below: "\ud800" is valid JSON but no character, and JSON.stringify writes
    // it back as an escape DuckDB's JSON refuses, so the whole sessionizing transaction failed.
    const t = await startTestServer(NO_LIMITS);
    const bodies = [
      String.raw`{"anonymous_id":"s1","timestamp":"2026-11-20T10:00:00Z","url":"/a\ud800b","properties":{"k\ud800":"v\udc00"}}`,
      String.raw`{"anonymous_id":"s1","timestamp":"2026-11-20T10:01:00Z","url":"/next","event":"x\udfff"}`,
      '{"anonymous_id":"s1","timestamp":"2026-11-20T10:02:00Z","url":"/last"}',
    ];
    for (const body of bodies)
      expect((await t.post(body)).json()).toMatchObject({ accepted: 1, rejected: [] });
    await t.settle();
    const list = await get(t, '/api/v1/sessions?site=shop', t.auth(t.admin));
    const session = list.json().sessions.find((x: { identity: string }) => x.identity.includes('s1'));
    const journey = (
      await get(t, `/api/v1/sessions/${session.session_id}?site=shop`, t.auth(t.admin))
    ).json();
    expect(journey.events.map((e: { url: string }) => e.url)).toEqual(['/a\ufffdb', '/next', '/last']);
    expect(journey.events[0].properties).toEqual({ 'k\ufffd': 'v\ufffd' });
    expect(journey.events[1].event).toBe('x\ufffd');
    expect([journey.session.entry_page, journey.session.exit_page]).toEqual(['/a\ufffdb', '/last']);
  });

  const CONTENT_TYPES = [
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/x-ndjson',
    'application/jsonl',
    'application/xml',
    'multipart/form-data; boundary=x',
    'application/x-www-form-urlencoded',
  ];
  const FIELDS = [...CANONICAL_FIELDS, 'properties', 'ip', 'site'];
  /** Values near every edge the collector checks: times, zones, numbers, lengths, odd text. */
  const EDGES: unknown[] = [
    '2026-11-20T10:00:00Z',
    '2026-02-29T10:00:00Z',
    '2024-02-29T24:00:00Z',
    '0001-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999Z',
    '2026-11-20T10:00:00+23:59',
    '2026-11-20 10:00:00 UTC',
    '+275760-09-13T00:00:00Z',
    '1e15',
    '-1e15',
    '8.64e15',
    '8640000000000001',
    '.5',
    'NaN',
    'Infinity',
    1e15,
    -1e15,
    1e12,
    -1e12,
    1e11,
    0,
    -0.5,
    Number.MAX_SAFE_INTEGER,
    'Europe/Berlin',
    'Mars/Olympus_Mons',
    '../../../etc/passwd',
    '+05:00',
    'Googlebot/2.1 (+http://www.google.com/bot.html)',
    CHROME,
    '',
    ' ',
    '\u0000',
    '\ud800',
    'a\udfffb',
    '\u2028\u2029',
    '💩',
    '%ff%fe',
    '/?utm_source=%ff&utm_medium=',
    'javascript:alert(1)',
    'http://[::1',
    '//evil.example/x',
    "'; DROP TABLE events;--",
    '__proto__',
    'constructor',
    '0x10',
    '1e308',
    'x'.repeat(65),
    'x'.repeat(1025),
    'x'.repeat(5000),
    true,
    false,
    null,
  ];
  const value: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...EDGES) },
    { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.double() },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 3, arbitrary: fc.constant('ok') },
  );
  const key = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...FIELDS) },
    { weight: 3, arbitrary: fc.string({ maxLength: 20 }) },
    { weight: 1, arbitrary: fc.constantFrom('x'.repeat(65), 'Anonymous_ID', 'TIMESTAMP', 'IP', '__proto__') },
  );
  /** A plausible event (so many are taken), with a few fields and keys of any kind on top. */
  const eventArb: fc.Arbitrary<Record<string, unknown>> = fc
    .tuple(
      fc.record({
        anonymous_id: fc.constantFrom('f1', 'f2', 'f3'),
        timestamp: fc
          .integer({ min: Date.UTC(2026, 10, 1), max: Date.UTC(2026, 10, 30) })
          .map((ms) => new Date(ms).toISOString()),
        url: fc.constantFrom('/', '/pricing', 'https://shop.example/docs?utm_source=fuzz'),
      }),
      fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 3 }),
      fc.dictionary(key, value, { maxKeys: 3 }),
      fc.option(fc.dictionary(key, value, { maxKeys: 4 }), { nil: undefined }),
    )
    .map(([base, fields, extra, properties]) => ({
      ...base,
      ...extra,
      ...fields,
      ...(properties === undefined ? {} : { properties }),
    }));
  const toJson = (v: unknown): string =>
    JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) ?? 'null';
  const ndjson = fc
    .array(
      fc.oneof({ weight: 6, arbitrary: eventArb.map(toJson) }, fc.string({ maxLength: 20 }), fc.constant('')),
      {
        maxLength: 8,
      },
    )
    .map((lines) => lines.join('\n'));
  const anyBody = fc.oneof(
    eventArb.map(toJson),
    fc.array(eventArb, { maxLength: 8 }).map((events) => toJson({ events })),
    ndjson,
    fc.jsonValue().map(toJson),
    fc.anything().map(toJson),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  );

  /** A body, its content type and where it goes: mostly matching, sometimes anything. */
  const request: fc.Arbitrary<{ url: string; contentType: string; payload: string | Buffer }> = fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        url: fc.constant('/api/v1/events'),
        contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain'),
        payload: fc.oneof(
          { weight: 3, arbitrary: eventArb.map(toJson) },
          { weight: 3, arbitrary: fc.array(eventArb, { maxLength: 8 }).map((events) => toJson({ events })) },
          { weight: 1, arbitrary: anyBody },
        ),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        url: fc.constant('/api/v1/events/ndjson'),
        contentType: fc.constantFrom('application/x-ndjson', 'application/jsonl'),
        payload: fc.oneof({ weight: 3, arbitrary: ndjson }, { weight: 1, arbitrary: anyBody }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        url: fc.constantFrom('/api/v1/events', '/api/v1/events/ndjson'),
        contentType: fc.constantFrom(...CONTENT_TYPES),
        payload: anyBody,
      }),
    },
  );

  it('never answers 5xx, always in the answer or the error shape, and keeps working', async () => {
    const t = await startTestServer(NO_LIMITS);
    let answered = 0;
    await fc.assert(
      fc.asyncProperty(request, async ({ url, contentType, payload }) => {
        const res = await t.app.inject({
          method: 'POST',
          url,
          headers: { 'content-type': contentType, ...t.auth(t.sites.shop.writeKey) },
          payload,
        });
        answered++;
        expectCollectorAnswer(res);
      }),
      { numRuns: 300 },
    );
    // The same through the browser path (public key, Origin, the request's User-Agent).
    await fc.assert(
      fc.asyncProperty(eventArb, fc.constantFrom(CHROME, '', 'curl/8.0', 'Googlebot/2.1'), async (e, ua) => {
        const res = await t.app.inject({
          method: 'POST',
          url: `/api/v1/events?key=${t.sites.shop.publicKey}`,
          headers: { 'content-type': 'text/plain', origin: 'https://shop.example', 'user-agent': ua },
          payload: toJson(e),
        });
        answered++;
        expectCollectorAnswer(res);
      }),
      { numRuns: 100 },
    );
    expect(answered).toBe(400);

    // Still serving: health, a normal event, and everything accepted sessionized and readable.
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    const ok = await t.post({ anonymous_id: 'after-fuzz', timestamp: '2026-11-20T10:00:00Z', url: '/after' });
    expect(ok.json()).toEqual({ accepted: 1, duplicates: 0, bots: 0, rejected: [] });
    await t.settle();
    const o = await get(t, '/api/v1/overview?site=shop', t.auth(t.admin));
    expect(o.statusCode, o.body).toBe(200);
    expect(o.json().metrics.sessions.value).toBeGreaterThan(0);
  });
});

describe('privacy', () => {
  it('never stores a raw IP address; a visitor without ids gets a hash', async () => {
    const t = await startTestServer(NO_LIMITS);
    const ips = {
      browser: '203.0.113.77',
      otherBrowser: '203.0.113.79',
      server: '203.0.113.78',
      relayed: '198.51.100.23',
      forwarded: '192.0.2.55',
    };
    const marker = '/ip-probe-zq81';
    const browser = (ip: string, path: string, ts: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/events',
        remoteAddress: ip,
        headers: {
          'content-type': 'text/plain',
          origin: 'https://shop.example',
          'x-stint-key': t.sites.shop.publicKey,
          'user-agent': CHROME,
          'x-forwarded-for': ips.forwarded,
        },
        payload: JSON.stringify({ url: `https://shop.example${marker}${path}`, timestamp: ts }),
      });
    for (const res of [
      await browser(ips.browser, '/a', '2026-11-20T10:00:00Z'),
      await browser(ips.browser, '/b', '2026-11-20T10:01:00Z'),
      await browser(ips.otherBrowser, '/c', '2026-11-20T10:00:30Z'),
      // A server-side sender: its own address, and a visitor's address it relays as `ip`.
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/events',
        remoteAddress: ips.server,
        headers: { 'content-type': 'application/json', ...t.auth(t.sites.shop.writeKey) },
        payload: JSON.stringify({
          events: [
            { url: `${marker}/server`, timestamp: '2026-11-20T11:00:00Z', user_agent: CHROME },
            {
              url: `${marker}/relayed`,
              timestamp: '2026-11-20T12:00:00Z',
              user_agent: CHROME,
              ip: ips.relayed,
            },
          ],
        }),
      }),
    ]) {
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().rejected).toEqual([]);
    }
    await t.settle();

    // No file under the data directory holds an address; the events' own text is there.
    const files = (readdirSync(t.dir, { recursive: true }) as string[])
      .map((f) => join(t.dir, f))
      .filter((f) => statSync(f).isFile());
    expect(files.some((f) => f.includes('shop.duckdb'))).toBe(true);
    expect(files.some((f) => f.includes('shop.log'))).toBe(true);
    let markerSeen = false;
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const ip of Object.values(ips)) expect(bytes.includes(ip), `${ip} in ${file}`).toBe(false);
      markerSeen ||= bytes.includes(marker);
    }
    expect(markerSeen, 'the scan finds stored text at all').toBe(true);

    // Each visitor is a hash: one per address (and agent), never the address itself.
    const list = await get(t, '/api/v1/sessions?site=shop', t.auth(t.admin));
    expect(list.statusCode, list.body).toBe(200);
    const sessions = list.json().sessions as {
      session_id: string;
      identity: string;
      anonymous_id: string;
      user_id: string;
      entry_page: string;
      events: number;
    }[];
    expect(sessions.map((s) => s.entry_page).sort()).toEqual([
      `${marker}/a`,
      `${marker}/c`,
      `${marker}/relayed`,
      `${marker}/server`,
    ]);
    for (const s of sessions) {
      expect(s.anonymous_id).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
      expect(s.identity).toContain(s.anonymous_id);
      expect(s.user_id).toBe('');
    }
    expect(new Set(sessions.map((s) => s.anonymous_id)).size).toBe(4);
    expect(sessions.find((s) => s.entry_page === `${marker}/a`)!.events).toBe(2);
    const bodies = [list.body];
    for (const s of sessions) {
      bodies.push((await get(t, `/api/v1/sessions/${s.session_id}?site=shop`, t.auth(t.admin))).body);
    }
    for (const body of bodies) for (const ip of Object.values(ips)) expect(body).not.toContain(ip);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After past the per-address and the per-key limits', async () => {
    const t = await startTestServer({ STINT_RATE_LIMIT_IP: '3', STINT_RATE_LIMIT_KEY: '1000' });
    const from = (remoteAddress: string) =>
      t.app.inject({ url: '/api/v1/overview?site=shop', remoteAddress, headers: t.auth(t.admin) });
    for (let i = 0; i < 3; i++) expect((await from('198.51.100.1')).statusCode).toBe(200);
    const limited = await from('198.51.100.1');
    expectError(limited, 429, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await from('198.51.100.2')).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/healthz', remoteAddress: '198.51.100.1' })).statusCode).toBe(200);

    const k = await startTestServer({ STINT_RATE_LIMIT_IP: '0', STINT_RATE_LIMIT_KEY: '2' });
    const event = { anonymous_id: 'r', timestamp: '2026-11-20T10:00:00Z', url: '/r' };
    expect((await k.post(event)).statusCode).toBe(200);
    expect((await k.post(event)).statusCode).toBe(200);
    const byKey = await k.post(event);
    expectError(byKey, 429, 'rate_limited');
    expect(Number(byKey.headers['retry-after'])).toBeGreaterThan(0);
    expect((await k.post(event, k.auth(k.sites.blog.writeKey))).statusCode).toBe(200);
  });
});

describe('slow queries', () => {
  /** The longest the event loop stood still while `work` ran (the longest gap between 10 ms ticks), in ms. */
  async function stallOf<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number }> {
    let last = performance.now();
    let stallMs = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      stallMs = Math.max(stallMs, now - last);
      last = now;
    }, 10);
    try {
      const result = await work();
      stallMs = Math.max(stallMs, performance.now() - last);
      return { result, stallMs };
    } finally {
      clearInterval(tick);
    }
  }

  it('an ancient timestamp from a browser does not stall the server when the site is read', async () => {
    const t = await startTestServer(NO_LIMITS);
    await seed(t);
    const sent = await t.app.inject({
      method: 'POST',
      url: `/api/v1/events?key=${t.sites.shop.publicKey}`,
      headers: { 'content-type': 'text/plain', origin: 'https://shop.example', 'user-agent': CHROME },
      payload: JSON.stringify({ url: '/old', timestamp: '1901-01-01T00:00:00Z' }),
    });
    expectCollectorAnswer(sent);
    await t.settle();
    for (const url of ['/api/v1/report', '/api/v1/timeseries?interval=month']) {
      const { result, stallMs } = await stallOf(() => get(t, url, t.auth(t.sites.shop.reader), 60_000));
      expect(result.statusCode, `${url}: ${result.body.slice(0, 200)}`).toBeLessThan(500);
      expect(
        stallMs,
        `${url} blocked the event loop (every site's requests) for ${Math.round(stallMs)} ms`,
      ).toBeLessThan(1000);
    }
  });

  it('a share link asking for a century of months does not stall the server', async () => {
    const t = await startTestServer(NO_LIMITS);
    await seed(t);
    const url = '/api/v1/timeseries?interval=month&from=1900-01-01&to=2026-01-01';
    const { result, stallMs } = await stallOf(() => get(t, url, t.auth(t.share), 60_000));
    expect(result.statusCode, result.body.slice(0, 200)).toBeLessThan(500);
    expect(stallMs, `${url} blocked the event loop for ${Math.round(stallMs)} ms`).toBeLessThan(1000);
  });
});
