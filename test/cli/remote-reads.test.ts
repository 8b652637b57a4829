/**
 * `stint report` and every analysis command read through a running `stint serve` (`--server URL
 * --site NAME`, a token in STINT_TOKEN or --token) and print what they print on a copy of the
 * same store with `--db`: text, --json and the HTML report's data. A wrong token, an unreachable
 * server and a store held by the server are refused with what to do; the token is never printed.
 * The server is the real `stint serve` in a child process; the CLI runs in this process.
 */
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createTcpServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYSES, CLI_SPELLING, QUERIES } from '../../src/analysis/catalog.ts';
import { generateTraffic, TRAFFIC_COLUMNS } from '../../src/sample/traffic.ts';
import { launchChromium, runBrowserTests } from '../helpers/browser.ts';
import { tempDir } from '../helpers/cli.ts';
import { stintHere } from '../helpers/cli-in-process.ts';
import { type ServeProcess, startServe } from '../helpers/serve-process.ts';
import { startTestServer } from '../helpers/server.ts';

const DAY_MS = 86_400_000;
const START_MS = Date.UTC(2026, 9, 1, 8);
const DAYS = 14;

let dir: string;
let local: string;
let serve: ServeProcess;
let reader: string;
let admin: string;
let share: string;

/** Two weeks of the demo's generated traffic, three bursts a day, each burst's event ids its own. */
function traffic(): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  for (let d = 0; d < DAYS; d++) {
    for (const hour of [0, 5, 11]) {
      const startMs = START_MS + d * DAY_MS + hour * 3_600_000;
      for (const row of generateTraffic({ events: 150, seed: d * 24 + hour + 1, startMs })) {
        const e: Record<string, unknown> = Object.fromEntries(
          TRAFFIC_COLUMNS.map((name, i) => [name, row[i]]),
        );
        e.event_id = `d${d}h${hour}-${e.event_id}`;
        events.push(e);
      }
    }
  }
  return events;
}

beforeAll(async () => {
  // The store is filled by the server itself (collector, sessionizer), on a clock of its own.
  dir = tempDir();
  const t = await startTestServer({}, dir, { now: () => START_MS + (DAYS + 1) * DAY_MS });
  reader = t.sites.shop.reader;
  admin = t.admin;
  share = t.share;
  const events = traffic();
  for (let i = 0; i < events.length; i += 1000) {
    const res = await t.post({ events: events.slice(i, i + 1000) });
    expect(res.statusCode, res.body).toBe(200);
  }
  await t.settle();
  await t.server.close();
  local = join(dir, 'copy.duckdb');
  copyFileSync(join(dir, 'sites', 'shop.duckdb'), local);
  if (existsSync(join(dir, 'sites', 'shop.duckdb.wal')))
    copyFileSync(join(dir, 'sites', 'shop.duckdb.wal'), `${local}.wal`);
  serve = await startServe(dir);
}, 120_000);

afterAll(async () => {
  await serve?.stop('SIGTERM');
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const PERIOD = ['--from', '2026-10-03', '--to', '2026-10-12', '--tz', 'Europe/Berlin'];

/** The command run on the copy and through the server: both answers. */
async function both(args: readonly string[]) {
  const onDisk = await stintHere([...args, '--db', local]);
  const served = await stintHere([...args, '--server', serve.base, '--site', 'shop'], {
    STINT_TOKEN: reader,
  });
  return { onDisk, served };
}

/** The entry's example flags, as `stint NAME --help` shows them. */
const exampleFlags = (example: Readonly<Record<string, string | readonly string[]>> = {}): string[] =>
  Object.entries(example).flatMap(([name, value]) =>
    (typeof value === 'string' ? [value] : value).flatMap((v) => CLI_SPELLING.example(name, v).split(' ')),
  );

describe('reading through a running stint serve', () => {
  it('prints what the store gives, for the report and every analysis, as text and JSON', async () => {
    const runs: string[][] = [
      ['report', ...PERIOD, '--funnel', '/,/pricing,event:purchase'],
      ['report', '--filter', 'device_type=mobile', '--interval', 'week'],
      ...ANALYSES.map((entry) => [entry.name, ...exampleFlags(entry.example), ...PERIOD]),
      ['breakdown', '--by', 'entry_page', '--limit', '5', '--filter', 'browser~Chrome'],
      ['funnel', '--step', '/', '--step', 'event:purchase', '--any-order', '--window', '2d'],
      ['timeseries', '--interval', 'hour', '--metric', 'bounce_rate', ...PERIOD],
    ];
    for (const args of runs) {
      for (const json of [false, true]) {
        const run = json ? [...args, '--json'] : args;
        const { onDisk, served } = await both(run);
        expect(onDisk.code, `${run.join(' ')}: ${onDisk.stderr}`).toBe(0);
        expect(served.code, `${run.join(' ')}: ${served.stderr}`).toBe(0);
        // Diagnose reads the clock where it is asked (for times in the future): each side its own.
        const clockless = (out: string) => out.replace(/"now_ms": \d+/g, '"now_ms": 0');
        expect(clockless(served.stdout), run.join(' ')).toBe(clockless(onDisk.stdout));
        expect(served.stderr, run.join(' ')).toBe('');
      }
    }
    // Real numbers, not two empty answers that agree.
    const { served } = await both(['overview', '--json']);
    expect(JSON.parse(served.stdout).metrics.sessions.value).toBeGreaterThan(300);
    // Three reports and sixteen analyses, each twice on each side.
  }, 300_000);

  it('writes the same HTML report, and a read-only token needs no --site', async () => {
    const html = (file: string) =>
      JSON.parse(
        /<script type="application\/json" id="stint-data">(.*?)<\/script>/s.exec(
          readFileSync(file, 'utf8'),
        )![1]!,
      );
    const onDisk = join(dir, 'disk.html');
    const served = join(dir, 'served.html');
    expect((await stintHere(['report', ...PERIOD, '--db', local, '--html', onDisk])).code).toBe(0);
    const r = await stintHere(['report', ...PERIOD, '--server', serve.base, '--html', served], {
      STINT_TOKEN: reader,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`HTML report written to ${served}`);
    expect(html(served)).toEqual(html(onDisk));
    expect(readFileSync(served, 'utf8').includes(`<title>stint report: ${serve.base}</title>`)).toBe(true);
  });

  it('takes --token, an admin token reads the site named, a share link its own site', async () => {
    const r = await stintHere([
      'pages',
      '--limit',
      '3',
      '--server',
      serve.base,
      '--site',
      'shop',
      '--token',
      admin,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe((await stintHere(['pages', '--limit', '3', '--db', local])).stdout);
    const shared = await stintHere(['overview', '--json', '--server', serve.base], { STINT_TOKEN: share });
    expect(shared.code, shared.stderr).toBe(0);
    expect(shared.stdout).toBe((await stintHere(['overview', '--json', '--db', local])).stdout);
    // A share link sees aggregates only: the server's refusal, said as the CLI says it.
    const identities = await stintHere(['breakdown', '--by', 'identity', '--server', serve.base], {
      STINT_TOKEN: share,
    });
    expect(identities.code).toBe(1);
    expect(identities.stderr).toContain('This share link sees aggregates only');
  });

  it('says why a wrong token is refused, with a hint, and never prints the token', async () => {
    const secret = 'st_this-is-not-a-token-of-this-server';
    for (const how of [
      { args: ['--token', secret], env: {} },
      { args: [], env: { STINT_TOKEN: secret } },
    ]) {
      const r = await stintHere(['report', '--server', serve.base, '--site', 'shop', ...how.args], how.env);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`stint: error: ${serve.base} refused the token: Send a token`);
      expect(r.stderr).toMatch(/ {2}hint: Give a token of this server with --token or STINT_TOKEN/);
      expect(r.stderr).not.toContain(secret);
    }
    // A site's read-only token reads that site only.
    const other = await stintHere(['overview', '--server', serve.base, '--site', 'blog'], {
      STINT_TOKEN: reader,
    });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('This token may not read that site');
    expect(other.stderr).not.toContain(reader);
    // No token at all: said before any request.
    const none = await stintHere(['overview', '--server', serve.base]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`No token for ${serve.base}`);
  });

  it('says so when no server answers at the address', async () => {
    const port = await freePort();
    const r = await stintHere(['breakdown', '--by', 'device_type', '--server', `http://127.0.0.1:${port}`], {
      STINT_TOKEN: reader,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `stint: error: Cannot reach http://127.0.0.1:${port}: ECONNREFUSED — is \`stint serve\` running?`,
    );
  });

  it('refuses flags that do not go together', async () => {
    const both = await stintHere(['overview', '--server', serve.base, '--db', local], {
      STINT_TOKEN: reader,
    });
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('Give --server or --db, not both');
    const site = await stintHere(['overview', '--site', 'shop', '--db', local]);
    expect(site.code).toBe(1);
    expect(site.stderr).toContain('--site goes with --server');
    // Usage errors are the CLI's own, before any request.
    const bad = await stintHere(['pages', '--limit', 'ten', '--server', serve.base], { STINT_TOKEN: reader });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--limit');
  });

  it('points at --server when the store is held by the running server', async () => {
    const r = await stintHere(['report', '--db', join(dir, 'sites', 'shop.duckdb')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is in use by another process \(PID \d+\)/);
    expect(r.stderr).toContain(
      'hint: stint serve holds site "shop": read through it instead: stint report --server URL --site shop',
    );
  });
});

describe('GET /api/v1/report.html', () => {
  it('answers the report as an HTML download whose numbers are the report’s', async () => {
    const query = 'site=shop&from=2026-10-03&to=2026-10-12&tz=Europe%2FBerlin&funnel=%2F%2C%2Fpricing';
    const res = await fetch(`${serve.base}/api/v1/report.html?${query}`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="stint-report-shop-2026-10-03-2026-10-12.html"',
    );
    expect(res.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]+=' 'sha256-[A-Za-z0-9+/]+='; style-src 'unsafe-inline'; img-src data:;/,
    );
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.text();
    expect(body.includes('<title>stint report: shop</title>')).toBe(true);
    const data = JSON.parse(
      /<script type="application\/json" id="stint-data">(.*?)<\/script>/s.exec(body)![1]!,
    );
    const json = await stintHere(['report', ...PERIOD, '--funnel', '/,/pricing', '--json', '--db', local]);
    expect(data).toEqual(JSON.parse(json.stdout));
    expect(data.overview.sessions.value).toBeGreaterThan(200);

    // Refused as the report route refuses.
    const anonymous = await fetch(`${serve.base}/api/v1/report.html?site=shop`);
    expect(anonymous.status).toBe(401);
    const bad = await fetch(`${serve.base}/api/v1/report.html?site=shop&interval=fortnight`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('STINT_BAD_FLAG');
    expect(QUERIES.report.name).toBe('report');
  });
});

describe.skipIf(!runBrowserTests)('the downloaded HTML report in headless Chromium', () => {
  it('renders under the policy the route sends, with no violation or error', async () => {
    const res = await fetch(`${serve.base}/api/v1/report.html?site=shop&funnel=%2F%2C%2Fpricing`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    const body = await res.text();
    const csp = res.headers.get('content-security-policy')!;
    const context = await launchChromium();
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      // Served as the route serves it, but shown rather than saved (no content-disposition).
      await page.route('http://stint.test/**', (route) =>
        route.request().url() === 'http://stint.test/report.html'
          ? route.fulfill({
              status: 200,
              body,
              headers: { 'content-type': 'text/html', 'content-security-policy': csp },
            })
          : route.abort(),
      );
      await page.goto('http://stint.test/report.html');
      await page.waitForSelector('body[data-rendered]');
      expect(Number(await page.getAttribute('body', 'data-rendered'))).toBeGreaterThanOrEqual(7);
      expect(await page.locator('.card').count()).toBe(12);
      expect(problems).toEqual([]);
      // The same page with a script the report does not hold: the policy stops it.
      const blocked = await page.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.__ran = 1';
        document.body.appendChild(s);
        return (window as unknown as { __ran?: number }).__ran;
      });
      expect(blocked).toBeUndefined();
    } finally {
      await context.close();
    }
  }, 60_000);
});

/** A port no one listens on (taken, then given back). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createTcpServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
