/**
 * readAccessLog on real logs: NASA's CLF (with 49 records broken over two lines, and repaired) and
 * elastic's combined log with bots. Counts were cross-checked by hand with grep/awk on the files.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StintError } from '../../../src/core/errors.ts';
import { type ReadAccessLogOptions, readAccessLog } from '../../../src/io/access-log/read.ts';
import type { LeftOutReason, ReadBatch, ReadReject } from '../../../src/io/record.ts';
import { DATA } from '../../helpers/cli.ts';

const NASA_BROKEN = `${DATA}/nasa_access_log_Aug95_head.log`;
const NASA = `${DATA}/nasa_access_log_Aug95_head.repaired.log`;
const ELASTIC = `${DATA}/elastic_apache_logs.log`;

function fileLines(path: string): string[] {
  return readFileSync(path).toString().split('\n');
}

async function* numbered(lines: string[]): AsyncGenerator<{ line: string; lineNo: number }> {
  for (const [i, line] of lines.entries()) yield { line, lineNo: i + 1 };
}

interface Totals {
  batches: ReadBatch[];
  records: Record<string, unknown>[];
  lines: number[];
  rejects: ReadReject[];
  leftOut: Partial<Record<LeftOutReason, number>>;
  events: Record<string, number>;
}

async function readAll(lines: string[], options: Partial<ReadAccessLogOptions> = {}): Promise<Totals> {
  const totals: Totals = { batches: [], records: [], lines: [], rejects: [], leftOut: {}, events: {} };
  const all = { keepAll: false, keepBots: false, bytesRead: () => 0, ...options };
  for await (const batch of readAccessLog(numbered(lines), all)) {
    totals.batches.push(batch);
    totals.records.push(...batch.records);
    totals.lines.push(...batch.lines);
    totals.rejects.push(...batch.rejects);
    for (const [reason, n] of Object.entries(batch.leftOut) as [LeftOutReason, number][]) {
      totals.leftOut[reason] = (totals.leftOut[reason] ?? 0) + n;
    }
  }
  for (const record of totals.records) {
    const event = String(record.event);
    totals.events[event] = (totals.events[event] ?? 0) + 1;
  }
  return totals;
}

describe('NASA, repaired (CLF)', () => {
  it('parses all 1,880 records; 666 pageviews, the rest assets and errors', async () => {
    const t = await readAll(fileLines(NASA));
    expect(t.rejects).toEqual([]);
    expect(t.records).toHaveLength(666);
    // awk on the file: 1,208 GET 2xx/3xx lines end in an asset extension; 6 are 403/404.
    expect(t.leftOut).toEqual({ asset: 1208, status: 6 });
    expect(t.records[0]).toEqual({
      timestamp: Date.parse('1995-08-01T04:00:01.000Z'),
      anonymous_id: 'in24.inetnebr.com',
      event: 'pageview',
      url: '/shuttle/missions/sts-68/news/sts-68-mcc-05.txt',
      method: 'GET',
      status: 200,
      bytes: 1839,
    });
    expect(t.lines[0]).toBe(1);
  });

  it('keeps every line as a request with keepAll', async () => {
    const t = await readAll(fileLines(NASA), { keepAll: true });
    expect(t.records).toHaveLength(1880);
    expect(t.events).toEqual({ pageview: 666, request: 1214 });
    expect(t.leftOut).toEqual({});
    expect(new Date(Number(t.records.at(-1)?.timestamp)).toISOString()).toBe('1995-08-01T05:12:24.000Z');
  });
});

describe('NASA, with records broken over two lines', () => {
  it('rejects the fragments that do not parse and reads every intact line', async () => {
    const lines = fileLines(NASA_BROKEN);
    const intact = new Set(fileLines(NASA));
    const t = await readAll(lines, { keepAll: true });
    const rejected = new Set(t.rejects.map((r) => r.line));
    const parsed = new Set(t.lines);
    expect(t.rejects.every((r) => r.reason === 'unparseable' && r.raw === lines[r.line - 1])).toBe(true);
    expect(rejected.size + parsed.size).toBe(1929);
    // 49 records are in two pieces: 98 fragments. 39 records split inside the request leave two
    // unparseable fragments; 10 split inside the host leave a head (`in24.inetnebr.`) that does
    // not parse and a tail (`com - - [01/Aug/1995:…] …`) that is a valid CLF line.
    const fragments = lines.flatMap((line, i) => (line !== '' && !intact.has(line) ? [i + 1] : []));
    expect(fragments).toHaveLength(98);
    expect(t.rejects).toHaveLength(88);
    expect([...rejected].every((n) => fragments.includes(n))).toBe(true);
    const validTails = fragments.filter((n) => parsed.has(n));
    expect(validTails).toHaveLength(10);
    expect(validTails.every((n) => rejected.has(n - 1))).toBe(true);
    expect(lines.every((line, i) => line === '' || !intact.has(line) || parsed.has(i + 1))).toBe(true);
    expect(t.rejects.slice(0, 2).map((r) => r.line)).toEqual([38, 39]);
  });
});

describe('elastic apache_logs (combined, with bots)', () => {
  it('leaves out bots first, then methods, statuses and assets', async () => {
    const t = await readAll(fileLines(ELASTIC));
    expect(t.records).toHaveLength(1852);
    expect(t.leftOut).toEqual({ bot: 2819, asset: 5193, status: 106, method: 29 });
    // The file's last line is cut inside the user agent.
    expect(t.rejects.map((r) => r.line)).toEqual([8899]);
    expect(t.records[0]?.anonymous_id).toMatch(/^\d+\.\d+\.\d+\.\d+\|Mozilla\//);
  });

  it('with keepBots matches awk: 48 non-GET, 208 errors, 5,348 assets, 4,395 pages', async () => {
    const t = await readAll(fileLines(ELASTIC), { keepBots: true });
    expect(t.leftOut).toEqual({ asset: 5348, status: 208, method: 48 });
    expect(t.records).toHaveLength(4395);
  });

  it('keeps all 9,999 readable lines with keepAll and keepBots', async () => {
    const t = await readAll(fileLines(ELASTIC), { keepAll: true, keepBots: true });
    expect(t.events).toEqual({ pageview: 4395, request: 5604 });
    const googlebot = t.records.filter((r) => String(r.user_agent).includes('Googlebot/2.1'));
    expect(googlebot.length).toBeGreaterThan(0);
  });
});

describe('readAccessLog', () => {
  it('fails clearly when no format fits, naming the formats and --input-format', async () => {
    const garbage = ['user_id,timestamp,url', 'u1,2024-01-01T00:00:00Z,/a', 'u2,2024-01-01T00:01:00Z,/b'];
    const run = readAll(garbage);
    await expect(run).rejects.toBeInstanceOf(StintError);
    await expect(run).rejects.toMatchObject({ code: 'STINT_UNKNOWN_FORMAT' });
    await expect(run).rejects.toThrow(/clf, combined.*w3c.*--input-format/s);
  });

  it('closes its source when detection fails', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<{ line: string; lineNo: number }> {
      try {
        yield* numbered(Array.from({ length: 100 }, () => 'garbage'));
      } finally {
        closed = true;
      }
    }
    const run = readAccessLog(source(), { keepAll: false, keepBots: false, bytesRead: () => 0 });
    await expect(run.next()).rejects.toThrow(/--input-format/);
    expect(closed).toBe(true);
  });

  it('with a given format, rejects every line that does not fit it', async () => {
    const t = await readAll(fileLines(NASA).slice(0, 10), { format: 'combined' });
    expect(t.rejects).toHaveLength(10);
    expect(t.rejects[0]).toMatchObject({ line: 1, reason: 'unparseable', detail: 'not a combined line' });
  });

  it('detects from the first 50 non-empty lines, then rejects later garbage', async () => {
    const lines = ['', ...fileLines(NASA).slice(0, 60), 'garbage', '', '# a comment'];
    const t = await readAll(lines, { keepAll: true });
    expect(t.records).toHaveLength(60);
    expect(t.rejects.map((r) => r.line)).toEqual([62]);
    expect(t.lines.slice(0, 2)).toEqual([2, 3]);
  });

  it('yields batches of at most 8,192 records, in order, with bytesRead', async () => {
    const nasa = fileLines(NASA).filter((line) => line !== '');
    const lines = Array.from({ length: 20_000 }, (_, i) => nasa[i % nasa.length] ?? '');
    let bytes = 0;
    const t = await readAll(lines, { keepAll: true, bytesRead: () => (bytes += 100) });
    expect(t.batches.map((b) => b.records.length)).toEqual([8192, 8192, 3616]);
    expect(t.lines).toEqual(lines.map((_, i) => i + 1));
    expect(t.batches.map((b) => b.bytesRead)).toEqual([100, 200, 300]);
  });

  it('gives one empty batch for an empty input', async () => {
    const t = await readAll(['', '']);
    expect(t.batches).toHaveLength(1);
    expect(t.records).toEqual([]);
  });

  it('stops reading its source when the consumer stops', async () => {
    let closed = false;
    const page = fileLines(NASA)[0] ?? '';
    async function* source(): AsyncGenerator<{ line: string; lineNo: number }> {
      try {
        yield* numbered(Array.from({ length: 20_000 }, () => page));
      } finally {
        closed = true;
      }
    }
    for await (const batch of readAccessLog(source(), {
      keepAll: false,
      keepBots: false,
      bytesRead: () => 0,
    })) {
      expect(batch.records.length).toBe(8192);
      break;
    }
    expect(closed).toBe(true);
  });
});
