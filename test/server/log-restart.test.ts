/**
 * The write-ahead log (src/server/event-log.ts): an append the log reports as
 * done must come back after a restart from the stored position, whatever the disk did.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import type { StintEvent } from '../../src/core/event.ts';
import { openEventLog } from '../../src/server/event-log.ts';
import { ev } from '../helpers/store.ts';

/** The recovered events, runs joined. */
const events = (runs: readonly { events: StintEvent[] }[]): StintEvent[] => runs.flatMap((r) => r.events);

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const fresh = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'stint-log-'));
  dirs.push(d);
  return d;
};

describe('event log across restarts', () => {
  it('recovers what was appended after a stored position that lies beyond the log (log directory emptied)', async () => {
    // The store says "stored up to 3:500" but the log directory is empty (an operator removed
    // it after a clean stop, or the store file was copied without it). New appends must still
    // be found by the next start, which reads from the same stored position.
    const dir = fresh();
    const stored = { segment: 3, offset: 500 };
    const first = await openEventLog(dir, stored);
    expect(events(first.recovered)).toEqual([]);
    const a = ev('a', '2026-11-20T10:00:00Z', { eventId: 'acked-1' });
    await first.log.append([a]); // acknowledged: the collector answers 200 now
    await first.log.close();
    // A crash before the sessionizer stored it; the restart reads from the stored position.
    const again = await openEventLog(dir, stored);
    expect(events(again.recovered).map((e) => e.eventId)).toEqual(['acked-1']);
    await again.log.close();
  });

  it('never reports a short write as done (disk full): acknowledged events come back, the log stays readable', async () => {
    const dir = fresh();
    const { log } = await openEventLog(dir, undefined);
    // write(2) on a nearly full disk writes what fits and returns the count, without an error.
    const probe = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<unknown> };
    await probe.close();
    const write = proto.write;
    let shortWrites = 1;
    proto.write = function (this: unknown, ...args: unknown[]) {
      const body = args[0] as Buffer;
      if (shortWrites-- <= 0) return write.apply(this, args);
      // The first half of what was asked, at the position asked.
      const [, offset = 0, length = body.length, position] = args as [Buffer, number?, number?, number?];
      return write.call(this, body, offset, Math.floor(length / 2), position);
    };
    onTestFinished(() => {
      proto.write = write;
    });
    const a = ev('a', '2026-11-20T10:00:00Z', { eventId: 'first' });
    const b = ev('b', '2026-11-20T10:01:00Z', { eventId: 'second' });
    const first = await log.append([a]).then(
      () => 'acknowledged',
      () => 'refused',
    );
    await log.append([b]);
    await log.close();

    const again = await openEventLog(dir, undefined);
    const ids = events(again.recovered).map((e) => e.eventId);
    await again.log.close();
    expect(ids).toEqual(first === 'acknowledged' ? ['first', 'second'] : ['second']);
  });
  it('appends nothing after a failed write it could not cut off: the retry comes back once, at the right position', async () => {
    const dir = fresh();
    const { log } = await openEventLog(dir, undefined);
    const probe = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as Record<'write', (...args: unknown[]) => Promise<unknown>>;
    await probe.close();
    const { write } = proto;
    onTestFinished(() => {
      proto.write = write;
    });
    const a = ev('a', '2026-11-20T10:00:00Z', { eventId: 'first' });
    const b = ev('b', '2026-11-20T10:01:00Z', { eventId: 'second' });
    await log.append([a]);
    // The write reaches the file and then fails (EIO, say), and zeroing it fails as well. (The
    // spare segment being made meanwhile writes zeros too, a megabyte at a time: left alone.)
    const failed: string[] = [];
    let bodyLength = -1;
    proto.write = async function (this: unknown, ...args: unknown[]) {
      const body = args[0] as Buffer;
      if (body.includes('"second"') && bodyLength < 0) {
        bodyLength = body.length;
        await write.apply(this, args);
        failed.push('write');
        throw new Error('EIO');
      }
      if (body.length === bodyLength && body.every((x) => x === 0) && !failed.includes('zero')) {
        failed.push('zero');
        throw new Error('EIO');
      }
      return write.apply(this, args);
    };
    await expect(log.append([b])).rejects.toThrow('EIO');
    expect(failed).toEqual(['write', 'zero']);
    // The sender retries with a shorter body (one event fewer, say): the failed copy is zeroed first.
    const c = ev('c', '2026-11-20T10:01:00Z', { eventId: 'c' });
    const end = await log.append([c]);
    await log.close();

    const again = await openEventLog(dir, undefined);
    await again.log.close();
    expect(events(again.recovered).map((e) => e.eventId)).toEqual(['first', 'c']);
    expect(again.recovered.at(-1)?.end).toEqual(end);
  });
});
