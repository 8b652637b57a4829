/**
 * The Insights › Webhooks tab in real headless Chromium against a real `stint serve`: the hooks
 * and deliveries the API lists, "Send test" sending a ping that a real receiver verifies and
 * that shows as delivered, no console error, no serious axe violation; a share link's
 * read-only dashboard has no Webhooks tab. Screenshots go to test-artifacts/dashboard/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, runBrowserTests, watchedPage } from '../helpers/browser.ts';
import { axeViolations, settled, signedInTab } from '../helpers/dashboard-page.ts';
import { type DashboardServer, startDashboardServer } from '../helpers/dashboard-server.ts';
import { type Receiver, startReceiver, until } from '../helpers/webhook-receiver.ts';

const ARTIFACTS = join('test-artifacts', 'dashboard');
let d: DashboardServer;
let browser: BrowserContext;
let receiver: Receiver;

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${d.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${d.admin}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status, path).toBeLessThan(300);
  return (await res.json()) as T;
}

describe.skipIf(!runBrowserTests)('the Webhooks tab in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    d = await startDashboardServer({ days: 3, perDay: 60 });
    browser = await launchChromium();
    receiver = await startReceiver('');
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await d?.close();
    await receiver?.close();
  });

  it('lists the hooks and deliveries, sends a test and shows it delivered', async () => {
    const made = await api<{ webhook: { id: string }; secret: string }>('POST', '/api/v1/webhooks', {
      site: d.site,
      url: receiver.url,
      events: ['anomalous-session', 'anomalous-day'],
    });
    receiver.secret = made.secret;
    await api('POST', '/api/v1/webhooks', {
      site: d.site,
      url: 'https://hooks.example/other',
      events: ['diagnose-finding'],
    });
    const { page, problems } = await signedInTab(browser, d);
    await page.goto(`${d.url}/insights?site=${d.site}&i=webhooks`);
    await settled(page);
    const hooks = await api<{ webhooks: { id: string; url: string }[] }>('GET', '/api/v1/webhooks');
    const rows = page.locator('.webhooks-table:not(.deliveries-table) tbody tr');
    await expect.poll(() => rows.count()).toBe(hooks.webhooks.length);
    expect(
      await page.locator('.webhooks-table:not(.deliveries-table) tbody tr td:nth-child(1)').allTextContents(),
    ).toEqual(hooks.webhooks.map((h) => h.id));
    await page.getByText('No deliveries yet').waitFor();

    await rows.filter({ hasText: made.webhook.id }).getByRole('button', { name: 'Send test' }).click();
    await until(() => receiver.unique.size === 1, 'the ping at the receiver');
    const [got] = [...receiver.unique.values()];
    expect(got!.verified).toBe(true);
    const delivered = page.locator('.deliveries-table tbody tr', { hasText: got!.id });
    await delivered.locator('.delivery-delivered').waitFor({ timeout: 30_000 });
    const log = await api<{ deliveries: { id: string; state: string; attempts: unknown[] }[] }>(
      'GET',
      `/api/v1/webhooks/deliveries?site=${d.site}`,
    );
    expect(log.deliveries.map((x) => [x.id, x.state, x.attempts.length])).toEqual([
      [got!.id, 'delivered', 1],
    ]);
    expect(await delivered.locator('td').allTextContents()).toEqual([
      got!.id,
      'ping',
      'delivered',
      '1',
      expect.stringMatching(/ UTC · HTTP 200 · \d+ ms$/),
    ]);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'insights-webhooks-light.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('is not in a share link’s read-only dashboard', async () => {
    const { page, problems } = await watchedPage(browser);
    await page.goto(
      `${d.url}/share/${d.share}/insights?i=webhooks&period=custom&from=${d.range.from}&to=${d.range.to}&tz=UTC`,
    );
    await page.locator('.badge', { hasText: 'read-only' }).waitFor();
    expect(await page.locator('a.subtab', { hasText: 'Webhooks' }).count()).toBe(0);
    expect(await page.locator('.webhooks').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
