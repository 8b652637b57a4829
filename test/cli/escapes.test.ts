/**
 * Terminal escape sequences from data or file names never reach the terminal raw: the CLI's
 * errors and summaries show them escaped (`\u001b[31m`), as the report does.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stint, tempDir } from '../helpers/cli.ts';

const ESC = '\u001b';
const RED = `${ESC}[31m`;

describe('escape sequences in CLI output are shown escaped', () => {
  it('a rejected value quoted by the --max-rejects error', () => {
    const dir = tempDir();
    const csv = join(dir, 'events.csv');
    writeFileSync(csv, `timestamp,anonymous_id\n${RED}2026-10-01,a1\n2026-10-01T10:00:00Z,a2\n`);
    const r = stint(['sessionize', csv, '--max-rejects', '0', '-o', '-']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/More than 0 rows rejected/);
    expect(r.stderr).not.toContain(ESC);
    expect(r.stderr).toContain('\\u001b[31m');
  });

  it('a file name in the import summary and in errors', () => {
    const dir = tempDir();
    const csv = join(dir, `ev${RED}ents.csv`);
    writeFileSync(csv, 'timestamp,anonymous_id\n2026-10-01T10:00:00Z,a1\n');
    const db = join(dir, 'x.duckdb');
    const first = stint(['import', csv, '--db', db]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('ev\\u001b[31ments.csv');
    expect(first.stdout + first.stderr).not.toContain(ESC);
    // Imported again: the skip line names the file, and the earlier name, escaped.
    const again = stint(['import', csv, '--db', db]);
    expect(again.stdout).toMatch(/skipped .*ev\\u001b\[31ments\.csv/);
    expect(again.stdout + again.stderr).not.toContain(ESC);
    const missing = stint(['import', join(dir, `no${RED}such.csv`), '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).not.toContain(ESC);
  });

  it('a file name in the sessionize summary', () => {
    const dir = tempDir();
    const csv = join(dir, `ev${RED}ents.csv`);
    writeFileSync(csv, 'timestamp,anonymous_id\n2026-10-01T10:00:00Z,a1\nbad,a2\n');
    const r = stint(['sessionize', csv, '-o', join(dir, `out${RED}.csv`)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('out\\u001b[31m.csv');
    expect(r.stdout + r.stderr).not.toContain(ESC);
  });
});
