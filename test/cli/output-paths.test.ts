/**
 * Output paths that would destroy data are refused before any work starts: an output that is an
 * input (also through a symlink, a `./` spelling or a glob), the store, or another output of the
 * same run. Outputs are written to a temporary file renamed into place, so a failed run leaves
 * the previous file whole. An output name whose extension stint does not write is refused.
 */
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { stint, tempDir } from '../helpers/cli.ts';

const EVENTS = [
  'timestamp,anonymous_id,event,url',
  '2026-10-01T10:00:00Z,a1,pageview,/home',
  '2026-10-01T10:05:00Z,a1,pageview,/pricing',
  '2026-10-01T10:20:00Z,a2,pageview,/',
  'not-a-time,a3,pageview,/',
].join('\n');

function setup(): { dir: string; input: string } {
  const dir = tempDir();
  const input = join(dir, 'events.csv');
  writeFileSync(input, `${EVENTS}\n`);
  return { dir, input };
}

function refused(r: { code: number; stderr: string }, ...names: RegExp[]): void {
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/stint: error: .*would destroy it/);
  for (const name of names) expect(r.stderr).toMatch(name);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('outputs that would destroy data are refused before any work', () => {
  it('sessionize --rejects naming the input', () => {
    const { input } = setup();
    const r = stint(['sessionize', input, '--rejects', input, '-o', '-']);
    refused(r, /--rejects .*events\.csv is the input .*events\.csv/);
    expect(readFileSync(input, 'utf8')).toBe(`${EVENTS}\n`);
  });

  it('import --rejects naming the input: nothing read, no store made', () => {
    const { dir, input } = setup();
    const db = join(dir, 'x.duckdb');
    const r = stint(['import', input, '--db', db, '--rejects', input]);
    refused(r, /--rejects .*events\.csv is the input/);
    expect(readFileSync(input, 'utf8')).toBe(`${EVENTS}\n`);
    expect(existsSync(db)).toBe(false);
  });

  it('import --db naming the input', () => {
    const { input } = setup();
    const r = stint(['import', input, '--db', input]);
    refused(r, /--db .*events\.csv is the input/);
    expect(readFileSync(input, 'utf8')).toBe(`${EVENTS}\n`);
  });

  it('import --rejects naming the store', () => {
    const { dir, input } = setup();
    const db = join(dir, 'x.duckdb');
    const r = stint(['import', input, '--db', db, '--rejects', db]);
    refused(r, /--rejects .*x\.duckdb is the store \(--db .*x\.duckdb\)/);
    expect(existsSync(db)).toBe(false);
  });

  it('report --html naming the --db file leaves the store as it was', () => {
    const { dir, input } = setup();
    const db = join(dir, 'x.duckdb');
    expect(stint(['import', input, '--db', db, '-q']).code).toBe(0);
    const before = readFileSync(db);
    const r = stint(['report', '--db', db, '--html', db]);
    refused(r, /--html .*x\.duckdb is the store/);
    expect(readFileSync(db).equals(before)).toBe(true);
    expect(stint(['report', '--db', db, '--json']).code).toBe(0);
  });

  it('sessionize -o naming the input', () => {
    const { input } = setup();
    const r = stint(['sessionize', input, '-o', input]);
    refused(r, /-o .*events\.csv is the input/);
    expect(readFileSync(input, 'utf8')).toBe(`${EVENTS}\n`);
  });

  it('sessionize -o naming the --rejects file', () => {
    const { dir, input } = setup();
    const out = join(dir, 'out.csv');
    const r = stint(['sessionize', input, '--rejects', out, '-o', out]);
    refused(r, /-o .*out\.csv is also the output of --rejects .*out\.csv/);
    expect(existsSync(out)).toBe(false);
  });

  it('an output that is a symlink to the input', () => {
    const { dir, input } = setup();
    const link = join(dir, 'link.csv');
    symlinkSync(input, link);
    const r = stint(['sessionize', input, '-o', link]);
    refused(r, /-o .*link\.csv is the input .*events\.csv/);
    expect(readFileSync(input, 'utf8')).toBe(`${EVENTS}\n`);
  });

  it('a ./ spelling of the input, run from its directory', () => {
    const { dir } = setup();
    const r = stint(['sessionize', 'events.csv', '--rejects', './events.csv'], { cwd: dir });
    refused(r, /--rejects \.\/events\.csv is the input events\.csv/);
    expect(readFileSync(join(dir, 'events.csv'), 'utf8')).toBe(`${EVENTS}\n`);
  });

  it('an input given as a glob counts after expansion', () => {
    const { dir, input } = setup();
    writeFileSync(join(dir, 'more.csv'), `${EVENTS}\n`);
    const r = stint(['sessionize', join(dir, '*.csv'), '-o', join(dir, 'more.csv')]);
    refused(r, /-o .*more\.csv is the input .*more\.csv/);
    expect(readFileSync(join(dir, 'more.csv'), 'utf8')).toBe(`${EVENTS}\n`);
    expect(readFileSync(input, 'utf8')).toBe(`${EVENTS}\n`);
  });
});

describe('a failed run leaves the previous outputs whole', () => {
  it('sessions and rejects keep their old content when a later input cannot be read', () => {
    const { dir, input } = setup();
    const out = join(dir, 'sessions.csv');
    const rejects = join(dir, 'rejects.csv');
    expect(stint(['sessionize', input, '-o', out, '--rejects', rejects, '-q']).code).toBe(0);
    const [oldOut, oldRejects] = [readFileSync(out, 'utf8'), readFileSync(rejects, 'utf8')];
    expect(oldRejects).toMatch(/not-a-time/);
    // A gzip file damaged in the middle: the run fails after it has started writing rejects.
    const rows = Array.from({ length: 5000 }, (_, i) => `2026-10-01T10:00:00Z,u${i},pageview,/`);
    const damaged = gzipSync(`timestamp,anonymous_id,event,url\n${rows.join('\n')}\n`).fill(0xff, 100, 300);
    const broken = join(dir, 'broken.csv.gz');
    writeFileSync(broken, damaged);
    const r = stint(['sessionize', input, broken, '-o', out, '--rejects', rejects]);
    expect(r.code).toBe(2);
    expect(readFileSync(out, 'utf8')).toBe(oldOut);
    expect(readFileSync(rejects, 'utf8')).toBe(oldRejects);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a finished run replaces the outputs', () => {
    const { dir, input } = setup();
    const out = join(dir, 'sessions.ndjson');
    writeFileSync(out, 'old content\n');
    expect(stint(['sessionize', input, '-o', out, '-q']).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^\{"session_id"/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('report --html replaces the file once the report is made', () => {
    const { dir, input } = setup();
    const db = join(dir, 'x.duckdb');
    const html = join(dir, 'r.html');
    writeFileSync(html, 'old');
    expect(stint(['import', input, '--db', db, '-q']).code).toBe(0);
    expect(stint(['report', '--db', db, '--html', html]).code).toBe(0);
    expect(readFileSync(html, 'utf8')).toMatch(/<html/i);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('an output name stint cannot write', () => {
  it('-o out.xlsx is a usage error naming the formats, before any work', () => {
    const { dir, input } = setup();
    const r = stint(['sessionize', input, '-o', join(dir, 'out.xlsx')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/out\.xlsx/);
    expect(r.stderr).toMatch(/csv, ndjson, parquet/);
    expect(existsSync(join(dir, 'out.xlsx'))).toBe(false);
  });

  it('--format makes any name fine', () => {
    const { dir, input } = setup();
    const r = stint(['sessionize', input, '-o', join(dir, 'out.xlsx'), '--format', 'csv', '-q']);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'out.xlsx'), 'utf8')).toMatch(/^session_id,/);
  });

  it('a name without an extension is still CSV', () => {
    const { dir, input } = setup();
    expect(stint(['sessionize', input, '-o', join(dir, 'sessions'), '-q']).code).toBe(0);
    expect(readFileSync(join(dir, 'sessions'), 'utf8')).toMatch(/^session_id,/);
  });
});
