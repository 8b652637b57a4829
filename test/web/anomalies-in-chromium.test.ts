/**
 * The Insights view's Anomalies tab in real headless Chromium against a real `stint serve`: a bot
 * and a credential stuffer posted among generated traffic are listed with their reasons, the
 * rows and scores equal the API's, a row opens that session's journey in the Sessions view, no
 * console error, no serious axe-core violation. Screenshots go to test-artifacts/dashboard/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, runBrowserTests } from '../helpers/browser.ts';
import { axeViolations, settled, signedInTab } from '../helpers/dashboard-page.ts';
import { DATA_END_MS, type DashboardServer, startDashboardServer } from '../helpers/dashboard-server.ts';

const ARTIFACTS = join('test-artifacts', 'dashboard');
const AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

let d: DashboardServer;
let browser: BrowserContext;

const range = () => `site=${d.site}&from=${d.range.from}&to=${d.range.to}&tz=UTC`;

/** A bot (37 pageviews 1.1 s apart) and a stuffer (8 login_failed 20 s apart), two days before the end. */
function injected(): Record<string, unknown>[] {
  const t0 = DATA_END_MS - 2 * 86_400_000;
  const base = { user_agent: AGENT, timezone: 'UTC' };
  const out: Record<string, unknown>[] = [];
  for (let k = 0; k < 37; k++) {
    out.push({
      ...base,
      timestamp: t0 + k * 1100,
      anonymous_id: 'bot-1',
      event: 'pageview',
      url: `http://127.0.0.1/p/${k}`,
      event_id: `bot-${k}`,
    });
  }
  for (let k = 0; k < 8; k++) {
    const at = t0 + 3_600_000 + k * 20_000;
    out.push({
      ...base,
      timestamp: at,
      anonymous_id: 'stuffer-1',
      event: 'pageview',
      url: 'http://127.0.0.1/login',
      event_id: `st-p${k}`,
    });
    out.push({
      ...base,
      timestamp: at + 1000,
      anonymous_id: 'stuffer-1',
      event: 'login_failed',
      url: 'http://127.0.0.1/login',
      event_id: `st-f${k}`,
    });
  }
  return out;
}

interface AnomaliesJson {
  flagged: number;
  sessions: {
    session_id: string;
    identity: string;
    score: number;
    reasons: { code: string; text: string }[];
  }[];
  days: { day: string; reason: string }[];
}

describe.skipIf(!runBrowserTests)('the Anomalies tab in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    d = await startDashboardServer({ days: 35, perDay: 300 });
    const res = await d.server.app.inject({
      method: 'POST',
      url: `/api/v1/events?site=${d.site}`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${d.admin}` },
      payload: JSON.stringify({ events: injected() }),
    });
    expect(res.statusCode, res.body).toBe(200);
    await d.server.settle();
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await d?.close();
  });

  it('lists the API’s flagged sessions with their reasons, and opens a journey', async () => {
    const res = await fetch(`${d.url}/api/v1/anomalies?${range()}&limit=50`, {
      headers: { authorization: `Bearer ${d.admin}` },
    });
    expect(res.status).toBe(200);
    const api = (await res.json()) as AnomaliesJson;
    const who = api.sessions.map((s) => s.identity);
    expect(who).toContain('bot-1');
    expect(who).toContain('stuffer-1');

    const { page, problems } = await signedInTab(browser, d);
    const url = `${d.url}/insights?${range()}&period=custom&i=anomalies`;
    await page.goto(url);
    await settled(page);
    const rows = page.locator('.anomalies-table tbody tr');
    await expect.poll(() => rows.count()).toBe(api.sessions.length);
    expect(await page.locator('[data-testid="flagged"]').textContent()).toBe(
      api.flagged.toLocaleString('en-US'),
    );
    const scores = await page.locator('.anomalies-table .anomaly-score').allTextContents();
    expect(scores).toEqual(api.sessions.map((s) => s.score.toFixed(1)));
    const stuffer = api.sessions.find((s) => s.identity === 'stuffer-1')!;
    const row = page.locator(`tr[data-session="${stuffer.session_id}"]`);
    expect(await row.locator('.anomaly-reasons li').allTextContents()).toEqual(
      stuffer.reasons.map((r) => r.text),
    );
    expect(await row.locator('.anomaly-reasons li').allTextContents()).toContain('8 login_failed in 2 min');
    expect(await page.locator('.anomalous-days li').count()).toBe(api.days.length);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'insights-anomalies-light.png'), fullPage: true });

    await row.locator('a').first().click();
    await page.waitForURL(new RegExp(`/sessions/${stuffer.session_id}`));
    await settled(page);
    await expect.poll(() => page.locator('.timeline > li').count()).toBe(16);
    expect(problems).toEqual([]);
    await page.close();

    const dark = await signedInTab(browser, d, { dark: true });
    await dark.page.goto(url);
    await settled(dark.page);
    await dark.page.screenshot({ path: join(ARTIFACTS, 'insights-anomalies-dark.png'), fullPage: true });
    expect(await axeViolations(dark.page)).toEqual([]);
    expect(dark.problems).toEqual([]);
    await dark.page.close();
  }, 300_000);
});
