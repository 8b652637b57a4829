/**
 * CSV formula injection: visitor-sent text that a spreadsheet would run (starting with = + - @,
 * a tab or a carriage return) is written to every CSV the CLI writes with a leading `'`;
 * numbers stay numbers; `--raw-csv` writes the text as it is.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { stint, tempDir } from '../helpers/cli.ts';

type Row = Record<string, string>;

const readCsv = (path: string): Row[] => parse(readFileSync(path), { columns: true }) as Row[];

function hostileEvents(dir: string): string {
  const path = join(dir, 'events.csv');
  writeFileSync(
    path,
    [
      'timestamp,anonymous_id,event,url,referrer,utm_source,utm_campaign,value',
      '2026-10-01T10:00:00Z,=1+1,pageview,https://shop.example/,"=HYPERLINK(""http://evil"")",+SUM(1),@SUM(A1),-5',
      '2026-10-01T10:01:00Z,=1+1,-2+3,/cart,,,,',
      '2026-10-01T11:00:00Z,visitor,pageview,/,"\tTAB",-cmd,"\rCR",2',
    ].join('\n'),
  );
  return path;
}

describe('CSV outputs neutralize formulas', () => {
  it('sessions CSV: text fields get a leading quote, numbers do not', () => {
    const dir = tempDir();
    const out = join(dir, 'sessions.csv');
    const r = stint(['sessionize', hostileEvents(dir), '-o', out, '-q']);
    expect(r.code).toBe(0);
    const rows = readCsv(out);
    const hostile = rows.find((s) => s.anonymous_id === "'=1+1")!;
    expect(hostile).toBeDefined();
    expect(hostile.identity).toBe("'=1+1");
    expect(hostile.referrer).toBe(`'=HYPERLINK("http://evil")`);
    expect(hostile.source).toBe("'+SUM(1)");
    expect(hostile.campaign).toBe("'@SUM(A1)");
    expect(hostile.value).toBe('-5');
    const other = rows.find((s) => s.anonymous_id === 'visitor')!;
    expect(other.referrer).toBe("'\tTAB");
    expect(other.source).toBe("'-cmd");
    expect(other.campaign).toBe("'\rCR");
    // Nothing left that a spreadsheet would run.
    for (const row of rows) for (const v of Object.values(row)) expect(v).not.toMatch(/^[=+@\t\r]/);
  });

  it('--raw-csv writes the text as it is', () => {
    const dir = tempDir();
    const out = join(dir, 'sessions.csv');
    expect(stint(['sessionize', hostileEvents(dir), '-o', out, '--raw-csv', '-q']).code).toBe(0);
    const hostile = readCsv(out).find((s) => s.anonymous_id === '=1+1')!;
    expect(hostile.referrer).toBe('=HYPERLINK("http://evil")');
  });

  it('the --rejects CSV of sessionize and import neutralizes the raw line', () => {
    const dir = tempDir();
    const log = join(dir, 'access.log');
    const line = (n: number) =>
      `10.0.0.${n} - - [01/Aug/1995:00:0${n}:00 -0400] "GET /p${n}.html HTTP/1.0" 200 100`;
    writeFileSync(log, [line(1), line(2), `=cmd|' /C calc'!A0`, line(3)].join('\n'));
    const rejects = join(dir, 'rejects.csv');
    expect(stint(['sessionize', log, '-o', join(dir, 's.csv'), '--rejects', rejects, '-q']).code).toBe(0);
    expect(readCsv(rejects).map((r) => r.raw)).toEqual([`'=cmd|' /C calc'!A0`]);
    const imported = join(dir, 'import-rejects.csv');
    const db = join(dir, 'x.duckdb');
    expect(stint(['import', log, '--db', db, '--rejects', imported, '-q']).code).toBe(0);
    expect(readCsv(imported).map((r) => r.raw)).toEqual([`'=cmd|' /C calc'!A0`]);
  });

  it('--raw-csv with no CSV written is refused', () => {
    const dir = tempDir();
    const r = stint(['sessionize', hostileEvents(dir), '-o', join(dir, 's.ndjson'), '--raw-csv']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--raw-csv does nothing/);
  });
});
