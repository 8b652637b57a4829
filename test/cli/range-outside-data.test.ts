/**
 * A --from/--to that misses every stored session: `stint report` and the analyses say so on
 * stderr with the stored range, still print their (empty) result, JSON valid, and exit 0. A
 * period that holds sessions prints no warning.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stint, tempDir } from '../helpers/cli.ts';

const dir = tempDir();
const db = join(dir, 'store.duckdb');

beforeAll(() => {
  const csv = join(dir, 'events.csv');
  writeFileSync(
    csv,
    'timestamp,anonymous_id,url\n' +
      '2024-03-01T10:00:00Z,v1,/a\n' +
      '2024-03-01T10:05:00Z,v1,/b\n' +
      '2024-03-02T09:00:00Z,v2,/a\n',
  );
  const r = stint(['import', csv, '--db', db]);
  expect(r.code, r.stderr).toBe(0);
}, 60_000);

const STORED = "the store's sessions start from 2024-03-01T10:00:00.000Z to 2024-03-02T09:00:00.000Z";

describe('a period outside the stored data', () => {
  it('report --json: valid empty JSON on stdout, the stored range on stderr, exit 0', () => {
    const r = stint(['report', '--db', db, '--from', '2030-01-01', '--to', '2030-01-31', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).overview.sessions.value).toBe(0);
    expect(r.stderr).toContain('stint: warning: no session starts in 2030-01-01T00:00:00.000Z');
    expect(r.stderr).toContain(STORED);
    expect(r.stderr).toContain('--from 2024-03-01 --to 2024-03-02');
  });

  it('report in text, with only --to before the data', () => {
    const r = stint(['report', '--db', db, '--to', '2020-01-01']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(STORED);
  });

  it.each([['overview'], ['pages'], ['breakdown', '--by', 'entry_page'], ['timeseries']])(
    '%s says so too',
    (...args) => {
      const r = stint([...args, '--db', db, '--from', '2031-05-01', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(() => JSON.parse(r.stdout)).not.toThrow();
      expect(r.stderr).toContain(STORED);
    },
  );

  it('a period that holds sessions, or no period, prints no warning', () => {
    for (const args of [['--from', '2024-03-02'], ['--to', '2024-03-01'], []]) {
      const r = stint(['report', '--db', db, ...args, '--json']);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
    }
  });
});
