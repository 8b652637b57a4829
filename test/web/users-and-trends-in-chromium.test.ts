/**
 * The Insights tabs Users and Trends, and Activity's zone choice, in real headless Chromium
 * against a real `stint serve` with generated traffic: the level counts, the list, a clicked
 * user's profile, the trends' significant marks and the activity total equal the API's for the
 * same query; no console error, no serious axe-core violation. Screenshots go to
 * test-artifacts/dashboard/ (insights-users-*.png, insights-trends-*.png).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, runBrowserTests, type WatchedPage } from '../helpers/browser.ts';
import { axeViolations, settled, signedInTab } from '../helpers/dashboard-page.ts';
import { type DashboardServer, startDashboardServer } from '../helpers/dashboard-server.ts';

const ARTIFACTS = join('test-artifacts', 'dashboard');

let d: DashboardServer;
let browser: BrowserContext;

const range = () => `site=${d.site}&from=${d.range.from}&to=${d.range.to}&tz=UTC`;
const viewUrl = (path: string, extra = '') => `${d.url}${path}?${range()}&period=custom${extra}`;
const num = (text: string | null) => Number((text ?? '').replace(/[^0-9.]/g, ''));

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${d.url}${path}`, { headers: { authorization: `Bearer ${d.admin}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

const openTab = (options: { dark?: boolean } = {}): Promise<WatchedPage> => signedInTab(browser, d, options);

interface UsersAnswer {
  total: number;
  counts: Record<string, number>;
  rows: { identity: string; sessions: number }[];
}

describe.skipIf(!runBrowserTests)('the Users and Trends insights in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    d = await startDashboardServer({ days: 28, perDay: 200 });
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await d?.close();
  });

  it('shows the users by level, and a clicked user’s profile, as the API gives them', async () => {
    const { page, problems } = await openTab();
    await page.goto(viewUrl('/insights', '&i=users'));
    await settled(page);
    const users = await api<UsersAnswer>(`/api/v1/users?${range()}&limit=50`);
    expect(users.total).toBeGreaterThan(0);
    expect(num(await page.textContent('[data-testid="level-all"]'))).toBe(users.total);
    for (const level of ['new', 'casual', 'core', 'power'])
      expect(num(await page.textContent(`[data-testid="level-${level}"]`)), level).toBe(users.counts[level]);
    const rows = page.locator('.users-table tbody tr');
    await expect.poll(() => rows.count()).toBe(users.rows.length);

    const top = users.rows[0]!;
    await rows.first().getByRole('button').click();
    await page.waitForURL(/user=/);
    await settled(page);
    const p = await api<{
      sessions: number;
      next_pages: unknown[];
      schedule: { best_hour: { hour: number } | null };
    }>(`/api/v1/profile?${range()}&identity=${encodeURIComponent(top.identity)}`);
    expect(num((await page.textContent('[data-testid="profile-sessions"]'))!.split(',')[0]!)).toBe(
      p.sessions,
    );
    expect(await page.locator('[data-testid="next-pages"] li').count()).toBe(p.next_pages.length);
    const best = await page.textContent('[data-testid="profile-best-hour"]');
    expect(best).toContain(`${String(p.schedule.best_hour!.hour).padStart(2, '0')}:00`);
    expect(await page.locator('#profile-panel canvas').count()).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'insights-users-light.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();

    const dark = await openTab({ dark: true });
    await dark.page.goto(viewUrl('/insights', `&i=users&user=${encodeURIComponent(top.identity)}`));
    await settled(dark.page);
    await dark.page.screenshot({ path: join(ARTIFACTS, 'insights-users-dark.png'), fullPage: true });
    expect(dark.problems).toEqual([]);
    await dark.page.close();
  });

  it('draws the share charts and marks the significant changes the API marks', async () => {
    const { page, problems } = await openTab();
    await page.goto(viewUrl('/insights', '&i=trends'));
    await settled(page);
    const t = await api<{
      dimensions: { dimension: string; values: { change: { significant: boolean } | null }[] }[];
    }>(`/api/v1/trends?${range()}&interval=week`);
    for (const dim of t.dimensions) {
      const block = page.locator(`[data-testid="trend-${dim.dimension}"]`);
      expect(await block.locator('canvas').count(), dim.dimension).toBeGreaterThan(0);
      expect(await block.locator('tbody tr').count()).toBe(dim.values.length);
      const marked = (await block.locator('[data-testid="trend-change"]').allTextContents()).filter((x) =>
        x.includes('★'),
      );
      expect(marked.length, dim.dimension).toBe(
        dim.values.filter((v) => v.change?.significant === true).length,
      );
    }
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'insights-trends-light.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('reads activity in the report’s zone when asked', async () => {
    const { page, problems } = await openTab();
    await page.goto(viewUrl('/analyses', '&a=activity&zone=report'));
    await settled(page);
    const a = await api<{ total: number; zone: string }>(`/api/v1/activity?${range()}&zone=report`);
    expect(a.zone).toBe('report');
    expect(num((await page.textContent('.activity-headline'))!.split(' sessions')[0]!)).toBe(a.total);
    expect(await page.textContent('.card h2')).toContain('in UTC');
    await page.getByLabel('Hours in').selectOption('visitor');
    await page.waitForURL(/zone=visitor/);
    await settled(page);
    expect(await page.textContent('.card h2')).toContain('their own time zone');
    expect(problems).toEqual([]);
    await page.close();
  });
});
