/**
 * Every tracked string is shown as text and never runs: events whose URL, referrer, campaign
 * source, property, event name and user id hold HTML and script payloads are sent through the
 * collector with a write key, and each view where they appear (overview tables, the sessions
 * list, the journey, paths) is opened in real Chromium. The literal text the API gives is on the
 * page; no element of the payloads is in the DOM; no dialog opens, no script error is thrown and
 * no Content-Security-Policy violation is reported.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, runBrowserTests, type WatchedPage } from '../helpers/browser.ts';
import { settled, signedInTab } from '../helpers/dashboard-page.ts';
import { type DashboardServer, startDashboardServer } from '../helpers/dashboard-server.ts';

const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '"><script>alert(1)</script>';
const SITE = 'xss';

let d: DashboardServer;
let browser: BrowserContext;

interface Journey {
  session: Record<string, unknown>;
  events: { path: string; url: string; event: string }[];
}

/** The payloads in every tracked field: three page views and a custom event, one visitor. */
function payloadEvents(nowMs: number): Record<string, unknown>[] {
  const base = {
    user_id: SCRIPT,
    anonymous_id: 'visitor-xss',
    timezone: 'Europe/Berlin',
    user_agent:
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  };
  const at = (minutes: number) => new Date(nowMs - (10 - minutes) * 60_000).toISOString();
  return [
    {
      ...base,
      event: 'pageview',
      timestamp: at(0),
      url: `https://shop.example/${IMG}?q=${SCRIPT}`,
      referrer: `https://news.example/${SCRIPT}`,
      utm_source: IMG,
      properties: { plan: IMG, note: SCRIPT },
    },
    { ...base, event: 'pageview', timestamp: at(1), url: `https://shop.example/pricing/${SCRIPT}` },
    { ...base, event: IMG, timestamp: at(2), url: 'https://shop.example/pricing', properties: { x: SCRIPT } },
    { ...base, event: 'pageview', timestamp: at(3), url: 'https://shop.example/thanks' },
  ];
}

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${d.url}${path}`, { headers: { authorization: `Bearer ${d.admin}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

/** Elements a payload would have made: an <img src=x>, an inline <script>, any on… attribute. */
async function injected(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    for (const el of document.querySelectorAll('*')) {
      if (el.tagName === 'IMG' && el.getAttribute('src') === 'x') found.push('img src=x');
      if (el.tagName === 'SCRIPT' && !el.hasAttribute('src')) found.push(`inline script: ${el.textContent}`);
      for (const a of el.getAttributeNames()) if (a.startsWith('on')) found.push(`${el.tagName} ${a}`);
    }
    return found;
  });
}

/** Each text is on the page, literally (as the DOM's text, so it was never parsed as HTML). */
async function expectTexts(page: Page, texts: readonly string[]): Promise<void> {
  const body = (await page.textContent('main'))!;
  for (const t of texts) expect(body, `the page shows ${JSON.stringify(t)}`).toContain(t);
}

const openTab = (options: { dark?: boolean; phone?: boolean } = {}): Promise<WatchedPage> =>
  signedInTab(browser, d, options);

describe.skipIf(!runBrowserTests)('tracked strings in the dashboard', () => {
  let sessionId: string;
  let journey: Journey;
  let period: string;

  beforeAll(async () => {
    d = await startDashboardServer({ days: 2, perDay: 200 });
    const { writeKey } = d.server.registry.addSite(SITE, ['https://shop.example']);
    const res = await fetch(`${d.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${writeKey}` },
      body: JSON.stringify({ events: payloadEvents(d.now()) }),
    });
    expect(res.status, await res.text()).toBe(200);
    await d.server.settle();
    const day = new Date(d.now()).toISOString().slice(0, 10);
    period = `period=custom&from=${day}&to=${day}&tz=UTC`;
    const list = await api<{ sessions: { session_id: string }[] }>(`/api/v1/sessions?site=${SITE}&tz=UTC`);
    expect(list.sessions).toHaveLength(1);
    sessionId = list.sessions[0]!.session_id;
    journey = await api<Journey>(`/api/v1/sessions/${sessionId}?site=${SITE}`);
    browser = await launchChromium();
    mkdirSync(join('test-artifacts', 'dashboard'), { recursive: true });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await d?.close();
  });

  it('keeps the payloads as the API stores them', () => {
    expect(journey.session.user_id).toBe(SCRIPT);
    expect(journey.session.referrer).toBe(`https://news.example/${SCRIPT}`);
    expect(journey.events.map((e) => e.event)).toContain(IMG);
  });

  it('shows them as text in the overview tables', async () => {
    const { page, problems } = await openTab();
    await page.goto(`${d.url}/overview?site=${SITE}&${period}`);
    await settled(page);
    await expectTexts(page, [String(journey.session.source), String(journey.session.entry_page)]);
    expect(await injected(page)).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows them as text in the sessions list, the journey and paths', async () => {
    const { page, problems } = await openTab();
    await page.goto(`${d.url}/sessions?site=${SITE}&${period}`);
    await settled(page);
    await expectTexts(page, [String(journey.session.source), String(journey.session.entry_page)]);
    expect(await injected(page)).toEqual([]);

    await page.goto(`${d.url}/sessions/${sessionId}?site=${SITE}&${period}`);
    await settled(page);
    await expectTexts(page, [
      SCRIPT, // the user id
      `https://news.example/${SCRIPT}`, // the referrer
      IMG, // the event's name and a property
      ...journey.events.map((e) => e.path),
      journey.events[0]!.url,
    ]);
    expect(await injected(page)).toEqual([]);
    await page.screenshot({ path: join('test-artifacts', 'dashboard', 'xss-journey.png'), fullPage: true });

    await page.goto(`${d.url}/analyses?site=${SITE}&${period}&a=paths`);
    await settled(page);
    await expectTexts(
      page,
      journey.events.filter((e) => e.event === 'pageview').map((e) => e.path),
    );
    // The Sankey's labels and tooltips are drawn on its canvas: hover a node, nothing runs.
    const canvas = page.locator('.chart canvas').first();
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + 12, box.y + 20);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
    expect(await injected(page)).toEqual([]);
    expect(problems).toEqual([]);

    // The watch would see a payload parsed as HTML: the element, and the CSP refusing its handler.
    await page.evaluate((html) => document.querySelector('main')!.insertAdjacentHTML('beforeend', html), IMG);
    expect(await injected(page)).toContain('img src=x');
    await expect.poll(() => problems.some((p) => p.includes('CSP violation'))).toBe(true);
    await page.close();
  });
});
