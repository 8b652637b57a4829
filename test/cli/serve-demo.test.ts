/**
 * `stint serve --demo` on a fresh data directory (small, with --demo-scale): it creates the
 * three sites with their origins and the demo's goals, loads 90 days of traffic through the
 * collector while printing its progress (crawlers left out as bots), prints the dashboard's
 * one-click login link, and keeps live events coming. Run again, it loads nothing twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openRegistry } from '../../src/server/registry.ts';
import { type ServeProcess, startServe } from '../helpers/serve-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'stint-demo-'));
let serve: ServeProcess | undefined;
afterAll(async () => {
  await serve?.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Waits until the output holds the text (the demo's banner comes after the load). */
async function waitFor(s: ServeProcess, text: string): Promise<string> {
  for (let i = 0; i < 1800; i++) {
    if (s.output().includes(text)) return s.output();
    if (s.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no "${text}" in the output of stint serve --demo:\n${s.output()}`);
}

it('loads the demo on a fresh data directory and prints the one-click login link', {
  timeout: 240_000,
}, async () => {
  // No STINT_ADMIN_TOKEN: the demo makes one for the run and puts it in the link.
  serve = await startServe(dir, { STINT_ADMIN_TOKEN: '' }, 0, ['--demo', '--demo-scale', '3']);
  const output = await waitFor(serve, 'Stop with Ctrl-C');
  expect(output).toContain('demo: making 90 days of traffic for shop, blog, app');
  for (const site of ['shop', 'blog', 'app'])
    expect(output).toContain(`demo: ${site}: 50% sent to the collector`);
  expect(output).toMatch(
    /demo: loaded [\d,]+ events in [\d.]+ s; [1-9][\d,]* events of crawlers were left out as bots/,
  );
  expect(output).not.toContain('were refused');
  const link = /(http:\/\/127\.0\.0\.1:\d+)\/login#token=(\S+)/.exec(output);
  expect(link).not.toBeNull();
  const [, base, token] = link!;
  expect(base).toBe(serve.base);
  const get = async (path: string): Promise<Record<string, unknown>> => {
    const res = await fetch(`${serve!.base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status, path).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };

  const sites = openRegistry(dir).sites();
  expect(sites.map((s) => [s.name, s.origins])).toEqual([
    ['shop', ['https://shop.example']],
    ['blog', ['https://blog.example']],
    ['app', ['https://app.example']],
  ]);
  for (const site of ['shop', 'blog', 'app']) {
    const report = (await get(`/api/v1/report?site=${site}&from=2000-01-01`)) as {
      rules: { goals: string[] };
      overview: { sessions: { value: number }; conversion_rate: { value: number } };
    };
    expect(report.rules.goals).toEqual(['signup', 'purchase']);
    expect(report.overview.sessions.value, site).toBeGreaterThan(300);
    expect(report.overview.conversion_rate.value, site).toBeGreaterThan(0);
  }
  // Countries (from each event's address) and channels, where the API has them as dimensions
  // (the session fields `country` and `channel`; a server without them answers 400).
  const breakdown = async (site: string, by: string): Promise<Map<string, number> | undefined> => {
    const res = await fetch(
      `${serve!.base}/api/v1/breakdown?site=${site}&by=${by}&limit=50&from=2000-01-01`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    if (res.status === 400) return undefined;
    expect(res.status).toBe(200);
    const { rows } = (await res.json()) as { rows: { key: string; sessions: number }[] };
    return new Map(rows.map((r) => [r.key, r.sessions]));
  };
  const countries = await breakdown('shop', 'country');
  if (countries !== undefined) {
    for (const c of ['US', 'GB', 'DE']) expect(countries.get(c), c).toBeGreaterThan(0);
    expect((countries.get('unknown') ?? 0) + (countries.get('') ?? 0)).toBe(0);
  }
  const channels = await breakdown('shop', 'channel');
  if (channels !== undefined)
    for (const c of ['Direct', 'Organic Search', 'Paid Search', 'Paid Social', 'Email'])
      expect(channels.get(c), c).toBeGreaterThan(0);
  const sources = await breakdown('shop', 'traffic_source');
  if (channels !== undefined)
    expect([...sources!.keys()].filter((k) => k.includes('shop.example'))).toEqual([]);

  // Crawlers were left out as bots, and live events keep coming.
  const metrics = async (): Promise<string> =>
    (await fetch(`${serve!.base}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  const accepted = (text: string): number =>
    [...text.matchAll(/^stint_events_accepted_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
  const before = await metrics();
  expect(before).toMatch(/^stint_events_bots_total\{[^}]*\} [1-9]/m);
  for (let i = 0; i < 100 && accepted(await metrics()) <= accepted(before); i++)
    await new Promise((r) => setTimeout(r, 200));
  expect(accepted(await metrics())).toBeGreaterThan(accepted(before));
  await serve.stop('SIGTERM');

  // A second run finds the traffic there and loads nothing.
  serve = await startServe(dir, { STINT_ADMIN_TOKEN: '' }, 0, ['--demo', '--demo-scale', '3']);
  const again = await waitFor(serve, 'Stop with Ctrl-C');
  expect(again).toContain('already hold their traffic');
  expect(again).not.toContain('demo: making');
  expect(again).toMatch(/\/login#token=st_demo_/);
});
