/**
 * `stint sessionize` end to end on the real data in ../shared/data: counts that were worked out
 * independently (shared/data/README.md), the Insight EDGAR challenge's expected sessions, and
 * every kind of bad input with its exit code and message.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { SESSION_FIELDS } from '../../src/schema/sessions.ts';
import { DATA, stint, tempDir } from '../helpers/cli.ts';

type Row = Record<string, string>;

function readCsv(path: string): Row[] {
  return parse(readFileSync(path), { columns: true }) as Row[];
}

function summaryOf(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('stint sessionize on real access logs', () => {
  it('NASA Aug95 (repaired): pageviews only by default, every other line counted by reason', () => {
    const dir = tempDir();
    const out = join(dir, 's.csv');
    const r = stint([
      'sessionize',
      join(DATA, 'nasa_access_log_Aug95_head.repaired.log'),
      '-o',
      out,
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = summaryOf(r.stdout);
    expect(summary.rejected_total).toBe(0);
    // 1,880 records: each is either a pageview row or a left-out line.
    expect((summary.rows as number) + (summary.left_out_total as number)).toBe(1880);
    const rows = readCsv(out);
    expect(Object.keys(rows[0]!)).toEqual([...SESSION_FIELDS]);
    expect(rows.length).toBe(summary.sessions);
    expect(rows.every((s) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(s.start!))).toBe(true);
  });

  it('NASA Aug95 with --keep-all gives the 184 host sessions at 30 minutes of an independent count', () => {
    const r = stint([
      'sessionize',
      join(DATA, 'nasa_access_log_Aug95_head.repaired.log'),
      '--keep-all',
      '--json',
      '-o',
      join(tempDir(), 'x.csv'),
    ]);
    expect(r.code).toBe(0);
    const summary = summaryOf(r.stdout);
    expect(summary.accepted).toBe(1880);
    // 177 hosts, 184 sessions: counted separately with a 10-line Python script over the same file.
    expect(summary.sessions).toBe(184);
  });

  it('NASA Aug95 raw: broken lines are rejected with their line numbers, the rest is read', () => {
    const dir = tempDir();
    const rejects = join(dir, 'rejects.csv');
    const r = stint([
      'sessionize',
      join(DATA, 'nasa_access_log_Aug95_head.log'),
      '--keep-all',
      '--rejects',
      rejects,
      '--raw-csv', // the raw lines as they are (some start with "-")
      '--json',
      '-o',
      join(dir, 's.csv'),
    ]);
    expect(r.code).toBe(0);
    const summary = summaryOf(r.stdout);
    const rows = readCsv(rejects);
    expect(rows.length).toBe(summary.rejected_total);
    expect(rows.length).toBeGreaterThan(0);
    const raw = readFileSync(join(DATA, 'nasa_access_log_Aug95_head.log'), 'utf8').split('\n');
    for (const row of rows) {
      expect(row.reason).toBe('unparseable');
      expect(raw[Number(row.line) - 1]).toBe(row.raw);
    }
    expect((summary.accepted as number) + rows.length).toBe(1929);
  });

  it('--max-rejects stops with exit code 2 and says how to go on', () => {
    const r = stint([
      'sessionize',
      join(DATA, 'nasa_access_log_Aug95_head.log'),
      '--max-rejects',
      '5',
      '-o',
      join(tempDir(), 'x.csv'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/More than 5 rows rejected/);
    expect(r.stderr).toMatch(/hint:.*--max-rejects/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('stint sessionize on real event files', () => {
  it('the Insight EDGAR challenge: the expected sessions at a 2 s inactivity period', () => {
    const dir = tempDir();
    // The challenge splits the time over `date` and `time`; join them into one timestamp here.
    const input = readCsv(join(DATA, 'edgar/insight_test1_log.csv'));
    const csv = ['timestamp,ip', ...input.map((r) => `${r.date}T${r.time}Z,${r.ip}`)].join('\n');
    writeFileSync(join(dir, 'log.csv'), `${csv}\n`);
    const period = readFileSync(join(DATA, 'edgar/insight_test1_inactivity_period.txt'), 'utf8').trim();
    const r = stint([
      'sessionize',
      join(dir, 'log.csv'),
      '--map',
      'anonymous_id=ip',
      '--timeout',
      `${period}s`,
      '-o',
      join(dir, 's.csv'),
    ]);
    expect(r.code).toBe(0);
    const ours = readCsv(join(dir, 's.csv')).map((s) => {
      const fmt = (iso: string): string => iso.replace('T', ' ').replace('.000Z', '');
      // The challenge counts duration inclusively, in whole seconds.
      return `${s.identity},${fmt(s.start!)},${fmt(s.end!)},${Number(s.duration_s) + 1},${s.events}`;
    });
    const expected = readFileSync(join(DATA, 'edgar/insight_test1_expected_sessionization.txt'), 'utf8')
      .trim()
      .split('\n');
    expect(ours.sort()).toEqual(expected.sort());
  });

  it('REES46 clickstream by user_id: 4,518 sessions at 30 minutes, as computed independently', () => {
    const r = stint([
      'sessionize',
      join(DATA, 'rees46_multicategory_2019-Oct_head.csv'),
      '--map',
      'timestamp=event_time,event=event_type',
      '--goal',
      'purchase',
      '--json',
      '-o',
      join(tempDir(), 's.ndjson'),
    ]);
    expect(r.code).toBe(0);
    const summary = summaryOf(r.stdout);
    expect(summary.accepted).toBe(17433);
    expect(summary.sessions).toBe(4518);
  });

  it('NASA imhotep TSV by host: 2,989 sessions at 30 minutes, 3,481 at 10', () => {
    const args = [
      'sessionize',
      join(DATA, 'nasa_19950801_imhotep.tsv'),
      '--map',
      'anonymous_id=host,timestamp=time',
      '--json',
    ];
    const at30 = summaryOf(stint([...args, '-o', join(tempDir(), 'a.csv')]).stdout);
    expect(at30.accepted).toBe(30969);
    expect(at30.sessions).toBe(2989);
    const at10 = summaryOf(stint([...args, '--timeout', '10m', '-o', join(tempDir(), 'b.csv')]).stdout);
    expect(at10.sessions).toBe(3481);
  });

  it('OTTO JSONL: nested events are exploded, 144 sessions at 30 minutes and 138 at 60', () => {
    const args = [
      'sessionize',
      join(DATA, 'otto_train_head.jsonl'),
      '--map',
      'anonymous_id=session,timestamp=ts,event=type',
      '--json',
    ];
    const at30 = summaryOf(stint([...args, '-o', join(tempDir(), 'a.csv')]).stdout);
    expect(at30.accepted).toBe(862);
    expect(at30.sessions).toBe(144);
    expect(
      summaryOf(stint([...args, '--timeout', '60m', '-o', join(tempDir(), 'b.csv')]).stdout).sessions,
    ).toBe(138);
  });

  it('writes NDJSON and Parquet with the same sessions as CSV', () => {
    const dir = tempDir();
    const input = join(DATA, 'nasa_access_log_Aug95_head.repaired.log');
    expect(stint(['sessionize', input, '-o', join(dir, 's.csv'), '-q']).code).toBe(0);
    expect(stint(['sessionize', input, '-o', join(dir, 's.ndjson'), '-q']).code).toBe(0);
    expect(stint(['sessionize', input, '-o', join(dir, 's.parquet'), '-q']).code).toBe(0);
    const csv = readCsv(join(dir, 's.csv'));
    const nd = readFileSync(join(dir, 's.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(nd.length).toBe(csv.length);
    expect(Object.keys(nd[0]!)).toEqual([...SESSION_FIELDS]);
    expect(nd.map((s) => s.session_id)).toEqual(csv.map((s) => s.session_id));
    const back = stint([
      'sessionize',
      join(dir, 's.parquet'),
      '--map',
      'anonymous_id=identity,timestamp=start',
      '--json',
      '-o',
      join(dir, 'again.csv'),
    ]);
    expect(back.code).toBe(0);
    expect(summaryOf(back.stdout).accepted).toBe(csv.length);
  });
});

describe('stint sessionize on bad input', () => {
  it('a missing file: exit 2, one line, a hint', () => {
    const r = stint(['sessionize', 'no-such-file.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no-such-file\.csv/);
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
  });

  it('an empty file: exit 2', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.csv'), '');
    const r = stint(['sessionize', join(dir, 'empty.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No rows|empty/i);
  });

  it('usage errors exit 1 with a hint: bad duration, zone, identity, map, format', () => {
    const file = join(DATA, 'edgar/insight_test1_log.csv');
    for (const [flag, value, message] of [
      ['--timeout', '3x', /Cannot read --timeout "3x"/],
      ['--timezone', 'Mars/Olympus', /Unknown time zone/],
      ['--identity', 'cookie', /Unknown --identity/],
      ['--map', 'nonsense', /Cannot read --map/],
      ['--format', 'xlsx', /Unknown --format/],
      ['--input-format', 'xml', /Unknown --input-format/],
    ] as const) {
      const r = stint(['sessionize', file, flag, value]);
      expect(r.code, `${flag} ${value}`).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/hint:/);
    }
    expect(stint(['sessionize', file, '--no-such-flag']).code).toBe(1);
  });

  it('bad rows are rejected with line numbers and reasons, good rows all kept', () => {
    const dir = tempDir();
    const csv = [
      'timestamp,anonymous_id,url,value',
      '2026-03-08T10:00:00Z,a,/x,',
      'yesterday,a,/y,',
      '2026-03-08T10:01:00Z,,/z,',
      '2026-03-08T10:02:00Z,a,"/broken,',
      '2026-03-08T10:03:00Z,a,/w,12.5',
      '2026-03-08T10:04:00Z,a,/v,abc',
    ].join('\n');
    writeFileSync(join(dir, 'bad.csv'), `${csv}\n`);
    const r = stint([
      'sessionize',
      join(dir, 'bad.csv'),
      '--rejects',
      join(dir, 'rej.csv'),
      '--json',
      '-o',
      join(dir, 's.csv'),
    ]);
    expect(r.code).toBe(0);
    const rejects = readCsv(join(dir, 'rej.csv')).map((x) => [x.line, x.reason]);
    expect(rejects).toEqual([
      ['3', 'bad_timestamp'],
      ['4', 'no_identity'],
      ['5', 'broken_quoting'],
      ['7', 'bad_value'],
    ]);
    const summary = summaryOf(r.stdout);
    expect(summary.accepted).toBe(2);
    expect(summary.rejected).toEqual({ bad_timestamp: 1, no_identity: 1, broken_quoting: 1, bad_value: 1 });
  });

  it('--help explains every rule flag with examples', () => {
    const r = stint(['sessionize', '--help']);
    expect(r.code).toBe(0);
    for (const flag of [
      '--timeout',
      '--max-duration',
      '--split-at-midnight',
      '--timezone',
      '--split-on-campaign',
      '--session-key',
      '--start-events',
      '--end-events',
      '--identity',
      '--goal',
      '--input-tz',
      '--map',
      '--rejects',
      '--max-rejects',
      '--keep-all',
      '--json',
      '--quiet',
    ]) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toMatch(/Examples:/);
  });
});
