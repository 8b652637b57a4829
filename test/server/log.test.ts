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
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { StintEvent } from '../../src/core/event.ts';
import { decodeLines, encodeLines, type LogPosition, openEventLog } from '../../src/server/event-log.ts';
import { ev } from '../helpers/store.ts';

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
    expect(Buffer.concat(all.recovered.map((r) => r.lines))).toEqual(
      Buffer.concat([encodeLines([a]), encodeLines([b, c])]),
    );
    await all.log.close();
    // From the position after a: b and c only (the offset counts bytes, not characters).
    const rest = await openEventLog(dir, afterA);
    expect(events(rest.recovered)).toEqual([b, c]);
    await rest.log.close();
  });

  it('encodes any events as a line and decodes them to the same events', () => {
    // Few values per field, so that columns are often one value and often not; any text at all.
    const text = fc.oneof(fc.constantFrom('', 'a', 'b'), fc.string(), fc.string({ unit: 'grapheme' }));
    const event = fc.record({
      tsMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
      anonymousId: text,
      userId: text,
      name: fc.constantFrom('pageview', 'click'),
      url: text,
      referrer: text,
      utmSource: text,
      utmMedium: text,
      utmCampaign: text,
      utmTerm: text,
      utmContent: text,
      sessionKey: text,
      timezone: text,
      country: text,
      userAgent: text,
      value: fc.oneof(
        fc.constant(0),
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }),
      ),
      eventId: text,
      properties: fc.option(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer(), fc.boolean())), {
        nil: undefined,
      }),
    });
    fc.assert(
      fc.property(fc.array(fc.array(event, { minLength: 1, maxLength: 8 }), { maxLength: 4 }), (appends) => {
        const bytes = Buffer.concat(appends.map((events) => encodeLines(events)));
        expect(bytes.filter((b) => b === 0x0a)).toHaveLength(appends.length); // a line each
        expect(bytes.includes(0)).toBe(false); // the log's data ends at its first zero byte
        const noNegativeZero = (e: StintEvent) => ({ ...e, value: e.value === 0 ? 0 : e.value }); // JSON has no -0
        expect(decodeLines(bytes)).toEqual(appends.flat().map(noNegativeZero));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps an append in one line, and gives runs back in whole lines', async () => {
    const dir = fresh();
    const first = await openEventLog(dir, undefined);
    const batch = (n: number, from: number) =>
      Array.from({ length: n }, (_, i) =>
        ev(`v${from + i}`, '2026-11-20T10:00:00Z', { eventId: `e${from + i}` }),
      );
    const ends = [
      await first.log.append(batch(3, 0)),
      await first.log.append(batch(2, 3)),
      await first.log.append(batch(4, 5)),
    ];
    await first.log.close();
    const text = readFileSync(join(dir, readdirSync(dir).sort()[0]!), 'utf8').replace(/\0+$/, '');
    expect(text.split('\n')).toHaveLength(4); // three lines and what follows the last
    // A run ends at the first line that brings it to runEvents or more: 3 + 2, then 4.
    const again = await openEventLog(dir, undefined, { runEvents: 4 });
    expect(again.recovered.map((r) => r.events.length)).toEqual([5, 4]);
    expect(again.recovered.map((r) => r.end)).toEqual([ends[1], ends[2]]);
    expect(events(again.recovered).map((e) => e.eventId)).toEqual(batch(9, 0).map((e) => e.eventId));
    await again.log.close();
  });

  it('reads lines of one event each, as earlier versions wrote them', async () => {
    const dir = fresh();
    const a = ev('a', '2026-11-20T10:00:00Z', { eventId: 'e1', properties: { plan: 'pro' } });
    const b = ev('b', '2026-11-20T10:01:00Z', { eventId: 'e2' });
    // An event's fields in a JSON array, properties last when there are any.
    const perEvent = (e: StintEvent) =>
      JSON.stringify([
        ...[e.tsMs, e.anonymousId, e.userId, e.name, e.url, e.referrer, e.utmSource, e.utmMedium],
        ...[e.utmCampaign, e.utmTerm, e.utmContent, e.sessionKey, e.timezone, e.userAgent, e.value],
        e.eventId,
        ...(e.properties === undefined ? [] : [e.properties]),
      ]);
    appendFileSync(join(dir, '000000000001.ndjson'), `${perEvent(a)}\n${perEvent(b)}\n`);
    const { log, recovered } = await openEventLog(dir, undefined);
    expect(events(recovered)).toEqual([a, b]);
    const c = ev('c', '2026-11-20T10:02:00Z', { eventId: 'e3' });
    await log.append([c]);
    await log.close();
    expect(await recoveredFrom(dir, recovered.at(-1)!.end)).toEqual([c]);
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
