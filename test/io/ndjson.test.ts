import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectExplodeField, readNdjson } from '../../src/io/ndjson.ts';
import { DATA } from '../helpers/cli.ts';
import { collect, fixtureDir } from '../helpers/io.ts';

const OTTO = `${DATA}/otto_train_head.jsonl`;
const fixture = fixtureDir('stint-io-ndjson-');

describe('readNdjson', () => {
  it('explodes OTTO sessions into 862 events, keeping `session`, and says so', async () => {
    const notes: string[] = [];
    const r = await collect(readNdjson(OTTO, { onNote: (n) => notes.push(n) }));
    expect(r.records.length).toBe(862);
    expect(r.rejects).toEqual([]);
    expect(r.records[0]).toEqual({ session: 0, aid: 1517085, ts: 1659304800025, type: 'clicks' });
    expect(r.lines[0]).toBe(1);
    expect(r.lines.at(-1)).toBe(20);
    expect(new Set(r.lines).size).toBe(20);
    expect(notes.length).toBe(1);
    expect(notes[0]).toContain('"events"');
  });

  it('reads OTTO lines as they are with explode: false', async () => {
    const r = await collect(readNdjson(OTTO, { explode: false }));
    expect(r.records.length).toBe(20);
    expect(Array.isArray(r.records[0]!.events)).toBe(true);
  });

  it('rejects bad lines by reason and line number', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"ts":1,"user_id":"a"}\n'), // 1
      Buffer.from('{"ts":2,\n'), // 2 invalid json
      Buffer.from('[1,2]\n'), // 3 array
      Buffer.from('42\n'), // 4 number
      Buffer.from('   \n'), // 5 blank, skipped
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d, 0x0a]), // 6 invalid UTF-8
      Buffer.from('{"ts":7}\r\n'), // 7 CRLF
      Buffer.from('{"ts":8,"user'), // 8 cut
    ]);
    const r = await collect(readNdjson(fixture('bad.ndjson', bytes)));
    expect(r.lines).toEqual([1, 7]);
    expect(r.records[1]).toEqual({ ts: 7 });
    expect(r.rejects.map((x) => [x.line, x.reason])).toEqual([
      [2, 'invalid_json'],
      [3, 'not_an_object'],
      [4, 'not_an_object'],
      [6, 'invalid_utf8'],
      [8, 'cut_line'],
    ]);
    expect(r.rejects[1]!.detail).toBe('line is an array');
    expect(r.rejects[4]!.raw).toBe('{"ts":8,"user');
  });

  it('keeps a complete last line without newline, and reads gzip', async () => {
    const r = await collect(readNdjson(fixture('x.jsonl.gz', gzipSync('{"a":1}\n{"a":2}'))));
    expect(r.records).toEqual([{ a: 1 }, { a: 2 }]);
    expect(r.rejects).toEqual([]);
  });

  it('explodes a named field; elements that are not objects are rejected', async () => {
    const text = '{"sid":"s1","meta":{"x":1},"hits":[{"t":1},7,{"t":3,"sid":"own"}]}\n{"sid":"s2"}\n';
    const r = await collect(readNdjson(fixture('hits.ndjson', text), { explode: 'hits' }));
    expect(r.records).toEqual([
      { sid: 's1', t: 1 },
      { sid: 'own', t: 3 },
    ]);
    expect(r.rejects.map((x) => [x.line, x.reason, x.detail])).toEqual([
      [1, 'not_an_object', 'hits[1] is not an object'],
      [2, 'unparseable', 'no array field "hits"'],
    ]);
  });

  it('yields nothing for an empty file', async () => {
    expect((await collect(readNdjson(fixture('empty.ndjson', '')))).records).toEqual([]);
  });
});

describe('detectExplodeField', () => {
  it('finds the one array-of-objects field of event-less parents', () => {
    expect(
      detectExplodeField([
        { session: 0, events: [{ ts: 1 }] },
        { session: 1, events: [] },
      ]),
    ).toBe('events');
  });

  it('leaves lines alone when they carry a timestamp, differ, or have no such field', () => {
    expect(detectExplodeField([{ ts: 1, items: [{ sku: 'a' }] }])).toBeUndefined();
    expect(detectExplodeField([{ created_at: 'x', items: [{ sku: 'a' }] }])).toBeUndefined();
    expect(detectExplodeField([{ a: [{}] }, { b: [{}] }])).toBeUndefined();
    expect(detectExplodeField([{ a: [{ x: 1 }], b: [{ y: 1 }] }])).toBeUndefined();
    expect(detectExplodeField([{ tags: ['x'] }])).toBeUndefined();
    expect(detectExplodeField([{ events: [] }])).toBeUndefined();
    expect(detectExplodeField([])).toBeUndefined();
  });
});
