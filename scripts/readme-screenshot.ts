/**
 * The README's screenshot of the dashboard: runs `stint serve --demo` on a fresh data folder,
 * signs in with the link it prints, opens the shop's overview of the last 30 days in headless
 * Chromium (Debian's, never a downloaded one) and saves it, light and dark.
 *
 *   npx tsx scripts/readme-screenshot.ts [--out docs/images]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..');
const outFlag = process.argv.indexOf('--out');
const out = resolve(outFlag === -1 ? join(root, 'docs/images') : process.argv[outFlag + 1]!);
const data = mkdtempSync(join(tmpdir(), 'stint-screenshot-'));
const port = 18_000 + Math.floor(Math.random() * 1000);

const server = spawn(
  process.execPath,
  [join(root, 'bin/stint.js'), 'serve', '--demo', '--data', data, '--port', String(port)],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
try {
  const link = await new Promise<string>((found, failed) => {
    let text = '';
    server.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      process.stdout.write(chunk);
      const m = /(http:\/\/\S+\/login#token=\S+)/.exec(text.replace(/\x1b\[[0-9;]*m/g, ''));
      if (m !== null) found(m[1]!);
    });
    server.on('exit', (code) => failed(new Error(`stint serve --demo exited with ${code}`)));
  });
  const browser = await chromium.launch({
    executablePath: process.env.STINT_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  mkdirSync(out, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
    await page.goto(link);
    await page.waitForURL(/\/overview/);
    await page.goto(`http://127.0.0.1:${port}/overview?site=shop&period=30d`);
    await page.waitForFunction(() => document.querySelectorAll('.skeleton').length === 0, null, {
      timeout: 60_000,
    });
    await page.waitForTimeout(1_000); // the charts' animation
    const path = join(out, `dashboard-overview-${scheme}.png`);
    await page.screenshot({ path, fullPage: false });
    process.stdout.write(`saved ${path}\n`);
    await page.close();
  }
  await browser.close();
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  rmSync(data, { recursive: true, force: true });
}
