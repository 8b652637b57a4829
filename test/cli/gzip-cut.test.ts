/**
 * A gzip input whose data ends early (a cut download, a log still being written) is read up to
 * the cut, and the run says so: a note in the summary and in --json, for sessionize and import.
 * A whole gzip file gets no note.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { stint, tempDir } from '../helpers/cli.ts';

const dir = tempDir();
const rows = ['timestamp,anonymous_id,url'];
for (let i = 0; i < 20_000; i++)
  rows.push(`2026-01-01T10:${String(i % 60).padStart(2, '0')}:00Z,v${i % 50},/p${i}`);
const whole = gzipSync(`${rows.join('\n')}\n`);
const cutPath = join(dir, 'cut.csv.gz');
const wholePath = join(dir, 'whole.csv.gz');
writeFileSync(cutPath, whole.subarray(0, whole.length - 200));
writeFileSync(wholePath, whole);

type Summary = { files: { rows: number; notes?: string[] }[] };

describe('a gzip input that ends early', () => {
  it('is read up to the cut, and sessionize says so in its summary and its JSON', () => {
    const text = stint(['sessionize', cutPath, '-o', join(dir, 'a.csv')]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr + text.stdout).toMatch(/note +\S*cut\.csv\.gz: the gzip data ends early/);
    const json = stint(['sessionize', cutPath, '-o', join(dir, 'b.csv'), '--json']);
    const [file] = (JSON.parse(json.stdout) as Summary).files;
    expect(file!.rows).toBeGreaterThan(19_000);
    expect(file!.rows).toBeLessThan(20_000);
    expect(file!.notes).toEqual([expect.stringContaining('the gzip data ends early')]);
  });

  it('is noted by import too; a whole file is not', () => {
    const cut = stint(['import', cutPath, '--db', join(dir, 'cut.duckdb'), '--json']);
    expect(cut.code, cut.stderr).toBe(0);
    expect((JSON.parse(cut.stdout) as Summary).files[0]!.notes).toEqual([
      expect.stringContaining('the gzip data ends early'),
    ]);
    const ok = stint(['import', wholePath, '--db', join(dir, 'whole.duckdb'), '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    const [file] = (JSON.parse(ok.stdout) as Summary).files;
    expect(file!.rows).toBe(20_000);
    expect(file!.notes).toBeUndefined();
  });
});
