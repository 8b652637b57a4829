/**
 * Share links see aggregates only, unless made with `--visitors`: the per-visitor routes
 * (/sessions, a session's journey) answer 403, a breakdown or filter by identity or an event
 * property is refused, and /live leaves out visitor ids. A link made with `--visitors` (CLI)
 * sees them all; an old registry record (no `visitors` field) is aggregates only.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stint } from '../helpers/cli.ts';
import { closeServers, startTestServer, type TestServer } from '../helpers/server.ts';

afterEach(closeServers);

const NO_LIMITS = { STINT_RATE_LIMIT_IP: '0', STINT_RATE_LIMIT_KEY: '0' };
const NOW = Date.parse('2026-12-01T12:00:00Z');

async function seeded(): Promise<TestServer> {
  const t = await startTestServer(NO_LIMITS, undefined, { now: () => NOW });
  for (const [i, who] of ['alice', 'bob'].entries()) {
    const res = await t.post({
      user_id: who,
      timestamp: new Date(NOW - 60_000 * (i + 1)).toISOString(),
      url: 'https://shop.example/pricing',
      properties: { email: `${who}@example.com` },
    });
    expect(res.statusCode, res.body).toBe(200);
  }
  await t.settle();
  return t;
}

const get = (t: TestServer, url: string, secret: string) =>
  t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${secret}` } });

/** The first `data:` message of /live (the stream is ended by closing the server). */
async function firstLive(address: string, secret: string): Promise<{ latest: Record<string, unknown>[] }> {
  const controller = new AbortController();
  const res = await fetch(`${address}/api/v1/live?site=shop`, {
    headers: { authorization: `Bearer ${secret}` },
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  let text = '';
  while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
  controller.abort();
  return JSON.parse(text.slice(text.indexOf('data: ') + 6, text.indexOf('\n\n')));
}

describe('share links', () => {
  it('see aggregates only by default: 403 on per-visitor routes, with a reason', async () => {
    const t = await seeded();
    const overview = await get(t, '/api/v1/overview', t.share);
    expect(overview.statusCode).toBe(200);
    const sessions = await get(t, '/api/v1/sessions', t.share);
    expect(sessions.statusCode).toBe(403);
    expect(sessions.json().error.code).toBe('visitors_not_shared');
    expect(sessions.json().error.message).toMatch(/--visitors/);
    const id = (await get(t, '/api/v1/sessions?site=shop', t.admin)).json().sessions[0].session_id;
    expect((await get(t, `/api/v1/sessions/${id}`, t.share)).statusCode).toBe(403);
    for (const url of [
      '/api/v1/breakdown?by=identity',
      '/api/v1/breakdown?by=prop.email',
      '/api/v1/overview?filter=identity%3Dalice',
      '/api/v1/overview?filter=prop.email%3Dalice%40example.com',
      '/api/v1/funnel?step=/pricing&by=identity',
    ]) {
      const res = await get(t, url, t.share);
      expect(res.statusCode, url).toBe(403);
      expect(res.body, url).not.toContain('alice');
    }
    // A read token of the site sees them all.
    expect((await get(t, '/api/v1/breakdown?by=identity', t.sites.shop.reader)).statusCode).toBe(200);
    expect((await get(t, '/api/v1/sessions', t.sites.shop.reader)).statusCode).toBe(200);
  });

  it('/live shows a share link no visitor ids', async () => {
    const t = await seeded();
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const shared = await firstLive(address, t.share);
    expect(shared.latest.length).toBe(2);
    for (const e of shared.latest) expect(e).not.toHaveProperty('visitor');
    const admin = await firstLive(address, t.admin);
    expect(admin.latest.map((e) => e.visitor)).toEqual(['alice', 'bob']);
  });

  it('stint share create --visitors grants per-visitor data, and says so', async () => {
    const t = await seeded();
    const plain = stint(['share', 'create', '--site', 'shop', '--data', t.dir]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toMatch(/aggregates only/);
    const full = stint(['share', 'create', '--site', 'shop', '--visitors', '--data', t.dir]);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stderr).toMatch(/per-visitor data/);
    const secret = full.stdout.trim();
    await new Promise((r) => setTimeout(r, 600)); // the server re-reads registry.json
    expect((await get(t, '/api/v1/sessions', secret)).statusCode).toBe(200);
    expect((await get(t, '/api/v1/breakdown?by=identity', secret)).json().rows.length).toBe(2);
    expect((await get(t, '/api/v1/sessions', plain.stdout.trim())).statusCode).toBe(403);
    const list = stint(['share', 'list', '--data', t.dir]);
    expect(list.stdout).toMatch(/visitors/);
    expect(list.stdout).toMatch(/aggregates/);
  });

  it('reads an old registry record (no "visitors" field) as aggregates only', async () => {
    const t = await seeded();
    const path = join(t.dir, 'registry.json');
    const file = JSON.parse(readFileSync(path, 'utf8'));
    for (const s of file.shares) delete s.visitors;
    writeFileSync(path, JSON.stringify(file));
    await new Promise((r) => setTimeout(r, 600));
    expect((await get(t, '/api/v1/overview', t.share)).statusCode).toBe(200);
    expect((await get(t, '/api/v1/sessions', t.share)).statusCode).toBe(403);
  });
});
