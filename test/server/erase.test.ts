/**
 * `DELETE /api/v1/visitors/ID?site=NAME` erases a visitor through the running server: admin
 * only; events still in the write-ahead log are erased too (the writer stores them first), the
 * answer counts what went, /live forgets the visitor, /metrics counts it, and the store records
 * who and when with the id's SHA-256 only. `stint forget --site` on a served site says the
 * server has it and gives the request to send instead.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDuckDBStore } from '../../src/store/duckdb-store.ts';
import { stint } from '../helpers/cli.ts';
import { closeServers, startTestServer, type TestServer } from '../helpers/server.ts';

afterEach(closeServers);

const NOW = Date.parse('2026-12-01T12:00:00Z');
/** Sessionizing waits long: events stay in the write-ahead log until something settles them. */
const SLOW = { STINT_RATE_LIMIT_IP: '0', STINT_RATE_LIMIT_KEY: '0', STINT_SESSIONIZE_DELAY: '10m' };

const at = (min: number) => new Date(NOW - 60 * 60_000 + min * 60_000).toISOString();

async function seed(t: TestServer): Promise<void> {
  const events = [
    { anonymous_id: 'dev-1', timestamp: at(0), url: 'https://shop.example/' },
    { anonymous_id: 'dev-1', user_id: 'alice', timestamp: at(1), url: 'https://shop.example/login' },
    { user_id: 'alice', timestamp: at(2), url: 'https://shop.example/account' },
    { anonymous_id: 'dev-2', user_id: 'bob', timestamp: at(3), url: 'https://shop.example/' },
  ];
  const res = await t.post({ events });
  expect(res.json().accepted).toBe(4);
}

const erase = (t: TestServer, id: string, token: string, site = 'shop') =>
  t.app.inject({
    method: 'DELETE',
    url: `/api/v1/visitors/${encodeURIComponent(id)}?site=${site}`,
    headers: t.auth(token),
  });

/** The first message of /live, as the admin sees it. */
async function firstLive(t: TestServer): Promise<{ latest: object[]; open_sessions: number }> {
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const controller = new AbortController();
  const res = await fetch(`${address}/api/v1/live?site=shop`, {
    headers: t.auth(t.admin),
    signal: controller.signal,
  });
  const reader = res.body!.getReader();
  let text = '';
  while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
  controller.abort();
  return JSON.parse(text.slice(text.indexOf('data: ') + 6, text.indexOf('\n\n')));
}

describe('DELETE /api/v1/visitors/:id', () => {
  it('erases a visitor whose events are still in the log, and counts what went', async () => {
    const t = await startTestServer(SLOW, undefined, { now: () => NOW });
    await seed(t);
    const res = await erase(t, 'alice', t.admin);
    expect(res.statusCode, res.body).toBe(200);
    // Device identities (the default): dev-1's session and alice's own (signed in, no device).
    expect(res.json()).toMatchObject({ events: 3, sessions: 2 });
    const sessions = await t.app.inject({ url: '/api/v1/sessions?site=shop', headers: t.auth(t.admin) });
    expect(sessions.body).not.toContain('alice');
    expect(sessions.json().sessions.map((s: { identity: string }) => s.identity)).toEqual(['dev-2']);
    // The live view forgets the visitor too: their events and their open session.
    const live = await firstLive(t);
    expect(JSON.stringify(live.latest)).not.toMatch(/alice|dev-1/);
    expect(live.open_sessions).toBe(1);
    const metrics = await t.app.inject({ url: '/metrics', headers: t.auth(t.admin) });
    expect(metrics.body).toMatch(/stint_erased_events_total\{site="shop"\} 3/);
    // Erasing again finds nothing.
    expect((await erase(t, 'alice', t.admin)).json()).toMatchObject({ events: 0, sessions: 0 });

    await t.server.close();
    const store = await openDuckDBStore(join(t.dir, 'sites', 'shop.duckdb'));
    try {
      const all = JSON.stringify(await store.query({ sql: 'SELECT * FROM events', params: [] }));
      expect(all).not.toContain('alice');
      expect(all).not.toContain('dev-1');
      const [first] = await store.query({ sql: 'SELECT * FROM erasures ORDER BY at_ms', params: [] });
      expect(first).toMatchObject({
        kind: 'forget',
        at_ms: NOW,
        what: createHash('sha256').update('alice').digest('hex'),
        events: 3,
      });
      expect(String(first!.actor)).toMatch(/^token:st_/);
    } finally {
      store.close();
    }
  });

  it('is for admin tokens only, and names the site', async () => {
    const t = await startTestServer(SLOW, undefined, { now: () => NOW });
    await seed(t);
    for (const token of [t.sites.shop.reader, t.share]) {
      const res = await erase(t, 'alice', token);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    expect((await erase(t, 'alice', 'st_nope')).statusCode).toBe(401);
    expect((await erase(t, 'alice', t.admin, 'nosuch')).statusCode).toBe(404);
    const noSite = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/visitors/alice',
      headers: t.auth(t.admin),
    });
    expect(noSite.statusCode).toBe(400);
    await t.settle();
    const sessions = await t.app.inject({ url: '/api/v1/sessions?site=shop', headers: t.auth(t.admin) });
    expect(sessions.body).toContain('alice');
  });

  it('stint forget --site on a served site gives the API request instead', async () => {
    const t = await startTestServer(SLOW, undefined, { now: () => NOW });
    await seed(t);
    const r = stint(['forget', '--site', 'shop', '--identity', 'alice', '--data', t.dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/server \(stint serve\) has site "shop"'s store open/);
    expect(r.stderr).toMatch(/curl -X DELETE .*\/api\/v1\/visitors\/alice\?site=shop/);
    // Stopped, the CLI erases the site's store itself.
    await t.server.close();
    const done = stint(['forget', '--site', 'shop', '--identity', 'alice', '--data', t.dir, '--json']);
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ events: 3 });
  });
});
