import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareInputs, expandInputs, segmentRegex } from '../../src/io/glob.ts';

const root = mkdtempSync(join(tmpdir(), 'stint-io-glob-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(() => {
  const files = [
    'logs/access.log',
    'logs/access.log.1',
    'logs/access.log.2.gz',
    'logs/access.log.10.gz',
    'logs/error.log',
    'data/top.csv.gz',
    'data/a/day-10.csv.gz',
    'data/a/day-2.csv.gz',
    'data/a/notes.txt',
    'data/b/deep/x.csv.gz',
    'data/.hidden.csv.gz',
    'data/.cache/y.csv.gz',
    'single.csv',
  ];
  for (const f of files) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), '');
  }
});

describe('expandInputs', () => {
  it('orders rotated logs oldest first', () => {
    expect(expandInputs(['logs/access.log*'], root)).toEqual([
      'logs/access.log.10.gz',
      'logs/access.log.2.gz',
      'logs/access.log.1',
      'logs/access.log',
    ]);
  });

  it('matches ** at any depth (none included), skipping dotfiles, in natural order', () => {
    expect(expandInputs(['data/**/*.csv.gz'], root)).toEqual([
      'data/top.csv.gz',
      'data/a/day-2.csv.gz',
      'data/a/day-10.csv.gz',
      'data/b/deep/x.csv.gz',
    ]);
    expect(expandInputs(['data/.*.csv.gz'], root)).toEqual(['data/.hidden.csv.gz']);
  });

  it('supports ? and [...] and absolute patterns, and de-duplicates', () => {
    expect(expandInputs(['data/a/day-?.csv.gz'], root)).toEqual(['data/a/day-2.csv.gz']);
    expect(expandInputs(['logs/[ae]*.log'], root)).toEqual(['logs/access.log', 'logs/error.log']);
    expect(expandInputs([join(root, 'logs', '*.log')], '/')).toEqual([
      join(root, 'logs/access.log'),
      join(root, 'logs/error.log'),
    ]);
    expect(expandInputs(['single.csv', 'single.*', '-'], root)).toEqual(['-', 'single.csv']);
  });

  it('fails with STINT_NO_INPUT on a pattern matching nothing, a missing path, a directory', () => {
    expect(() => expandInputs(['logs/*.parquet'], root)).toThrow(
      /No file matches the pattern logs\/\*\.parquet/,
    );
    expect(() => expandInputs(['nope.csv'], root)).toThrow(
      expect.objectContaining({ code: 'STINT_NO_INPUT' }),
    );
    expect(() => expandInputs(['nope.csv'], root)).toThrow(/Input file not found: nope.csv/);
    expect(() => expandInputs(['data'], root)).toThrow(/data is a directory/);
  });
});

describe('helpers', () => {
  it('segmentRegex never crosses a slash and escapes regex characters', () => {
    expect(segmentRegex('a.*').test('a.log')).toBe(true);
    expect(segmentRegex('a.*').test('abc')).toBe(false);
    expect(segmentRegex('x[!0-9]').test('x1')).toBe(false);
    expect(segmentRegex('(a)+').test('(a)+')).toBe(true);
  });

  it('compareInputs sorts dated rotations by date before the live file', () => {
    const names = ['a/access.log', 'a/access.log-20240102.gz', 'a/access.log-20240101.gz', 'a/b.log'];
    expect([...names].sort(compareInputs)).toEqual([
      'a/access.log-20240101.gz',
      'a/access.log-20240102.gz',
      'a/access.log',
      'a/b.log',
    ]);
  });
});
