/**
 * `stint compare` as a user runs it (in process), on a store imported from generated traffic
 * whose conversion doubles on 2026-10-21: the table with the significant conversion marked, the
 * tests and Holm named under it, the interrupted time series, `--json` as the catalogue gives
 * it, and usage errors that name the flags (and, over HTTP, the query parameters).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CompareResult } from '../../src/analysis/insights/compare.ts';
import { eventRecord } from '../../src/core/event.ts';
import { tempDir } from '../helpers/cli.ts';
import { stintHere } from '../helpers/cli-in-process.ts';
import { effectTraffic } from '../helpers/effect-traffic.ts';
import { closeServers, startTestServer } from '../helpers/server.ts';

let dir = '';
let db = '';

beforeAll(async () => {
  dir = tempDir();
  db = join(dir, 'shop.duckdb');
  const file = join(dir, 'events.ndjson');
  const events = effectTraffic({ perDay: 120, lift: { mobile: 2, desktop: 2 } });
  writeFileSync(file, `${events.map((e) => JSON.stringify(eventRecord(e))).join('\n')}\n`);
  const r = await stintHere(['import', file, '--db', db, '--goal', 'purchase', '-q']);
  expect(r.stderr).toBe('');
}, 120_000);

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});
afterEach(closeServers);

describe('stint compare', () => {
  it('prints the table, the tests, Holm and the time series', async () => {
    const r = await stintHere(['compare', '--db', db, '--change', '2026-10-21']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(
      'A = before (2026-10-01 00:00 to 2026-10-21 00:00, 2,400 sessions)  against  B = after (2026-10-21 00:00 to 2026-11-10 00:00, 2,400 sessions)',
    );
    expect(lines[1]).toMatch(/^metric\s+before\s+after\s+change\s+95 % interval\s+p\s+adj\. p$/);
    const conversion = lines.find((l) => l.startsWith('conversion_rate'))!;
    expect(conversion).toMatch(
      /\+\d+\.\d pp \(\+\d+\.\d %\)\s+\+\d+\.\d to \+\d+\.\d pp\s+<0\.001\s+<0\.001\s+\*$/,
    );
    expect(lines.find((l) => l.startsWith('sessions'))).toMatch(/2,400\s+2,400\s+0 \(0\.0 %\)\s+–\s+–\s+–$/);
    expect(r.stdout).toContain('tests: two-proportion z-test');
    expect(r.stdout).toContain(
      '* significant at 5 % after Holm across the 7 tested metrics of each comparison',
    );
    expect(r.stdout).toMatch(
      /interrupted time series: 40 days \(2026-10-01 to 2026-11-09\), change on 2026-10-21/,
    );
    expect(r.stdout).toMatch(/ {2}conversion_rate\s+jump\s+\+\d+\.\d pp/);
  });

  it('--json is the catalogue result, the same with the same seed', async () => {
    const args = [
      'compare',
      '--db',
      db,
      '--a',
      '2026-10-01..2026-10-10',
      '--b',
      '2026-10-21..2026-10-30',
      '--json',
    ];
    const one = await stintHere(args);
    const two = await stintHere(args);
    expect(one.stdout).toBe(two.stdout);
    const result = JSON.parse(one.stdout) as CompareResult;
    expect(result.mode).toBe('periods');
    expect(result.bootstrap).toEqual({ seed: 1, resamples: 2000, cap: 10_000 });
    const [c] = result.comparisons;
    expect(c!.a).toEqual({
      label: '2026-10-01..2026-10-10',
      from: '2026-10-01T00:00:00.000Z',
      to: '2026-10-11T00:00:00.000Z',
      sessions: 1200,
    });
    expect(c!.its).toBeNull();
    const median = c!.metrics.find((m) => m.metric === 'median_duration_s')!;
    expect(median.test).toBe('bootstrap-median');
    const other = JSON.parse((await stintHere([...args, '--seed', '2'])).stdout) as CompareResult;
    expect(other.comparisons[0]!.metrics.find((m) => m.metric === 'median_duration_s')!.interval).not.toEqual(
      median.interval,
    );
  });

  it('refuses no comparison, two at once, and half a pair, naming the flags', async () => {
    const cases: [string[], RegExp][] = [
      [[], /compare needs what to compare/],
      [['--change', '2026-10-21', '--by', 'variant'], /one comparison at a time/],
      [['--a', '2026-10-01..2026-10-10'], /--b is missing/],
      [
        ['--a', '2026-10-01-2026-10-10', '--b', '2026-10-11..2026-10-12'],
        /Cannot read --a "2026-10-01-2026-10-10" as a period/,
      ],
      [['--by', 'variant', '--window', '7d'], /--window goes with --change/],
      [['--change', 'tomorrow'], /Cannot read --change "tomorrow"/],
      [['--by', 'variant', '--control', 'C'], /--control "C" is no value of prop\.variant/],
      [['--change', '2026-10-21', '--segment', 'colour'], /Unknown dimension "colour" for --segment/],
    ];
    for (const [args, message] of cases) {
      const r = await stintHere(['compare', '--db', db, ...args]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    const none = await stintHere(['compare', '--db', db]);
    expect(none.stderr).toContain(
      'Give --a and --b (two periods), or --change (before and after), or --by (groups)',
    );
  });

  it('over HTTP, the same errors name the query parameters', async () => {
    const t = await startTestServer();
    const get = (q: string) =>
      t.app.inject({ url: `/api/v1/compare?site=shop&${q}`, headers: t.auth(t.admin) });
    const both = await get('a=2026-10-01..2026-10-02&change=2026-10-21');
    expect(both.statusCode).toBe(400);
    expect(JSON.stringify(both.json())).toContain(
      'Give a and b (two periods), or change (before and after), or by (groups)',
    );
    // The server's shop has no sessions yet.
    const empty = await get('by=variant');
    expect(empty.statusCode).toBe(400);
    expect(JSON.stringify(empty.json())).toContain('widen from and to');
  });
});
