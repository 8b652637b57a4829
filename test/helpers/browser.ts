/**
 * Headless Chromium from the system (Debian's /usr/bin/chromium), driven by playwright-core;
 * never a downloaded browser. Outside CI a missing Chromium skips the browser tests with a loud
 * note; under CI=true it fails them.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

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
