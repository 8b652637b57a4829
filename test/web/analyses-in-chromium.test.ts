/**
 * The sessions explorer, a journey and each analysis tab in real headless Chromium against a real
 * `stint serve` with generated traffic: numbers equal to the API's for the same query, charts
 * drawn, filters from a click, blank future retention cells, no console error, no CSP violation,
 * no serious axe-core violation. Screenshots (light, dark, phone) go to test-artifacts/dashboard/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, runBrowserTests, type WatchedPage } from '../helpers/browser.ts';
import { axeViolations, settled, signedInTab } from '../helpers/dashboard-page.ts';
import { type DashboardServer, startDashboardServer } from '../helpers/dashboard-server.ts';

const ARTIFACTS = join('test-artifacts', 'dashboard');
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

let d: DashboardServer;
let browser: BrowserContext;

/** The API's query of the dashboard's period (the data's days, in UTC). */
const range = () => `site=${d.site}&from=${d.range.from}&to=${d.range.to}&tz=UTC`;
const viewUrl = (path: string, extra = '') => `${d.url}${path}?${range()}&period=custom${extra}`;

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${d.url}${path}`, { headers: { authorization: `Bearer ${d.admin}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

/** Light, dark and phone screenshots of the address (the light one already open in `page`). */
async function screenshots(page: Page, name: string, url: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}-light.png`), fullPage: true });
  for (const kind of ['dark', 'phone'] as const) {
    const tab = await openTab(kind === 'dark' ? { dark: true } : { phone: true });
    await tab.page.goto(url);
    await settled(tab.page);
    await tab.page.screenshot({ path: join(ARTIFACTS, `${name}-${kind}.png`), fullPage: true });
    expect(tab.problems, `${name} ${kind}`).toEqual([]);
    await tab.page.close();
  }
}

const num = (text: string | null) => Number((text ?? '').replace(/[^0-9.]/g, ''));

interface SessionsPage {
  sessions: { session_id: string; pageviews: number; source: string }[];
  next: string | null;
}

const openTab = (options: { dark?: boolean; phone?: boolean } = {}): Promise<WatchedPage> =>
  signedInTab(browser, d, options);

describe.skipIf(!runBrowserTests)('sessions and analyses in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    d = await startDashboardServer({ days: 56, perDay: 400 });
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await d?.close();
  });

  it('lists the sessions the API lists, pages on with More, and filters by a clicked source', async () => {
    const { page, problems } = await openTab();
    const url = viewUrl('/sessions');
    await page.goto(url);
    await settled(page);
    const first = await api<SessionsPage>(`/api/v1/sessions?${range()}&limit=50`);
    const rows = page.locator('.sessions-table tbody tr');
    await expect.poll(() => rows.count()).toBe(first.sessions.length);
    const pages = await page.locator('.sessions-table tbody tr td:nth-child(3)').allTextContents();
    expect(pages.map(Number)).toEqual(first.sessions.map((s) => s.pageviews));
    expect(await axeViolations(page)).toEqual([]);
    await screenshots(page, 'sessions', url);

    expect(first.next).not.toBeNull();
    await page.getByRole('button', { name: 'More sessions' }).click();
    await expect.poll(() => rows.count()).toBeGreaterThan(first.sessions.length);

    const withSource = first.sessions.find((s) => s.source !== '')!;
    await page.locator('.cell-pick', { hasText: withSource.source }).first().click();
    await page.waitForURL(/filter=traffic_source/);
    expect(new URL(page.url()).searchParams.getAll('filter')).toEqual([
      `traffic_source=${withSource.source}`,
    ]);
    await settled(page);
    const filtered = await api<SessionsPage>(
      `/api/v1/sessions?${range()}&limit=50&filter=${encodeURIComponent(`traffic_source=${withSource.source}`)}`,
    );
    await expect.poll(() => rows.count()).toBe(filtered.sessions.length);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("opens a session's journey: its events in order, the time on each page", async () => {
    const { page, problems } = await openTab();
    await page.goto(viewUrl('/sessions'));
    await settled(page);
    const list = await api<SessionsPage>(`/api/v1/sessions?${range()}&limit=50`);
    const index = list.sessions.findIndex((s) => s.pageviews >= 3);
    expect(index).toBeGreaterThanOrEqual(0);
    const id = list.sessions[index]!.session_id;
    await page.locator('.sessions-table tbody tr').nth(index).locator('td:nth-child(2)').click();
    await page.waitForURL(new RegExp(`/sessions/${id}`));
    await settled(page);
    const journey = await api<{ events: { event: string; path: string; timestamp: string }[] }>(
      `/api/v1/sessions/${id}?site=${d.site}`,
    );
    const steps = page.locator('.timeline > li');
    expect(await steps.count()).toBe(journey.events.length);
    expect(await page.locator('.timeline .step-path').allTextContents()).toEqual(
      journey.events.map((e) => e.path),
    );
    // Each page but the last: the time until the next page view.
    const views = journey.events.filter((e) => e.event === 'pageview');
    const spent = await page.locator('.timeline .step-page .step-spent').allTextContents();
    const gap = (Date.parse(views[1]!.timestamp) - Date.parse(views[0]!.timestamp)) / 1000;
    expect(spent[0]).toBe(gap < 60 ? `${Math.round(gap)}s` : expect.stringMatching(/m|h/));
    expect(await axeViolations(page)).toEqual([]);
    await screenshots(page, 'journey', page.url());
    expect(problems).toEqual([]);
    await page.close();
  });

  it('draws paths as a Sankey and lists the top sequences the API gives', async () => {
    const { page, problems } = await openTab();
    const url = viewUrl('/analyses', '&a=paths');
    await page.goto(url);
    await settled(page);
    const paths = await api<{ top: { pages: string[]; sessions: number }[]; sankey: { nodes: unknown[] } }>(
      `/api/v1/paths?${range()}&steps=4&limit=10`,
    );
    expect(paths.sankey.nodes.length).toBeGreaterThan(0);
    expect(await page.locator('.top-paths tbody tr').count()).toBe(paths.top.length);
    const sessions = await page.locator('.top-paths tbody tr td.num:nth-child(2)').allTextContents();
    expect(sessions.map(num)).toEqual(paths.top.map((p) => p.sessions));
    expect(await page.locator('.top-paths tbody tr').first().locator('.seq-page').allTextContents()).toEqual(
      paths.top[0]!.pages,
    );
    await expect.poll(() => page.locator('.chart canvas').count()).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    await screenshots(page, 'analyses-paths', url);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('builds a funnel: steps from the URL, a step added, counts equal to the API', async () => {
    const { page, problems } = await openTab();
    await page.goto(viewUrl('/analyses', '&a=funnel'));
    // With no steps in the URL, the most viewed pages start the funnel.
    await page.waitForURL(/funnel=/, { timeout: 60_000 });
    await settled(page);
    await page.fill('.step-add input', '/pricing');
    await page.getByRole('button', { name: 'Add step' }).click();
    await page.waitForURL(/%2Fpricing|\/pricing$/);
    await settled(page);
    const steps = new URL(page.url()).searchParams.get('funnel')!.split(',');
    expect(steps.at(-1)).toBe('/pricing');
    const funnel = await api<{ rows: { entered: number; drop_off: number }[] }>(
      `/api/v1/funnel?${range()}&${steps.map((s) => `step=${encodeURIComponent(s)}`).join('&')}`,
    );
    const cells = await page.locator('.funnel-table tbody tr td:nth-child(2)').allTextContents();
    expect(cells.map(num)).toEqual(funnel.rows.map((r) => r.entered));
    expect(funnel.rows[0]!.entered).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    await screenshots(page, 'analyses-funnel', page.url());
    // Any order and a window go to the URL and to the API.
    await page.getByLabel(/Any order/).check();
    await page.waitForURL(/any_order=1/);
    await settled(page);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows retention shares as the API gives them, future cells blank and untinted', async () => {
    // 12 weeks after the first of 8 weeks of data: the last weeks are not over for anyone.
    const { page, problems } = await openTab();
    const url = viewUrl('/analyses', '&a=retention&cohort=week&periods=12');
    await page.goto(url);
    await settled(page);
    const r = await api<{ rows: { cohort: string; share: (number | null)[] }[] }>(
      `/api/v1/retention?${range()}&cohort=week&periods=12`,
    );
    const rows = page.locator('.retention-table tbody tr');
    expect(await rows.count()).toBe(r.rows.length);
    const future = r.rows.flatMap((row) => row.share.filter((s) => s === null)).length;
    expect(future).toBeGreaterThan(0);
    expect(await page.locator('.retention-table td.future').count()).toBe(
      r.rows.length * 13 - r.rows.flatMap((row) => row.share.filter((s) => s !== null)).length,
    );
    for (const cell of await page.locator('.retention-table td.future').all()) {
      expect(await cell.textContent()).toBe('');
      expect(await cell.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgba(0, 0, 0, 0)');
    }
    const firstRow = await rows.first().locator('td.cell').allTextContents();
    expect(firstRow.filter((t) => t !== '').length).toBe(r.rows[0]!.share.filter((s) => s !== null).length);
    expect(await axeViolations(page)).toEqual([]);
    await screenshots(page, 'analyses-retention', url);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("draws the activity heatmap and names the API's busiest hour", async () => {
    const { page, problems } = await openTab();
    const url = viewUrl('/analyses', '&a=activity');
    await page.goto(url);
    await settled(page);
    const a = await api<{ total: number; sessions: number[][] }>(`/api/v1/activity?${range()}`);
    let best = { d: 0, h: 0, n: -1 };
    a.sessions.forEach((row, dIndex) => {
      row.forEach((n, h) => {
        if (n > best.n) best = { d: dIndex, h, n };
      });
    });
    const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
    expect(await page.textContent('[data-testid=busiest]')).toBe(
      `${WEEKDAYS[best.d]} ${hh(best.h)}–${hh((best.h + 1) % 24)}`,
    );
    expect(num((await page.textContent('.activity-headline'))!.split(' sessions')[0]!)).toBe(a.total);
    expect(await axeViolations(page)).toEqual([]);
    await screenshots(page, 'analyses-activity', url);
    expect(problems).toEqual([]);
    await page.close();
  });
});
