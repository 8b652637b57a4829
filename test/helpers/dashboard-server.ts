/**
 * A real `stint serve` on 127.0.0.1 filled with generated demo traffic, for the dashboard's
 * browser tests: a site "demo", an admin token and a share link. The server's clock starts just
 * after the data's last event (a fixed date) and runs on, so nothing depends on today's date.
 *
 *   const d = await startDashboardServer();
 *   await page.goto(`${d.url}/login#token=${d.admin}`);
 *   await d.close();
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTraffic, TRAFFIC_COLUMNS } from '../../src/sample/traffic.ts';
import { createServer, type StintServer } from '../../src/server/app.ts';
import { resolveConfig } from '../../src/server/config.ts';
import { buildDashboard } from '../../src/server/dashboard.ts';

/** The instant the demo data ends: a fixed date, so a test never depends on today's. */
export const DATA_END_MS = Date.UTC(2026, 9, 30, 18);

export interface DashboardServer {
  readonly server: StintServer;
  readonly url: string;
  readonly site: string;
  readonly admin: string;
  readonly share: string;
  /** The UTC dates the data spans, as the dashboard's custom range takes them. */
  readonly range: { readonly from: string; readonly to: string };
  /** The server's clock (ms). */
  now(): number;
  close(): Promise<void>;
}

/** The demo's events (the generator the demo uses; switching generators is this one line). */
function demoEvents(events: number): Record<string, unknown>[] {
  const rows = [...generateTraffic({ events, seed: 7 })];
  const shift = DATA_END_MS - Math.max(...rows.map((r) => r[0]));
  return rows.map((row) => {
    const e: Record<string, unknown> = Object.fromEntries(TRAFFIC_COLUMNS.map((name, i) => [name, row[i]]));
    e.timestamp = (row[0] as number) + shift;
    return e;
  });
}

export async function startDashboardServer(options: { events?: number } = {}): Promise<DashboardServer> {
  const dir = mkdtempSync(join(tmpdir(), 'stint-dashboard-'));
  const config = resolveConfig({ data: dir }, { STINT_LOG_LEVEL: 'silent', STINT_SESSIONIZE_DELAY: '10ms' });
  const started = performance.now();
  const now = () => DATA_END_MS + 60_000 + Math.round(performance.now() - started);
  const server = await createServer(config, { logger: false, now });
  const { app, registry } = server;
  const site = 'demo';
  registry.addSite(site, ['http://127.0.0.1']);
  const admin = registry.createToken('admin', undefined, 'dashboard test').secret;
  const share = registry.createShare(site, undefined).secret;
  const events = demoEvents(options.events ?? 30_000);
  for (let i = 0; i < events.length; i += 1000) {
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/events?site=${site}`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      payload: JSON.stringify({ events: events.slice(i, i + 1000) }),
    });
    if (res.statusCode !== 200) throw new Error(`demo events refused: ${res.statusCode} ${res.body}`);
  }
  await server.settle();
  await buildDashboard();
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const first = Math.min(...events.map((e) => e.timestamp as number));
  return {
    server,
    url,
    site,
    admin,
    share,
    range: {
      from: new Date(first).toISOString().slice(0, 10),
      to: new Date(DATA_END_MS).toISOString().slice(0, 10),
    },
    now,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
