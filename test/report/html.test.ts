/**
 * `stint report --html` opened in real headless Chromium: it renders offline with no console
 * error, draws its charts, and shows hostile tracked strings as text, never as HTML.
 */
import { statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptJson } from '../../src/report/html.ts';
import { launchChromium, runBrowserTests } from '../helpers/browser.ts';
import { stint, tempDir } from '../helpers/cli.ts';

const HOSTILE_PATH = '/<img src=x onerror="window.__pwned=1">';
const HOSTILE_SOURCE = '</script><script>window.__pwned=2</script>';

function hostileStore(): { db: string; html: string } {
  const dir = tempDir();
  const csv = join(dir, 'events.csv');
  const rows = ['timestamp,anonymous_id,event,url,utm_source,referrer'];
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  for (let day = 1; day <= 5; day++) {
    for (let v = 0; v < day * 3; v++) {
      const t = `2026-10-0${day}T${String(8 + (v % 10)).padStart(2, '0')}:00:00Z`;
      const who = `v${day}-${v}`;
      rows.push(
        `${t},${who},pageview,https://shop.example/,${v % 2 === 0 ? quote(HOSTILE_SOURCE) : 'news'},`,
      );
      rows.push(
        `${t.replace(':00:00', ':03:00')},${who},pageview,${quote(`https://shop.example${HOSTILE_PATH}`)},,`,
      );
      if (v % 3 === 0)
        rows.push(`${t.replace(':00:00', ':05:00')},${who},pageview,https://shop.example/pricing,,`);
    }
  }
  writeFileSync(csv, `${rows.join('\n')}\n`);
  const db = join(dir, 'x.duckdb');
  expect(stint(['import', csv, '--db', db, '-q']).code).toBe(0);
  const html = join(dir, 'report.html');
  const r = stint(['report', '--db', db, '--html', html, '--funnel', `/,${HOSTILE_PATH},/pricing`]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`HTML report written to ${html}`);
  return { db, html };
}

describe('scriptJson', () => {
  it('cannot close its script element or open a comment', () => {
    const text = scriptJson({ a: '</script><!--', b: '\u2028' });
    expect(text).not.toMatch(/<|>|\u2028/);
    expect(JSON.parse(text)).toEqual({ a: '</script><!--', b: '\u2028' });
  });
});

describe.skipIf(!runBrowserTests)('the HTML report in headless Chromium', () => {
  it('renders offline without errors, with charts, and hostile strings as text', async () => {
    const { html } = hostileStore();
    const context = await launchChromium();
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      // Offline: any request beyond the file itself is a bug.
      await page.route(/^(?!file:)/, (route) => {
        problems.push(`request: ${route.request().url()}`);
        return route.abort();
      });
      await page.goto(`file://${html}`);
      await page.waitForSelector('body[data-rendered]');
      expect(await page.getAttribute('body', 'data-rendered')).toBe('10'); // series, 6 bar charts, Sankey, funnel, retention
      expect(await page.locator('.card').count()).toBe(12);
      expect(await page.locator('#funnels-section').isVisible()).toBe(true);
      expect(await page.locator('canvas').count()).toBeGreaterThanOrEqual(6);
      expect(await page.locator('#cards').textContent()).toContain('Sessions');
      // The hostile page path is a row of the pages table, as text.
      expect(await page.locator('#pages').textContent()).toContain(HOSTILE_PATH);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator('main img, main b, body > script').count()).toBe(3); // only stint's 3 scripts
      expect(problems).toEqual([]);
      const shot = join(tmpdir(), 'stint-report-html.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(statSync(shot).size).toBeGreaterThan(20_000);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('an empty period still opens cleanly and says so', async () => {
    const { db } = hostileStore();
    const html = join(tempDir(), 'empty.html');
    expect(
      stint(['report', '--db', db, '--html', html, '--from', '2030-01-01', '--to', '2030-01-02']).code,
    ).toBe(0);
    const context = await launchChromium();
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(`file://${html}`);
      await page.waitForSelector('body[data-rendered]');
      expect(await page.getAttribute('body', 'data-rendered')).toBe('1'); // the (empty) time series only
      expect(await page.locator('.chart .empty').count()).toBe(8); // 6 bar charts, Sankey, retention
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
