/**
 * Headless Chromium from the system (Debian's /usr/bin/chromium), driven by playwright-core;
 * never a downloaded browser. Outside CI a missing Chromium skips the browser tests with a loud
 * note; under CI=true it fails them.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.STINT_CHROMIUM ?? '/usr/bin/chromium';

export const hasChromium = existsSync(CHROMIUM);

if (!hasChromium && process.env.CI !== 'true') {
  process.stderr.write(
    `\n*** Browser tests SKIPPED: no Chromium at ${CHROMIUM}. Install it with: apt-get install -y chromium ***\n\n`,
  );
}

/** Whether to run browser tests: always under CI (a missing browser then fails them). */
export const runBrowserTests = hasChromium || process.env.CI === 'true';

/**
 * A fresh browser context with its own profile directory (close it when done); `options` are
 * playwright's context options, such as `{ timezoneId: 'Europe/Berlin' }`.
 */
export async function launchChromium(
  options: Parameters<typeof chromium.launchPersistentContext>[1] = {},
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'stint-chromium-')), {
    viewport: { width: 1280, height: 900 },
    ...options,
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(options.args ?? []),
    ],
  });
}

/** A page and what went wrong on it: console errors, script errors, CSP violations, dialogs. */
export interface WatchedPage {
  readonly page: Page;
  /** Each one a failure of the test that opened the page. */
  readonly problems: string[];
}

/** The phone-sized viewport of the dashboard's screenshots. */
export const PHONE = { width: 390, height: 844 };

/** A new tab (dark, phone-sized) that records every console error, script error, CSP violation and dialog. */
export async function watchedPage(
  browser: BrowserContext,
  options: { dark?: boolean; phone?: boolean } = {},
): Promise<WatchedPage> {
  const page = await browser.newPage();
  await page.emulateMedia({ colorScheme: options.dark === true ? 'dark' : 'light' });
  if (options.phone === true) await page.setViewportSize(PHONE);
  const problems: string[] = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { page, problems };
}
