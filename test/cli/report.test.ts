/**
 * `stint report`, `stint overview`, `stint timeseries` and `stint breakdown` end to end, as a
 * user runs them: the real binary on a store imported from a real NASA access log (the JSON's
 * shape, the numbers against `stint sessionize`), the terminal report (tables, sparkline, no
 * colour off a TTY), bad flags (one error line, one hint, no stack), a missing store, and
 * tracked text with control characters printed escaped.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, DATA, ROOT, stint, stintAsync, tempDir } from '../helpers/cli.ts';

const NASA = join(DATA, 'nasa_access_log_Aug95_head.repaired.log');

const METRICS = [
  'sessions',
  'users',
  'pageviews',
  'events',
  'bounce_rate',
  'engagement_rate',
  'avg_duration_s',
  'median_duration_s',
  'pages_per_session',
  'conversion_rate',
  'avg_value',
  'total_value',
];

type Row = { key: string } & Record<string, number | null>;

function ok(r: CliResult): string {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

function json<T = Record<string, unknown>>(r: CliResult): T {
  return JSON.parse(ok(r)) as T;
}

const ANSI = /\u001b\[/;

let dir = '';
let db = '';

beforeAll(() => {
  dir = tempDir();
  db = join(dir, 'nasa.duckdb');
  ok(stint(['import', NASA, '--db', db, '-q']));
});

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** A private copy of the store, so runs in parallel do not meet on DuckDB's file lock. */
function copyOfStore(name: string): string {
  const copy = join(dir, `${name}.duckdb`);
  copyFileSync(db, copy);
  return copy;
}

// ---------------------------------------------------------------------------------------------
// 1. report --json
// ---------------------------------------------------------------------------------------------

describe('stint report --json on the NASA log', () => {
  it('has the documented keys, and its sessions equal what stint sessionize gives', async () => {
    const out = join(dir, 'sessions.csv');
    const [report, sessionize] = await Promise.all([
      stintAsync(['report', '--db', db, '--json']),
      stintAsync(['sessionize', NASA, '-o', out, '-q']),
    ]);
    ok(sessionize);
    const sessionized = parse(readFileSync(out), { columns: true }) as Record<string, string>[];
    expect(sessionized).toHaveLength(179);

    const r = json<Record<string, unknown>>(report);
    // These come first, in this order; later keys (pages, paths, …) are added as the report grows.
    expect(Object.keys(r).slice(0, 11)).toEqual([
      'rules_version',
      'rules',
      'tz',
      'range',
      'previous_range',
      'overview',
      'timeseries',
      'sources',
      'entry_pages',
      'exit_pages',
      'devices',
    ]);
    expect(r.rules_version).toBe(1);
    expect(r.rules).toMatchObject({ timeout: '30m', identity: 'device' });
    expect(r.tz).toBe('UTC');
    // The log covers the morning of 1995-08-01 (-0400), all on the UTC day 1995-08-01.
    expect(r.range).toEqual({ from: '1995-08-01T00:00:00.000Z', to: '1995-08-02T00:00:00.000Z' });
    expect(r.previous_range).toEqual({ from: '1995-07-31T00:00:00.000Z', to: '1995-08-01T00:00:00.000Z' });

    const overview = r.overview as Record<string, { value: number | null; previous: number | null }>;
    expect(Object.keys(overview)).toEqual(METRICS);
    for (const m of METRICS) expect(Object.keys(overview[m]!), m).toEqual(['value', 'previous', 'change']);
    expect(overview.sessions!.value).toBe(sessionized.length);
    expect(overview.sessions).toEqual({ value: 179, previous: 0, change: null });
    // Users: distinct identities among the sessionized rows.
    expect(overview.users!.value).toBe(new Set(sessionized.map((s) => s.identity)).size);
    const pageviews = sessionized.reduce((acc, s) => acc + Number(s.pageviews), 0);
    expect(overview.pageviews!.value).toBe(pageviews);
    const bounces = sessionized.filter((s) => s.bounce === 'true').length;
    expect(overview.bounce_rate!.value).toBeCloseTo(bounces / 179, 12);

    const ts = r.timeseries as { interval: string; rows: Row[] };
    expect(Object.keys(ts)).toEqual(['interval', 'rows']);
    expect(ts.interval).toBe('day');
    expect(ts.rows.map((x) => [x.key, x.sessions])).toEqual([['1995-08-01', 179]]);
    for (const key of ['sources', 'entry_pages', 'exit_pages', 'devices', 'channels', 'countries'] as const) {
      const rows = r[key] as Row[];
      expect(rows.length, key).toBeGreaterThan(0);
      expect(rows.length, key).toBeLessThanOrEqual(10);
      for (const row of rows) expect(Object.keys(row), key).toEqual(['key', ...METRICS]);
      const sessions = rows.map((x) => x.sessions ?? 0);
      expect(sessions, `${key} most sessions first`).toEqual([...sessions].sort((a, b) => b - a));
    }
    for (const row of [...ts.rows]) expect(Object.keys(row)).toEqual(['key', ...METRICS]);
    // No referrers, no utm, no user agents in a common log: one source, one device.
    expect((r.sources as Row[]).map((x) => [x.key, x.sessions])).toEqual([['(direct)', 179]]);
    expect((r.devices as Row[]).map((x) => [x.key, x.sessions])).toEqual([['', 179]]);
    // Entry pages: the top ten of the sessionized entry_page counts, ties by key.
    const byEntry = new Map<string, number>();
    for (const s of sessionized) byEntry.set(s.entry_page!, (byEntry.get(s.entry_page!) ?? 0) + 1);
    const top = [...byEntry]
      .sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : ka > kb ? 1 : 0))
      .slice(0, 10);
    expect((r.entry_pages as Row[]).map((x) => [x.key, x.sessions])).toEqual(top);
    expect(top[0]).toEqual(['/', 35]);
  });
});

// ---------------------------------------------------------------------------------------------
// 2. The terminal report
// ---------------------------------------------------------------------------------------------

describe('stint report in a terminal', () => {
  it('prints the overview table, a sparkline and the tables, without colour off a TTY', async () => {
    const [plain, hourly] = await Promise.all([
      stintAsync(['report', '--db', copyOfStore('plain')]),
      // Colour is for terminals only: even FORCE_COLOR (without NO_COLOR) does not colour a pipe.
      stintAsync(['report', '--db', copyOfStore('hourly'), '--interval', 'hour'], {
        FORCE_COLOR: '1',
        NO_COLOR: '',
      }),
    ]);
    const text = ok(plain);
    expect(text).not.toMatch(ANSI);
    expect(ok(hourly)).not.toMatch(ANSI);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Sessions 1995-08-01T00:00:00.000Z – 1995-08-02T00:00:00.000Z (UTC)');
    const line = (start: string) => lines.find((l) => l.startsWith(start)) ?? '';
    expect(line('metric')).toMatch(/^metric\s+now\s+previous\s+change$/);
    expect(line('sessions ')).toMatch(/^sessions\s+179\s+0\s*$/);
    expect(line('users')).toMatch(/^users\s+171\s+0\s*$/);
    expect(line('bounce rate')).toMatch(/^bounce rate\s+38\.0 %\s+–\s*$/);
    for (const label of [
      'pageviews',
      'events',
      'engagement rate',
      'avg duration',
      'median duration',
      'pages / session',
      'conversion rate',
      'avg value',
      'total value',
    ]) {
      expect(line(label), label).not.toBe('');
    }
    expect(line('sessions per day')).toBe('sessions per day  █  1995-08-01 … 1995-08-01, max 179');
    expect(line('sources')).toMatch(/^sources\s+sessions\s+share\s+bounce$/);
    expect(line('(direct)')).toMatch(/^\(direct\)\s+179\s+100\.0%\s+38\.0 %$/);
    expect(line('entry pages')).toMatch(/^entry pages\s+sessions\s+share\s+bounce$/);
    expect(line('/ ')).toMatch(/^\/\s+35\s+19\.6%/); // 35 / 179
    expect(line('exit pages')).not.toBe('');
    expect(line('devices')).toMatch(/^devices\s+sessions\s+share\s+bounce$/);
    expect(line('(none)')).toMatch(/^\(none\)\s+179\s+100\.0%/);
    expect(line('previous period')).toBe(
      'previous period 1995-07-31T00:00:00.000Z – 1995-08-01T00:00:00.000Z; rules version 1',
    );
    // Hourly: 24 buckets, sessions start in 04 and 05 UTC only (150 + 29).
    const spark = ok(hourly)
      .split('\n')
      .find((l) => l.startsWith('sessions per hour'));
    expect(spark).toBe('sessions per hour  ▁▁▁▁█▂▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁  1995-08-01T00 … 1995-08-01T23, max 150');
  });
});

// ---------------------------------------------------------------------------------------------
// 3. timeseries, breakdown, overview
// ---------------------------------------------------------------------------------------------

describe('stint timeseries, breakdown and overview', () => {
  it('timeseries --interval hour --json: 24 buckets adding up to 179, in UTC and in New York', async () => {
    const [utc, ny] = await Promise.all([
      stintAsync(['timeseries', '--db', copyOfStore('ts1'), '--interval', 'hour', '--json']),
      stintAsync([
        'timeseries',
        '--db',
        copyOfStore('ts2'),
        '--interval',
        'hour',
        '--tz',
        'America/New_York',
      ]),
    ]);
    const hours = (day: string) =>
      Array.from({ length: 24 }, (_, h) => `${day}T${String(h).padStart(2, '0')}`);
    const u = json<{ interval: string; metric: string; rows: Row[] }>(utc);
    expect(u.interval).toBe('hour');
    expect(u.metric).toBe('sessions');
    expect(u.rows.map((x) => x.key)).toEqual(hours('1995-08-01'));
    expect(u.rows.reduce((acc, x) => acc + (x.sessions ?? 0), 0)).toBe(179);
    expect(u.rows.filter((x) => (x.sessions ?? 0) > 0).map((x) => [x.key, x.sessions])).toEqual([
      ['1995-08-01T04', 150],
      ['1995-08-01T05', 29],
    ]);
    // Empty hours: 0 and nulls.
    expect(u.rows[0]).toMatchObject({
      sessions: 0,
      pageviews: 0,
      bounce_rate: null,
      median_duration_s: null,
    });
    // The log's own clock (-0400) is EDT: in New York the same sessions start at 00 and 01.
    // Text: the sparkline line, then one line per bucket: key and the metric (sessions).
    const lines = ok(ny).trimEnd().split('\n');
    expect(lines[0]).toBe('sessions per hour  █▂▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁');
    expect(lines.slice(1).map((l) => l.split(/\s+/))).toEqual(
      hours('1995-08-01').map((h, i) => [h, i === 0 ? '150' : i === 1 ? '29' : '0']),
    );
  });

  it('breakdown --by entry_page --limit 3 --json: three rows, most sessions first', async () => {
    const [limited, all] = await Promise.all([
      stintAsync(['breakdown', '--db', copyOfStore('b1'), '--by', 'entry_page', '--limit', '3', '--json']),
      // The same, filtered to the pages under /shuttle/ (a filter on another dimension than --by).
      stintAsync([
        'breakdown',
        '--db',
        copyOfStore('b2'),
        '--by',
        'entry_page',
        '--limit',
        '1000',
        '--json',
        '--filter',
        'entry_page~/shuttle/',
      ]),
    ]);
    const b = json<{ by: string; rows: Row[] }>(limited);
    expect(b.by).toBe('entry_page');
    // '/' 35, then two pages with 15, ties by key.
    expect(b.rows.map((x) => [x.key, x.sessions])).toEqual([
      ['/', 35],
      ['/ksc.html', 15],
      ['/software/winvn/winvn.html', 15],
    ]);
    for (const row of b.rows) expect(Object.keys(row)).toEqual(['key', ...METRICS]);
    // With --filter entry_page~/shuttle/, every row's key contains it, and none is cut.
    const rows = json<{ rows: Row[] }>(all).rows;
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.every((x) => x.key.includes('/shuttle/'))).toBe(true);
    const sessions = rows.map((x) => x.sessions ?? 0);
    expect(sessions).toEqual([...sessions].sort((a, b) => b - a));
  });

  it('overview --json: range, previous range and the twelve metrics', async () => {
    const o = await stintAsync(['overview', '--db', copyOfStore('o1'), '--json']);
    const x = json<{ range: unknown; previous_range: unknown; metrics: Record<string, { value: number }> }>(
      o,
    );
    expect(Object.keys(x)).toEqual(['range', 'previous_range', 'metrics']);
    expect(x.range).toEqual({ from: '1995-08-01T00:00:00.000Z', to: '1995-08-02T00:00:00.000Z' });
    expect(Object.keys(x.metrics)).toEqual(METRICS);
    expect(x.metrics.sessions!.value).toBe(179);
    expect(x.metrics.users!.value).toBe(171);
    expect(x.metrics.pageviews!.value).toBe(666);
    expect(x.metrics.events!.value).toBe(666);
    expect(x.metrics.median_duration_s!.value).toBe(56);
  });
});

// ---------------------------------------------------------------------------------------------
// 4. Bad input
// ---------------------------------------------------------------------------------------------

const BAD: [string, string[], RegExp][] = [
  ['unknown --by', ['breakdown', '--by', 'colour'], /Unknown dimension "colour" for --by/],
  ['unknown --interval (report)', ['report', '--interval', 'fortnight'], /Unknown --interval "fortnight"/],
  ['bad --from', ['report', '--from', 'yesterday'], /Cannot read --from "yesterday"/],
  ['unknown --tz', ['report', '--tz', 'Mars/Olympus_Mons'], /Unknown time zone "Mars\/Olympus_Mons"/],
  ['malformed --filter', ['report', '--filter', 'source'], /Cannot read --filter "source"/],
  ['unknown --metric', ['timeseries', '--metric', 'clicks'], /Unknown --metric "clicks"/],
  ['--limit 0', ['breakdown', '--by', 'entry_page', '--limit', '0'], /--limit/],
  [
    'too many buckets',
    ['timeseries', '--interval', 'hour', '--from', '1991-01-01', '--to', '1995-12-31'],
    /more than 20,000 hours/,
  ],
];

describe('bad input', () => {
  const results = new Map<string, CliResult>();

  beforeAll(async () => {
    // Three at a time: two cores, and each run spends part of its time starting up.
    const queue = BAD.map(([name, args], i) => ({ name, args, store: copyOfStore(`bad-${i}`) }));
    const worker = async () => {
      for (let c = queue.shift(); c !== undefined; c = queue.shift()) {
        results.set(c.name, await stintAsync([...c.args, '--db', c.store]));
      }
    };
    await Promise.all([worker(), worker(), worker()]);
  });

  it.each(BAD)('%s: exit 1, one error line and a hint, no stack trace', (name, _args, message) => {
    const r = results.get(name)!;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines, r.stderr).toHaveLength(2);
    expect(lines[0]).toMatch(/^stint: error: /);
    expect(lines[0]).toMatch(message);
    expect(lines[1]).toMatch(/^ {2}hint: \S/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toMatch(ANSI);
  });

  it('a missing --db exits 2 with a hint to import first, and creates no file', async () => {
    const missing = join(dir, 'nope', 'missing.duckdb');
    const runs = await Promise.all(
      [
        ['report', '--json'],
        ['breakdown', '--by', 'entry_page'],
      ].map((args) => stintAsync([...args, '--db', missing])),
    );
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toBe(`stint: error: No store at ${missing}`);
      expect(lines[1]).toMatch(/^ {2}hint: Import events first \(stint import FILE --db /);
    }
    expect(existsSync(missing)).toBe(false);
  });

  /*
   * Once a bug, now fixed (the analysis commands, cli/commands/analyses.ts, and the run functions): only the query
   * flags (--from --to --tz --filter) are checked before the store is opened; --interval,
   * --metric, --by and --limit are read after openExistingStore. So with no store, a bad one
   * gives "No store at …" (exit 2) instead of the usage error (exit 1) that `stint report
   * --interval fortnight` gives, against the action's own comment ("bad flags are usage errors
   * before the store is opened").
   *   stint timeseries --interval fortnight --db missing.duckdb  → expected exit 1, actual 2
   *   stint breakdown --by colour --db missing.duckdb             → expected exit 1, actual 2
   */
  it('a bad --interval or --by is a usage error (exit 1) even when the store is missing', async () => {
    const missing = join(dir, 'nope', 'missing.duckdb');
    const runs = await Promise.all(
      [
        ['timeseries', '--interval', 'fortnight'],
        ['breakdown', '--by', 'colour'],
      ].map((args) => stintAsync([...args, '--db', missing])),
    );
    expect(runs.map((r) => r.code)).toEqual([1, 1]);
  });
});

// ---------------------------------------------------------------------------------------------
// 5. Tracked text with control characters or HTML
// ---------------------------------------------------------------------------------------------

/** Tracked URL paths, as they are stored (each one a session of its own). */
const NASTY = {
  script: '/x<script>alert(1)</script>',
  newline: '/line\nbreak',
  escape: '/esc\u001b[31mred',
  tab: '/tab\there',
  cr: '/cr\rx',
  quote: '/q"uote\\back',
  controls: '/\u0001\u0002\u0003\u0004\u0005\u0006', // 7 chars raw, 37 escaped
  c1: '/c1\u009b31mred', // U+009B: the one-character CSI of C1 controls
  del: '/del\u007fx',
};

/** A CSV field, quoted as RFC 4180 wants. */
const field = (s: string) => `"${s.replaceAll('"', '""')}"`;

describe('tracked text is printed escaped', () => {
  let report = '';
  let table = '';
  let rows: Row[] = [];

  beforeAll(async () => {
    const csv = join(dir, 'nasty.csv');
    const lines = Object.values(NASTY).map(
      (url, i) => `2026-10-01T${String(10 + i).padStart(2, '0')}:00:00Z,v${i},pageview,${field(url)}`,
    );
    writeFileSync(csv, `timestamp,anonymous_id,event,url\n${lines.join('\n')}\n`);
    const store = join(dir, 'nasty.duckdb');
    ok(await stintAsync(['import', csv, '--db', store, '-q']));
    const copy = join(dir, 'nasty-2.duckdb');
    copyFileSync(store, copy);
    const copy2 = join(dir, 'nasty-3.duckdb');
    copyFileSync(store, copy2);
    const [a, b, c] = await Promise.all([
      stintAsync(['report', '--db', store]),
      stintAsync(['breakdown', '--by', 'entry_page', '--db', copy]),
      stintAsync(['breakdown', '--by', 'entry_page', '--db', copy2, '--json']),
    ]);
    report = ok(a);
    table = ok(b);
    rows = json<{ rows: Row[] }>(c).rows;
  });

  it('the store keeps the raw strings (JSON round-trips them)', () => {
    expect(rows.map((r) => r.key).sort()).toEqual(Object.values(NASTY).sort());
    expect(rows.every((r) => r.sessions === 1)).toBe(true);
  });

  it('the report tables and the breakdown text show C0 controls, quotes and backslashes JSON-escaped', () => {
    for (const out of [report, table]) {
      for (const key of [
        NASTY.script,
        NASTY.newline,
        NASTY.escape,
        NASTY.tab,
        NASTY.cr,
        NASTY.quote,
        NASTY.controls,
      ]) {
        expect(out).toContain(JSON.stringify(key).slice(1, -1));
      }
      // Spelled out: what a reader sees.
      expect(out).toContain('/line\\nbreak');
      expect(out).toContain('/esc\\u001b[31mred');
      expect(out).toContain('/tab\\there');
      expect(out).toContain('/cr\\rx');
      expect(out).toContain('/q\\"uote\\\\back');
      expect(out).toContain('/\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006');
      // HTML is plain text to a terminal, and JSON escaping leaves it as is: shown, never run.
      expect(out).toContain('/x<script>alert(1)</script>');
      // No raw C0 control anywhere but the line feeds between lines; no line starts mid-value.
      expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
      expect(out.split('\n').some((l) => l.startsWith('break'))).toBe(false);
    }
    // In the report, the entry and exit page tables (and the pages table) each list all nine.
    expect(report.split('\n').filter((l) => l.startsWith('/line\\nbreak ')).length).toBeGreaterThanOrEqual(2);
  });

  it('the report tables stay aligned with escaped labels', () => {
    const lines = report.split('\n');
    const header = lines.findIndex((l) => l.startsWith('entry pages'));
    const body = lines.slice(header, header + 10);
    const end = body[0]!.indexOf('sessions') + 'sessions'.length;
    for (const l of body.slice(1)) expect(l.slice(end - 9, end), l).toBe('        1');
  });

  /*
   * Once a bug, now fixed (the report's table `label`, cli/format/report.ts, and the breakdown text, cli/format/analyses.ts):
   * "control characters shown escaped" is done with JSON.stringify, which escapes only
   * U+0000–U+001F, '"' and '\'. DEL (U+007F) and the C1 controls (U+0080–U+009F) are printed
   * raw; U+009B is a one-character CSI that terminals honouring C1 controls act on.
   *   url '/c1\u009b31mred' → expected '/c1\u009b31mred' escaped as text, actual the raw U+009B
   *   url '/del\u007fx'     → expected '/del\u007fx' escaped, actual a raw DEL
   */
  it('DEL and C1 control characters are shown escaped too', () => {
    for (const out of [report, table]) {
      expect(out).not.toMatch(/[\u007f-\u009f]/);
      expect(out).toContain('/c1\\u009b31mred');
      expect(out).toContain('/del\\u007fx');
    }
  });

  /*
   * Once a bug, now fixed (cli/format/analyses.ts, breakdown text): the key column's width is
   * `Math.max(8, ...rows.map((r) => r.key.length))`, the raw length, but the printed key is
   * the escaped one. A key whose escaped form is longer than the longest raw key pushes its
   * row's numbers right: '/\u0001\u0002\u0003\u0004\u0005\u0006' is 7 characters raw, 37
   * escaped, while the widest raw key ('/x<script>alert(1)</script>') is 27.
   */
  it('the breakdown text keeps its columns aligned with escaped keys', () => {
    const lines = table.trimEnd().split('\n');
    const end = lines[0]!.indexOf('sessions') + 'sessions'.length;
    for (const l of lines.slice(1)) expect(l.slice(end - 8, end), l).toBe('       1');
  });
});

describe('a reader that goes away', () => {
  it('`stint --help | head -1` ends quietly with exit 0, no EPIPE trace', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/stint.js'), 'report', '--help'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  });
});

describe('reports that must not fail', () => {
  it('one event from a wrong clock (1970) stays out of the default period: the last 30 days, by day', () => {
    const dir = tempDir();
    const csv = join(dir, 'o.csv');
    writeFileSync(csv, 'timestamp,anonymous_id,event,url\n0,Z,,/x\n2026-03-10T10:00:00Z,V,,/pricing\n');
    const db = join(dir, 'o.duckdb');
    expect(stint(['import', csv, '--db', db, '-q']).code).toBe(0);
    const r = stint(['report', '--db', db, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as {
      range: { from: string; to: string };
      timeseries: { interval: string; rows: unknown[] };
    };
    expect(report.range).toEqual({ from: '2026-02-09T00:00:00.000Z', to: '2026-03-11T00:00:00.000Z' });
    expect(report.timeseries.interval).toBe('day');
    expect(report.timeseries.rows).toHaveLength(30);
    // Asked for, the whole span still works: buckets coarsen instead of failing.
    const all = stint(['report', '--db', db, '--json', '--from', '1970-01-01', '--to', '2026-03-10']);
    expect(all.code).toBe(0);
    expect((JSON.parse(all.stdout) as { timeseries: { interval: string } }).timeseries.interval).toBe('week');
    const text = stint(['report', '--db', db, '--from', '1970-01-01']);
    expect(text.code).toBe(0);
    const spark = text.stdout.split('\n').find((l) => l.startsWith('sessions per week'))!;
    expect(spark.length).toBeLessThan(200); // the sparkline is folded to the terminal's width
  });

  it('--html into a directory that does not exist is a usage error before any work', () => {
    const r = stint(['report', '--db', join(tempDir(), 'none.duckdb'), '--html', '/no/such/dir/r.html']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Cannot write --html .*no directory/);
  });
});
