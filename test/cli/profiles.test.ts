/**
 * `stint profile`, `stint users`, `stint trends` and `stint activity --zone` as a user runs them,
 * on a store of hand-made users (test/analysis/insights/profile-fixture.ts).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRules } from '../../src/core/rules.ts';
import { openDuckDBStore } from '../../src/store/duckdb-store.ts';
import { FIXTURE } from '../analysis/insights/profile-fixture.ts';
import { tempDir } from '../helpers/cli.ts';
import { stintHere } from '../helpers/cli-in-process.ts';
import { importEvents } from '../helpers/store.ts';

let dir: string;
let db: string;
const PERIOD = ['--to', '2026-10-31', '--tz', 'UTC'];

beforeAll(async () => {
  dir = tempDir();
  db = join(dir, 'stint.duckdb');
  const store = await openDuckDBStore(db);
  await importEvents(store, FIXTURE, createRules());
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stint profile', () => {
  it('takes the identity as an argument or a flag, the same', async () => {
    const byArg = await stintHere(['profile', 'tokyo', ...PERIOD, '--db', db]);
    expect(byArg.code).toBe(0);
    expect(byArg.stdout).toContain('zone            Asia/Tokyo');
    expect(byArg.stdout).toMatch(
      /best hour {7}08:00-09:00: 90 % of starts \(95 % 60 %–98 %\), next 09:00 at 10 %; clear/,
    );
    expect(byArg.stdout).toContain('usual weekdays  Mon, Tue, Wed, Thu, Fri');
    const byFlag = await stintHere(['profile', '--identity', 'tokyo', ...PERIOD, '--db', db]);
    expect(byFlag.stdout).toBe(byArg.stdout);
    const json = JSON.parse((await stintHere(['profile', 'tokyo', ...PERIOD, '--db', db, '--json'])).stdout);
    expect(json).toMatchObject({ identity: 'tokyo', sessions: 10, schedule: { best_hour: { hour: 8 } } });
  });

  it('refuses a missing identity, or one given twice', async () => {
    const none = await stintHere(['profile', '--db', db]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('IDENTITY is missing');
    const twice = await stintHere(['profile', 'a', '--identity', 'b', '--db', db]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('identity is given twice');
  });

  it('says so for an identity without sessions', async () => {
    const r = await stintHere(['profile', 'nobody', ...PERIOD, '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no sessions of nobody');
  });
});

describe('stint users', () => {
  it('lists the users of a level', async () => {
    const r = await stintHere(['users', '--segment', 'casual', ...PERIOD, '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('users as of 2026-11-01T00:00:00.000Z: 6 (new 1, casual 3, core 1, power 1)');
    const listed = r.stdout
      .split('\n')
      .slice(2)
      .filter(Boolean)
      .map((l) => l.split(/\s+/)[0]);
    expect(listed).toEqual(['tokyo', 'lapsed', 'rare']);
    const bad = await stintHere(['users', '--segment', 'vip', '--db', db]);
    expect(bad.code).toBe(1);
  });
});

describe('stint activity --zone and stint trends', () => {
  it('reads every session in --tz with --zone report', async () => {
    const args = [
      'activity',
      '--from',
      '2026-10-05',
      '--to',
      '2026-10-16',
      '--tz',
      'Europe/Berlin',
      '--db',
      db,
    ];
    const own = JSON.parse((await stintHere([...args, '--json'])).stdout);
    const report = JSON.parse((await stintHere([...args, '--zone', 'report', '--json'])).stdout);
    // Tokyo's 08:xx starts are 01:xx in Berlin (UTC+2 in October).
    expect(own.zone).toBe('visitor');
    expect(report.zone).toBe('report');
    expect(own.sessions[0][8]).toBe(2);
    expect(report.sessions[0][1]).toBe(2);
    expect(report.in_report_zone).toBe(report.total);
    expect((await stintHere([...args, '--zone', 'report'])).stdout).toContain(
      'sessions by weekday and hour in Europe/Berlin',
    );
  });

  it('prints trends', async () => {
    const r = await stintHere(['trends', '--interval', 'week', ...PERIOD, '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('shares per week');
    expect(r.stdout).toContain('device_type');
  });
});
