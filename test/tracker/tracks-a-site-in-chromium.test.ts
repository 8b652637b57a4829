/**
 * The tracker end to end (issue 19, browser test 1): pages on a static server on 127.0.0.1 carry
 * the stint.js tag of a real `stint serve` (a child process); headless Chromium in Berlin's time
 * zone browses them. The session then read from `GET /api/v1/sessions` has the right pages, time
 * zone, country, events and engagement time, and events sent again after a reload count once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistry } from '../../src/server/registry.ts';
import { launchChromium, runBrowserTests } from '../helpers/browser.ts';
import { type ServeProcess, startServe } from '../helpers/serve-process.ts';
import { CHROME } from '../helpers/server.ts';

interface SessionRow {
  session_id: string;
  anonymous_id: string;
  start: string;
  end: string;
  duration_s: number;
  events: number;
  pageviews: number;
  bounce: boolean;
  entry_page: string;
  exit_page: string;
  timezone: string;
  campaign: string;
  medium: string;
  referrer: string;
  value: number;
  country: string;
  source: string;
  channel: string;
}
interface JourneyEvent {
  timestamp: string;
  event: string;
  url: string;
  value: number;
  event_id: string;
  properties: Record<string, unknown>;
}
/** The page's window with the tracker (and, on the quiet page, the count of sends). */
type Tracked = Window & {
  stint: ((name: string, options?: object) => void) & { l?: number; identify(id: string): void };
  sent: number;
  answers: Answer[];
};
interface Answer {
  accepted: number;
  duplicates: number;
  rejected: unknown[];
}

describe.skipIf(!runBrowserTests)('stint.js on a site, in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stint-tracker-'));
  let pages: Server;
  let origin = '';
  let serve: ServeProcess;
  let browser: BrowserContext;
  let admin = '';
  const keys = { shop: '', app: '', quiet: '', read: '' };

  /** The test site's pages: each with the tracker tag of one site, as a site would have it. */
  const page = (site: keyof typeof keys, body: string, attributes = '') => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${site}</title>
<script>window.stint = window.stint || function () { (stint.q = stint.q || []).push(arguments); };</script>
<script defer src="${serve.base}/stint.js" data-site="${keys[site]}" ${attributes}></script>
</head><body>${body}</body></html>`;

  beforeAll(async () => {
    pages = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const html =
        path === '/' || path === '/pricing'
          ? page(
              'shop',
              `<script>stint('early', { props: { when: 'before the tracker' } });</script>
<button id="spa" onclick="history.pushState({}, '', '/pricing')">Pricing</button>
<button id="cta" data-stint-event="cta_click" data-stint-prop-plan="pro" data-stint-prop-place="hero">Start <b id="inner">now</b></button>
<a id="report" href="/files/report.pdf" onclick="event.preventDefault()">The report</a>
<a id="out" href="${origin.replace('127.0.0.1', 'localhost')}/elsewhere">Elsewhere</a>`,
            )
          : path === '/app'
            ? page('app', '<h1>App</h1>', 'data-storage="local"')
            : path === '/quiet'
              ? page('quiet', '<a id="out" href="https://example.org/">Out</a>', 'data-respect-dnt')
              : path === '/article'
                ? page('read', '<h1>An article</h1><p>Read, then leave.</p>')
                : '<!doctype html><title>elsewhere</title><p>Another site';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    });
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;

    const registry = openRegistry(dir);
    for (const name of ['shop', 'app', 'quiet', 'read'] as const)
      keys[name] = registry.addSite(name, [origin]).site.publicKey;
    admin = registry.createToken('admin', undefined, 'tracker test').secret;
    serve = await startServe(dir, { STINT_SESSIONIZE_DELAY: '50ms' });
    // Headless Chromium says so in its User-Agent, and the collector leaves bots out. (Given as
    // a flag: playwright's userAgent option misses the beacons a page sends as it goes away.)
    browser = await launchChromium({ timezoneId: 'Europe/Berlin', args: [`--user-agent=${CHROME}`] });
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop('SIGTERM');
    await new Promise((resolve) => pages?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A new tab that keeps the collector's answers its page has read, in order: playwright cannot
   * read the body of a keepalive request's answer, so the page's fetch keeps a copy.
   */
  const newTab = async (): Promise<{ tab: Page; answers: () => Promise<Answer[]> }> => {
    const tab = await browser.newPage();
    await tab.addInitScript(() => {
      const w = window as unknown as Tracked;
      const fetch = w.fetch.bind(w);
      w.answers = [];
      w.fetch = (...args) => {
        const answer = fetch(...args);
        answer
          .then((r) => r.clone().json())
          .then(
            (json: Answer) => w.answers.push(json),
            () => {},
          );
        return answer;
      };
    });
    return { tab, answers: () => tab.evaluate(() => (window as unknown as Tracked).answers) };
  };

  const read = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${serve.base}${path}`, { headers: { authorization: `Bearer ${admin}` } });
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as T;
  };

  /** The site's sessions with their events, once `done` holds for them (sessionizing runs after a delay). */
  const sessionsOf = async (
    site: string,
    done: (s: { session: SessionRow; events: JourneyEvent[] }[]) => boolean,
  ) => {
    for (let tries = 0; ; tries++) {
      const { sessions } = await read<{ sessions: SessionRow[] }>(`/api/v1/sessions?site=${site}`);
      const journeys = await Promise.all(
        sessions.map((s) =>
          read<{ session: SessionRow; events: JourneyEvent[] }>(
            `/api/v1/sessions/${s.session_id}?site=${site}`,
          ),
        ),
      );
      // (A journey's row and its events are two reads: the writer may sessionize in between.)
      const settled = journeys.every((j) => j.session.events === j.events.length);
      if (settled && done(journeys)) return journeys;
      if (tries === 300)
        throw new Error(`the sessions of ${site} never got there: ${JSON.stringify(journeys)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('sends page views, clicks, custom events and the time on the last page of a visit', async () => {
    const { tab, answers } = await newTab();
    await tab.goto(`${origin}/?utm_source=newsletter&utm_medium=email&utm_campaign=launch`, {
      referer: 'https://www.google.com/',
    });
    await tab.waitForFunction(() => (window as unknown as Tracked).stint?.l === 1);
    /** Waits until the collector has answered `n` requests of this page. */
    const answered = (n: number) =>
      expect.poll(async () => (await answers()).length, { timeout: 30_000 }).toBe(n);
    await answered(2); // the page view, then the call made before the tracker loaded
    await tab.click('#spa'); // a single-page app's route change
    await answered(3);
    await tab.evaluate(() => {
      location.hash = 'faq';
    });
    await answered(4);
    await tab.click('#inner'); // inside the [data-stint-event] element
    await answered(5);
    await tab.evaluate(() =>
      (window as unknown as Tracked).stint('signup', {
        props: { plan: 'pro' },
        value: 49,
      }),
    );
    await answered(6);
    await tab.click('#report');
    await answered(7);
    expect(await answers()).toEqual(Array(7).fill({ accepted: 1, duplicates: 0, bots: 0, rejected: [] }));
    // An outbound link: the page is left, and its engagement goes out as a beacon.
    await tab.click('#out');
    await tab.waitForURL(/localhost:\d+\/elsewhere/);
    await tab.close();

    const [visit, ...others] = await sessionsOf(
      'shop',
      (s) => s[0]?.events.some((e) => e.event === 'engagement') ?? false,
    );
    expect(others).toEqual([]);
    const { session, events } = visit!;
    expect(events.map((e) => [e.event, new URL(e.url).pathname + new URL(e.url).hash])).toEqual([
      ['pageview', '/'],
      ['early', '/'],
      ['pageview', '/pricing'],
      ['pageview', '/pricing#faq'],
      ['cta_click', '/pricing#faq'],
      ['signup', '/pricing#faq'],
      ['download', '/pricing#faq'],
      ['outbound', '/pricing#faq'],
      ['engagement', '/pricing#faq'],
    ]);
    const named = (name: string) => events.find((e) => e.event === name)!;
    expect(named('early').properties).toEqual({ when: 'before the tracker' });
    expect(named('cta_click').properties).toEqual({ plan: 'pro', place: 'hero' });
    expect(named('signup').properties).toEqual({ plan: 'pro' });
    expect(named('signup').value).toBe(49);
    expect(named('download').properties).toEqual({ link_url: `${origin}/files/report.pdf` });
    expect(named('outbound').properties).toEqual({
      link_url: `${origin.replace('127.0.0.1', 'localhost')}/elsewhere`,
    });
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);

    expect(session).toMatchObject({
      pageviews: 3,
      events: 9,
      entry_page: '/',
      exit_page: '/pricing',
      timezone: 'Europe/Berlin',
      bounce: false,
      value: 49,
      campaign: 'launch',
      medium: 'email',
      referrer: 'https://www.google.com/',
      // The tags win over the referrer (SESSIONS.md section 4).
      source: 'newsletter',
      channel: 'Email',
      // Loopback has no country, so the time zone gives it.
      country: 'DE',
    });
    // The time on the last page is in the session: it ends with the engagement event, whose
    // visible time is the session's length (both on the page's clock, a few ms apart at most).
    const engagement = named('engagement');
    expect(session.end).toBe(engagement.timestamp);
    const engagedMs = engagement.properties.engaged_ms as number;
    const durationMs = Date.parse(session.end) - Date.parse(session.start);
    expect(engagedMs).toBeGreaterThan(0);
    expect(Math.abs(engagedMs - durationMs)).toBeLessThan(100);
    expect(session.duration_s).toBeCloseTo(durationMs / 1000, 1);
  });

  it('keeps events that could not be sent, and a reload sending them again never counts twice', async () => {
    const { tab, answers } = await newTab();
    await tab.goto(`${origin}/app`);
    await expect.poll(answers, { timeout: 30_000 }).toHaveLength(1);
    const queued = () => tab.evaluate(() => JSON.parse(localStorage.stint_q ?? '[]') as object[]);

    // Offline: the event waits, and goes when the browser is online again.
    await browser.setOffline(true);
    await tab.evaluate(() => (window as unknown as Tracked).stint('offline'));
    await expect.poll(queued, { timeout: 30_000 }).toHaveLength(1);
    await browser.setOffline(false);
    await expect.poll(answers, { timeout: 30_000 }).toHaveLength(2);
    expect((await answers())[1]).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await queued()).toEqual([]);

    // An answer lost on the way: the event reached the server, but the page saw a failure.
    await tab.route(`${serve.base}/api/v1/events*`, (route) => route.abort());
    await tab.evaluate(() => (window as unknown as Tracked).stint('retry_me', { value: 5 }));
    await expect.poll(queued, { timeout: 30_000 }).toHaveLength(1);
    const [lost] = await queued();
    const first = await fetch(`${serve.base}/api/v1/events?key=${keys.app}`, {
      method: 'POST',
      headers: {
        origin,
        'content-type': 'text/plain',
        'user-agent': await tab.evaluate(() => navigator.userAgent),
      },
      body: JSON.stringify({ events: [lost] }),
    });
    expect(await first.json()).toMatchObject({ accepted: 1, duplicates: 0 });
    await tab.unroute(`${serve.base}/api/v1/events*`);

    // The reload sends the kept event again (with the engagement of the page it leaves, or with
    // the next page view): the server knows it, and counts it once.
    await tab.reload();
    await expect.poll(answers, { timeout: 30_000 }).toHaveLength(1);
    const anonymousId = await tab.evaluate(() => JSON.parse(localStorage.stint_id) as string);
    expect(await queued()).toEqual([]);

    // The kept event came back with the reload (in the beacon of the page it left): a duplicate.
    const metrics = async () =>
      (await fetch(`${serve.base}/metrics`, { headers: { authorization: `Bearer ${admin}` } })).text();
    await expect
      .poll(metrics, { timeout: 30_000 })
      .toMatch(/^stint_events_duplicates_total\{site="app"\} 1$/m);
    const journeys = await sessionsOf(
      'app',
      (s) => s[0]?.session.pageviews === 2 && s[0].events.some((e) => e.event === 'retry_me'),
    );
    expect(journeys).toHaveLength(1);
    const { session, events } = journeys[0]!;
    expect(session.anonymous_id).toBe(anonymousId);
    const count = (name: string) => events.filter((e) => e.event === name).length;
    expect([count('pageview'), count('offline'), count('retry_me')]).toEqual([2, 1, 1]);
    expect(session).toMatchObject({ pageviews: 2, value: 5 });
    await tab.close();
  });

  it('counts a one-page visit as a bounce, with the time spent reading it', async () => {
    const { tab, answers } = await newTab();
    await tab.goto(`${origin}/article`);
    await expect.poll(async () => (await answers()).length, { timeout: 30_000 }).toBe(1);
    await tab.waitForTimeout(1_200); // reading
    await tab.close();
    const [visit] = await sessionsOf(
      'read',
      (s) => s[0]?.events.some((e) => e.event === 'engagement') ?? false,
    );
    const { session, events } = visit!;
    expect(events.map((e) => e.event)).toEqual(['pageview', 'engagement']);
    expect(session).toMatchObject({ pageviews: 1, events: 2, bounce: true, exit_page: '/article' });
    expect(session.duration_s).toBeGreaterThan(0);
  });

  it('sends nothing when the site respects Do Not Track and the browser asks for it', async () => {
    const tab = await browser.newPage();
    await tab.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1' });
      const counted = window as unknown as Tracked;
      counted.sent = 0;
      const count =
        <A extends unknown[], R>(f: (...a: A) => R) =>
        (...a: A): R => {
          counted.sent++;
          return f(...a);
        };
      window.fetch = count(window.fetch.bind(window));
      navigator.sendBeacon = count(navigator.sendBeacon.bind(navigator));
    });
    await tab.goto(`${origin}/quiet`);
    await tab.waitForFunction(() => (window as unknown as Tracked).stint?.l === 1);
    // Every send is made at once (fetch or a beacon), so the count is final when each call returns.
    const sent = await tab.evaluate(() => {
      const w = window as unknown as Tracked;
      w.stint('signup');
      w.stint.identify('u1');
      history.pushState({}, '', '/quiet/next');
      document.dispatchEvent(new Event('visibilitychange'));
      window.dispatchEvent(new Event('pagehide'));
      return w.sent;
    });
    expect(sent).toBe(0);
    await tab.close();
  });
});
