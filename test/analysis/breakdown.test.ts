import { afterEach, describe, expect, it } from 'vitest';
import {
  breakdown,
  bucketBounds,
  bucketLabels,
  type Row,
  TIME_UNITS,
  timeseries,
} from '../../src/analysis/breakdown.ts';
import { type Metrics, OVERVIEW_METRICS, overview, resolveRange } from '../../src/analysis/overview.ts';
import { AGGREGATES, compile, type GroupKey, type TimeUnit } from '../../src/analysis/plans.ts';
import { parseQueryOptions, type QueryFlags } from '../../src/analysis/query-options.ts';
import { sessionizeColumns } from '../../src/core/batch.ts';
import { EventColumnsBuilder } from '../../src/core/columns.ts';
import type { StintEvent } from '../../src/core/event.ts';
import { createRules, type SessionRules } from '../../src/core/rules.ts';
import { zoneOffsetMs } from '../../src/core/zone.ts';
import type { Store } from '../../src/store/store.ts';
import { rejectionOf, stintErrorOf } from '../helpers/errors.ts';
import { expectMetrics, NO_SESSIONS } from '../helpers/metrics.ts';
import { closeStores, ev, freshStore, storeWith as storeWithRules } from '../helpers/store.ts';

const RULES = createRules({ goals: ['purchase'] });

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

afterEach(closeStores);

/** Stores events the way `stint import` does, under this file's rules by default. */
const storeWith = (events: readonly StintEvent[], rules: SessionRules = RULES): Promise<Store> =>
  storeWithRules(events, rules);

function metricsOfRow(r: Row): Metrics {
  return Object.fromEntries(OVERVIEW_METRICS.map((m) => [m, r[m]])) as Metrics;
}

const q = (flags: QueryFlags = {}) => parseQueryOptions(flags);
const keys = (rows: readonly Row[]) => rows.map((r) => r.key);
const counts = (rows: readonly Row[]) => rows.map((r) => [r.key, r.sessions]);

/**
 * The sums a set of rows must give to equal the overview: counts add, and each rate times its
 * row's sessions gives back a count (bounces, engaged, converted, durations, value).
 */
function recombine(rows: readonly Row[]) {
  const sum = (f: (r: Row) => number) => rows.reduce((acc, r) => acc + f(r), 0);
  const weighted = (m: keyof Metrics) => sum((r) => (r[m] ?? 0) * (r.sessions ?? 0));
  return {
    sessions: sum((r) => r.sessions ?? 0),
    pageviews: sum((r) => r.pageviews ?? 0),
    events: sum((r) => r.events ?? 0),
    total_value: sum((r) => r.total_value ?? 0),
    bounces: weighted('bounce_rate'),
    engaged: weighted('engagement_rate'),
    converted: weighted('conversion_rate'),
    duration_sum: weighted('avg_duration_s'),
    value_sum: weighted('avg_value'),
  };
}

async function expectRowsAddUpToOverview(store: Store, flags: QueryFlags, rows: readonly Row[], label = '') {
  const o = (await overview(store, q(flags))).metrics;
  const s = o.sessions.value ?? 0;
  const r = recombine(rows);
  expect(r.sessions, `${label}sessions`).toBe(s);
  expect(r.pageviews, `${label}pageviews`).toBe(o.pageviews.value);
  expect(r.events, `${label}events`).toBe(o.events.value);
  expect(r.total_value, `${label}total_value`).toBeCloseTo(o.total_value.value ?? 0, 9);
  expect(r.bounces, `${label}bounces`).toBeCloseTo((o.bounce_rate.value ?? 0) * s, 9);
  expect(r.engaged, `${label}engaged`).toBeCloseTo((o.engagement_rate.value ?? 0) * s, 9);
  expect(r.converted, `${label}converted`).toBeCloseTo((o.conversion_rate.value ?? 0) * s, 9);
  expect(r.duration_sum, `${label}duration`).toBeCloseTo((o.avg_duration_s.value ?? 0) * s, 6);
  expect(r.value_sum, `${label}value`).toBeCloseTo((o.avg_value.value ?? 0) * s, 9);
}

/** The keys the store's SQL gives for a time grouping (before timeseries fills the gaps). */
async function sqlKeys(store: Store, flags: QueryFlags, unit: TimeUnit): Promise<string[]> {
  const options = q(flags);
  const range = await resolveRange(store, options);
  if (range === undefined) return [];
  const plan = {
    where: [{ kind: 'range' as const, fromMs: range.fromMs, toMs: range.toMs }],
    aggregates: AGGREGATES,
    groupBy: { kind: 'time' as const, unit, tz: options.tz },
    orderBy: 'key' as const,
  };
  return (await store.query(compile(plan, store.dialect))).map((r) => String(r.key));
}

// ---------------------------------------------------------------------------------------------
// The fixture
// ---------------------------------------------------------------------------------------------

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

/*
 * Six sessions over Thu 2026-10-01 … Sat 2026-10-03 (UTC); the timeout is 30 min, goal purchase.
 *
 *  id  who start (UTC)     events                                   ev pv dur   bounce engaged conv value
 *  S1  a   10-01 09:00     /home (utm google, ref bing), /pricing    3  2   60  no     yes     1    20
 *                          @09:00:30, purchase 20 @09:01
 *  S2  b   10-01 13:00     /blog (ref https://WWW.Google.com/…)      1  1    0  yes    no      0     0
 *  S3  c   10-01 23:50     /home, /docs @10-02 00:10,                3  3 1800  no     yes     0     0
 *                          /docs/api @00:20  (runs past midnight UTC)
 *  S4  d   10-02 10:00     /home (ref http://news.example.org/…),    2  1    5  no     no      0     0
 *                          click @10:00:05   (a click: no bounce; 5 s, 1 pv: not engaged)
 *  S5  e   10-03 08:00     /pricing (utm newsletter),                2  1   20  no     yes     1  15.5
 *                          purchase 15.5 @08:00:20
 *  S6  a   10-03 18:20     /home                                     1  1    0  yes    no      0     0
 *
 *  device: S1, S6 mobile (iPhone); S2, S4, S5 desktop (Chrome); S3 '' (no agent)
 *  source (canonical, docs/sessions.md): S1 Google (utm google wins over the bing referrer), S2
 *  Google (its referrer's host), S3 none, S4 news.example.org, S5 newsletter, S6 none;
 *  traffic_source is the same with (direct) for none
 *
 *  Whole period: sessions 6, users 5 (a b c d e), pageviews 2+1+3+1+1+1 = 9,
 *  events 3+1+3+2+2+1 = 12, bounces 2 (S2 S6), engaged 3 (S1 S3 S5),
 *  durations [0, 0, 5, 20, 60, 1800]: sum 1885, median (5 + 20) / 2 = 12.5,
 *  converted 2 (S1 S5), value 35.5.
 */
const FIXTURE: StintEvent[] = [
  ev('a', '2026-10-01T09:00:00Z', {
    url: 'https://shop.example/home',
    utmSource: 'google',
    referrer: 'https://www.bing.com/',
    userAgent: IPHONE,
  }),
  ev('a', '2026-10-01T09:00:30Z', { url: '/pricing', userAgent: IPHONE }),
  ev('a', '2026-10-01T09:01:00Z', { name: 'purchase', value: 20, userAgent: IPHONE }),
  ev('b', '2026-10-01T13:00:00Z', {
    url: '/blog',
    referrer: 'https://WWW.Google.com/search?q=x',
    userAgent: CHROME,
  }),
  ev('c', '2026-10-01T23:50:00Z', { url: '/home' }),
  ev('c', '2026-10-02T00:10:00Z', { url: '/docs' }),
  ev('c', '2026-10-02T00:20:00Z', { url: '/docs/api' }),
  ev('d', '2026-10-02T10:00:00Z', {
    url: '/home',
    referrer: 'http://news.example.org/a?b=1',
    userAgent: CHROME,
  }),
  ev('d', '2026-10-02T10:00:05Z', { name: 'click', url: '/home#cta', userAgent: CHROME }),
  ev('e', '2026-10-03T08:00:00Z', { url: '/pricing', utmSource: 'newsletter', userAgent: CHROME }),
  ev('e', '2026-10-03T08:00:20Z', { name: 'purchase', value: 15.5, userAgent: CHROME }),
  ev('a', '2026-10-03T18:20:00Z', { url: '/home', userAgent: IPHONE }),
];

const ALL: Metrics = {
  sessions: 6,
  users: 5,
  pageviews: 9,
  events: 12,
  bounce_rate: 2 / 6,
  engagement_rate: 3 / 6,
  avg_duration_s: 1885 / 6,
  median_duration_s: 12.5,
  pages_per_session: 9 / 6,
  conversion_rate: 2 / 6,
  avg_value: 35.5 / 6,
  total_value: 35.5,
};

/* Day buckets in UTC (a session counts on the day it starts):
 *   10-01: S1 S2 S3 — sessions 3, users 3, pv 2+1+3 = 6, ev 3+1+3 = 7, bounce 1/3, engaged 2/3,
 *          durations [0, 60, 1800]: mean 620, median 60; pages/session 2, conv 1/3, value 20
 *   10-02: S4       — sessions 1, pv 1, ev 2, bounce 0, engaged 0, duration 5, conv 0, value 0
 *   10-03: S5 S6    — sessions 2, users 2, pv 2, ev 3, bounce 1/2, engaged 1/2, durations [0, 20]:
 *          mean 10, median 10; pages/session 1, conv 1/2, value 15.5 (per session 7.75)
 */
const DAYS: Record<string, Metrics> = {
  '2026-10-01': {
    sessions: 3,
    users: 3,
    pageviews: 6,
    events: 7,
    bounce_rate: 1 / 3,
    engagement_rate: 2 / 3,
    avg_duration_s: 620,
    median_duration_s: 60,
    pages_per_session: 2,
    conversion_rate: 1 / 3,
    avg_value: 20 / 3,
    total_value: 20,
  },
  '2026-10-02': {
    sessions: 1,
    users: 1,
    pageviews: 1,
    events: 2,
    bounce_rate: 0,
    engagement_rate: 0,
    avg_duration_s: 5,
    median_duration_s: 5,
    pages_per_session: 1,
    conversion_rate: 0,
    avg_value: 0,
    total_value: 0,
  },
  '2026-10-03': {
    sessions: 2,
    users: 2,
    pageviews: 2,
    events: 3,
    bounce_rate: 0.5,
    engagement_rate: 0.5,
    avg_duration_s: 10,
    median_duration_s: 10,
    pages_per_session: 1,
    conversion_rate: 0.5,
    avg_value: 7.75,
    total_value: 15.5,
  },
};

describe('the fixture', () => {
  it('is cut into the six sessions worked out above', () => {
    const b = new EventColumnsBuilder();
    for (const e of FIXTURE) b.append(e);
    const cut = sessionizeColumns(b.finish(), RULES)
      .map((s) => ({
        who: s.identity,
        start: new Date(s.startMs).toISOString().slice(5, 16),
        ev: s.events,
        pv: s.pageviews,
        dur: (s.endMs - s.startMs) / 1000,
        bounce: s.bounce,
        engaged: s.engaged,
        conv: s.conversions,
        value: s.value,
        source: s.source,
        referrer: s.referrer,
        device: s.deviceType,
        entry: s.entryPage,
      }))
      .sort((x, y) => (x.start < y.start ? -1 : 1));
    const S = (
      who: string,
      start: string,
      ev: number,
      pv: number,
      dur: number,
      bounce: boolean,
      engaged: boolean,
      conv: number,
      value: number,
      device: string,
      entry: string,
    ) => expect.objectContaining({ who, start, ev, pv, dur, bounce, engaged, conv, value, device, entry });
    expect(cut).toEqual([
      S('a', '10-01T09:00', 3, 2, 60, false, true, 1, 20, 'mobile', '/home'),
      S('b', '10-01T13:00', 1, 1, 0, true, false, 0, 0, 'desktop', '/blog'),
      S('c', '10-01T23:50', 3, 3, 1800, false, true, 0, 0, '', '/home'),
      S('d', '10-02T10:00', 2, 1, 5, false, false, 0, 0, 'desktop', '/home'),
      S('e', '10-03T08:00', 2, 1, 20, false, true, 1, 15.5, 'desktop', '/pricing'),
      S('a', '10-03T18:20', 1, 1, 0, true, false, 0, 0, 'mobile', '/home'),
    ]);
    expect(cut.map((s) => s.source)).toEqual(['Google', 'Google', '', 'news.example.org', 'newsletter', '']);
    expect(cut.map((s) => s.referrer)).toEqual([
      'https://www.bing.com/',
      'https://WWW.Google.com/search?q=x',
      '',
      'http://news.example.org/a?b=1',
      '',
      '',
    ]);
  });

  it('the overview of the whole period is the worked-out total', async () => {
    const store = await storeWith(FIXTURE);
    const o = await overview(store, q());
    expect(o.range).toEqual({ from: '2026-10-01T00:00:00.000Z', to: '2026-10-04T00:00:00.000Z' });
    expectMetrics(Object.fromEntries(OVERVIEW_METRICS.map((m) => [m, o.metrics[m].value])) as Metrics, ALL);
  });
});

// ---------------------------------------------------------------------------------------------
// 1–2. Time series add up to the overview; a session counts where it starts
// ---------------------------------------------------------------------------------------------

describe('timeseries', () => {
  it('day buckets in UTC: one row per day with the worked-out metrics', async () => {
    const store = await storeWith(FIXTURE);
    const rows = await timeseries(store, q(), 'day');
    expect(keys(rows)).toEqual(['2026-10-01', '2026-10-02', '2026-10-03']);
    for (const r of rows) expectMetrics(metricsOfRow(r), DAYS[r.key]!, `${r.key} `);
  });

  it('rows add up to the overview of the same period, for every unit and zone', async () => {
    const store = await storeWith(FIXTURE);
    for (const tz of ['UTC', 'Asia/Kathmandu', 'America/New_York']) {
      for (const flags of [{ tz }, { tz, from: '2026-09-20', to: '2026-10-12' }]) {
        for (const unit of TIME_UNITS) {
          const rows = await timeseries(store, q(flags), unit);
          await expectRowsAddUpToOverview(store, flags, rows, `${unit} ${JSON.stringify(flags)}: `);
        }
      }
    }
    // The recombination over the UTC days, worked out: bounces 1/3·3 + 0·1 + 1/2·2 = 2 (S2, S6);
    // engaged 2/3·3 + 0 + 1/2·2 = 3; durations 620·3 + 5·1 + 10·2 = 1885; value 20 + 0 + 15.5.
    const r = recombine(await timeseries(store, q(), 'day'));
    expect(r).toEqual(expect.objectContaining({ sessions: 6, pageviews: 9, events: 12, total_value: 35.5 }));
    expect(r.bounces).toBeCloseTo(2, 9);
    expect(r.engaged).toBeCloseTo(3, 9);
    expect(r.converted).toBeCloseTo(2, 9);
    expect(r.duration_sum).toBeCloseTo(1885, 9);
    expect(r.value_sum).toBeCloseTo(35.5, 9);
  });

  it('a session counts in the bucket of its start even when it runs past midnight', async () => {
    const store = await storeWith(FIXTURE);
    // S3 starts 10-01 23:50 and ends 10-02 00:20: it is in 10-01 (3 sessions), not in 10-02.
    const days = await timeseries(store, q(), 'day');
    expect(counts(days)).toEqual([
      ['2026-10-01', 3],
      ['2026-10-02', 1],
      ['2026-10-03', 2],
    ]);
    // By hour over the 10-01 … 10-02 boundary: S3's 3 pageviews and 1800 s all in T23.
    const hours = await timeseries(
      store,
      q({ from: '2026-10-01T23:00:00Z', to: '2026-10-02T02:00:00Z' }),
      'hour',
    );
    expect(counts(hours)).toEqual([
      ['2026-10-01T23', 1],
      ['2026-10-02T00', 0],
      ['2026-10-02T01', 0],
    ]);
    expect(hours[0]).toMatchObject({ pageviews: 3, events: 3, avg_duration_s: 1800 });
    // A range that begins at midnight leaves S3 out altogether (it started before).
    const second = await timeseries(store, q({ from: '2026-10-02', to: '2026-10-02' }), 'hour');
    expect(second).toHaveLength(24);
    expect(second.filter((r) => (r.sessions ?? 0) > 0).map((r) => r.key)).toEqual(['2026-10-02T10']);
  });

  it('hour buckets of one UTC day: 24 labels, sessions in T09, T13 and T23', async () => {
    const store = await storeWith(FIXTURE);
    const rows = await timeseries(store, q({ from: '2026-10-01', to: '2026-10-01' }), 'hour');
    expect(keys(rows)).toEqual(
      Array.from({ length: 24 }, (_, h) => `2026-10-01T${String(h).padStart(2, '0')}`),
    );
    expect(rows.filter((r) => (r.sessions ?? 0) > 0).map((r) => r.key)).toEqual([
      '2026-10-01T09',
      '2026-10-01T13',
      '2026-10-01T23',
    ]);
    // S1 alone in T09: its own metrics.
    expect(rows[9]).toMatchObject({ sessions: 1, pageviews: 2, events: 3, total_value: 20, bounce_rate: 0 });
  });
});

// ---------------------------------------------------------------------------------------------
// 3. Time zones, weeks and months
// ---------------------------------------------------------------------------------------------

/** One single-event session per time, each its own identity (s0, s1, …). */
function oneEventSessions(times: readonly string[]): StintEvent[] {
  return times.map((t, i) => ev(`s${i}`, t, { url: '/' }));
}

/** Hours of the day as labels: hourLabels('2026-10-01', [0, 1]) = ['2026-10-01T00', '2026-10-01T01']. */
function hourLabels(day: string, hours: readonly number[]): string[] {
  return hours.map((h) => `${day}T${String(h).padStart(2, '0')}`);
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('buckets in a time zone', () => {
  it('Asia/Kathmandu (+05:45): a session at 18:20Z is on the next local day', async () => {
    const store = await storeWith(FIXTURE);
    /* Local starts (+05:45): S1 10-01 14:45, S2 10-01 18:45, S3 10-02 05:35, S4 10-02 15:45,
     * S5 10-03 13:45, S6 (18:20Z) 10-04 00:05. The open range runs over local days 10-01 … 10-04. */
    const rows = await timeseries(store, q({ tz: 'Asia/Kathmandu' }), 'day');
    expect(counts(rows)).toEqual([
      ['2026-10-01', 2],
      ['2026-10-02', 2],
      ['2026-10-03', 1],
      ['2026-10-04', 1],
    ]);
    expect(rows[3]).toMatchObject({ pageviews: 1, bounce_rate: 1 }); // S6 alone
    // Local hour buckets: S6 at 00:05 local is in 2026-10-04T00.
    const hours = await timeseries(
      store,
      q({ tz: 'Asia/Kathmandu', from: '2026-10-04', to: '2026-10-04' }),
      'hour',
    );
    expect(hours).toHaveLength(24);
    expect(hours.filter((r) => (r.sessions ?? 0) > 0).map((r) => r.key)).toEqual(['2026-10-04T00']);
  });

  it('the edges of a local day in Kathmandu: 18:14:59.999Z is still the 9th, 18:15Z the 10th', async () => {
    const store = await storeWith(
      oneEventSessions([
        '2026-03-09T18:14:59.999Z', // 23:59:59.999 on the 9th
        '2026-03-09T18:15:00.000Z', // 00:00 on the 10th
        '2026-03-10T18:14:59.999Z', // 23:59:59.999 on the 10th
        '2026-03-10T18:15:00.000Z', // 00:00 on the 11th
      ]),
    );
    const rows = await timeseries(store, q({ tz: 'Asia/Kathmandu' }), 'day');
    expect(counts(rows)).toEqual([
      ['2026-03-09', 1],
      ['2026-03-10', 2],
      ['2026-03-11', 1],
    ]);
  });

  it('America/New_York 2026-03-08 (spring forward): 23 hour buckets, no 02', async () => {
    const tz = 'America/New_York';
    const store = await storeWith(
      oneEventSessions([
        '2026-03-08T06:30:00Z', // 01:30 EST
        '2026-03-08T07:00:00Z', // 03:00 EDT (02:00 never happens)
        '2026-03-08T07:30:00Z', // 03:30 EDT
        '2026-03-09T03:59:00Z', // 23:59 EDT
      ]),
    );
    const flags = { tz, from: '2026-03-08', to: '2026-03-08' };
    const options = q(flags);
    const expected = hourLabels('2026-03-08', [0, 1, ...range(3, 24)]);
    expect(bucketLabels(options.fromMs!, options.toMs!, 'hour', tz)).toEqual(expected);
    const rows = await timeseries(store, options, 'hour');
    expect(keys(rows)).toEqual(expected);
    expect(rows).toHaveLength(23);
    expect(rows.filter((r) => (r.sessions ?? 0) > 0).map((r) => [r.key, r.sessions])).toEqual([
      ['2026-03-08T01', 1],
      ['2026-03-08T03', 2],
      ['2026-03-08T23', 1],
    ]);
    for (const k of await sqlKeys(store, flags, 'hour')) expect(expected).toContain(k);
  });

  it('America/New_York 2026-11-01 (fall back): 25 hours, the repeated 01 is one bucket (24 labels)', async () => {
    const tz = 'America/New_York';
    const store = await storeWith(
      oneEventSessions([
        '2026-11-01T04:00:00Z', // 00:00 EDT
        '2026-11-01T05:30:00Z', // 01:30 EDT
        '2026-11-01T06:30:00Z', // 01:30 EST, the repeated hour
        '2026-11-01T07:00:00Z', // 02:00 EST
        '2026-11-02T04:59:00Z', // 23:59 EST
      ]),
    );
    const flags = { tz, from: '2026-11-01', to: '2026-11-01' };
    const options = q(flags);
    expect(options.toMs! - options.fromMs!).toBe(25 * 3_600_000);
    // 25 hours of wall time, but 01:00–01:59 happens twice and both map to the label T01.
    const expected = hourLabels('2026-11-01', range(0, 24));
    expect(bucketLabels(options.fromMs!, options.toMs!, 'hour', tz)).toEqual(expected);
    const rows = await timeseries(store, options, 'hour');
    expect(keys(rows)).toEqual(expected);
    expect(rows.filter((r) => (r.sessions ?? 0) > 0).map((r) => [r.key, r.sessions])).toEqual([
      ['2026-11-01T00', 1],
      ['2026-11-01T01', 2], // 01:30 EDT and 01:30 EST together
      ['2026-11-01T02', 1],
      ['2026-11-01T23', 1],
    ]);
    const sql = await sqlKeys(store, flags, 'hour');
    expect(sql).toEqual(['2026-11-01T00', '2026-11-01T01', '2026-11-01T02', '2026-11-01T23']);
    for (const k of sql) expect(expected).toContain(k);
    await expectRowsAddUpToOverview(store, flags, rows);
  });

  it('week buckets start on Monday (label = the local Monday), across a year end too', async () => {
    const store = await storeWith(
      oneEventSessions([
        '2026-09-27T23:59:00Z', // Sun 09-27: week of 09-21
        '2026-09-28T00:00:00Z', // Mon 09-28: week of 09-28
        '2026-10-01T12:00:00Z', // Thu 10-01: week of 09-28
        '2026-10-04T23:59:59Z', // Sun 10-04: week of 09-28
        '2026-10-05T00:00:00Z', // Mon 10-05: week of 10-05
        '2027-01-01T12:00:00Z', // Fri 2027-01-01: week of Mon 2026-12-28
      ]),
    );
    const rows = await timeseries(store, q({ from: '2026-09-20', to: '2026-10-12' }), 'week');
    // 09-20 is a Sunday, so the first bucket is the week of Monday 09-14; 10-12 is a Monday.
    expect(counts(rows)).toEqual([
      ['2026-09-14', 0],
      ['2026-09-21', 1],
      ['2026-09-28', 3],
      ['2026-10-05', 1],
      ['2026-10-12', 0],
    ]);
    const newYear = await timeseries(store, q({ from: '2026-12-25', to: '2027-01-05' }), 'week');
    expect(counts(newYear)).toEqual([
      ['2026-12-21', 0],
      ['2026-12-28', 1],
      ['2027-01-04', 0],
    ]);
    for (const label of [...keys(rows), ...keys(newYear)]) {
      expect(new Date(`${label}T00:00:00Z`).getUTCDay(), label).toBe(1);
    }
    // In Kathmandu (+05:45), Sun 09-27 23:59Z is already Monday 09-28 05:44 local (week of
    // 09-28), and Sun 10-04 23:59:59Z is Monday 10-05 05:44:59 (week of 10-05).
    const kathmandu = await timeseries(
      store,
      q({ from: '2026-09-21', to: '2026-10-11', tz: 'Asia/Kathmandu' }),
      'week',
    );
    expect(counts(kathmandu)).toEqual([
      ['2026-09-21', 0],
      ['2026-09-28', 3],
      ['2026-10-05', 2],
    ]);
  });

  it('month buckets: labels YYYY-MM; 10-31 23:30Z is October in UTC but November in Berlin', async () => {
    const store = await storeWith(
      oneEventSessions([
        '2026-09-30T22:30:00Z', // UTC: September; Berlin (+02:00): 10-01 00:30, October
        '2026-10-15T12:00:00Z', // October everywhere here
        '2026-10-31T23:30:00Z', // UTC: October; Berlin (+01:00 after 10-25): 11-01 00:30, November
      ]),
    );
    const flags = { from: '2026-09-15', to: '2026-11-02' };
    expect(counts(await timeseries(store, q(flags), 'month'))).toEqual([
      ['2026-09', 1],
      ['2026-10', 2],
      ['2026-11', 0],
    ]);
    expect(counts(await timeseries(store, q({ ...flags, tz: 'Europe/Berlin' }), 'month'))).toEqual([
      ['2026-09', 0],
      ['2026-10', 2],
      ['2026-11', 1],
    ]);
  });

  it('bucketBounds: the same buckets as a plain 15-minute walk, in zones with odd clock changes', () => {
    // The reference: step through the period a quarter hour at a time, a bucket where the label changes.
    const labelOf = (t: number, unit: TimeUnit, tz: string): string => {
      const wall = new Date(t + zoneOffsetMs(tz, t));
      if (unit === 'week') wall.setUTCDate(wall.getUTCDate() - ((wall.getUTCDay() + 6) % 7));
      const iso = wall.toISOString();
      return unit === 'hour' ? iso.slice(0, 13) : unit === 'month' ? iso.slice(0, 7) : iso.slice(0, 10);
    };
    const walk = (fromMs: number, toMs: number, unit: TimeUnit, tz: string) => {
      const out = { labels: [] as string[], starts: [] as number[], ends: [] as number[] };
      const step = 900_000;
      for (let t = fromMs; t < toMs; ) {
        const label = labelOf(t, unit, tz);
        let end = Math.min(toMs, Math.floor(t / step) * step + step);
        while (end < toMs && labelOf(end, unit, tz) === label) end = Math.min(toMs, end + step);
        out.labels.push(label);
        out.starts.push(t);
        out.ends.push(end);
        t = end;
      }
      return out;
    };
    // St John's changed clocks at 00:01 (a day comes back for an hour), Sao Paulo at midnight,
    // Apia skipped a day, Lord Howe moves by 30 minutes, Chatham is +12:45.
    const zones = [
      'Europe/Berlin',
      'America/St_Johns',
      'America/Sao_Paulo',
      'Pacific/Apia',
      'Australia/Lord_Howe',
      'Pacific/Chatham',
      'Asia/Kathmandu',
    ];
    for (const tz of zones) {
      for (const unit of TIME_UNITS) {
        const from = Date.UTC(2008, 0, 1, 0, 7);
        const to = unit === 'hour' ? Date.UTC(2009, 6, 1) : Date.UTC(2016, 0, 1);
        expect(bucketBounds(from, to, unit, tz), `${tz} ${unit}`).toEqual(walk(from, to, unit, tz));
      }
    }
  });

  it('bucketBounds: a century of months is cheap, and too many buckets fail before any work', () => {
    const months = bucketBounds(Date.UTC(1900, 0, 1), Date.UTC(2026, 0, 1), 'month', 'Europe/Berlin');
    expect(months.labels.length).toBe(1513);
    expect(stintErrorOf(() => bucketBounds(-1e15, Date.UTC(2026, 0, 1), 'day', 'UTC')).code).toBe(
      'STINT_BAD_FLAG',
    );
  });

  it('bucketLabels: labels of the buckets [from, to) touches, in order', () => {
    const at = Date.parse;
    expect(bucketLabels(at('2026-10-01T10:50:00Z'), at('2026-10-01T12:05:00Z'), 'hour', 'UTC')).toEqual([
      '2026-10-01T10',
      '2026-10-01T11',
      '2026-10-01T12',
    ]);
    // An exclusive end on a boundary adds no bucket.
    expect(bucketLabels(at('2026-10-01T00:00:00Z'), at('2026-10-03T00:00:00Z'), 'day', 'UTC')).toEqual([
      '2026-10-01',
      '2026-10-02',
    ]);
    expect(bucketLabels(at('2026-10-01T00:00:00Z'), at('2026-10-01T00:00:00Z'), 'day', 'UTC')).toEqual([]);
    // Kathmandu: 00:00Z is 05:45 local; hour labels are local wall hours.
    expect(
      bucketLabels(at('2026-10-01T00:00:00Z'), at('2026-10-01T01:00:00Z'), 'hour', 'Asia/Kathmandu'),
    ).toEqual(['2026-10-01T05', '2026-10-01T06']);
    expect(bucketLabels(at('2026-12-31T00:00:00Z'), at('2027-02-01T00:00:00Z'), 'month', 'UTC')).toEqual([
      '2026-12',
      '2027-01',
    ]);
  });
});

/*
 * One single-event session every 37 minutes over the 48 hours around each transition below
 * (~78 per window); for every zone and unit, the keys the SQL writes must be labels that
 * bucketLabels lists (otherwise timeseries would drop them), and the rows must add up.
 *
 *   2026-03-08  America/New_York springs forward (02:00 → 03:00)
 *   2026-04-05  Australia/Lord_Howe falls back 30 min (02:00 → 01:30); America/Santiago falls back
 *               at local midnight (00:00 → 23:00 the day before); Pacific/Chatham (+13:45 → +12:45)
 *   2026-09-06  America/Santiago springs forward at midnight (00:00 → 01:00)
 *   2026-09-27  Pacific/Chatham springs forward
 *   2026-10-04  Australia/Lord_Howe springs forward 30 min (02:00 → 02:30)
 *   2026-11-01  America/New_York falls back (02:00 → 01:00)
 */
const TRANSITIONS = ['2026-03-08', '2026-04-05', '2026-09-06', '2026-09-27', '2026-10-04', '2026-11-01'];
const ZONES = [
  'UTC',
  'Asia/Kathmandu',
  'Asia/Kolkata',
  'America/New_York',
  'America/Santiago',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
];

describe('SQL keys and bucketLabels agree', () => {
  it('for every unit and zone tested, the SQL keys are among the labels and nothing is dropped', async () => {
    const times: string[] = [];
    for (const day of TRANSITIONS) {
      const start = Date.parse(`${day}T00:00:00Z`) - 86_400_000 / 2;
      for (let t = start; t < start + 2 * 86_400_000; t += 37 * 60_000) times.push(new Date(t).toISOString());
    }
    const store = await storeWith(oneEventSessions(times));
    const total = times.length;
    for (const tz of ZONES) {
      // All of the data: the default period is only its last 30 days.
      const flags = { tz, from: '2026-03-06', to: '2026-11-03' };
      const options = q(flags);
      const r = (await resolveRange(store, options))!;
      for (const unit of TIME_UNITS) {
        const labels = bucketLabels(r.fromMs, r.toMs, unit, tz);
        const sql = await sqlKeys(store, flags, unit);
        const missing = sql.filter((k) => !labels.includes(k));
        expect(missing, `${tz} ${unit}: SQL keys missing from bucketLabels`).toEqual([]);
        // Chatham's hour labels repeat T02 and T03 on 2026-04-05: see the test below.
        if (tz === 'Pacific/Chatham' && unit === 'hour') continue;
        expect(new Set(labels).size, `${tz} ${unit}: labels unique`).toBe(labels.length);
        expect([...labels].sort(), `${tz} ${unit}: labels in order`).toEqual(labels);
        const rows = await timeseries(store, options, unit);
        expect(keys(rows)).toEqual(labels);
        expect(recombine(rows).sessions, `${tz} ${unit}: sessions`).toBe(total);
      }
    }
  });

  it('Lord Howe 2026-04-05: the half hour repeated at 01:30 stays in T01; Santiago 2026-09-06 has no T00', async () => {
    const store = await storeWith(
      oneEventSessions([
        '2026-04-04T14:45:00Z', // Lord Howe 01:45 (+11:00)
        '2026-04-04T15:15:00Z', // Lord Howe 01:45 again (+10:30)
        '2026-09-06T04:30:00Z', // Santiago 01:30 (-03:00); 00:00–00:59 never happens that day
      ]),
    );
    const lh = { tz: 'Australia/Lord_Howe', from: '2026-04-05', to: '2026-04-05' };
    const lhRows = await timeseries(store, q(lh), 'hour');
    expect(lhRows).toHaveLength(24); // 24.5 hours, 24 distinct wall hours
    expect(lhRows.filter((r) => (r.sessions ?? 0) > 0).map((r) => [r.key, r.sessions])).toEqual([
      ['2026-04-05T01', 2],
    ]);
    const cl = { tz: 'America/Santiago', from: '2026-09-06', to: '2026-09-06' };
    const clRows = await timeseries(store, q(cl), 'hour');
    expect(keys(clRows)).toEqual(hourLabels('2026-09-06', range(1, 24)));
    expect(clRows.filter((r) => (r.sessions ?? 0) > 0).map((r) => r.key)).toEqual(['2026-09-06T01']);
  });

  /*
   * Once a bug, now fixed (src/analysis/breakdown.ts, bucketLabels, the `labels[labels.length - 1] !== label`
   * dedupe): it only drops a label equal to the one just before. When a fall-back transition
   * repeats more than one wall-hour label, those labels come back twice and timeseries lists
   * (and counts) those buckets twice:
   *
   *   Pacific/Chatham, 2026-04-05: 03:45 +13:45 → 02:45 +12:45 (at 2026-04-04T14:00Z).
   *     Wall time 02:00 … 03:44, then 02:45 … again: labels … T02, T03, T02, T03, T04 …
   *   Antarctica/Troll, 2026-10-25: 03:00 +02 → 01:00 +00 (at 01:00Z).
   *     Wall time 01:00 … 02:59, then 01:00 … again: labels … T01, T02, T01, T02, T03 …
   *
   * docs/store.md: "On a day that leaves daylight saving time, the repeated hour is one bucket."
   * Expected: 24 unique labels on each day, rows summing to the overview (2 sessions each).
   * Actual: 26 labels, and the rows sum to 4 sessions (the SQL's one row per key is used twice).
   */
  it('a fall-back that repeats two wall-hour labels (Chatham, Troll) still gives each hour once', async () => {
    const store = await storeWith(
      oneEventSessions([
        '2026-04-04T13:50:00Z', // Chatham 03:35 +13:45: T03
        '2026-04-04T14:10:00Z', // Chatham 02:55 +12:45: T02
        '2026-10-25T00:30:00Z', // Troll 02:30 +02: T02
        '2026-10-25T01:30:00Z', // Troll 01:30 +00: T01
      ]),
    );
    for (const [tz, day] of [
      ['Pacific/Chatham', '2026-04-05'],
      ['Antarctica/Troll', '2026-10-25'],
    ] as const) {
      const flags = { tz, from: day, to: day };
      const options = q(flags);
      const labels = bucketLabels(options.fromMs!, options.toMs!, 'hour', tz);
      expect({ tz, labels }).toEqual({ tz, labels: hourLabels(day, range(0, 24)) });
      const rows = await timeseries(store, options, 'hour');
      expect(keys(rows)).toEqual(hourLabels(day, range(0, 24)));
      await expectRowsAddUpToOverview(store, flags, rows, `${tz}: `);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 4. Empty buckets, empty store
// ---------------------------------------------------------------------------------------------

describe('empty buckets and an empty store', () => {
  it('empty buckets are listed with sessions 0 and null rates', async () => {
    const store = await storeWith(FIXTURE);
    const rows = await timeseries(store, q({ from: '2026-09-30', to: '2026-10-04' }), 'day');
    expect(counts(rows)).toEqual([
      ['2026-09-30', 0],
      ['2026-10-01', 3],
      ['2026-10-02', 1],
      ['2026-10-03', 2],
      ['2026-10-04', 0],
    ]);
    for (const r of [rows[0]!, rows[4]!]) {
      expect(Object.keys(r)).toEqual(['key', ...OVERVIEW_METRICS]);
      expectMetrics(metricsOfRow(r), NO_SESSIONS, `${r.key} `);
    }
    // A period with no sessions at all: every bucket empty.
    const later = await timeseries(store, q({ from: '2026-12-01', to: '2026-12-03' }), 'day');
    expect(keys(later)).toEqual(['2026-12-01', '2026-12-02', '2026-12-03']);
    for (const r of later) expectMetrics(metricsOfRow(r), NO_SESSIONS, `${r.key} `);
  });

  it('an empty store gives [] (timeseries and breakdowns), or empty buckets when both ends are given', async () => {
    const store = await freshStore();
    for (const unit of TIME_UNITS) expect(await timeseries(store, q(), unit)).toEqual([]);
    expect(await timeseries(store, q({ tz: 'Asia/Kathmandu' }), 'day')).toEqual([]);
    expect(await breakdown(store, q(), { kind: 'dimension', dimension: 'traffic_source' })).toEqual([]);
    expect(await breakdown(store, q(), { kind: 'weekday', tz: 'UTC' })).toEqual([]);
    const bounded = await timeseries(store, q({ from: '2026-10-01', to: '2026-10-02' }), 'day');
    expect(keys(bounded)).toEqual(['2026-10-01', '2026-10-02']);
    for (const r of bounded) expectMetrics(metricsOfRow(r), NO_SESSIONS);
    expect(
      await breakdown(store, q({ from: '2026-10-01', to: '2026-10-02' }), { kind: 'local_hour', tz: 'UTC' }),
    ).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// 5. Breakdowns
// ---------------------------------------------------------------------------------------------

const dim = (dimension: Extract<GroupKey, { kind: 'dimension' }>['dimension']): GroupKey => ({
  kind: 'dimension',
  dimension,
});

describe('breakdown', () => {
  it('by source: the canonical source; sessions without one under ""', async () => {
    const store = await storeWith(FIXTURE);
    expect(counts(await breakdown(store, q(), dim('source')))).toEqual([
      ['', 2],
      ['Google', 2],
      ['news.example.org', 1],
      ['newsletter', 1],
    ]);
  });

  it('by traffic_source: the canonical source (utm wins over the referrer), else (direct)', async () => {
    const store = await storeWith(FIXTURE);
    // S1 Google (utm google; its bing referrer loses), S2 Google (from https://WWW.Google.com/search?q=x),
    // S4 news.example.org, S5 newsletter, S3 and S6 (direct). Ties by key ('.' < 'l').
    expect(counts(await breakdown(store, q(), dim('traffic_source')))).toEqual([
      ['(direct)', 2],
      ['Google', 2],
      ['news.example.org', 1],
      ['newsletter', 1],
    ]);
    expect(counts(await breakdown(store, q(), dim('referrer_domain')))).toEqual([
      ['', 3],
      ['news.example.org', 1],
      ['www.bing.com', 1],
      ['www.google.com', 1],
    ]);
  });

  it('traffic_source over more referrer shapes', async () => {
    const store = await storeWith([
      ev('r1', '2026-10-01T10:00:00Z', { url: '/', referrer: 'HTTPS://Example.COM:8443/x' }), // example.com
      ev('r2', '2026-10-01T10:00:00Z', { url: '/', referrer: 'https://example.com?q=1' }), // example.com
      ev('r3', '2026-10-01T10:00:00Z', { url: '/', referrer: 'android-app://com.google.android.gm/' }),
      ev('r4', '2026-10-01T10:00:00Z', { url: '/', referrer: 'not a url' }), // no host: (direct)
      ev('r5', '2026-10-01T10:00:00Z', { url: '/', referrer: 'https://t.co/abc', utmSource: 'Twitter' }),
    ]);
    expect(counts(await breakdown(store, q(), dim('traffic_source')))).toEqual([
      ['example.com', 2],
      ['(direct)', 1],
      ['Gmail', 1], // the Gmail app
      ['X (Twitter)', 1], // utm_source=Twitter, one name
    ]);
  });

  /*
   * Once a bug, now fixed (src/analysis/plans.ts, REFERRER_DOMAIN): "The host of a referrer URL" — but the regex
   * `://([^/:?#]+)` keeps user info. hostOf (src/core/url.ts) drops it, as URL does.
   *   'https://user:pw@evil.example/'  → expected 'evil.example', actual 'user'
   *   'https://someone@evil.example/x' → expected 'evil.example', actual 'someone@evil.example'
   * (traffic_source inherits it.)
   */
  it('referrer_domain of a referrer with user info is its host (SQL regex keeps the user part)', async () => {
    const store = await storeWith([
      ev('u1', '2026-10-01T10:00:00Z', { url: '/', referrer: 'https://user:pw@evil.example/' }),
      ev('u2', '2026-10-01T11:00:00Z', { url: '/', referrer: 'https://someone@evil.example/x' }),
    ]);
    expect(counts(await breakdown(store, q(), dim('referrer_domain')))).toEqual([['evil.example', 2]]);
  });

  it('by device_type and entry_page, with the metrics of a row', async () => {
    const store = await storeWith(FIXTURE);
    const devices = await breakdown(store, q(), dim('device_type'));
    expect(counts(devices)).toEqual([
      ['desktop', 3],
      ['mobile', 2],
      ['', 1],
    ]);
    /* desktop = S2, S4, S5: users 3, pv 3, ev 1+2+2 = 5, bounce 1/3 (S2), engaged 1/3 (S5),
     * durations [0, 5, 20]: mean 25/3, median 5; pages/session 1, conv 1/3, value 15.5. */
    expectMetrics(metricsOfRow(devices[0]!), {
      sessions: 3,
      users: 3,
      pageviews: 3,
      events: 5,
      bounce_rate: 1 / 3,
      engagement_rate: 1 / 3,
      avg_duration_s: 25 / 3,
      median_duration_s: 5,
      pages_per_session: 1,
      conversion_rate: 1 / 3,
      avg_value: 15.5 / 3,
      total_value: 15.5,
    });
    /* mobile = S1, S6: one user (a) with two sessions. */
    expect(devices[1]).toMatchObject({ sessions: 2, users: 1, pageviews: 3, events: 4, bounce_rate: 0.5 });
    expect(counts(await breakdown(store, q(), dim('entry_page')))).toEqual([
      ['/home', 4],
      ['/blog', 1],
      ['/pricing', 1],
    ]);
  });

  it('by local_hour and weekday, in UTC and in Kathmandu', async () => {
    const store = await storeWith(FIXTURE);
    const utc = 'UTC';
    // Starts at 09, 13, 23, 10, 08, 18 UTC: one each, ordered by hour (a number, not text).
    expect(counts(await breakdown(store, q(), { kind: 'local_hour', tz: utc }))).toEqual([
      ['8', 1],
      ['9', 1],
      ['10', 1],
      ['13', 1],
      ['18', 1],
      ['23', 1],
    ]);
    // Kathmandu local: S1 14:45, S2 18:45, S3 05:35, S4 15:45, S5 13:45, S6 00:05.
    const kt = 'Asia/Kathmandu';
    expect(counts(await breakdown(store, q({ tz: kt }), { kind: 'local_hour', tz: kt }))).toEqual([
      ['0', 1],
      ['5', 1],
      ['13', 1],
      ['14', 1],
      ['15', 1],
      ['18', 1],
    ]);
    // UTC weekdays: Thu (4) S1 S2 S3, Fri (5) S4, Sat (6) S5 S6.
    expect(counts(await breakdown(store, q(), { kind: 'weekday', tz: utc }))).toEqual([
      ['4', 3],
      ['6', 2],
      ['5', 1],
    ]);
    // Kathmandu: Thu S1 S2, Fri S3 S4, Sat S5, Sun (7) S6.
    expect(counts(await breakdown(store, q({ tz: kt }), { kind: 'weekday', tz: kt }))).toEqual([
      ['4', 2],
      ['5', 2],
      ['6', 1],
      ['7', 1],
    ]);
  });

  it('limit keeps the first rows; ordering is by sessions, then key', async () => {
    const store = await storeWith(FIXTURE);
    expect(counts(await breakdown(store, q(), dim('entry_page'), 2))).toEqual([
      ['/home', 4],
      ['/blog', 1],
    ]);
    expect(counts(await breakdown(store, q(), dim('traffic_source'), 1))).toEqual([['(direct)', 2]]);
    // The default limit is 10: the identity breakdown has 5 rows, all there.
    const ids = await breakdown(store, q(), dim('identity'));
    expect(counts(ids)).toEqual([
      ['a', 2],
      ['b', 1],
      ['c', 1],
      ['d', 1],
      ['e', 1],
    ]);
    const many = await storeWith(
      oneEventSessions(range(0, 15).map((i) => `2026-10-01T${String(i).padStart(2, '0')}:00:00Z`)),
    );
    expect(await breakdown(many, q(), dim('identity'))).toHaveLength(10);
    expect(await breakdown(many, q(), dim('identity'), 100)).toHaveLength(15);
  });

  it('rows add up to the overview when the limit is not hit, for every grouping', async () => {
    const store = await storeWith(FIXTURE);
    const groupings: GroupKey[] = [
      dim('source'),
      dim('traffic_source'),
      dim('referrer_domain'),
      dim('device_type'),
      dim('entry_page'),
      dim('exit_page'),
      dim('identity'),
      { kind: 'local_hour', tz: 'Asia/Kathmandu' },
      { kind: 'weekday', tz: 'America/New_York' },
    ];
    for (const flags of [{}, { from: '2026-10-01', to: '2026-10-01' }, { filter: ['device_type=desktop'] }]) {
      for (const g of groupings) {
        const rows = await breakdown(store, q(flags), g, 100);
        await expectRowsAddUpToOverview(
          store,
          flags,
          rows,
          `${JSON.stringify(g)} ${JSON.stringify(flags)}: `,
        );
      }
    }
  });

  it('filters apply to breakdowns and time series', async () => {
    const store = await storeWith(FIXTURE);
    // desktop = S2 /blog, S4 /home, S5 /pricing.
    expect(counts(await breakdown(store, q({ filter: ['device_type=desktop'] }), dim('entry_page')))).toEqual(
      [
        ['/blog', 1],
        ['/home', 1],
        ['/pricing', 1],
      ],
    );
    // (direct) = S3 (10-01) and S6 (10-03): the range still covers all three days.
    const direct = await timeseries(store, q({ filter: ['traffic_source=(direct)'] }), 'day');
    expect(counts(direct)).toEqual([
      ['2026-10-01', 1],
      ['2026-10-02', 0],
      ['2026-10-03', 1],
    ]);
    expect(direct[1]!.bounce_rate).toBeNull();
    // Two filters must both hold: mobile and entry /home = S1, S6; not google = S6.
    const both = await breakdown(
      store,
      q({ filter: ['device_type=mobile', 'traffic_source!=Google'] }),
      dim('entry_page'),
    );
    expect(counts(both)).toEqual([['/home', 1]]);
    // `~` contains, on the derived referrer domain.
    expect(
      counts(await breakdown(store, q({ filter: ['referrer_domain~google'] }), dim('traffic_source'))),
    ).toEqual([['Google', 1]]);
  });
});

// ---------------------------------------------------------------------------------------------
// 6. Too many buckets
// ---------------------------------------------------------------------------------------------

describe('too many buckets', () => {
  it('hour buckets over five years are refused with STINT_BAD_FLAG and a hint', async () => {
    const store = await storeWith(FIXTURE);
    const five = q({ from: '2022-01-01', to: '2026-12-31' });
    const err = await rejectionOf(timeseries(store, five, 'hour'));
    expect(err.code).toBe('STINT_BAD_FLAG');
    expect(err.message).toContain('20,000');
    expect(err.hint ?? '').toContain('--interval');
    expect(err.exitCode).toBe(1);
    const direct = stintErrorOf(() => bucketLabels(five.fromMs!, five.toMs!, 'hour', 'UTC'));
    expect(direct.code).toBe('STINT_BAD_FLAG');
    // Days, weeks and months over the same five years are fine: 1826, 262 and 60 buckets.
    expect(await timeseries(store, five, 'day')).toHaveLength(1826);
    expect(await timeseries(store, five, 'week')).toHaveLength(262);
    expect(await timeseries(store, five, 'month')).toHaveLength(60);
  });
});
