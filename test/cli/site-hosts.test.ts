/**
 * The site's own hosts on the command line: on the Elastic sample log, where URLs are bare
 * paths, stint infers semicomplete.com from the referrers and says so, so the site never
 * becomes its own source; `--site-host` replaces what it would infer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { DATA, stintAsync, tempDir } from '../helpers/cli.ts';

const LOG = join(DATA, 'elastic_apache_logs.log');

const sessionsOf = (path: string): Record<string, string>[] =>
  parse(readFileSync(path), { columns: true }) as Record<string, string>[];

describe('site hosts of an access log', () => {
  it('infers semicomplete.com on the Elastic log, prints it, and never makes it a source', async () => {
    const out = join(tempDir(), 'sessions.csv');
    const run = await stintAsync(['sessionize', LOG, '-o', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /site hosts\s+semicomplete\.com \(inferred from the log's referrers; --site-host sets them\)/,
    );
    const sessions = sessionsOf(out);
    expect(sessions.some((s) => /semicomplete/.test(s.source!))).toBe(false);
    expect(sessions.some((s) => /^https?:\/\/(www\.)?semicomplete\.com\//.test(s.referrer!))).toBe(false);
    // Other sites are sources under one name, and every session has a channel.
    const sources = new Set(sessions.map((s) => s.source));
    expect(sources.has('Google')).toBe(true);
    expect([...sources].some((s) => /^www\.google\./.test(s!))).toBe(false);
    expect(sessions.every((s) => s.channel !== '')).toBe(true);
    // Countries from the client addresses (never written out).
    expect(sessions.filter((s) => s.country === 'US').length).toBeGreaterThan(100);
  });

  it('--site-host replaces the inference, and --json reports the hosts used', async () => {
    const out = join(tempDir(), 'sessions.csv');
    const run = await stintAsync(['sessionize', LOG, '-o', out, '--site-host', 'example.org', '--json']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { site_hosts: string[]; site_hosts_inferred: boolean };
    expect(summary.site_hosts).toEqual(['example.org']);
    expect(summary.site_hosts_inferred).toBe(false);
    expect(sessionsOf(out).some((s) => s.source === 'semicomplete.com')).toBe(true);
  });
});
