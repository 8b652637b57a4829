/**
 * What the dashboard's browser tests do to a page: sign in with the one-click link, wait until
 * every panel has loaded and drawn, and ask axe-core for serious accessibility violations.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';
import { type WatchedPage, watchedPage } from './browser.ts';
import type { DashboardServer } from './dashboard-server.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** A watched tab (browser.ts), signed in to the dashboard of `d` with its admin token. */
export async function signedInTab(
  browser: BrowserContext,
  d: DashboardServer,
  options: { dark?: boolean; phone?: boolean } = {},
): Promise<WatchedPage> {
  const tab = await watchedPage(browser, options);
  await tab.page.goto(`${d.url}/login#token=${d.admin}`);
  await tab.page.waitForURL(/\/overview/);
  return tab;
}

/** Until nothing is loading and every chart (if any) has its canvas. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      document.querySelectorAll('.skeleton').length === 0 &&
      [...document.querySelectorAll('.chart')].every((c) => c.querySelector('canvas') !== null),
    null,
    { timeout: 60_000 },
  );
}

/** The page's serious and critical axe-core violations, one line each. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated, not added as a <script>: the dashboard's CSP rightly refuses inline scripts.
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document): Promise<unknown> } }).axe;
    const result = (await axe.run(document)) as {
      violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
    };
    return result.violations.map((v) => ({
      impact: v.impact,
      text: `${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.text);
}
