/**
 * `stint serve --demo` (what `npm start` runs): on first run, three sites (shop, blog, app, each
 * with its origin) filled with 90 days of generated traffic ending now (src/sample/demo.ts), then
 * a trickle of live visits on each, and the dashboard's one-click login link. Events go in
 * through the collector like any server-side sender's, with the run's admin token.
 */
import pc from 'picocolors';
import type { AcceptedResponse } from '../api/types.ts';
import { DEMO_SITES, demoEvents, generateDemo } from '../sample/demo.ts';
import { createLiveTrickle } from '../sample/live.ts';
import type { DemoEvent } from '../sample/session-events.ts';
import type { StintServer } from '../server/app.ts';

/** The admin token the demo uses: one it made for this run, or the operator's own. */
export interface DemoToken {
  readonly secret: string;
  /** True when the demo made it (it is printed); false for the operator's STINT_ADMIN_TOKEN (never printed). */
  readonly generated: boolean;
}

export interface DemoRun {
  /** Share of the full demo's visits, in percent (100: about 50,000 visits). */
  readonly scalePercent: number;
  /** Where progress lines go (stdout). */
  readonly write: (text: string) => void;
}

/** The seed of the demo's traffic: every first run makes the same visits, ending at its own now. */
const SEED = 7;
/** Events per collector request while loading (the JSON route's default limit). */
const BATCH = 1000;
/** How often the live trickle sends. */
const TRICKLE_MS = 2000;

export async function startDemo(
  server: StintServer,
  address: string,
  token: DemoToken,
  run: DemoRun,
): Promise<void> {
  const { app, registry } = server;
  const auth = { authorization: `Bearer ${token.secret}` };
  const post = async (site: string, events: readonly DemoEvent[]): Promise<AcceptedResponse> => {
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/events?site=${site}`,
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ events }),
    });
    if (res.statusCode !== 200) throw new Error(`demo events refused: ${res.statusCode} ${res.body}`);
    return res.json() as AcceptedResponse;
  };
  for (const site of DEMO_SITES)
    if (registry.site(site.name) === undefined) registry.addSite(site.name, [site.origin]);
  // A site with no session yet is filled (a first run, or one stopped before it stored anything).
  const empty: string[] = [];
  for (const site of DEMO_SITES) {
    const res = await app.inject({ url: `/api/v1/sessions?site=${site.name}&limit=1`, headers: auth });
    if (res.statusCode !== 200) throw new Error(`demo sessions unreadable: ${res.statusCode} ${res.body}`);
    if ((res.json() as { sessions: unknown[] }).sessions.length === 0) empty.push(site.name);
  }
  if (empty.length > 0) await loadHistory(server, empty, run, post);
  else
    run.write(
      `demo: ${DEMO_SITES.map((s) => s.name).join(', ')} already hold their traffic (delete the data directory to make it anew)\n`,
    );

  const trickle = createLiveTrickle(SEED, Date.now());
  const timer = setInterval(() => {
    for (const { site, events } of trickle.tick(Date.now()))
      post(site, events).catch((err: Error & { code?: string }) => {
        // Once the server has stopped, the trickle stops too.
        if (err.code === 'FST_ERR_REOPENED_CLOSE_SERVER') {
          clearInterval(timer);
          return;
        }
        // While the server stops, the collector answers 503: nothing to report.
        if (!err.message.startsWith('demo events refused: 503'))
          app.log.warn({ err, site }, 'demo trickle failed');
      });
  }, TRICKLE_MS);
  timer.unref();
  const c = process.stdout.isTTY === true ? pc : pc.createColors(false);
  run.write(demoBanner(address, token, c.bold));
}

/**
 * Generates the 90 days and sends them through the collector, a site at a time (the store's
 * threads sessionize one site while the next is made), saying how far it is.
 */
async function loadHistory(
  server: StintServer,
  sites: readonly string[],
  run: DemoRun,
  post: (site: string, events: readonly DemoEvent[]) => Promise<AcceptedResponse>,
): Promise<void> {
  const started = performance.now();
  const seconds = (): string => ((performance.now() - started) / 1000).toFixed(1);
  const count = (n: number): string => n.toLocaleString('en-US');
  run.write(`demo: making 90 days of traffic for ${sites.join(', ')} (first run only)…\n`);
  // The period ends a minute ago; the live trickle takes over from there.
  const endMs = Date.now() - 60_000;
  let total = 0;
  const tally = { accepted: 0, bots: 0, refused: 0, firstRefusal: '' };
  for (const site of sites) {
    const demo = generateDemo({ seed: SEED, endMs, scale: run.scalePercent / 100, sites: [site] });
    const events = demoEvents(demo, site);
    total += events.length;
    run.write(
      `demo: ${site}: ${count(demo.sessions.length)} visits, ${count(events.length)} events made (${seconds()} s)\n`,
    );
    let shownQuarter = 0;
    for (let i = 0; i < events.length; i += BATCH) {
      const answer = await post(site, events.slice(i, i + BATCH));
      tally.accepted += answer.accepted;
      tally.bots += answer.bots;
      tally.refused += answer.rejected.length;
      if (tally.firstRefusal === '' && answer.rejected[0] !== undefined)
        tally.firstRefusal = `${site}: ${answer.rejected[0].code}: ${answer.rejected[0].message}`;
      const quarter = Math.floor((Math.min(i + BATCH, events.length) / events.length) * 4);
      if (quarter > shownQuarter) {
        shownQuarter = quarter;
        run.write(`demo: ${site}: ${quarter * 25}% sent to the collector (${seconds()} s)\n`);
      }
    }
  }
  run.write('demo: sessionizing what is left…\n');
  await server.settle();
  run.write(
    `demo: loaded ${count(tally.accepted)} events in ${seconds()} s; ${count(tally.bots)} events of crawlers were left out as bots, as the collector does\n`,
  );
  // The generator makes only events the collector takes: a refusal is a bug to show, not to hide.
  if (tally.refused > 0)
    run.write(`demo: ${count(tally.refused)} events were refused, for example ${tally.firstRefusal}\n`);
  server.app.log.info({ events: total, ...tally, sites, seconds: Number(seconds()) }, 'demo traffic stored');
}

/**
 * What the demo prints: the dashboard's one-click login link and one curl line. A token the demo
 * made is printed (it lives for this run only); the operator's own STINT_ADMIN_TOKEN never is.
 */
export function demoBanner(
  address: string,
  token: DemoToken,
  bold: (s: string) => string = (s) => s,
): string {
  const secret = token.generated ? token.secret : '$STINT_ADMIN_TOKEN';
  const sites = DEMO_SITES.map((s) => `${s.name} (${s.origin})`).join(', ');
  return [
    '',
    bold(`stint demo: ${sites}, 90 days and live visits`),
    token.generated
      ? `  Dashboard  ${bold(`${address}/login#token=${token.secret}`)}   (one-click login; the token lasts this run only)`
      : `  Dashboard  ${address}/login   (log in with your STINT_ADMIN_TOKEN; it is not printed)`,
    `  API        curl -H "authorization: Bearer ${secret}" '${address}/api/v1/report?site=shop'`,
    `             (every route: ${address}/api/v1/openapi.json; docs/demo.md says what the demo holds)`,
    '  Stop with Ctrl-C.',
    '',
  ].join('\n');
}
