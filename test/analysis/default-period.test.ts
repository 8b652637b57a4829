/**
 * Without --from/--to (or `from`/`to`), an analysis covers the recent data: the last 30 local
 * days that end with the latest session's day, or fewer when the data is younger. One event from
 * a clock at 1970 neither stretches the period nor breaks the default timeseries.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { timeseries } from '../../src/analysis/breakdown.ts';
import { overview } from '../../src/analysis/overview.ts';
import { parseQueryOptions } from '../../src/analysis/query-options.ts';
import { buildReport } from '../../src/analysis/report.ts';
import { closeServers, startTestServer } from '../helpers/server.ts';
import { closeStores, ev, storeWith } from '../helpers/store.ts';

afterEach(async () => {
  closeStores();
  await closeServers();
});

describe('the default period', () => {
  it('is the 30 days ending with the latest session, in the query zone', async () => {
    const store = await storeWith([
      ev('old', '1970-01-01T00:00:00Z'),
      ev('a', '2026-03-01T10:00:00Z'),
      ev('b', '2026-11-01T10:00:00Z'),
      ev('c', '2026-11-20T22:30:00Z'),
    ]);
    const utc = await overview(store, parseQueryOptions({}));
    expect(utc.range).toEqual({ from: '2026-10-22T00:00:00.000Z', to: '2026-11-21T00:00:00.000Z' });
    expect(utc.metrics.sessions.value).toBe(2);
    // In Tokyo the last session starts on the 21st.
    const tokyo = await overview(store, parseQueryOptions({ tz: 'Asia/Tokyo' }));
    expect(tokyo.range).toEqual({ from: '2026-10-22T15:00:00.000Z', to: '2026-11-21T15:00:00.000Z' });
    const days = await timeseries(store, parseQueryOptions({}), 'day');
    expect(days.map((r) => r.key)).toHaveLength(30);
    expect(days[0]?.key).toBe('2026-10-22');
    expect(days.at(-1)?.key).toBe('2026-11-20');
    const report = await buildReport(store, parseQueryOptions({}), 'day', []);
    expect(report.range).toEqual(utc.range);
  });

  it('is shorter when the data is younger; with only --to or --from, it is bounded by that end', async () => {
    const store = await storeWith([ev('a', '2026-11-10T10:00:00Z'), ev('b', '2026-11-12T10:00:00Z')]);
    expect((await overview(store, parseQueryOptions({}))).range).toEqual({
      from: '2026-11-10T00:00:00.000Z',
      to: '2026-11-13T00:00:00.000Z',
    });
    expect((await overview(store, parseQueryOptions({ from: '2026-11-11' }))).range).toEqual({
      from: '2026-11-11T00:00:00.000Z',
      to: '2026-11-13T00:00:00.000Z',
    });
    const old = await storeWith([ev('a', '2026-01-10T10:00:00Z'), ev('b', '2026-11-12T10:00:00Z')]);
    expect((await overview(old, parseQueryOptions({ to: '2026-03-31' }))).range).toEqual({
      from: '2026-03-02T00:00:00.000Z',
      to: '2026-04-01T00:00:00.000Z',
    });
  });

  it('answers the default /timeseries and /overview of a site with an event at 0', async () => {
    const now = Date.UTC(2026, 10, 23, 12);
    const t = await startTestServer({ STINT_MIN_TIMESTAMP: '1970-01-01' }, undefined, { now: () => now });
    const res = await t.post({
      events: [
        { anonymous_id: 'clock', url: '/zero', timestamp: 0 },
        { anonymous_id: 'v', url: '/a', timestamp: '2026-11-20T10:00:00Z' },
        { anonymous_id: 'w', url: '/b', timestamp: '2026-11-22T10:00:00Z' },
      ],
    });
    expect(res.json()).toMatchObject({ accepted: 3 });
    await t.settle();
    const get = (path: string) => t.app.inject({ url: `/api/v1/${path}`, headers: t.auth(t.admin) });
    const series = await get('timeseries?site=shop');
    expect(series.statusCode).toBe(200);
    const rows = (series.json() as { rows: { key: string; sessions: number }[] }).rows;
    expect(rows).toHaveLength(30);
    expect(rows.at(-1)).toMatchObject({ key: '2026-11-22', sessions: 1 });
    const o = await get('overview?site=shop');
    expect((o.json() as { range: unknown }).range).toEqual({
      from: '2026-10-24T00:00:00.000Z',
      to: '2026-11-23T00:00:00.000Z',
    });
  });
});
