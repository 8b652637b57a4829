/**
 * duration_bucket and pages_bucket work wherever a session dimension does: filters (=, != and
 * ~), breakdowns, a funnel's `by`, and retention's filters, through the catalogue as the CLI and
 * the API read them. Four sessions, worked by hand:
 *
 *   a  1 pageview                       0 s    0-10s    1     entry /
 *   b  2 pageviews 20 s apart          20 s    10-30s   2     entry /
 *   c  5 pageviews over 12 min, signup 12 min  10-30m   5-9   entry /
 *   d  3 pageviews over 2 min, signup   2 min  1-3m     3-4   entry /
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  API_SPELLING,
  CATALOG,
  planAnalysis,
  type RawParams,
  runAnalysis,
} from '../../src/analysis/catalog.ts';
import type { StintEvent } from '../../src/core/event.ts';
import type { Store } from '../../src/store/store.ts';
import { closeStores, ev, storeWith } from '../helpers/store.ts';

afterEach(closeStores);

const T = Date.UTC(2026, 9, 5, 10);
const at = (who: string, s: number, fields: Partial<StintEvent> = {}) =>
  ev(who, new Date(T + s * 1000).toISOString(), { url: 'https://shop.example/', ...fields });
const page = (who: string, s: number, k: number) => at(who, s, { url: `https://shop.example/p${k}` });

const FIXTURE = [
  at('a', 0),
  at('b', 0),
  page('b', 20, 1),
  at('c', 0),
  ...[1, 2, 3, 4].map((k) => page('c', k * 180, k)),
  at('c', 700, { name: 'signup' }),
  at('d', 0),
  page('d', 60, 1),
  at('d', 90, { name: 'signup' }),
  page('d', 120, 2),
];

async function run<N extends 'overview' | 'breakdown' | 'funnel' | 'retention'>(
  store: Store,
  name: N,
  raw: RawParams,
) {
  const entry = CATALOG[name];
  // biome-ignore lint/suspicious/noExplicitAny: one helper for four entries
  return runAnalysis(entry as any, store, planAnalysis(entry as any, raw, API_SPELLING), API_SPELLING) as any;
}

describe('the bucket dimensions', () => {
  it('filter sessions with =, != and ~', async () => {
    const store = await storeWith(FIXTURE);
    const sessions = async (filter: string[]) =>
      (await run(store, 'overview', { filter })).metrics.sessions.value as number;
    expect(await sessions([])).toBe(4);
    expect(await sessions(['duration_bucket=10-30m'])).toBe(1);
    expect(await sessions(['pages_bucket!=1'])).toBe(3);
    // 1-3m and 10-30m (and 30s-1m, none here) end in m.
    expect(await sessions(['duration_bucket~m'])).toBe(2);
    expect(await sessions(['pages_bucket=3-4', 'duration_bucket=1-3m'])).toBe(1);
  });

  it('break the overview down', async () => {
    const store = await storeWith(FIXTURE);
    const byDuration = await run(store, 'breakdown', { by: 'duration_bucket' });
    expect(byDuration.rows.map((r: { key: string; sessions: number }) => [r.key, r.sessions]).sort()).toEqual(
      [
        ['0-10s', 1],
        ['1-3m', 1],
        ['10-30m', 1],
        ['10-30s', 1],
      ],
    );
    const byPages = await run(store, 'breakdown', { by: 'pages_bucket' });
    expect(byPages.rows.map((r: { key: string }) => r.key).sort()).toEqual(['1', '2', '3-4', '5-9']);
  });

  it("split a funnel by the bucket of the first step's session", async () => {
    const store = await storeWith(FIXTURE);
    const f = await run(store, 'funnel', { step: ['/', 'event:signup'], by: 'pages_bucket' });
    const converted = Object.fromEntries(
      (f.breakdown as { key: string; rows: { entered: number }[] }[]).map((b) => [
        b.key,
        b.rows.map((r) => r.entered),
      ]),
    );
    expect(converted).toEqual({ '1': [1, 0], '2': [1, 0], '3-4': [1, 1], '5-9': [1, 1] });
  });

  it('filter retention cohorts', async () => {
    const store = await storeWith(FIXTURE);
    const r = await run(store, 'retention', { cohort: 'day', periods: '1', filter: ['duration_bucket~m'] });
    expect(r.rows.map((row: { cohort: string; size: number }) => [row.cohort, row.size])).toEqual([
      ['2026-10-05', 2],
    ]);
  });
});
