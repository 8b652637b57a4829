/**
 * The Insights view's Diagnose tab in real headless Chromium against a real `stint serve` with
 * generated traffic: its findings are the API's, in its order; the suggested and current timeouts
 * and the sessions in force equal the API's; both charts draw; no console error, no CSP
 * violation, no serious axe-core violation. Screenshots go to test-artifacts/dashboard/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeoutText } from '../../web/src/views/insights/diagnose-format.ts';
import { launchChromium, runBrowserTests } from '../helpers/browser.ts';
import { axeViolations, settled, signedInTab } from '../helpers/dashboard-page.ts';
import { type DashboardServer, startDashboardServer } from '../helpers/dashboard-server.ts';

const ARTIFACTS = join('test-artifacts', 'dashboard');

let d: DashboardServer;
let browser: BrowserContext;

const range = () => `site=${d.site}&from=${d.range.from}&to=${d.range.to}&tz=UTC`;

interface Diagnosis {
  findings: { code: string; severity: string; title: string }[];
  timeout: { current_ms: number | null; suggested_ms: number | null };
  sensitivity: { timeout_ms: number; sessions: number }[];
}

describe.skipIf(!runBrowserTests)('the Diagnose tab in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    d = await startDashboardServer({ days: 21, perDay: 300 });
    browser = await launchChromium();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await d?.close();
  });

  it("shows the API's findings, timeouts and sessions, with both charts", async () => {
    const res = await fetch(`${d.url}/api/v1/diagnose?${range()}`, {
      headers: { authorization: `Bearer ${d.admin}` },
    });
    expect(res.status).toBe(200);
    const api = (await res.json()) as Diagnosis;
    expect(api.findings.length).toBeGreaterThan(0);

    for (const kind of ['light', 'dark', 'phone'] as const) {
      const { page, problems } = await signedInTab(
        browser,
        d,
        kind === 'light' ? {} : kind === 'dark' ? { dark: true } : { phone: true },
      );
      const url = `${d.url}/insights?${range()}&period=custom&i=diagnose`;
      await page.goto(url);
      await settled(page);
      const codes = await page
        .locator('[data-testid=finding]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
      expect(codes).toEqual(api.findings.map((f) => f.code));
      expect(await page.locator('[data-testid=finding] strong').first().textContent()).toBe(
        api.findings[0]!.title,
      );
      expect(await page.textContent('[data-testid=current]')).toBe(timeoutText(api.timeout.current_ms!));
      expect(await page.textContent('[data-testid=suggested]')).toBe(
        api.timeout.suggested_ms === null ? 'none (no clear valley)' : timeoutText(api.timeout.suggested_ms),
      );
      const now = api.sensitivity.find((p) => p.timeout_ms === api.timeout.current_ms)!.sessions;
      expect(Number((await page.textContent('[data-testid=sessions-now]'))!.replace(/[^0-9]/g, ''))).toBe(
        now,
      );
      expect(await page.locator('.chart canvas').count()).toBe(2);
      if (kind === 'light') expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, `insights-diagnose-${kind}.png`), fullPage: true });
      expect(problems, kind).toEqual([]);
      await page.close();
    }
  });
});
