import { statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openLines, readLines, type TextLine } from '../../src/io/lines.ts';
import { fixtureDir } from '../helpers/io.ts';

const fixture = fixtureDir('stint-io-lines-');

async function all(path: string): Promise<TextLine[]> {
  const out: TextLine[] = [];
  for await (const line of readLines(path)) out.push(line);
  return out;
}

describe('readLines', () => {
  it('strips a BOM and CR, numbers lines from 1 and marks a last line without newline', async () => {
    const path = fixture('crlf.txt', '\uFEFFa,b\r\n\r\nc,d\r\ne');
    const reader = openLines(path);
    const lines: TextLine[] = [];
    for await (const l of reader.lines()) lines.push(l);
    expect(lines.map((l) => [l.lineNo, l.line, l.unterminated])).toEqual([
      [1, 'a,b', false],
      [2, '', false],
      [3, 'c,d', false],
      [4, 'e', true],
    ]);
    expect(reader.cutLine()).toEqual({ lineNo: 4, raw: 'e' });
    expect(reader.bytesRead()).toBe(statSync(path).size);
  });

  it('has no cut line when the file ends with a newline, and no line at all when empty', async () => {
    const reader = openLines(fixture('ok.txt', 'x\ny\n'));
    for await (const _ of reader.batches()) {
      // drain
    }
    expect(reader.cutLine()).toBeUndefined();
    expect(await all(fixture('empty.txt', ''))).toEqual([]);
  });

  it('flags invalid UTF-8 per line and keeps the other lines intact', async () => {
    const bytes = Buffer.concat([
      Buffer.from('ok 1\n'),
      Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0x0a]),
      Buffer.from('caf\u00e9 ok\n'),
      Buffer.from([0xc3, 0x28, 0x0a]),
    ]);
    const lines = await all(fixture('bad-utf8.txt', bytes));
    expect(lines.map((l) => [l.lineNo, l.invalidUtf8])).toEqual([
      [1, false],
      [2, true],
      [3, false],
      [4, true],
    ]);
    expect(lines[2]!.line).toBe('café ok');
    expect(lines[1]!.line).toBe('bad\uFFFD\uFFFD');
  });

  it('reads gzip by its magic bytes, whatever the name, and counts compressed bytes', async () => {
    const path = fixture('looks-plain.txt', gzipSync('h\n1\n2\n'));
    const reader = openLines(path);
    const lines: string[] = [];
    for await (const l of reader.lines()) lines.push(l.line);
    expect(lines).toEqual(['h', '1', '2']);
    expect(reader.bytesRead()).toBe(statSync(path).size);
  });

  it('treats a truncated gzip as a file cut mid-line', async () => {
    const text = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`).join('\n');
    const packed = gzipSync(text);
    const lines = await all(fixture('cut.gz', packed.subarray(0, Math.floor(packed.length / 2))));
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.length).toBeLessThan(5000);
    expect(lines.at(-1)!.unterminated).toBe(true);
    expect(lines.slice(0, -1).every((l, i) => l.line === `line ${i} ${'x'.repeat(i % 50)}`)).toBe(true);
  });

  it('splits lines that cross read chunks exactly as String.split does', async () => {
    const rows = Array.from(
      { length: 60_000 },
      (_, i) => `${i},${'é'.repeat(i % 37)},${'z'.repeat((i * 7) % 101)}`,
    );
    const lines = await all(fixture('big.csv', `${rows.join('\n')}\n`));
    expect(lines.length).toBe(rows.length);
    expect(lines.every((l, i) => l.line === rows[i] && l.lineNo === i + 1 && !l.invalidUtf8)).toBe(true);
  });
});
