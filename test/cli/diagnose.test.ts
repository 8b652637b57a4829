/**
 * `stint diagnose` as a user runs it: a file imported with a 2 min timeout gets a warning whose
 * fix, run as printed, leaves the timeout fitting; --json gives the findings and the curve.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stintHere } from '../helpers/cli-in-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'stint-diagnose-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 10 visitors, 5 days, one visit a day: gaps 20, 30, 40, 30 s and a 310 s pause. */
function rhythm(): string {
  const lines: string[] = [];
  for (let v = 0; v < 10; v++) {
    for (let day = 0; day < 5; day++) {
      let t = Date.UTC(2026, 2, 2 + day, 10, v);
      lines.push(JSON.stringify({ timestamp: new Date(t).toISOString(), anonymous_id: `v${v}`, url: '/a' }));
      for (const gap of [20, 30, 40, 30, 310]) {
        t += gap * 1000;
        lines.push(
          JSON.stringify({ timestamp: new Date(t).toISOString(), anonymous_id: `v${v}`, url: '/b' }),
        );
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

describe('stint diagnose', () => {
  it('prints the findings first, then the histogram and the curve; its fix works', async () => {
    const file = join(dir, 'rhythm.ndjson');
    const db = join(dir, 'rhythm.duckdb');
    writeFileSync(file, rhythm());
    expect((await stintHere(['import', file, '--db', db, '--timeout', '2m', '-q'])).code).toBe(0);

    const text = await stintHere(['diagnose', '--db', db]);
    expect(text.code).toBe(0);
    const out = text.stdout;
    expect(out).toContain(
      'WARNING The timeout in force (2m) splits visits: the gaps suggest 1h30m  [timeout_too_short]',
    );
    expect(out).toContain('fix: stint resessionize --timeout 1h30m (with --db of this store)');
    expect(out.indexOf('[timeout_too_short]')).toBeLessThan(out.indexOf('gaps between consecutive events'));
    expect(out.indexOf('gaps between consecutive events')).toBeLessThan(out.indexOf('sessions per timeout'));
    expect(out).toMatch(/← timeout in force 2m/);
    expect(out).toMatch(/1h30m\s+50 █+ -50\.0 % {2}← suggested/);

    const json = JSON.parse((await stintHere(['diagnose', '--db', db, '--json'])).stdout);
    expect(json.findings[0]).toMatchObject({ code: 'timeout_too_short', severity: 'warning' });
    expect(json.sessions).toBe(100);

    expect((await stintHere(['resessionize', '--db', db, '--timeout', '1h30m', '-q'])).code).toBe(0);
    const after = JSON.parse((await stintHere(['diagnose', '--db', db, '--json'])).stdout);
    expect(after.sessions).toBe(50);
    expect(after.findings.map((f: { code: string }) => f.code)).toContain('timeout_fits');
  });
});
