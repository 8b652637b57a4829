/**
 * `stint drivers` as a user runs it, on a store where long sessions are known to convert at
 * three times the rate (test/helpers/long-sessions-convert.ts): the sentences of the significant
 * drivers first, then the table, then what is listed apart; --json gives the same ranking; an
 * unknown goal exits 1 (a usage error) with the commonest event names.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRules } from '../../src/core/rules.ts';
import { openDuckDBStore } from '../../src/store/duckdb-store.ts';
import { tempDir } from '../helpers/cli.ts';
import { stintHere } from '../helpers/cli-in-process.ts';
import { longSessionsConvert } from '../helpers/long-sessions-convert.ts';
import { importEvents } from '../helpers/store.ts';

let dir: string;
let db: string;
const PERIOD = ['--from', '2026-09-01', '--to', '2026-11-30'];

beforeAll(async () => {
  dir = tempDir();
  db = join(dir, 'shop.duckdb');
  const store = await openDuckDBStore(db);
  await importEvents(store, longSessionsConvert(), createRules({ goals: ['purchase'] }));
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stint drivers', () => {
  it('prints the significant sentences first, then the table and the values apart', async () => {
    const r = await stintHere(['drivers', '--db', db, '--goal', 'purchase', ...PERIOD]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('purchase: 200 of 1,000 sessions convert (20.0 %)');
    expect(lines[2]).toBe('• sessions over 10 minutes convert at 3.0× the rate of shorter ones (2.2–4.0×)');
    const table = lines.findIndex((l) => l.startsWith('trait '));
    expect(table).toBeGreaterThan(2);
    expect(lines.slice(2, table - 1).every((l) => l.startsWith('• '))).toBe(true);
    expect(lines[table + 1]).toMatch(
      /^length {6}over 10 minutes +500 +150 +30\.0 % +3\.0× +2\.2×–4\.0× +\S+ \*$/,
    );
    expect(r.stdout).toMatch(/^device {6}mobile +500 +100 +20\.0 % +1\.0× .* 1\.000$/m);
    expect(r.stdout).toContain('listed apart, not ranked (fewer than 30 sessions on a side');
    expect(r.stdout).toMatch(/^ {2}entry_page {2}\/rare {2}10 sessions, 1 conversion$/m);
  });

  it('gives the same ranking as JSON', async () => {
    const r = await stintHere([
      'drivers',
      '--db',
      db,
      '--goal',
      'purchase',
      ...PERIOD,
      '--json',
      '--min-sessions',
      '5',
    ]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ goal: 'purchase', sessions: 1000, conversions: 200, min_sessions: 5 });
    expect(json.ranked[0]).toMatchObject({ trait: 'length', kind: 'over', label: 'over 10 minutes' });
    expect(json.ranked[0].lift).toBeCloseTo(3, 9);
    expect(json.ranked.some((d: { value: string }) => d.value === '/rare')).toBe(true);
  });

  it("takes the store's configured goal when none is given, and says so", async () => {
    const r = await stintHere(['drivers', '--db', db, ...PERIOD]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(
      'purchase (the configured goal): 200 of 1,000 sessions convert (20.0 %)',
    );
  });

  it('refuses a goal no event is named, with the commonest names', async () => {
    const r = await stintHere(['drivers', '--db', db, '--goal', 'signup']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('No event is named "signup", so no session converts to it');
    expect(r.stderr).toContain('hint: Give --goal one of the commonest event names: pageview, purchase');
  });
});
