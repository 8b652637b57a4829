import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readJsonArray } from '../../src/io/json-array.ts';
import { collect, fixtureDir } from '../helpers/io.ts';

const fixture = fixtureDir('stint-io-json-');

describe('readJsonArray', () => {
  it('numbers records by element index + 1 and rejects non-objects', async () => {
    const r = await collect(readJsonArray(fixture('a.json', '[\n {"ts": 1},\n 7,\n null,\n {"ts": 2}\n]\n')));
    expect(r.records).toEqual([{ ts: 1 }, { ts: 2 }]);
    expect(r.lines).toEqual([1, 4]);
    expect(r.rejects.map((x) => [x.line, x.reason, x.raw])).toEqual([
      [2, 'not_an_object', '7'],
      [3, 'not_an_object', 'null'],
    ]);
  });

  it('accepts {"events": [...]} and gzip', async () => {
    const doc = JSON.stringify({ meta: { v: 1 }, events: [{ ts: 1 }, { ts: 2 }], other: [1] });
    const r = await collect(readJsonArray(fixture('wrapped.json.gz', gzipSync(doc))));
    expect(r.records).toEqual([{ ts: 1 }, { ts: 2 }]);
  });

  it('batches large arrays', async () => {
    const items = Array.from({ length: 20_000 }, (_, i) => ({ i }));
    const sizes: number[] = [];
    for await (const b of readJsonArray(fixture('big.json', JSON.stringify(items))))
      sizes.push(b.records.length);
    expect(sizes).toEqual([8192, 8192, 3616]);
  });

  it('yields nothing for an empty file or array', async () => {
    expect((await collect(readJsonArray(fixture('empty.json', '')))).records).toEqual([]);
    expect((await collect(readJsonArray(fixture('empty2.json', '[]')))).records).toEqual([]);
  });

  it('fails the file with STINT_UNREADABLE when it is not one JSON document of objects', async () => {
    await expect(collect(readJsonArray(fixture('bad.json', '[{"ts": 1},')))).rejects.toMatchObject({
      code: 'STINT_UNREADABLE',
    });
    await expect(collect(readJsonArray(fixture('nd.json', '{"a":1}\n{"a":2}\n')))).rejects.toMatchObject({
      code: 'STINT_UNREADABLE',
      hint: expect.stringContaining('ndjson'),
    });
    await expect(collect(readJsonArray(fixture('num.json', '42')))).rejects.toMatchObject({
      code: 'STINT_UNREADABLE',
    });
  });
});
