import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readParquet, writeParquet } from '../../src/io/parquet.ts';
import { collect } from '../helpers/io.ts';

const dir = mkdtempSync(join(tmpdir(), 'stint-io-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function duck(sql: string, values: string[] = []): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql, values)).getRowsJS();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const typed = join(dir, "typed 'quoted'.parquet");
const big = join(dir, 'big.parquet');

beforeAll(async () => {
  await duck(
    `COPY (SELECT * FROM (VALUES
        (TIMESTAMP '2024-01-02 03:04:05.678', TIMESTAMPTZ '2024-01-02 03:04:05.678+02:00', DATE '2024-01-02',
         9007199254740993::BIGINT, 5::BIGINT, 1.25::DECIMAL(10,2), 0.5::DOUBLE, 'u1', ['a','b'], true,
         '2024-01-02 03:04:05.678'::TIMESTAMP_MS),
        (NULL, NULL, NULL, NULL, -7::BIGINT, NULL, NULL, NULL, NULL, NULL, NULL)
      ) t(ts, tstz, d, big, small, dec, dbl, "user id", tags, flag, tsms)) TO $1 (FORMAT parquet)`,
    [typed],
  );
  await duck(`COPY (SELECT i AS n, 'u' || (i % 7) AS uid FROM range(20000) r(i)) TO $1 (FORMAT parquet)`, [
    big,
  ]);
});

describe('readParquet', () => {
  it('turns native timestamps and dates into Dates, BIGINT into numbers', async () => {
    const r = await collect(readParquet(typed));
    expect(r.lines).toEqual([1, 2]);
    expect(r.records[0]).toEqual({
      ts: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)),
      tstz: new Date(Date.UTC(2024, 0, 2, 1, 4, 5, 678)),
      d: new Date(Date.UTC(2024, 0, 2)),
      big: '9007199254740993',
      small: 5,
      dec: 1.25,
      dbl: 0.5,
      'user id': 'u1',
      tags: '[a, b]',
      flag: true,
      tsms: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)),
    });
    expect(r.records[1]).toMatchObject({ ts: null, tstz: null, d: null, small: -7, 'user id': null });
  });

  it('streams in batches with contiguous row numbers and ends at the file size', async () => {
    const r = await collect(readParquet(big));
    expect(r.sizes).toEqual([8192, 8192, 3616]);
    expect(r.lines.every((line, i) => line === i + 1)).toBe(true);
    expect(r.records[19_999]).toEqual({ n: 19_999, uid: 'u0' });
    expect(r.bytesRead).toBe(statSync(big).size);
  });

  it('reads a gzip of a Parquet file', async () => {
    const gz = join(dir, 'big.parquet.gz');
    writeFileSync(gz, gzipSync(readFileSync(big)));
    expect((await collect(readParquet(gz))).records.length).toBe(20_000);
  });

  it('fails with STINT_UNREADABLE on a file that is not Parquet', async () => {
    const bad = join(dir, 'bad.parquet');
    writeFileSync(bad, 'a,b\n1,2\n');
    await expect(collect(readParquet(bad))).rejects.toMatchObject({ code: 'STINT_UNREADABLE' });
  });
});

describe('writeParquet', () => {
  const columns = [
    { name: 'ts', type: 'TIMESTAMP_MS' },
    { name: 'id', type: 'BIGINT' },
    { name: 'v', type: 'DOUBLE' },
    { name: 'n', type: 'INTEGER' },
    { name: 'ok', type: 'BOOLEAN' },
    { name: 'say "text"', type: 'VARCHAR' },
  ] as const;

  it('round-trips every type, NULL vs empty string, and awkward text', async () => {
    const out = join(dir, 'out.parquet');
    const rows = [
      [1704164645678, 9007199254740993n, 1.5, 3, true, 'a,b "c"\nd'],
      [new Date(0), '12', -0.25, null, 'false', ''],
      ['2024-01-02T00:00:00Z', -3, 1e21, -7, null, null],
      [null, null, null, null, false, ' spaced ünï😀 '],
    ];
    expect(await writeParquet(out, columns, rows)).toBe(4);
    const r = await collect(readParquet(out));
    expect(r.records).toEqual([
      {
        ts: new Date(1704164645678),
        id: '9007199254740993',
        v: 1.5,
        n: 3,
        ok: true,
        'say "text"': 'a,b "c"\nd',
      },
      { ts: new Date(0), id: 12, v: -0.25, n: null, ok: false, 'say "text"': '' },
      { ts: new Date(Date.UTC(2024, 0, 2)), id: -3, v: 1e21, n: -7, ok: null, 'say "text"': null },
      { ts: null, id: null, v: null, n: null, ok: false, 'say "text"': ' spaced ünï😀 ' },
    ]);
    const types = await duck('SELECT name, type, logical_type FROM parquet_schema($1) WHERE name = $2', [
      out,
      'ts',
    ]);
    expect(String(types[0]?.[2])).toMatch(/MILLIS/);
  });

  it('takes rows as an async iterable of batches', async () => {
    const out = join(dir, 'stream.parquet');
    async function* batches() {
      for (let b = 0; b < 3; b++) yield Array.from({ length: 1000 }, (_, i) => [b * 1000 + i, `u${i}`]);
    }
    const n = await writeParquet(
      out,
      [
        { name: 'ts', type: 'TIMESTAMP_MS' },
        { name: 'u', type: 'VARCHAR' },
      ],
      batches(),
    );
    expect(n).toBe(3000);
    expect(await duck('SELECT count(*), max(epoch_ms(ts)) FROM read_parquet($1)', [out])).toEqual([
      [3000n, 2999n],
    ]);
  });

  it('names the row and column of a value it cannot write', async () => {
    await expect(
      writeParquet(join(dir, 'x.parquet'), columns, [[1, 2, 'abc', 1, true, 'x']]),
    ).rejects.toThrow(/row 1, column "v"/);
  });
});
