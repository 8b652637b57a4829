/**
 * The event log (src/server/event-log.ts, event-log/) against a model, across crashes (its
 * segments of zeros included): appends (some larger than a segment), stores up to a
 * position (and releases what is before it), crashes without close (a write in flight torn in
 * pieces where the next write goes; the spare segment maybe cut short), and restarts from the
 * stored position. Every acknowledged event after the stored position is read back once and in
 * order; nothing else is, but lines of the torn, unacknowledged write.
 */
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { encodeLines, type LogPosition, openEventLog } from '../../src/server/event-log.ts';
import { ev } from '../helpers/store.ts';

const SEG = 400;
const name = (n: number) => `${String(n).padStart(12, '0')}.ndjson`;
const cmp = (a: LogPosition, b: LogPosition) => a.segment - b.segment || a.offset - b.offset;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
});

it('reads back exactly the acknowledged events after the stored position, across crashes', async () => {
  let counter = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.oneof(
          fc.record({ t: fc.constant('append' as const), n: fc.integer({ min: 1, max: 8 }) }),
          fc.record({ t: fc.constant('store' as const), k: fc.nat() }),
          fc.record({
            t: fc.constant('crash' as const),
            torn: fc.boolean(),
            skip: fc.integer({ min: 1, max: 300 }),
            len: fc.integer({ min: 1, max: 300 }),
            cutSpare: fc.boolean(),
          }),
        ),
        { maxLength: 40 },
      ),
      async (ops) => {
        const dir = mkdtempSync(join(tmpdir(), 'stint-log-crash-'));
        dirs.push(dir);
        let stored: LogPosition | undefined;
        const acked: { id: string; end: LogPosition }[] = [];
        let torn = new Set<string>();
        let { log, recovered } = await openEventLog(dir, stored, { segmentBytes: SEG });
        let last: LogPosition | undefined;
        const check = (rec: typeof recovered) => {
          const got = rec.flatMap((r) => r.events.map((e) => e.eventId));
          const want = acked.filter((a) => stored === undefined || cmp(a.end, stored) > 0).map((a) => a.id);
          const gotAcked = got.filter((id) => !torn.has(id));
          expect(gotAcked).toEqual(want);
          expect(new Set(got).size).toBe(got.length);
        };
        check(recovered);
        for (const op of ops) {
          if (op.t === 'append') {
            const events = Array.from({ length: op.n }, () =>
              ev(`v${counter % 7}`, '2026-11-20T10:00:00Z', {
                eventId: `e${counter++}`,
                url: 'x'.repeat(counter % 50),
              }),
            );
            const end = await log.append(events);
            for (const e of events) acked.push({ id: e.eventId, end });
            last = end;
          } else if (op.t === 'store') {
            const ends = acked.map((a) => a.end).filter((p) => stored === undefined || cmp(p, stored) > 0);
            if (ends.length === 0) continue;
            stored = ends[op.k % ends.length]!;
            await log.release(stored);
          } else {
            // crash: no close. A write in flight tears at where the next write goes.
            await new Promise((r) => setTimeout(r, 5)); // let the spare finish (or not)
            if (op.torn && last !== undefined) {
              const ids = [`t${counter++}`, `t${counter++}`, `t${counter++}`];
              const body = encodeLines(ids.map((id) => ev('t', '2026-11-20T10:00:00Z', { eventId: id })));
              const at = last.offset + body.length > SEG ? { segment: last.segment + 1, offset: 0 } : last;
              const f = join(dir, name(at.segment));
              if (existsSync(f)) {
                const fd = openSync(f, 'r+');
                const from = Math.min(op.skip, body.length - 1);
                // a later piece reached the disk, an earlier one not
                writeSync(fd, body, from, Math.min(op.len, body.length - from), at.offset + from);
                closeSync(fd);
                for (const id of ids) torn.add(id);
              }
            }
            if (op.cutSpare) {
              const files = readdirSync(dir).sort();
              const spare = files.at(-1);
              if (spare !== undefined && last !== undefined && Number(spare.slice(0, 12)) > last.segment)
                truncateSync(join(dir, spare), 17);
            }
            ({ log, recovered } = await openEventLog(dir, stored, { segmentBytes: SEG }));
            check(recovered);
            torn = new Set(); // lines of a torn write read back now are in the log from now on
            for (const r of recovered)
              for (const e of r.events)
                if (e.eventId.startsWith('t')) acked.push({ id: e.eventId, end: r.end });
            acked.sort((a, b) => cmp(a.end, b.end));
          }
        }
        await log.close();
        const again = await openEventLog(dir, stored, { segmentBytes: SEG });
        check(again.recovered);
        await again.log.close();
      },
    ),
    { numRuns: 150 },
  );
});
