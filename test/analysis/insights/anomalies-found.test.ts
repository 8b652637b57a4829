/**
 * Injected anomalies are found in a real DuckDB store: the bot, the credential stuffer and the
 * three sessions of the shared account are flagged, with their reasons in words, and none of the
 * 60 ordinary visits is.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anomalies, DEFAULT_THRESHOLDS } from '../../../src/analysis/insights/anomalies.ts';
import { parseQueryOptions } from '../../../src/analysis/query-options.ts';
import { openDuckDBStore } from '../../../src/store/duckdb-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { anomalyTrafficNdjson } from '../../helpers/anomaly-traffic.ts';
import { tempDir } from '../../helpers/cli.ts';
import { stintHere } from '../../helpers/cli-in-process.ts';

let store: Store;

beforeAll(async () => {
  const dir = tempDir();
  const file = join(dir, 'events.ndjson');
  writeFileSync(file, anomalyTrafficNdjson());
  const db = join(dir, 'store.duckdb');
  const r = await stintHere(['import', file, '--db', db]);
  expect(r.code, r.stderr).toBe(0);
  store = await openDuckDBStore(db);
}, 60_000);

afterAll(() => store?.close());

describe('anomalies on a store with injected patterns', () => {
  it('flags the bot, the stuffer and the shared account, and no ordinary visit', async () => {
    const query = parseQueryOptions({ from: '2026-11-02', to: '2026-11-07' });
    const result = await anomalies(store, query, DEFAULT_THRESHOLDS, 50);
    expect(result.scored).toBe(65);
    const flagged = result.sessions.map((s) => s.user_id || s.identity).sort();
    expect(flagged).toEqual(['bot', 'shared-account', 'shared-account', 'shared-account', 'stuffer']);
    const reasons = (who: string) =>
      result.sessions.find((s) => (s.user_id || s.identity) === who)!.reasons.map((r) => r.text);
    // Its path wraps from /checkout back to / again and again: odd navigation too.
    expect(reasons('bot')).toEqual([
      expect.stringMatching(/^atypical navigation: [\d.]+ bits per step over 36 steps/),
      '37 pageviews 1.1 s apart (median)',
      '37 pageviews in 40 s',
    ]);
    expect(reasons('stuffer')).toEqual(['5 login_failed in 2 min']);
    expect(reasons('shared-account')).toEqual([
      'user shared-account in 3 time zones within 40 min (America/New_York, Asia/Tokyo, Europe/Berlin)',
      'user shared-account on 3 devices within 40 min',
    ]);
    // bot: too fast 2 / 1.1 = 1.82, burst 37 / 30 = 1.23, and navigation; shared: 3/3 + 3/2; stuffer: 5/5.
    expect(result.sessions[0]!.score).toBeGreaterThan(3.05);
    expect(result.sessions.slice(1).map((s) => s.score)).toEqual([2.5, 2.5, 2.5, 1]);
    expect(result.by_reason).toEqual({
      fast_pageviews: 1,
      burst: 1,
      navigation: 1,
      failures: 1,
      many_devices: 3,
      many_zones: 3,
    });
  });

  it('lists `limit` sessions and counts all flagged', async () => {
    const query = parseQueryOptions({ from: '2026-11-02', to: '2026-11-07' });
    const result = await anomalies(store, query, DEFAULT_THRESHOLDS, 2);
    expect(result.sessions.length).toBe(2);
    expect(result.flagged).toBe(5);
  });

  it('takes the failure events and their count from the thresholds', async () => {
    const query = parseQueryOptions({ from: '2026-11-02', to: '2026-11-07' });
    const none = await anomalies(
      store,
      query,
      { ...DEFAULT_THRESHOLDS, failureEvents: ['payment_failed'] },
      50,
    );
    expect(none.sessions.some((s) => s.identity === 'stuffer')).toBe(false);
    const six = await anomalies(store, query, { ...DEFAULT_THRESHOLDS, failureCount: 6 }, 50);
    expect(six.sessions.some((s) => s.identity === 'stuffer')).toBe(false);
  });
});
