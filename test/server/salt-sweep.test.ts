/**
 * Daily salts older than yesterday are deleted when the server starts and every hour after, by
 * the server's clock: not only when the next day's salt is made.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { openSalts } from '../../src/server/salts.ts';
import { closeServers, startTestServer } from '../helpers/server.ts';

const dirs: string[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await closeServers();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const DAY = 86_400_000;
const NOW = Date.UTC(2031, 2, 10, 12);
const daysIn = (dir: string): string[] =>
  Object.keys((JSON.parse(readFileSync(join(dir, 'salts.json'), 'utf8')) as { days: object }).days).sort();
const withSalts = (dir: string, days: string[]): void =>
  writeFileSync(
    join(dir, 'salts.json'),
    JSON.stringify({ days: Object.fromEntries(days.map((d) => [d, `salt-${d}`])) }),
  );

it('deletes salts older than yesterday when the server starts, by its clock', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stint-salts-'));
  withSalts(dir, ['2031-03-01', '2031-03-08', '2031-03-09', '2031-03-10']);
  await startTestServer({}, dir, { now: () => NOW });
  expect(daysIn(dir)).toEqual(['2031-03-09', '2031-03-10']);
});

it('deletes them every hour while it runs, with no visitor needed', () => {
  vi.useFakeTimers();
  const dir = mkdtempSync(join(tmpdir(), 'stint-salts-'));
  dirs.push(dir);
  withSalts(dir, ['2031-03-09', '2031-03-10']);
  let now = NOW;
  const salts = openSalts(dir, () => now);
  expect(daysIn(dir)).toEqual(['2031-03-09', '2031-03-10']);
  now = NOW + DAY; // 2031-03-11: the salt of the 9th is older than yesterday now
  vi.advanceTimersByTime(3_600_000);
  expect(daysIn(dir)).toEqual(['2031-03-10']);
  now = NOW + 2 * DAY;
  vi.advanceTimersByTime(3_600_000);
  expect(daysIn(dir)).toEqual([]);
  salts.close();
  expect(vi.getTimerCount()).toBe(0);
});
