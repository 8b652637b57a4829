/**
 * The Insights › Compare tab in real headless Chromium against a real `stint serve` with
 * generated traffic: the period against the previous one, each number equal to the API's for
 * the same query, significant rows marked as the API marks them; before/after a change with its
 * interrupted time series. No console error, no serious axe-core violation; screenshots (light,
 * dark, phone) go to test-artifacts/dashboard/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  metricChange,
  metricInterval,
  metricValue,
  pValue,
} from '../../src/analysis/insights/compare/words.ts';
import type { CompareResult } from '../../src/analysis/insights/compare.ts';
import { launchChromium, runBrowserTests, type WatchedPage } from '../helpers/browser.ts';
import { axeViolations, settled, signedInTab } from '../helpers/dashboard-page.ts';
import { type DashboardServer, startDashboardServer } from '../helpers/dashboard-server.ts';

const ARTIFACTS = join('test-artifacts', 'dashboard');

let d: DashboardServer;
let browser: BrowserContext;
/** The dashboard's period: the second half of the data, so the previous period has data too. */
let from = '';

const addDays = (date: string, days: number) =>
  new Date(Date.parse(date) + days * 86_400_000).toISOString().slice(0, 10);
const viewUrl = (extra = '') =>
  `${d.url}/insights?site=${d.site}&from=${from}&to=${d.range.to}&tz=UTC&period=custom&i=compare${extra}`;

async function api(query: string): Promise<CompareResult> {
  const res = await fetch(
    `${d.url}/api/v1/compare?site=${d.site}&from=${from}&to=${d.range.to}&tz=UTC&${query}`,
    {
      headers: { authorization: `Bearer ${d.admin}` },
    },
  );
  expect(res.status, query).toBe(200);
  return (await res.json()) as CompareResult;
}

const openTab = (options: { dark?: boolean; phone?: boolean } = {}): Promise<WatchedPage> =>
  signedInTab(browser, d, options);

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

describe.skipIf(!runBrowserTests)('Insights › Compare in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    d = await startDashboardServer({ days: 28, perDay: 300 });
    from = addDays(d.range.to, -13);
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await d?.close();
  });

  it('shows the period against the previous one, as the API gives it', async () => {
    const { page, problems } = await openTab();
    const url = viewUrl();
    await page.goto(url);
    await settled(page);
    const r = await api(`a=${addDays(from, -14)}..${addDays(from, -1)}&b=${from}..${d.range.to}`);
    const c = r.comparisons[0]!;
    expect(c.a.sessions).toBeGreaterThan(0);
    const rows = page.locator('.compare-table tbody tr');
    await expect.poll(() => rows.count()).toBe(12);
    for (const m of c.metrics) {
      const row = page.locator(`.compare-table tr[data-metric="${m.metric}"]`);
      const cells = await row.locator('td').allTextContents();
      expect(cells.slice(0, 6), m.metric).toEqual([
        metricValue(m.metric, m.a),
        metricValue(m.metric, m.b),
        metricChange(m),
        metricInterval(m),
        pValue(m.p),
        pValue(m.p_adjusted),
      ]);
      expect(await row.getAttribute('class'), m.metric).toBe(m.significant ? 'significant' : null);
    }
    await expect
      .poll(() => page.locator('.compare-sig').count())
      .toBe(c.metrics.filter((m) => m.significant).length);
    expect(await page.textContent('.card')).toContain('Holm');
    expect(await axeViolations(page)).toEqual([]);
    await screenshots(page, 'insights-compare', url);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('before and after a change: the table and the interrupted time series of a metric', async () => {
    const { page, problems } = await openTab();
    const change = addDays(from, 7);
    const url = viewUrl(`&mode=change&change=${change}&metric=sessions`);
    await page.goto(url);
    await settled(page);
    const r = await api(`change=${change}`);
    const c = r.comparisons[0]!;
    const sessions = c.its!.metrics.find((m) => m.metric === 'sessions')!;
    const jump = sessions.fit!.level_change;
    await expect
      .poll(() => page.locator('[data-testid=its-jump]').textContent())
      .toBe(
        `Jump on ${change} beyond the trend: ${metricChange({ metric: 'sessions', difference: jump.estimate, relative: null })} (95 % interval ${metricInterval({ metric: 'sessions', interval: { low: jump.low, high: jump.high, scale: 'difference' } })}, p ${pValue(jump.p)})`,
      );
    const conversion = c.metrics.find((m) => m.metric === 'conversion_rate')!;
    expect(
      await page.locator('.compare-table tr[data-metric="conversion_rate"] td').first().textContent(),
    ).toBe(metricValue('conversion_rate', conversion.a));
    expect(await page.locator('.card canvas').count()).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    await screenshots(page, 'insights-compare-change', url);
    expect(problems).toEqual([]);
    await page.close();
  });
});
