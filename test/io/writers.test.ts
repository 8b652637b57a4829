import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readDelimited } from '../../src/io/csv.ts';
import { readNdjson } from '../../src/io/ndjson.ts';
import type { RawRecord } from '../../src/io/record.ts';
import { createCsvWriter, csvField } from '../../src/io/write-csv.ts';
import { createNdjsonWriter } from '../../src/io/write-ndjson.ts';
import { createRejectsWriter } from '../../src/io/write-rejects.ts';

const dir = mkdtempSync(join(tmpdir(), 'stint-io-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stream that takes its time (tiny buffer, async writes), to exercise backpressure. */
function slowSink(): { stream: Writable; text: () => string; waits: () => number } {
  const parts: string[] = [];
  let waits = 0;
  const stream = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _enc, done) {
      parts.push(chunk.toString());
      setImmediate(done);
    },
  });
  stream.on('drain', () => waits++);
  return { stream, text: () => parts.join(''), waits: () => waits };
}

describe('createCsvWriter', () => {
  it('quotes per RFC 4180 and writes values plainly', async () => {
    const sink = slowSink();
    const csv = createCsvWriter(sink.stream, ['a', 'b,c', 'd']);
    await csv.write(['plain', 'say "hi", ok', 'two\nlines']);
    await csv.write([1.5, true, null]);
    await csv.write([undefined, false, new Date(Date.UTC(2026, 2, 8))]);
    await csv.write([10n, '', { k: 'v' }]);
    await csv.end();
    expect(sink.text()).toBe(
      'a,"b,c",d\nplain,"say ""hi"", ok","two\nlines"\n1.5,true,\n,false,2026-03-08T00:00:00.000Z\n10,,"{""k"":""v""}"\n',
    );
    expect(sink.stream.writableFinished).toBe(true);
    expect(csvField('cr\ronly')).toBe('"cr\ronly"');
  });

  it('waits for a full stream and keeps every row in order', async () => {
    const sink = slowSink();
    const csv = createCsvWriter(sink.stream, ['i', 'text']);
    for (let i = 0; i < 50_000; i++) await csv.write([i, `row ${i}`]);
    await csv.end();
    const lines = sink.text().trimEnd().split('\n');
    expect(lines.length).toBe(50_001);
    expect(lines[50_000]).toBe('49999,row 49999');
    expect(sink.waits()).toBeGreaterThan(0);
  });

  it('writes what readDelimited reads back unchanged (property, seed 7)', async () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', ' ', 'é', ';') });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(field, field, field), { minLength: 1, maxLength: 20 }),
        async (rows) => {
          const path = join(dir, `rt-${n++}.csv`);
          const csv = createCsvWriter(createWriteStream(path), ['x', 'y', 'z'], { text: 'raw' });
          for (const row of rows) await csv.write(row);
          await csv.end();
          const back: RawRecord[] = [];
          for await (const b of readDelimited(path, { delimiter: ',' })) {
            expect(b.rejects).toEqual([]);
            back.push(...b.records);
          }
          const expected = rows.map(([x, y, z]) => ({ x, y, z }));
          // A lone \r inside a field is data; \r\n inside quotes reads back as \n (lines are split on \n, CR dropped).
          const normalise = (r: RawRecord) =>
            Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v).replaceAll('\r\n', '\n')]));
          expect(back.map(normalise)).toEqual(expected.map(normalise));
        },
      ),
      { seed: 7, numRuns: 60 },
    );
  });
});

describe('createNdjsonWriter', () => {
  it('writes one object a line, bigints as numbers when exact', async () => {
    const path = join(dir, 'out.ndjson');
    const out = createNdjsonWriter(createWriteStream(path));
    await out.write({ id: 's1', events: 3, ok: true, gone: undefined });
    await out.write({ big: 9007199254740993n, small: 5n });
    await out.end();
    expect(readFileSync(path, 'utf8')).toBe(
      '{"id":"s1","events":3,"ok":true}\n{"big":"9007199254740993","small":5}\n',
    );
    const back: RawRecord[] = [];
    for await (const b of readNdjson(path)) back.push(...b.records);
    expect(back[0]).toEqual({ id: 's1', events: 3, ok: true });
  });
});

describe('createRejectsWriter', () => {
  it('writes file,line,reason,detail,raw', async () => {
    const sink = slowSink();
    const rejects = createRejectsWriter(sink.stream);
    await rejects.write('in/events.csv', { line: 3, reason: 'broken_quoting', raw: 'd,"e,f', detail: 'x' });
    await rejects.write('in/events.csv', { line: 9, reason: 'cut_line', raw: '4,5' });
    await rejects.end();
    expect(sink.text()).toBe(
      'file,line,reason,detail,raw\nin/events.csv,3,broken_quoting,x,"d,""e,f"\nin/events.csv,9,cut_line,,"4,5"\n',
    );
  });
});
