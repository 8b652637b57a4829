/**
 * Every event file of ../shared/data, imported with no --map into a store of its own, then
 * `stint report --json`: sessions come out, or stint says exactly why not. Data-driven: a file
 * added to the folder is tested without a line changed here (unless it needs an exception).
 *
 * Skipped, as not event files: *.md (READMEs, the papers list) and *.txt (the Insight challenge's
 * expected output and its inactivity period, which are answers and a setting, not input).
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA, stintAsync, tempDir } from '../helpers/cli.ts';

const MATOMO = 'edge_cases/matomo_log_analytics_format_fixtures';

/**
 * Files that give no sessions by design, with what stint must say. Everything else must give
 * sessions with no flag at all.
 */
const EXCEPTIONS: Record<string, { code: 0 | 2; says: string; thenWith?: string[] }> = {
  // Compressed with bzip2, which stint does not read: an input error naming the command that unpacks it.
  [`${MATOMO}/common.log.bz2`]: { code: 2, says: 'bunzip2 -k' },
  // Big5-encoded: every line rejected as invalid UTF-8, with the iconv hint.
  [`${MATOMO}/common_encoding_big5.log`]: { code: 2, says: 'invalid_utf8 (1)' },
  // Matomo reads it with a custom regex only: no known log format.
  [`${MATOMO}/custom_regex_custom_date.log`]: { code: 2, says: 'Could not recognise the access log format' },
  // Every line is a non-pageview (a POST, an RTMP "connect", a bot): left out and counted, and
  // kept with --keep-all / --keep-bots.
  [`${MATOMO}/amazon_cloudfront_rtmp.log`]: { code: 0, says: '', thenWith: ['--keep-all'] },
  [`${MATOMO}/common.log.gz`]: { code: 0, says: '', thenWith: ['--keep-all'] },
  [`${MATOMO}/haproxy.log`]: { code: 0, says: '', thenWith: ['--keep-all'] },
  [`${MATOMO}/traefik_json.log`]: { code: 0, says: '', thenWith: ['--keep-bots'] },
};

function dataFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? dataFiles(path) : [path];
    })
    .filter((path) => !/\.(md|txt)$/i.test(path))
    .sort();
}

/** Imports `path` into a new store, then reports on it: the import's result and the sessions reported. */
async function importAndReport(path: string, extra: string[] = []) {
  const db = join(tempDir(), 'store.duckdb');
  const imported = await stintAsync(['import', path, '--db', db, '--json', ...extra]);
  if (imported.code !== 0) return { imported, sessions: undefined };
  const report = await stintAsync(['report', '--db', db, '--json']);
  expect(report.code, report.stderr).toBe(0);
  return { imported, sessions: JSON.parse(report.stdout).overview.sessions.value as number };
}

const files = dataFiles(DATA);

describe('every data file imports and reports with no --map', () => {
  it('finds the data files', () => {
    expect(files.length).toBeGreaterThan(30);
    expect(Object.keys(EXCEPTIONS).every((f) => files.includes(join(DATA, f)))).toBe(true);
  });

  it.concurrent.each(files.map((f) => [relative(DATA, f)]))(
    '%s',
    async (name) => {
      const path = join(DATA, name);
      const exception = EXCEPTIONS[name];
      const { imported, sessions } = await importAndReport(path);
      if (exception === undefined) {
        expect(imported.code, imported.stderr).toBe(0);
        expect(imported.stderr).toBe('');
        expect(sessions).toBeGreaterThan(0);
        return;
      }
      expect(imported.code, imported.stderr).toBe(exception.code);
      expect(imported.stderr).toContain(exception.says);
      expect(imported.stderr).not.toContain('    at ');
      if (exception.thenWith !== undefined) {
        expect(sessions).toBe(0);
        expect(JSON.parse(imported.stdout).files[0].left_out_total).toBeGreaterThan(0);
        const kept = await importAndReport(path, exception.thenWith);
        expect(kept.imported.code, kept.imported.stderr).toBe(0);
        expect(kept.sessions).toBeGreaterThan(0);
      }
    },
    180_000,
  );
});
