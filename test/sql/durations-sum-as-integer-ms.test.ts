/**
 * Durations are summed as integer milliseconds and divided once, so a report does not depend
 * on the order sessions were stored in: a file imported whole and the same file imported in two
 * halves give the same overview, to the last bit. Floating sums of seconds did not (the issue
 * saw 5598.151438768828 against 5598.1514387688185; on this file, with its millisecond times,
 * 341.29379652070094 against 341.2937965207007).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA, stintAsync, tempDir } from '../helpers/cli.ts';

const FILE = join(DATA, 'yoochoose_rsc15_100k_sessionrec.tsv');
const MAP: string[] = [];

describe('a report does not depend on the import order', () => {
  it('the overview of a file imported whole equals that of its two halves imported in turn', {
    timeout: 300_000,
  }, async () => {
    const dir = tempDir();
    const [header, ...lines] = readFileSync(FILE, 'utf8').trimEnd().split('\n');
    const half = lines.length >> 1;
    const first = join(dir, 'first.tsv');
    const second = join(dir, 'second.tsv');
    writeFileSync(first, `${[header, ...lines.slice(0, half)].join('\n')}\n`);
    writeFileSync(second, `${[header, ...lines.slice(half)].join('\n')}\n`);
    const whole = join(dir, 'whole.duckdb');
    const halves = join(dir, 'halves.duckdb');
    const ok = async (args: string[]) => {
      const r = await stintAsync(args);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout;
    };
    await Promise.all([
      ok(['import', FILE, ...MAP, '--db', whole, '-q']),
      (async () => {
        await ok(['import', first, ...MAP, '--db', halves, '-q']);
        await ok(['import', second, ...MAP, '--db', halves, '-q']);
      })(),
    ]);
    const period = ['--from', '2014-04-01', '--to', '2014-04-30', '--json'];
    const [a, b] = await Promise.all([
      ok(['overview', '--db', whole, ...period]),
      ok(['overview', '--db', halves, ...period]),
    ]);
    expect(JSON.parse(a).metrics.sessions.value).toBeGreaterThan(4000);
    expect(b).toBe(a);
  });
});
