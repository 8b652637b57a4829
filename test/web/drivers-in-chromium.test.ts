/**
 * The "What converts" insight in real headless Chromium against a real `stint serve` with
 * generated traffic: the goal picked in the URL (and from the picker) asks the API, the headline
 * and the sentences equal the API's, the forest plot is drawn, no console error, no serious
 * axe-core violation. Screenshots (light, dark) go to test-artifacts/dashboard/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Drivers } from '../../src/analysis/insights/drivers.ts';
import { launchChromium, runBrowserTests } from '../helpers/browser.ts';
import { axeViolations, settled, signedInTab } from '../helpers/dashboard-page.ts';
import { type DashboardServer, startDashboardServer } from '../helpers/dashboard-server.ts';

const ARTIFACTS = join('test-artifacts', 'dashboard');

let d: DashboardServer;
let browser: BrowserContext;

const range = () => `site=${d.site}&from=${d.range.from}&to=${d.range.to}&tz=UTC`;

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${d.url}${path}`, { headers: { authorization: `Bearer ${d.admin}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

describe.skipIf(!runBrowserTests)('what converts in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    d = await startDashboardServer({ days: 28, perDay: 400 });
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await d?.close();
  });

  it('draws the drivers of the goal in the URL, as the API ranks them, and picks another', async () => {
    const { page, problems } = await signedInTab(browser, d);
    const url = `${d.url}/insights?${range()}&period=custom&i=drivers&goal=purchase`;
    await page.goto(url);
    await settled(page);
    const data = await api<Drivers>(`/api/v1/drivers?${range()}&goal=purchase`);
    expect(data.conversions).toBeGreaterThan(0);
    const headline = await page.getByTestId('drivers-headline').textContent();
    const count = (n: number) => n.toLocaleString('en-US');
    expect(headline).toContain(
      `purchase: ${count(data.conversions)} of ${count(data.sessions)} sessions convert`,
    );
    const significant = data.ranked.filter((r) => r.significant).map((r) => r.sentence);
    if (significant.length > 0) {
      expect(await page.locator('.drivers-sentences li').allTextContents()).toEqual(significant);
    }
    expect(await page.locator('.drivers canvas').count()).toBe(1);
    expect(await page.getByRole('combobox', { name: 'Goal' }).inputValue()).toBe('purchase');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'drivers-light.png'), fullPage: true });

    // Another goal from the picker: the events seen; the URL keeps it.
    const options = await page.locator('select option').allTextContents();
    expect(options).toEqual(expect.arrayContaining(data.events.map((e) => e.name)));
    await page.getByRole('combobox', { name: 'Goal' }).selectOption('click');
    await expect.poll(() => new URL(page.url()).searchParams.get('goal')).toBe('click');
    await settled(page);
    const clicks = await api<Drivers>(`/api/v1/drivers?${range()}&goal=click`);
    await expect
      .poll(() => page.getByTestId('drivers-headline').textContent())
      .toContain(`click: ${count(clicks.conversions)} of ${count(clicks.sessions)} sessions convert`);
    expect(problems).toEqual([]);

    const dark = await signedInTab(browser, d, { dark: true });
    await dark.page.goto(url);
    await settled(dark.page);
    await dark.page.screenshot({ path: join(ARTIFACTS, 'drivers-dark.png'), fullPage: true });
    expect(dark.problems).toEqual([]);
  }, 300_000);
});
