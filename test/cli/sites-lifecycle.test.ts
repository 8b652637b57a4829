/**
 * Changing a site while the server runs: `stint sites rotate-key` (the old keys keep working
 * for the grace period), `revoke-key`, `set-origins`, and `remove` (refused without --yes; the
 * server closes the store and the data moves to a dated backup, or is deleted with --purge).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openRegistry } from '../../src/server/registry.ts';
import { stint, stintAsync, tempDir } from '../helpers/cli.ts';
import { closeServers, startTestServer, type TestServer } from '../helpers/server.ts';

afterEach(closeServers);

const NO_LIMITS = { STINT_RATE_LIMIT_IP: '0', STINT_RATE_LIMIT_KEY: '0' };
const DAY = 24 * 60 * 60 * 1000;
/** The server re-reads registry.json within half a second. */
const reread = () => new Promise((r) => setTimeout(r, 700));

const sendWith = (t: TestServer, writeKey: string) =>
  t.post({ url: 'https://shop.example/' }, t.auth(writeKey));
const sendFrom = (t: TestServer, publicKey: string, origin: string) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/events?key=${publicKey}`,
    headers: { 'content-type': 'application/json', origin },
    payload: JSON.stringify({ url: `${origin}/` }),
  });

describe('stint sites', () => {
  it('rotate-key: new keys work, the old ones for the grace period; revoke-key ends one now', async () => {
    const t = await startTestServer(NO_LIMITS);
    const old = t.sites.shop;
    const r = stint(['sites', 'rotate-key', 'shop', '--grace', '7d', '--data', t.dir]);
    expect(r.code, r.stderr).toBe(0);
    const publicKey = /public key\s+(pk_\S+)/.exec(r.stdout)![1]!;
    const writeKey = /write key\s+(sk_\S+)/.exec(r.stdout)![1]!;
    expect(r.stdout).toMatch(/old keys keep working for 7d/);
    await reread();
    expect((await sendWith(t, writeKey)).statusCode).toBe(200);
    expect((await sendWith(t, old.writeKey)).statusCode).toBe(200);
    expect((await sendFrom(t, publicKey, 'https://shop.example')).statusCode).toBe(200);
    expect((await sendFrom(t, old.publicKey, 'https://shop.example')).statusCode).toBe(200);

    const revoked = stint(['sites', 'revoke-key', 'shop', '--key', old.writeKey, '--data', t.dir]);
    expect(revoked.code, revoked.stderr).toBe(0);
    await reread();
    expect((await sendWith(t, old.writeKey)).statusCode).toBe(401);
    expect((await sendWith(t, writeKey)).statusCode).toBe(200);
    expect((await sendFrom(t, old.publicKey, 'https://shop.example')).statusCode).toBe(200);

    // Revoking the current public key replaces it.
    const current = stint(['sites', 'revoke-key', 'shop', '--key', publicKey, '--data', t.dir]);
    expect(current.code, current.stderr).toBe(0);
    const replaced = /new public key: (pk_\S+)/.exec(current.stdout)![1]!;
    await reread();
    expect((await sendFrom(t, publicKey, 'https://shop.example')).statusCode).toBe(401);
    expect((await sendFrom(t, replaced, 'https://shop.example')).statusCode).toBe(200);
    expect(stint(['sites', 'revoke-key', 'shop', '--key', 'sk_nope', '--data', t.dir]).code).toBe(1);
  });

  it('a rotated key stops when its grace period is over', () => {
    const t = { dir: tempDir() };
    const registry = openRegistry(t.dir);
    const { writeKey } = registry.addSite('shop', ['https://shop.example']);
    const publicKey = registry.site('shop')!.publicKey;
    registry.rotateKeys('shop', {
      publicKey: true,
      writeKey: true,
      graceMs: 7 * DAY,
      nowMs: Date.now() - 8 * DAY,
    });
    expect(registry.siteByWriteKey(writeKey)).toBeUndefined();
    expect(registry.siteByPublicKey(publicKey)).toBeUndefined();
    registry.rotateKeys('shop', { publicKey: false, writeKey: true, graceMs: 7 * DAY });
    expect(registry.site('shop')!.retiredKeys).toHaveLength(1); // the lapsed pair is dropped
  });

  it('set-origins replaces the origins a public key is taken from', async () => {
    const t = await startTestServer(NO_LIMITS);
    const r = stint(['sites', 'set-origins', 'shop', '--origin', 'https://new.example', '--data', t.dir]);
    expect(r.code, r.stderr).toBe(0);
    await reread();
    expect((await sendFrom(t, t.sites.shop.publicKey, 'https://new.example')).statusCode).toBe(200);
    expect((await sendFrom(t, t.sites.shop.publicKey, 'https://shop.example')).statusCode).toBe(403);
    expect(stint(['sites', 'set-origins', 'shop', '--origin', 'ftp://x', '--data', t.dir]).code).toBe(1);
  });

  it('remove: refused without --yes; with it the server closes the store and the data is kept', async () => {
    const t = await startTestServer(NO_LIMITS);
    expect((await sendWith(t, t.sites.shop.writeKey)).statusCode).toBe(200);
    await t.settle();
    const refused = stint(['sites', 'remove', 'shop', '--data', t.dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/without --yes/);
    expect(existsSync(join(t.dir, 'sites', 'shop.duckdb'))).toBe(true);

    const r = await stintAsync(['sites', 'remove', 'shop', '--yes', '--data', t.dir]);
    expect(r.code, r.stderr).toBe(0);
    const [backup] = readdirSync(join(t.dir, 'removed'));
    expect(backup).toMatch(/^shop-\d{4}-\d{2}-\d{2}T/);
    expect(readdirSync(join(t.dir, 'removed', backup!))).toContain('shop.duckdb');
    expect(existsSync(join(t.dir, 'sites', 'shop.duckdb'))).toBe(false);
    expect((await sendWith(t, t.sites.shop.writeKey)).statusCode).toBe(401);
    const read = await t.app.inject({ url: '/api/v1/overview?site=shop', headers: t.auth(t.admin) });
    expect(read.statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/v1/overview', headers: t.auth(t.share) })).statusCode).toBe(401);
    // blog goes on; --purge leaves no backup.
    expect((await sendWith(t, t.sites.blog.writeKey)).statusCode).toBe(200);
    await t.settle();
    const purge = await stintAsync(['sites', 'remove', 'blog', '--yes', '--purge', '--data', t.dir]);
    expect(purge.code, purge.stderr).toBe(0);
    expect(readdirSync(join(t.dir, 'removed'))).toHaveLength(1);
    expect(existsSync(join(t.dir, 'sites', 'blog.duckdb'))).toBe(false);
  });
});
