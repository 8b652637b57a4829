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

/**
 * The demo's events: `days` days of traffic, a day's worth from the demo's generator each
 * afternoon (UTC), ending at DATA_END_MS. Switching to another generator is this function.
 */
function demoEvents(days: number, perDay: number): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  for (let day = 0; day < days; day++) {
    const rows = [...generateTraffic({ events: perDay, seed: 7 + day })];
    const shift = DATA_END_MS - (days - 1 - day) * 86_400_000 - Math.max(...rows.map((r) => r[0]));
    for (const row of rows) {
      const e: Record<string, unknown> = Object.fromEntries(TRAFFIC_COLUMNS.map((name, i) => [name, row[i]]));
      e.timestamp = (row[0] as number) + shift;
      // Event ids are the generator's per run: one run a day, so the day makes them unique.
      e.event_id = `d${day}-${String(e.event_id)}`;
      events.push(e);
    }
  }
  return events;
}

export async function startDashboardServer(
  options: { days?: number; perDay?: number } = {},
): Promise<DashboardServer> {
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
  const events = demoEvents(options.days ?? 90, options.perDay ?? 500);
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
