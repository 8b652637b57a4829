/**
 * `stint serve` answers the dashboard at `/` and its own paths (login, share links, views) with
 * index.html under a strict Content-Security-Policy, its hashed assets with a year's cache, and
 * leaves `/api/*` alone: an unknown API path is still the API's JSON 404.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redactedUrl } from '../../src/server/app.ts';
import { buildDashboard } from '../../src/server/dashboard.ts';
import { closeServers, startTestServer } from '../helpers/server.ts';

let assets: string[] = [];

beforeAll(async () => {
  const { dir } = await buildDashboard();
  assets = readdirSync(join(dir, 'assets'));
}, 120_000);

afterEach(async () => {
  await closeServers();
});

describe('the dashboard route', () => {
  it('answers the app at / and at every dashboard path, under a CSP without inline script', async () => {
    const t = await startTestServer();
    for (const url of [
      '/',
      '/login',
      '/overview',
      '/live?site=shop',
      '/sessions/abc',
      `/share/${t.share}`,
      `/share/${t.share}/live`,
    ]) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.body).toContain('<div id="app">');
      // Every script is a file of its own: no inline script for the CSP to refuse.
      expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
  });

  it('answers hashed assets with a long cache and their type, and nothing outside the build', async () => {
    const t = await startTestServer();
    const js = assets.find((a) => a.endsWith('.js'))!;
    const css = assets.find((a) => a.endsWith('.css'))!;
    const jsRes = await t.app.inject({ url: `/assets/${js}` });
    expect(jsRes.statusCode).toBe(200);
    expect(jsRes.headers['content-type']).toMatch(/^text\/javascript/);
    expect(jsRes.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(jsRes.headers['x-content-type-options']).toBe('nosniff');
    expect((await t.app.inject({ url: `/assets/${css}` })).headers['content-type']).toMatch(/^text\/css/);
    // Gzipped for browsers that take it (the build wrote the copies), the same bytes once unzipped.
    const zipped = await t.app.inject({ url: `/assets/${js}`, headers: { 'accept-encoding': 'gzip, br' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toContain('accept-encoding');
    expect(gunzipSync(zipped.rawPayload).equals(jsRes.rawPayload)).toBe(true);
    expect(jsRes.headers['content-encoding']).toBeUndefined();
    for (const url of [
      `/assets/${js}.gz`,
      '/assets/nope.js',
      '/assets/..%2Findex.html',
      '/assets/.built',
      '/assets/x.exe',
    ]) {
      expect((await t.app.inject({ url })).statusCode, url).toBe(404);
    }
  });

  it('leaves the API alone: an unknown API path is the JSON 404, API answers are not cached', async () => {
    const t = await startTestServer();
    const res = await t.app.inject({ url: '/api/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBeDefined();
    const sites = await t.app.inject({ url: '/api/v1/sites', headers: t.auth(t.admin) });
    expect(sites.headers['cache-control']).toBe('no-store');
    expect(sites.headers['content-security-policy']).toBeUndefined();
  });

  it("keeps a share link's secret out of the request log", () => {
    expect(redactedUrl('/share/sh_secret123')).toBe('/share/[redacted]');
    expect(redactedUrl('/share/sh_secret123/live?period=7d&access_token=x')).toBe(
      '/share/[redacted]/live?period=7d&access_token=[redacted]',
    );
    expect(redactedUrl('/overview?site=shop')).toBe('/overview?site=shop');
  });
});
