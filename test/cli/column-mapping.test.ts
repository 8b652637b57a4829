/**
 * Files whose columns stint cannot map fail loudly, through the real binary: no timestamp or id
 * column is exit 2 with the columns, what they look like and the --map that works; a --map naming
 * a missing column is exit 1; foreign names (event_time, @timestamp, client_id, ip…) and a date
 * and a time in two columns are read without --map; a run that rejects every row is exit 2.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA, stint, tempDir } from '../helpers/cli.ts';

const dir = tempDir();
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

/** No column has a name stint knows: the audit's odd.csv. */
const ODD = file(
  'odd.csv',
  'seen,who,page,amount\n' +
    '2024-01-02T10:00:00Z,v1,/a,3\n' +
    '2024-01-02T10:05:00Z,v1,/b,4\n' +
    '2024-01-02T11:00:00Z,v2,/a,5\n',
);

const summaryOf = (stdout: string): { accepted: number; sessions: number } => JSON.parse(stdout);

describe('a file with no timestamp or identity column', () => {
  it('stops with exit 2, lists the columns, what they look like, and the --map that works', () => {
    const r = stint(['sessionize', ODD, '-o', join(dir, 'odd-out.csv'), '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no column gives a timestamp or an identity');
    // One thing a line, as a person reads it (not one line with escaped line breaks).
    expect(r.stderr).toMatch(/\n {2}columns found: seen, who, page, amount\n/);
    expect(r.stderr).toMatch(/look like times: seen \(e\.g\. "2024-01-02T10:00:00Z"\)/);
    expect(r.stderr).toMatch(/look like ids: who \(e\.g\. "v1"\)/);
    expect(r.stderr).toContain('--map timestamp=seen,anonymous_id=who');
    expect(r.stderr).not.toContain('    at '); // no stack trace

    const fixed = stint(['sessionize', ODD, '-o', '-', '--json', '--map', 'timestamp=seen,anonymous_id=who']);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout.trim().split('\n')).toHaveLength(3); // header + 2 sessions
  });

  it('import stops the same way and stores nothing', () => {
    const db = join(dir, 'odd.duckdb');
    const r = stint(['import', ODD, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--map timestamp=seen,anonymous_id=who');
    const report = stint(['report', '--db', db, '--json']);
    expect(JSON.parse(report.stdout).overview.sessions.value).toBe(0);
  });

  it('names the missing identity alone when the timestamp is found', () => {
    const path = file(
      'no-id.csv',
      'timestamp,who,page\n2024-01-02T10:00:00Z,v1,/a\n2024-01-02T10:01:00Z,v1,/b\n',
    );
    const r = stint(['sessionize', path, '-o', '-']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no column gives an identity');
    expect(r.stderr).toContain('--map anonymous_id=who');
  });
});

describe('--map naming a column the file does not have', () => {
  it('is a usage error (exit 1) naming the columns the file has', () => {
    const r = stint(['sessionize', ODD, '-o', '-', '--map', 'timestamp=Nope,anonymous_id=who']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('has no column "Nope"');
    expect(r.stderr).toContain('seen, who, page, amount');
    const i = stint(['import', ODD, '--db', join(dir, 'nope.duckdb'), '--map', 'timestamp=Nope']);
    expect(i.code).toBe(1);
  });
});

describe('foreign column names', () => {
  it.each([
    ['event_time', 'user_id', '2024-01-02 10:00:00 UTC', 'u1'],
    ['@timestamp', 'client_id', '2024-01-02T10:00:00Z', 'c1'],
    ['created_at', 'visitor_id', '2024-01-02T10:00:00Z', 'v1'],
    ['ts', 'uid', '1704189600000', 'u1'],
    ['Time', 'SessionId', '1704189600.25', '42'],
    ['time', 'host', '1704189600', 'pppa006.compuserve.com'],
    ['datetime', 'ip', '2024-01-02T10:00:00Z', '10.0.0.1'],
    ['timestamp_ms', 'remote_addr', '1704189600000', '10.0.0.2'],
  ])('%s and %s are read without --map', (time, id, t, v) => {
    const path = file(
      `${time}-${id}.csv`.replace('@', 'at-'),
      `${time},${id},url\n${t},${v},/a\n${t},${v},/b\n`,
    );
    const r = stint(['sessionize', path, '-o', '/dev/null', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(summaryOf(r.stdout)).toMatchObject({ accepted: 2 });
  });

  it('reads NDJSON with foreign names too', () => {
    const path = file(
      'app.ndjson',
      '{"event_time":"2024-01-02T10:00:00Z","device_id":"d1","event_name":"open"}\n' +
        '{"event_time":"2024-01-02T10:02:00Z","device_id":"d1","event_name":"buy"}\n',
    );
    const r = stint(['sessionize', path, '-o', '-', '--format', 'ndjson']);
    expect(r.code).toBe(0);
    const session = JSON.parse(r.stdout.trim());
    expect(session).toMatchObject({ identity: 'd1', events: 2 });
  });
});

describe('a timestamp split over a date and a time column', () => {
  it('is read by default from columns named date and time (SEC EDGAR)', () => {
    // The Insight challenge's expected output: 6 sessions at a 2 s inactivity period.
    const r = stint(['sessionize', join(DATA, 'edgar/insight_test1_log.csv'), '--timeout', '2s', '-o', '-']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1 + 6);
    expect(r.stdout).toContain('2017-06-30T00:00:00.000Z');
  });

  it('is mapped as one with --map "timestamp=DATE TIME"', () => {
    const path = file('split.csv', 'day,clock,who\n2024-01-02,10:00:00,v1\n2024-01-02,10:40:00,v1\n');
    const plain = stint(['sessionize', path, '-o', '-']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('day clock');
    expect(plain.stderr).toContain("--map 'timestamp=day clock,anonymous_id=who'");
    const r = stint(['sessionize', path, '-o', '-', '--map', 'timestamp=day clock,anonymous_id=who']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n');
    expect(rows).toHaveLength(1 + 2); // 40 minutes apart: two sessions
    expect(rows[1]).toContain('2024-01-02T10:00:00.000Z');
  });
});

describe('a run in which every row is rejected', () => {
  const bad = file('bad-times.csv', 'timestamp,anonymous_id\nyesterday,v1\nsoon,v2\nlater,v3\n');

  it('sessionize exits 2 with the top reason', () => {
    const r = stint(['sessionize', bad, '-o', join(dir, 'bad-out.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('every one of the 3 rows');
    expect(r.stderr).toContain('bad_timestamp (3)');
    expect(r.stderr).toContain('timestamp "yesterday"');
  });

  it('import exits 2 with the top reason and stores nothing', () => {
    const db = join(dir, 'bad.duckdb');
    const r = stint(['import', bad, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad_timestamp (3)');
    expect(JSON.parse(stint(['report', '--db', db, '--json']).stdout).overview.sessions.value).toBe(0);
  });

  it('a run with some rows accepted still exits 0', () => {
    const mixed = file('mixed.csv', 'timestamp,anonymous_id\nyesterday,v1\n2024-01-02T10:00:00Z,v2\n');
    expect(stint(['sessionize', mixed, '-o', '/dev/null']).code).toBe(0);
  });
});

describe('--map across the files of one sessionize run', () => {
  it('a source found in one of the files is fine; in none, exit 1', () => {
    const a = file('a.csv', 'timestamp,anonymous_id\n2024-01-02T10:00:00Z,v1\n');
    const b = file('b.csv', 'when_seen,anonymous_id\n2024-01-02T10:00:00Z,v2\n');
    expect(stint(['sessionize', a, b, '-o', '/dev/null', '--map', 'timestamp=when_seen']).code).toBe(0);
    const r = stint(['sessionize', a, b, '-o', '/dev/null', '--map', 'timestamp=when_seen,user_id=nobody']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('has no column "nobody"');
  });
});

describe('a log whose every line is left out', () => {
  it('imports with 0 events, exit 0, and says which flag keeps the lines', () => {
    const log = file(
      'posts.log',
      '1.2.3.5 - admin [10/Feb/2012:16:42:07 -0700] "POST /form HTTP/1.0" 200 145\n',
    );
    const r = stint(['import', log, '--db', join(dir, 'posts.duckdb')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('every line was left out as not a page view');
    expect(r.stdout).toContain('--keep-all');
  });
});
