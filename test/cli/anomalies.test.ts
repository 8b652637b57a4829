/**
 * `stint anomalies` as a user runs it: the flagged sessions with their reasons in words and the
 * days, as text and as JSON; thresholds as flags; a bad threshold is a usage error.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { anomalyTrafficNdjson } from '../helpers/anomaly-traffic.ts';
import { tempDir } from '../helpers/cli.ts';
import { stintHere } from '../helpers/cli-in-process.ts';

const dir = tempDir();
const db = join(dir, 'store.duckdb');
const PERIOD = ['--from', '2026-11-02', '--to', '2026-11-07'];

beforeAll(async () => {
  const file = join(dir, 'events.ndjson');
  writeFileSync(file, anomalyTrafficNdjson());
  const r = await stintHere(['import', file, '--db', db]);
  expect(r.code, r.stderr).toBe(0);
}, 60_000);

describe('stint anomalies', () => {
  it('prints the flagged sessions with their reasons', async () => {
    const r = await stintHere(['anomalies', '--db', db, ...PERIOD]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('5 of 65 sessions flagged, 2026-11-02 to 2026-11-08 (exclusive)');
    expect(r.stdout).toContain('37 pageviews 1.1 s apart (median)');
    expect(r.stdout).toContain('5 login_failed in 2 min');
    expect(r.stdout).toContain('user shared-account on 3 devices within 40 min');
    expect(r.stdout).toContain('no anomalous days');
  });

  it('--json gives the result shape, highest score first', async () => {
    const r = await stintHere(['anomalies', '--db', db, ...PERIOD, '--json', '--limit', '3']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.flagged).toBe(5);
    expect(json.sessions).toHaveLength(3);
    expect(json.sessions[0]).toMatchObject({ identity: 'bot', start: '2026-11-05T02:00:00.000Z' });
    expect(Object.keys(json.sessions[0].reasons[0])).toEqual(['code', 'text', 'severity']);
    expect(json.days).toEqual([]);
  });

  it('takes thresholds as flags', async () => {
    const r = await stintHere(['anomalies', '--db', db, ...PERIOD, '--json', '--failure-count', '6']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).sessions.map((s: { identity: string }) => s.identity)).not.toContain(
      'stuffer',
    );
    const wide = await stintHere(['anomalies', '--db', db, ...PERIOD, '--json', '--failure-window', '30s']);
    expect(JSON.parse(wide.stdout).sessions.map((s: { identity: string }) => s.identity)).not.toContain(
      'stuffer',
    );
  });

  it('refuses a threshold that is no number', async () => {
    const r = await stintHere(['anomalies', '--db', db, '--duration-z', 'high']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--duration-z must be a number above 0');
  });
});
