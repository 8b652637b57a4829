import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readDelimited } from '../../src/io/csv.ts';
import { parseCsvLine } from '../../src/io/csv-record.ts';
import type { ReadReject } from '../../src/io/record.ts';
import { DATA } from '../helpers/cli.ts';
import { collect, fixtureDir } from '../helpers/io.ts';

const fixture = fixtureDir('stint-io-csv-');

const brief = (rejects: ReadReject[]) => rejects.map((r) => [r.line, r.reason]);

describe('parseCsvLine', () => {
  it('splits quoted fields, escaped quotes and a trailing empty field', () => {
    expect(parseCsvLine('a,"b ""c"", d",', ',')).toEqual({ kind: 'done', fields: ['a', 'b "c", d', ''] });
    expect(parseCsvLine('"",x', ',')).toEqual({ kind: 'done', fields: ['', 'x'] });
  });

  it('resumes a quoted field on the next line', () => {
    const first = parseCsvLine('1,"multi', ',');
    expect(first.kind).toBe('open');
    if (first.kind !== 'open') return;
    expect(parseCsvLine('line",2', ',', first.state)).toEqual({
      kind: 'done',
      fields: ['1', 'multi\nline', '2'],
    });
  });

  it('calls stray quotes errors', () => {
    expect(parseCsvLine('a,b"c', ',')).toEqual({ kind: 'error', detail: 'quote inside unquoted field 2' });
    expect(parseCsvLine('"a"b,c', ',').kind).toBe('error');
  });
});

describe('readDelimited on real files', () => {
  it('reads REES46 (17,433 rows) in batches of 8192 with file line numbers', async () => {
    const r = await collect(
      readDelimited(`${DATA}/rees46_multicategory_2019-Oct_head.csv`, { delimiter: ',' }),
    );
    expect(r.records.length).toBe(17_433);
    expect(r.rejects).toEqual([]);
    expect(r.sizes).toEqual([8192, 8192, 1049]);
    expect(r.lines[0]).toBe(2);
    expect(r.lines.at(-1)).toBe(17_434);
    expect(r.records[0]).toEqual({
      event_time: '2019-10-01 00:00:00 UTC',
      event_type: 'view',
      product_id: '44600062',
      category_id: '2103807459595387724',
      category_code: '',
      brand: 'shiseido',
      price: '35.79',
      user_id: '541312140',
      user_session: '72d76fde-8bb3-4e00-8c23-a032dfed738c',
    });
  });

  it('reads the YOOCHOOSE TSV (83,846 rows)', async () => {
    const r = await collect(
      readDelimited(`${DATA}/yoochoose_rsc15_100k_sessionrec.tsv`, { delimiter: '\t' }),
    );
    expect(r.records.length).toBe(83_846);
    expect(r.rejects).toEqual([]);
    expect(r.records[0]).toEqual({ SessionId: '3', ItemId: '214716935', Time: '1396437466.94' });
    expect(r.lines.at(-1)).toBe(83_847);
  });

  it('reads EDGAR (1,999 rows), sniffing the delimiter', async () => {
    const r = await collect(readDelimited(`${DATA}/edgar/edgar_log20170630_head2000.csv`));
    expect(r.records.length).toBe(1999);
    expect(r.records[0]!.ip).toBe('101.81.133.jja');
    expect(r.records[0]!.browser).toBe('');
  });

  it('reads the Snowplow fixture with quoted fields (161 rows, 135 columns)', async () => {
    const r = await collect(readDelimited(`${DATA}/edge_cases/snowplow_dbt_web_integration_events.csv`));
    expect(r.records.length).toBe(161);
    expect(r.rejects).toEqual([]);
    expect(Object.keys(r.records[0]!).length).toBe(135);
    expect(r.lines).toEqual(Array.from({ length: 161 }, (_, i) => i + 2));
    expect(r.records[1]!.page_title).toBe(
      'Collect, manage and operationalize behavioral data at scale | Snowplow',
    );
    expect(r.records[0]!.useragent).toContain('(KHTML, like Gecko) Version/14.0.3');
  });

  it('reads a gzip of a CSV the same as the CSV', async () => {
    const path = fixture(
      'rees.csv.gz',
      gzipSync(readFileSync(`${DATA}/rees46_multicategory_2019-Oct_head.csv`)),
    );
    const r = await collect(readDelimited(path, { delimiter: ',' }));
    expect(r.records.length).toBe(17_433);
    expect(r.lines.at(-1)).toBe(17_434);
    expect(r.bytesRead).toBeGreaterThan(0);
  });
});

describe('readDelimited on many quoted multi-line records', () => {
  it('keeps records whole across read chunks and numbers them by their first line', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => [
      String(i),
      `note ${i}\nsecond "line" ${'x'.repeat(i % 90)}`,
    ]);
    const body = rows.map(([id, note]) => `${id},"${note!.replaceAll('"', '""')}"`).join('\n');
    const r = await collect(readDelimited(fixture('multi.csv', `id,note\n${body}\n`), { delimiter: ',' }));
    expect(r.rejects).toEqual([]);
    expect(r.records.length).toBe(30_000);
    expect(r.records.every((rec, i) => rec.id === rows[i]![0] && rec.note === rows[i]![1])).toBe(true);
    expect(r.lines.every((line, i) => line === 2 + 2 * i)).toBe(true);
  });
});

describe('readDelimited on bad rows', () => {
  it('rejects broken quoting with its line number and loses no good row after it', async () => {
    const path = fixture(
      'broken.csv',
      [
        'h1,h2,h3', // 1
        'a,b,c', // 2
        'd,"e,f', // 3 quote never closed
        'g,h,i', // 4
        'j,"k ""q""",l', // 5
        'm,n"o,p', // 6 quote inside an unquoted field
        'q,"r"x,s', // 7 text after the closing quote
        't,"multi', // 8 ┐ one record
        'line",u', // 9 ┘
        'v,w', // 10 too few fields
        'x,y,z,extra', // 11 too many
        '', // 12 blank
        '1,2,3', // 13
        '',
      ].join('\n'),
    );
    const r = await collect(readDelimited(path, { delimiter: ',' }));
    expect(r.lines).toEqual([2, 4, 5, 8, 13]);
    expect(r.records[2]).toEqual({ h1: 'j', h2: 'k "q"', h3: 'l' });
    expect(r.records[3]).toEqual({ h1: 't', h2: 'multi\nline', h3: 'u' });
    expect(brief(r.rejects)).toEqual([
      [3, 'broken_quoting'],
      [6, 'broken_quoting'],
      [7, 'broken_quoting'],
      [10, 'unparseable'],
      [11, 'unparseable'],
    ]);
    expect(r.rejects[0]!.raw).toBe('d,"e,f');
    expect(r.rejects[3]!.detail).toBe('2 fields, the header has 3');
  });

  it('rejects a quote left open to the end of a complete file, and re-reads the lines after it', async () => {
    const r = await collect(readDelimited(fixture('open.csv', 'a,b\n1,2\n3,"x\n4,5\n'), { delimiter: ',' }));
    expect(r.lines).toEqual([2, 4]);
    expect(brief(r.rejects)).toEqual([[3, 'broken_quoting']]);
  });

  it('reports a file cut mid-line as cut_line', async () => {
    const inQuotes = await collect(readDelimited(fixture('cut1.csv', 'a,b\n1,2\n3,"x'), { delimiter: ',' }));
    expect(inQuotes.lines).toEqual([2]);
    expect(brief(inQuotes.rejects)).toEqual([[3, 'cut_line']]);
    const shortRow = await collect(
      readDelimited(fixture('cut2.csv', 'a,b,c\n1,2,3\n4,5'), { delimiter: ',' }),
    );
    expect(brief(shortRow.rejects)).toEqual([[3, 'cut_line']]);
    const complete = await collect(readDelimited(fixture('nonl.csv', 'a,b\n1,2\n3,4'), { delimiter: ',' }));
    expect(complete.lines).toEqual([2, 3]);
    expect(complete.rejects).toEqual([]);
  });

  it('rejects invalid UTF-8 rows as invalid_utf8', async () => {
    const bytes = Buffer.concat([
      Buffer.from('a,b\n1,2\n3,'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('\n5,6\n'),
    ]);
    const r = await collect(readDelimited(fixture('utf8.csv', bytes), { delimiter: ',' }));
    expect(r.lines).toEqual([2, 4]);
    expect(brief(r.rejects)).toEqual([[3, 'invalid_utf8']]);
  });

  it('yields nothing for an empty or header-only file', async () => {
    for (const content of ['', 'a,b,c', 'a,b,c\n', '\n\n']) {
      const r = await collect(readDelimited(fixture('empty.csv', content), { delimiter: ',' }));
      expect(r.records).toEqual([]);
      expect(r.rejects).toEqual([]);
    }
  });

  it('handles a BOM, CRLF, `;` as delimiter, and repeated or empty column names', async () => {
    const r = await collect(readDelimited(fixture('semi.csv', '\uFEFFts;id;;id\r\n1;"a;b";x;y\r\n')));
    expect(r.records).toEqual([{ ts: '1', id: 'a;b', column_3: 'x', id_2: 'y' }]);
  });
});
