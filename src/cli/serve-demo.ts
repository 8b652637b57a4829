/**
 * `stint serve --demo` (what `npm start` runs): a site named "demo" filled with generated traffic
 * that ends a minute ago, a few live events every two seconds, and the commands to look at it.
 * Events go in through the collector like any sender's, with the run's admin token.
 */
import pc from 'picocolors';
import { generateTraffic, TRAFFIC_COLUMNS } from '../sample/traffic.ts';
import type { StintServer } from '../server/app.ts';

const SITE = 'demo';
const EVENTS = 100_000;

/** The admin token the demo uses: one it made for this run, or the operator's own. */
export interface DemoToken {
  readonly secret: string;
  /** True when the demo made it (it is printed); false for the operator's STINT_ADMIN_TOKEN (never printed). */
  readonly generated: boolean;
}

export async function startDemo(server: StintServer, address: string, token: DemoToken): Promise<void> {
  const { app, registry } = server;
  const adminToken = token.secret;
  if (registry.site(SITE) === undefined) registry.addSite(SITE, [address]);
  const post = async (events: Record<string, unknown>[]): Promise<void> => {
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/events?site=${SITE}`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      payload: JSON.stringify({ events }),
    });
    if (res.statusCode !== 200) throw new Error(`demo events refused: ${res.statusCode} ${res.body}`);
  };
  const first = await app.inject({
    url: `/api/v1/sessions?site=${SITE}&limit=1`,
    headers: { authorization: `Bearer ${adminToken}` },
  });
  if (first.json().sessions?.length === 0) {
    const started = performance.now();
    const rows = [...generateTraffic({ events: EVENTS, seed: 7 })];
    const shift = Date.now() - 60_000 - Math.max(...rows.map((r) => r[0]));
    const events = rows.map((row) => {
      const e: Record<string, unknown> = Object.fromEntries(TRAFFIC_COLUMNS.map((name, i) => [name, row[i]]));
      e.timestamp = (row[0] as number) + shift;
      return e;
    });
    for (let i = 0; i < events.length; i += 1000) await post(events.slice(i, i + 1000));
    await server.settle();
    app.log.info(
      { events: EVENTS, seconds: Math.round(performance.now() - started) / 1000 },
      'demo traffic stored',
    );
  }
  // A trickle of live visitors, so /api/v1/live moves.
  let n = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    const events = Array.from({ length: 1 + (n % 4) }, (_, k) => ({
      anonymous_id: `live-${(n + k) % 25}`,
      timestamp: now - k * 500,
      url: `${address}/${['', 'pricing', 'docs', 'blog/stint-1-0', 'signup'][(n + k) % 5]}`,
      user_agent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    }));
    n++;
    post(events).catch((err) => app.log.warn({ err }, 'demo trickle failed'));
  }, 2000);
  timer.unref();
  const c = process.stdout.isTTY === true ? pc : pc.createColors(false);
  process.stdout.write(demoBanner(address, token, c.bold));
}

/**
 * What the demo prints: where it is and the commands to look at it. A token the demo made is
 * printed (it lives for this run only); the operator's own STINT_ADMIN_TOKEN never is: the
 * commands read it from the shell's variable instead.
 */
export function demoBanner(
  address: string,
  token: DemoToken,
  bold: (s: string) => string = (s) => s,
): string {
  const secret = token.generated ? token.secret : '$STINT_ADMIN_TOKEN';
  const auth = `-H "authorization: Bearer ${secret}"`;
  return [
    '',
    bold(`stint serve: demo site "${SITE}" at ${address}`),
    token.generated
      ? `  admin token (this run only)  ${token.secret}`
      : '  admin token  your STINT_ADMIN_TOKEN (not printed; the commands below read it from the shell)',
    `  report       curl ${auth} '${address}/api/v1/report?site=${SITE}'`,
    `  sessions     curl ${auth} '${address}/api/v1/sessions?site=${SITE}&limit=5'`,
    `  live         curl -N "${address}/api/v1/live?site=${SITE}&access_token=${secret}"`,
    `  API          ${address}/api/v1/openapi.json     health ${address}/healthz`,
    `  Send events  curl -X POST ${auth} -H 'content-type: application/json' '${address}/api/v1/events?site=${SITE}' -d '{"url":"/hello"}'`,
    '  Stop with Ctrl-C. Docs: docs/operations.md',
    '',
  ].join('\n');
}
