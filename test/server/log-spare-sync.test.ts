/**
 * A spare log segment that a full disk (or a crash) left half made was never synced: reused
 * as it was, its name and size could vanish with a power cut, and the acknowledged events
 * written into it with them. Before the log writes into an existing segment, the file and its
 * directory are synced (through the log's `sync`, spied on here).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openEventLog } from '../../src/server/event-log.ts';
import { ev } from '../helpers/store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const SEG = 400;
const event = (i: number) => ev(`v${i}`, '2031-03-10T10:00:00Z', { eventId: `e${i}`, url: 'x'.repeat(60) });

it('syncs a spare segment left half made, and its directory, before writing into it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stint-spare-'));
  dirs.push(dir);
  const first = await openEventLog(dir, undefined, { segmentBytes: SEG });
  await first.log.append([event(0)]);
  await first.log.close();
  const spare = join(dir, '000000000002.ndjson');
  // As a full disk leaves it: made in part (O_EXCL succeeded, the zeros did not all fit), never synced.
  truncateSync(spare, 17);

  const calls: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const { log } = await openEventLog(dir, undefined, {
    segmentBytes: SEG,
    sync: async (path) => {
      calls.push(path);
      if (path === spare) await gate;
    },
  });
  let written = false;
  const appending = (async () => {
    for (let i = 1; ; i++) {
      const end = await log.append([event(i)]);
      if (end.segment === 2) break;
    }
    written = true;
  })();
  // Until the spare is synced, nothing is written into it.
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 5));
  expect(calls).toContain(spare);
  expect(written).toBe(false);
  expect(readFileSync(spare).every((b) => b === 0)).toBe(true);
  release();
  await appending;
  expect(calls.lastIndexOf(dir)).toBeGreaterThan(calls.indexOf(spare));
  expect(readFileSync(spare).some((b) => b !== 0)).toBe(true);
  await log.close();
  expect(readdirSync(dir).filter((f) => f.endsWith('.ndjson')).length).toBeGreaterThanOrEqual(2);
});
