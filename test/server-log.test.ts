/**
 * The collector's write-ahead log (src/server/event-log.ts): what is appended comes back after
 * a restart from the stored position on, byte offsets hold with non-ASCII text, a half-written
 * last line (a crash during a write) is cut off, and stored segments are deleted.
 */
import {
  appendFileSync,
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StintEvent } from '../src/core/event.ts';
import { encodeLines, type LogPosition, openEventLog } from '../src/server/event-log.ts';
import { ev } from './helpers/store.ts';

/** The recovered events, runs joined. */
const events = (runs: readonly { events: StintEvent[] }[]): StintEvent[] => runs.flatMap((r) => r.events);

/** What a start from `from` recovers (the log closed again: it makes its spare segment meanwhile). */
async function recoveredFrom(
  dir: string,
  from: LogPosition,
  options?: Parameters<typeof openEventLog>[2],
): Promise<StintEvent[]> {
  const { log, recovered } = await openEventLog(dir, from, options);
  await log.close();
  return events(recovered);
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const fresh = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'stint-log-'));
  dirs.push(d);
  return d;
};

describe('event log', () => {
  it('gives back every field of what was appended after the stored position, with non-ASCII text', async () => {
    const dir = fresh();
    const a = ev('bjørn', '2026-11-20T10:00:00Z', {
      url: '/straße?q=ü',
      eventId: 'e1',
      properties: { emoji: '🙂', n: 3 },
    });
    const b = ev('李', '2026-11-20T10:01:00Z', {
      name: 'purchase',
      value: 12.5,
      eventId: 'e2',
      userAgent: 'Mozilla/5.0',
    });
    const c = ev('x', '2026-11-20T10:02:00Z', { referrer: 'https://é.example/', eventId: 'e3' });
    const first = await openEventLog(dir, undefined);
    expect(events(first.recovered)).toEqual([]);
    const afterA = await first.log.append([a]);
    await first.log.append([b, c]);
    await first.log.close();

    const all = await openEventLog(dir, undefined);
    expect(events(all.recovered)).toEqual([a, b, c]);
    // And each run's lines as they were written (the writer keeps them for the store).
    expect(Buffer.concat(all.recovered.map((r) => r.lines))).toEqual(encodeLines([a, b, c]));
    await all.log.close();
    // From the position after a: b and c only (the offset counts bytes, not characters).
    const rest = await openEventLog(dir, afterA);
    expect(events(rest.recovered)).toEqual([b, c]);
    await rest.log.close();
  });

  it('cuts off a half-written last line, which was never acknowledged', async () => {
    const dir = fresh();
    const { log } = await openEventLog(dir, undefined);
    const end = await log.append([ev('a', '2026-11-20T10:00:00Z', { eventId: 'e1' })]);
    await log.close();
    appendFileSync(join(dir, readdirSync(dir)[0]!), '[1795000000000,"a","","pagev');
    const again = await openEventLog(dir, undefined);
    expect(events(again.recovered).map((e) => e.eventId)).toEqual(['e1']);
    expect(again.recovered.at(-1)?.end).toEqual(end);
    // New lines follow the cut, whole.
    const next = ev('b', '2026-11-20T10:05:00Z', { eventId: 'e2' });
    await again.log.append([next]);
    await again.log.close();
    expect(await recoveredFrom(dir, end)).toEqual([next]);
  });

  it('zeroes the pieces of a torn write, so that a shorter line written there is not followed by them', async () => {
    const dir = fresh();
    const { log } = await openEventLog(dir, undefined);
    const end = await log.append([ev('a', '2026-11-20T10:00:00Z', { eventId: 'e1' })]);
    await log.close();
    // A crash during the next write: its first block stayed zeros, a later one reached the disk.
    const file = join(dir, readdirSync(dir)[0]!);
    const fd = openSync(file, 'r+');
    writeSync(fd, '[1795000000000,"b","","pageview"]\n[1795000000001,"b","","pagev', end.offset + 4096);
    closeSync(fd);
    const again = await openEventLog(dir, undefined);
    expect(events(again.recovered).map((e) => e.eventId)).toEqual(['e1']);
    // New lines are written where the data ends, over the torn write's place: nothing of it follows them.
    const next = ev('c', '2026-11-20T10:05:00Z', { eventId: 'e2' });
    await again.log.append([next]);
    await again.log.close();
    expect(await recoveredFrom(dir, end)).toEqual([next]);
    expect(
      readFileSync(file)
        .subarray(end.offset)
        .some((b, i) => b !== 0 && i > 200),
    ).toBe(false);
  });

  it('does not grow at restarts that write nothing: the spare made by one start is used by the next', async () => {
    const dir = fresh();
    const opts = { segmentBytes: 4096 };
    for (let i = 0; i < 5; i++) await (await openEventLog(dir, undefined, opts)).log.close();
    expect(readdirSync(dir)).toHaveLength(2); // the segment and its spare
    // Now with everything stored: a position at the end of the data.
    const { log } = await openEventLog(dir, undefined, opts);
    const end = await log.append([ev('a', '2026-11-20T10:00:00Z', { eventId: 'e1' })]);
    await log.close();
    for (let i = 0; i < 5; i++) {
      const again = await openEventLog(dir, end, opts);
      expect(events(again.recovered)).toEqual([]);
      await again.log.close();
    }
    expect(readdirSync(dir)).toHaveLength(2);
    const next = await openEventLog(dir, end, opts);
    await next.log.append([ev('b', '2026-11-20T10:01:00Z', { eventId: 'e2' })]);
    await next.log.close();
    expect((await recoveredFrom(dir, end, opts)).map((e) => e.eventId)).toEqual(['e2']);
  });

  it('starts a new segment when one is full, and deletes the segments before a stored position', async () => {
    const dir = fresh();
    const { log } = await openEventLog(dir, undefined, { segmentBytes: 120 });
    const positions: LogPosition[] = [];
    for (let i = 0; i < 6; i++)
      positions.push(await log.append([ev(`v${i}`, '2026-11-20T10:00:00Z', { eventId: `e${i}` })]));
    expect(readdirSync(dir).length).toBeGreaterThan(2);
    await log.release(positions[4]!);
    const lastSegment = positions.at(-1)!.segment;
    // The segments from the stored position's on, and a spare one made ready ahead.
    expect(readdirSync(dir).map((f) => Number(f.slice(0, 12)))).toEqual([
      ...[...new Set(positions.map((p) => p.segment))].filter((s) => s >= positions[4]!.segment),
      lastSegment + 1,
    ]);
    await log.close();
    const reopened = await openEventLog(dir, positions[4]!, { segmentBytes: 120 });
    expect(events(reopened.recovered).map((e) => e.eventId)).toEqual(['e5']);
    await reopened.log.close();
  });
});
