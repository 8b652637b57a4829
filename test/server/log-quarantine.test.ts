/**
 * A corrupt record in a site's event log is set aside, not fatal: it is copied to a file in the
 * log's `quarantine/` directory, counted, and the log is read on past it. The events before and
 * after it are stored, and the site answers reads. Corrupt bytes may be garbage or zeros (a
 * zeroed block must not be taken for the end of the log: what follows it was acknowledged).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StintEvent } from '../../src/core/event.ts';
import { encodeLines, openEventLog } from '../../src/server/event-log.ts';
import { closeServers, startTestServer } from '../helpers/server.ts';
import { ev } from '../helpers/store.ts';

const dirs: string[] = [];
afterEach(async () => {
  await closeServers();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const fresh = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'stint-quarantine-'));
  dirs.push(d);
  return d;
};

const SEGMENT = '000000000001.ndjson';
/** Five lines of two events each (e0..e9), one line an append. */
const LINES = Array.from({ length: 5 }, (_, k) =>
  [0, 1].map((j) =>
    ev(`v${k}`, `2031-03-10T10:0${k}:0${j}Z`, {
      eventId: `e${2 * k + j}`,
      url: `https://shop.example/p${k}`,
    }),
  ),
);

/** Writes the lines as a log holds them, then spoils `length` bytes of the third with `bad`. */
function corruptLog(dir: string, bad: (length: number) => Buffer): { at: number; spoiled: Buffer } {
  mkdirSync(dir, { recursive: true });
  const lines = LINES.map((events) => encodeLines(events));
  const at = lines[0]!.length + lines[1]!.length;
  const bytes = Buffer.concat([...lines, Buffer.alloc(4096)]);
  const third = lines[2]!;
  bad(20).copy(bytes, at + 10);
  writeFileSync(join(dir, SEGMENT), bytes);
  return { at, spoiled: Buffer.from(bytes.subarray(at, at + third.length)) };
}

const ids = (events: readonly StintEvent[]): string[] => events.map((e) => e.eventId);
const allBut = (k: number): string[] => ids(LINES.filter((_, i) => i !== k).flat());

describe('a corrupt record in the event log', () => {
  for (const [kind, bad] of [
    ['garbage', (n: number) => Buffer.from('\u0001\u00ff#}{'.repeat(n).slice(0, n), 'latin1')],
    ['zeros', (n: number) => Buffer.alloc(n)],
  ] as const) {
    it(`is quarantined beside the log, and the records after it are read (${kind})`, async () => {
      const dir = fresh();
      const { at, spoiled } = corruptLog(dir, bad);
      const seen: { file: string; segment: number; offset: number; bytes: number }[] = [];
      const { log, recovered } = await openEventLog(dir, undefined, { onQuarantine: (q) => seen.push(q) });
      expect(ids(recovered.flatMap((r) => r.events))).toEqual(allBut(2));
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ segment: 1, offset: at, bytes: spoiled.length });
      expect(readdirSync(join(dir, 'quarantine'))).toHaveLength(1);
      expect(readFileSync(seen[0]!.file)).toEqual(spoiled);
      // Appends go after the last good record, not into the corrupt one.
      const extra = [ev('v9', '2031-03-10T11:00:00Z', { eventId: 'x1' })];
      await log.append(extra);
      await log.close();

      // Set aside once: a restart reads the same events, and quarantines nothing again.
      const again: unknown[] = [];
      const reopened = await openEventLog(dir, undefined, { onQuarantine: (q) => again.push(q) });
      expect(ids(reopened.recovered.flatMap((r) => r.events))).toEqual([...allBut(2), 'x1']);
      expect(again).toEqual([]);
      expect(readdirSync(join(dir, 'quarantine'))).toHaveLength(1);
      await reopened.log.close();
    });
  }

  it('quarantines corrupt whole records at the end too, but not a torn write', async () => {
    const dir = fresh();
    mkdirSync(dir, { recursive: true });
    const good = encodeLines(LINES[0]!);
    const spoiled = Buffer.from('{"n":2,"columns":[1,2]}\n{"n":1,"col', 'latin1');
    writeFileSync(join(dir, SEGMENT), Buffer.concat([good, spoiled, Buffer.alloc(1024)]));
    const seen: unknown[] = [];
    const first = await openEventLog(dir, undefined, { onQuarantine: (q) => seen.push(q) });
    expect(ids(first.recovered.flatMap((r) => r.events))).toEqual(ids(LINES[0]!));
    expect(seen).toEqual([expect.objectContaining({ offset: good.length, bytes: spoiled.length })]);
    await first.log.append([ev('v9', '2031-03-10T11:00:00Z', { eventId: 'x1' })]);
    await first.log.close();
    const again: unknown[] = [];
    const reopened = await openEventLog(dir, undefined, { onQuarantine: (q) => again.push(q) });
    expect(ids(reopened.recovered.flatMap((r) => r.events))).toEqual([...ids(LINES[0]!), 'x1']);
    expect(again).toEqual([]);
    await reopened.log.close();
    // A half-written last line (its newline never written) was a torn write: zeroed, not quarantined.
    const torn = fresh();
    writeFileSync(
      join(torn, SEGMENT),
      Buffer.concat([good, encodeLines(LINES[1]!).subarray(0, 30), Buffer.alloc(64)]),
    );
    const none: unknown[] = [];
    const t = await openEventLog(torn, undefined, { onQuarantine: (q) => none.push(q) });
    expect(ids(t.recovered.flatMap((r) => r.events))).toEqual(ids(LINES[0]!));
    expect(none).toEqual([]);
    await t.log.close();
  });

  it('keeps the site online: the server starts, stores the events around it, counts it, and reads work', async () => {
    const dir = fresh();
    corruptLog(join(dir, 'sites', 'shop.log'), (n) => Buffer.from('x'.repeat(n)));
    const t = await startTestServer({}, dir, { now: () => Date.UTC(2031, 2, 10, 12) });
    // A read waits for the site to open (it opens within a second of being added).
    const overview = await t.app.inject({ url: '/api/v1/overview?site=shop', headers: t.auth(t.admin) });
    expect(overview.statusCode).toBe(200);
    await t.settle();
    const after = await t.app.inject({ url: '/api/v1/overview?site=shop', headers: t.auth(t.admin) });
    expect(after.json().metrics.events.value).toBe(8);
    const health = await t.app.inject({ url: '/healthz' });
    expect(health.statusCode).toBe(200);
    const metrics = await t.app.inject({ url: '/metrics', headers: t.auth(t.admin) });
    expect(metrics.body).toMatch(/^stint_log_records_quarantined_total\{site="shop"\} 1$/m);
    const quarantine = join(dir, 'sites', 'shop.log', 'quarantine');
    expect(existsSync(quarantine) && readdirSync(quarantine).length).toBe(1);
  });
});
