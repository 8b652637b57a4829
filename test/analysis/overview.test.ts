/**
 * The overview report over a real DuckDB store: a hand-computed fixture (value, previous
 * period, change), empty ranges, filters, date ranges in odd zones and on DST days, bad
 * flags, and a property test holding the SQL (`overview`) to the plain TypeScript reference
 * (`overviewOfSessions`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Metrics,
  OVERVIEW_METRICS,
  type Overview,
  overview,
  overviewOfSessions,
} from '../../src/analysis/overview.ts';
import { parseFilter, parseQueryOptions, type QueryFlags } from '../../src/analysis/query-options.ts';
import { sessionizeColumns } from '../../src/core/batch.ts';
import { EventColumnsBuilder } from '../../src/core/columns.ts';
import type { StintEvent } from '../../src/core/event.ts';
import { createRules, type SessionRules } from '../../src/core/rules.ts';
import { openDuckDBStore } from '../../src/store/duckdb-store.ts';
import type { Store } from '../../src/store/store.ts';
import { stintErrorOf } from '../helpers/errors.ts';
import { expectMetrics, NO_SESSIONS } from '../helpers/metrics.ts';
import { closeStores, ev, freshStore, importEvents, storeWith as storeWithRules } from '../helpers/store.ts';

const RULES = createRules({ goals: ['purchase'] });

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

afterEach(closeStores);

/** Stores events the way `stint import` does, under this file's rules by default. */
const storeWith = (events: readonly StintEvent[], rules: SessionRules = RULES): Promise<Store> =>
  storeWithRules(events, rules);

function values(o: Overview): Metrics {
  return Object.fromEntries(OVERVIEW_METRICS.map((m) => [m, o.metrics[m].value])) as Metrics;
}

function previousValues(o: Overview): Metrics {
  return Object.fromEntries(OVERVIEW_METRICS.map((m) => [m, o.metrics[m].previous])) as Metrics;
}

const utc = (iso: string): number => Date.parse(iso);

// ---------------------------------------------------------------------------------------------
// 1. Hand-computed fixture
// ---------------------------------------------------------------------------------------------

/*
 * Day 1, 2026-03-09 (UTC), the previous period:
 *
 *   session  events                                              ev pv dur  bounce engaged conv value source
 *   C0       C@09:00 /home (google), C@09:00:10 purchase 30       2  1  10   no     yes     1    30    Google
 *   A0       A@15:00 /home                                        1  1   0   yes    no      0     0
 *   E0       E@20:00 session_start, E@20:00:04 /landing,          3  1  12   yes    yes     0     0
 *            E@20:00:12 session_end                                          (1 pv + start/end only; 12 s ≥ 10)
 *
 *   sessions 3, users 3 (A C E), pageviews 3, events 6
 *   bounce 2/3, engaged 2/3, durations [0, 10, 12]: mean 22/3, median 10
 *   pages/session 1, conversion 1/3, value 30: mean 10
 *
 * Day 2, 2026-03-10 (UTC), the period asked for:
 *
 *   A1       A@10:00 /home (google), A@10:00:30 /pricing,          3  2  60   no     yes     1  49.5    Google
 *            A@10:01 purchase 49.5
 *   B1       B@11:00 / (newsletter)                                1  1   0   yes    no      0     0    newsletter
 *   B2       B@12:00 /blog, B@12:00:08 click                       2  1   8   no     no      0     0    (none)
 *            (a click is not a bounce; 8 s < 10, 1 pv, no conversion: not engaged)
 *   C1       C@13:00 /docs (google), C@13:00:20 /docs/api          2  2  20   no     yes     0     0    Google
 *
 *   sessions 4, users 3 (A B C), pageviews 6, events 8
 *   bounce 1/4, engaged 2/4, durations [0, 8, 20, 60]: mean 88/4 = 22, median (8+20)/2 = 14
 *   pages/session 6/4 = 1.5, conversion 1/4, value 49.5: mean 12.375
 */
const FIXTURE: StintEvent[] = [
  // day 1
  ev('C', '2026-03-09T09:00:00Z', { url: 'https://shop.example/home', utmSource: 'google' }),
  ev('C', '2026-03-09T09:00:10Z', { name: 'purchase', value: 30 }),
  ev('A', '2026-03-09T15:00:00Z', { url: '/home' }),
  ev('E', '2026-03-09T20:00:00Z', { name: 'session_start' }),
  ev('E', '2026-03-09T20:00:04Z', { url: '/landing' }),
  ev('E', '2026-03-09T20:00:12Z', { name: 'session_end' }),
  // day 2
  ev('A', '2026-03-10T10:00:00Z', { url: '/home', utmSource: 'google', utmMedium: 'cpc' }),
  ev('A', '2026-03-10T10:00:30Z', { url: '/pricing' }),
  ev('A', '2026-03-10T10:01:00Z', { name: 'purchase', value: 49.5 }),
  ev('B', '2026-03-10T11:00:00Z', { url: '/', utmSource: 'newsletter' }),
  ev('B', '2026-03-10T12:00:00Z', { url: '/blog' }),
  ev('B', '2026-03-10T12:00:08Z', { name: 'click', url: '/blog#cta' }),
  ev('C', '2026-03-10T13:00:00Z', { url: '/docs', utmSource: 'google' }),
  ev('C', '2026-03-10T13:00:20Z', { url: '/docs/api' }),
];

const DAY1: Metrics = {
  sessions: 3,
  users: 3,
  pageviews: 3,
  events: 6,
  bounce_rate: 2 / 3,
  engagement_rate: 2 / 3,
  avg_duration_s: 22 / 3,
  median_duration_s: 10,
  pages_per_session: 1,
  conversion_rate: 1 / 3,
  avg_value: 10,
  total_value: 30,
};

const DAY2: Metrics = {
  sessions: 4,
  users: 3,
  pageviews: 6,
  events: 8,
  bounce_rate: 0.25,
  engagement_rate: 0.5,
  avg_duration_s: 22,
  median_duration_s: 14,
  pages_per_session: 1.5,
  conversion_rate: 0.25,
  avg_value: 12.375,
  total_value: 49.5,
};

/* Change = (day 2 − day 1) / day 1, worked out: */
const CHANGE: Record<(typeof OVERVIEW_METRICS)[number], number> = {
  sessions: 1 / 3, // (4 − 3) / 3
  users: 0, // (3 − 3) / 3
  pageviews: 1, // (6 − 3) / 3
  events: 1 / 3, // (8 − 6) / 6
  bounce_rate: -0.625, // (1/4 − 2/3) / (2/3) = 3/8 − 1
  engagement_rate: -0.25, // (1/2 − 2/3) / (2/3) = 3/4 − 1
  avg_duration_s: 2, // (22 − 22/3) / (22/3) = 3 − 1
  median_duration_s: 0.4, // (14 − 10) / 10
  pages_per_session: 0.5, // (1.5 − 1) / 1
  conversion_rate: -0.25, // (1/4 − 1/3) / (1/3)
  avg_value: 0.2375, // (12.375 − 10) / 10
  total_value: 0.65, // (49.5 − 30) / 30
};

describe('overview of a hand-computed fixture', () => {
  it('the sessionizer cuts the fixture as worked out above', () => {
    const b = new EventColumnsBuilder();
    for (const e of FIXTURE) b.append(e);
    const cut = sessionizeColumns(b.finish(), RULES).map((s) => ({
      who: s.identity,
      start: new Date(s.startMs).toISOString(),
      dur: (s.endMs - s.startMs) / 1000,
      ev: s.events,
      pv: s.pageviews,
      bounce: s.bounce,
      engaged: s.engaged,
      conv: s.conversions,
      value: s.value,
      source: s.source,
    }));
    const row = (who: string, start: string, dur: number, n: number, pv: number, bounce: boolean) =>
      expect.objectContaining({ who, start: `2026-03-${start}Z`, dur, ev: n, pv, bounce });
    expect(cut).toEqual([
      row('A', '09T15:00:00.000', 0, 1, 1, true),
      row('A', '10T10:00:00.000', 60, 3, 2, false),
      row('B', '10T11:00:00.000', 0, 1, 1, true),
      row('B', '10T12:00:00.000', 8, 2, 1, false),
      row('C', '09T09:00:00.000', 10, 2, 1, false),
      row('C', '10T13:00:00.000', 20, 2, 2, false),
      row('E', '09T20:00:00.000', 12, 3, 1, true),
    ]);
    expect(cut.map((s) => s.engaged)).toEqual([false, true, false, false, true, true, true]);
    expect(cut.map((s) => s.conv)).toEqual([0, 1, 0, 0, 1, 0, 0]);
    expect(cut.map((s) => s.value)).toEqual([0, 49.5, 0, 0, 30, 0, 0]);
    expect(cut.map((s) => s.source)).toEqual(['', 'Google', 'newsletter', '', 'Google', 'Google', '']);
  });

  it('gives day 2 as the value, day 1 as the previous period, and the change', async () => {
    const store = await storeWith(FIXTURE);
    const o = await overview(store, parseQueryOptions({ from: '2026-03-10', to: '2026-03-10' }));
    expect(o.range).toEqual({ from: '2026-03-10T00:00:00.000Z', to: '2026-03-11T00:00:00.000Z' });
    expect(o.previous_range).toEqual({ from: '2026-03-09T00:00:00.000Z', to: '2026-03-10T00:00:00.000Z' });
    expect(Object.keys(o.metrics)).toEqual([...OVERVIEW_METRICS]);
    expectMetrics(values(o), DAY2, 'value ');
    expectMetrics(previousValues(o), DAY1, 'previous ');
    for (const m of OVERVIEW_METRICS) expect(o.metrics[m].change, m).toBeCloseTo(CHANGE[m], 9);
  });

  it('the SQL agrees with overviewOfSessions on the same fixture', async () => {
    const store = await storeWith(FIXTURE);
    const b = new EventColumnsBuilder();
    for (const e of FIXTURE) b.append(e);
    const day2 = sessionizeColumns(b.finish(), RULES).filter((s) => s.startMs >= utc('2026-03-10T00:00:00Z'));
    expectMetrics(overviewOfSessions(day2), DAY2);
    const o = await overview(store, parseQueryOptions({ from: '2026-03-10', to: '2026-03-10' }));
    expectMetrics(values(o), overviewOfSessions(day2));
  });

  it('an ISO --from/--to is an instant, and --to is exclusive', async () => {
    const store = await storeWith(FIXTURE);
    // [10:00, 12:00): A1 (10:00, included) and B1 (11:00); B2 starts at 12:00, excluded.
    const o = await overview(
      store,
      parseQueryOptions({ from: '2026-03-10T10:00:00Z', to: '2026-03-10T12:00:00Z' }),
    );
    expect(o.range).toEqual({ from: '2026-03-10T10:00:00.000Z', to: '2026-03-10T12:00:00.000Z' });
    // Previous: [08:00, 10:00) on day 2 holds nothing.
    expect(o.previous_range).toEqual({ from: '2026-03-10T08:00:00.000Z', to: '2026-03-10T10:00:00.000Z' });
    expect(o.metrics.sessions).toEqual({ value: 2, previous: 0, change: null });
    expect(o.metrics.users).toEqual({ value: 2, previous: 0, change: null });
    expect(o.metrics.total_value).toEqual({ value: 49.5, previous: 0, change: null });
    // Durations [0, 60]: median (0 + 60) / 2.
    expect(o.metrics.median_duration_s).toEqual({ value: 30, previous: null, change: null });
  });

  it('without --from/--to, the range runs from the first local day through the last one', async () => {
    const store = await storeWith(FIXTURE);
    const o = await overview(store, parseQueryOptions({}));
    expect(o.range).toEqual({ from: '2026-03-09T00:00:00.000Z', to: '2026-03-11T00:00:00.000Z' });
    expect(o.previous_range).toEqual({ from: '2026-03-07T00:00:00.000Z', to: '2026-03-09T00:00:00.000Z' });
    // All 7 sessions: durations [0, 0, 8, 10, 12, 20, 60], median 10; value 79.5.
    expect(o.metrics.sessions).toEqual({ value: 7, previous: 0, change: null });
    expect(o.metrics.users.value).toBe(4);
    expect(o.metrics.pageviews.value).toBe(9);
    expect(o.metrics.events.value).toBe(14);
    expect(o.metrics.median_duration_s.value).toBe(10);
    expect(o.metrics.avg_duration_s.value).toBeCloseTo(110 / 7, 9);
    expect(o.metrics.total_value.value).toBeCloseTo(79.5, 9);
    expect(o.metrics.bounce_rate.previous).toBeNull();
  });

  // With only --to, before the first stored session, the period is the one day before --to
  // (it once came out inverted: from the first session's day to --to).
  it('with only --to before the first session, the period is the day before --to', async () => {
    const store = await storeWith(FIXTURE);
    const o = await overview(store, parseQueryOptions({ to: '2026-03-05' }));
    expect(o.metrics.sessions).toEqual({ value: 0, previous: 0, change: null });
    expect(o.range).toEqual({ from: '2026-03-05T00:00:00.000Z', to: '2026-03-06T00:00:00.000Z' });
    expect(Date.parse(o.previous_range.from!)).toBeLessThanOrEqual(Date.parse(o.previous_range.to!));
  });

  it('with only --to, the range starts on the local day of the first session', async () => {
    const store = await storeWith(FIXTURE);
    const o = await overview(store, parseQueryOptions({ to: '2026-03-09' }));
    expect(o.range).toEqual({ from: '2026-03-09T00:00:00.000Z', to: '2026-03-10T00:00:00.000Z' });
    expectMetrics(values(o), DAY1);
  });

  it('with only --from, the range runs to the end of the last local day', async () => {
    const store = await storeWith(FIXTURE);
    const o = await overview(store, parseQueryOptions({ from: '2026-03-10T12:00:00Z' }));
    expect(o.range).toEqual({ from: '2026-03-10T12:00:00.000Z', to: '2026-03-11T00:00:00.000Z' });
    // B2 (12:00) and C1 (13:00); previous [00:00, 12:00) on day 2: A1 and B1.
    expect(o.metrics.sessions).toEqual({ value: 2, previous: 2, change: 0 });
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Empty ranges and an empty store
// ---------------------------------------------------------------------------------------------

describe('overview with no sessions', () => {
  it('a period with no sessions: counts 0, rates null, every change null', async () => {
    const store = await storeWith(FIXTURE);
    const o = await overview(store, parseQueryOptions({ from: '2026-04-01', to: '2026-04-02' }));
    expect(o.range).toEqual({ from: '2026-04-01T00:00:00.000Z', to: '2026-04-03T00:00:00.000Z' });
    expectMetrics(values(o), NO_SESSIONS);
    expectMetrics(previousValues(o), NO_SESSIONS);
    for (const m of OVERVIEW_METRICS) expect(o.metrics[m].change, m).toBeNull();
  });

  it('a period with sessions after an empty one: change null (previous 0 or null)', async () => {
    const store = await storeWith(FIXTURE);
    const o = await overview(store, parseQueryOptions({ from: '2026-03-09', to: '2026-03-09' }));
    expectMetrics(values(o), DAY1);
    expectMetrics(previousValues(o), NO_SESSIONS);
    for (const m of OVERVIEW_METRICS) expect(o.metrics[m].change, m).toBeNull();
  });

  it('a period with no sessions after a full one: value 0 or null, change −1 for counts', async () => {
    const store = await storeWith(FIXTURE);
    const o = await overview(store, parseQueryOptions({ from: '2026-03-11', to: '2026-03-11' }));
    expectMetrics(values(o), NO_SESSIONS);
    expect(o.metrics.sessions).toEqual({ value: 0, previous: 4, change: -1 });
    expect(o.metrics.total_value).toEqual({ value: 0, previous: 49.5, change: -1 });
    expect(o.metrics.bounce_rate).toEqual({ value: null, previous: 0.25, change: null });
  });

  it('an empty store: range null, counts 0, rates null', async () => {
    const store = await freshStore();
    for (const flags of [{}, { from: '2026-03-10' }, { to: '2026-03-10' }, { tz: 'Asia/Kathmandu' }]) {
      const o = await overview(store, parseQueryOptions(flags));
      expect(o.range, JSON.stringify(flags)).toEqual({ from: null, to: null });
      expect(o.previous_range).toEqual({ from: null, to: null });
      expectMetrics(values(o), NO_SESSIONS);
      expectMetrics(previousValues(o), NO_SESSIONS);
      for (const m of OVERVIEW_METRICS) expect(o.metrics[m].change, m).toBeNull();
    }
  });

  it('an empty store with both bounds keeps the range asked for', async () => {
    const store = await freshStore();
    const o = await overview(store, parseQueryOptions({ from: '2026-03-10', to: '2026-03-10' }));
    expect(o.range).toEqual({ from: '2026-03-10T00:00:00.000Z', to: '2026-03-11T00:00:00.000Z' });
    expectMetrics(values(o), NO_SESSIONS);
  });

  it('an imported empty batch leaves the store empty', async () => {
    const store = await storeWith([]);
    const o = await overview(store, parseQueryOptions({}));
    expect(o.range).toEqual({ from: null, to: null });
    expectMetrics(values(o), NO_SESSIONS);
  });
});

// ---------------------------------------------------------------------------------------------
// 3. Filters
// ---------------------------------------------------------------------------------------------

describe('overview with --filter', () => {
  const DAY2_FLAGS: QueryFlags = { from: '2026-03-10', to: '2026-03-10' };

  async function filtered(store: Store, ...filter: string[]): Promise<Overview> {
    return overview(store, parseQueryOptions({ ...DAY2_FLAGS, filter }));
  }

  it('parseFilter reads each operator; the value keeps its spaces and symbols', () => {
    expect(parseFilter('source=google')).toEqual({
      kind: 'dimension',
      dimension: 'source',
      op: '=',
      value: 'google',
    });
    expect(parseFilter('source!=google')).toMatchObject({ op: '!=', value: 'google' });
    expect(parseFilter('entry_page~/docs')).toMatchObject({
      dimension: 'entry_page',
      op: '~',
      value: '/docs',
    });
    expect(parseFilter('campaign=spring sale=50%')).toMatchObject({ op: '=', value: 'spring sale=50%' });
    expect(parseFilter("referrer='; DROP TABLE sessions; --")).toMatchObject({
      op: '=',
      value: "'; DROP TABLE sessions; --",
    });
    expect(parseFilter('source=')).toMatchObject({ op: '=', value: '' });
  });

  it('source=Google: A1 and C1 on day 2, C0 on day 1', async () => {
    const store = await storeWith(FIXTURE);
    const o = await filtered(store, 'source=Google');
    // A1 (60 s, 3 ev, 2 pv, 49.5) and C1 (20 s, 2 ev, 2 pv); previous: C0 (10 s, 2 ev, 1 pv, 30).
    expectMetrics(values(o), {
      sessions: 2,
      users: 2,
      pageviews: 4,
      events: 5,
      bounce_rate: 0,
      engagement_rate: 1,
      avg_duration_s: 40,
      median_duration_s: 40,
      pages_per_session: 2,
      conversion_rate: 0.5,
      avg_value: 24.75,
      total_value: 49.5,
    });
    expect(o.metrics.sessions).toEqual({ value: 2, previous: 1, change: 1 });
    expect(o.metrics.median_duration_s).toEqual({ value: 40, previous: 10, change: 3 });
    expect(o.metrics.total_value.change).toBeCloseTo(0.65, 9);
  });

  it('source!=Google keeps sessions without a source (B1 newsletter, B2 none)', async () => {
    const store = await storeWith(FIXTURE);
    const o = await filtered(store, 'source!=Google');
    // B1 (0 s, bounce) and B2 (8 s); previous: A0 (bounce) and E0 (bounce, engaged).
    expectMetrics(values(o), {
      sessions: 2,
      users: 1,
      pageviews: 2,
      events: 3,
      bounce_rate: 0.5,
      engagement_rate: 0,
      avg_duration_s: 4,
      median_duration_s: 4,
      pages_per_session: 1,
      conversion_rate: 0,
      avg_value: 0,
      total_value: 0,
    });
    expect(o.metrics.sessions).toEqual({ value: 2, previous: 2, change: 0 });
    expect(o.metrics.bounce_rate).toEqual({ value: 0.5, previous: 1, change: -0.5 });
    expect(o.metrics.engagement_rate).toEqual({ value: 0, previous: 0.5, change: -1 });
  });

  it('source=Google and source!=Google add up to all sessions', async () => {
    const store = await storeWith(FIXTURE);
    const yes = await filtered(store, 'source=Google');
    const no = await filtered(store, 'source!=Google');
    expect(yes.metrics.sessions.value! + no.metrics.sessions.value!).toBe(DAY2.sessions);
    expect(yes.metrics.events.value! + no.metrics.events.value!).toBe(DAY2.events);
  });

  it('~ is "contains": source~oog, entry_page~/doc, exit_page~pric', async () => {
    const store = await storeWith(FIXTURE);
    expect((await filtered(store, 'source~oog')).metrics.sessions.value).toBe(2);
    expect((await filtered(store, 'source~news')).metrics.sessions.value).toBe(1);
    // C1 enters at /docs.
    expect((await filtered(store, 'entry_page~/doc')).metrics.sessions.value).toBe(1);
    // A1 exits at /pricing.
    expect((await filtered(store, 'exit_page~pric')).metrics.total_value.value).toBe(49.5);
    // Contains is case-sensitive.
    expect((await filtered(store, 'source~OOG')).metrics.sessions.value).toBe(0);
  });

  it('several filters are ANDed', async () => {
    const store = await storeWith(FIXTURE);
    const o = await filtered(store, 'source=Google', 'identity=C');
    expect(o.metrics.sessions).toEqual({ value: 1, previous: 1, change: 0 });
    expect(o.metrics.median_duration_s.value).toBe(20);
    expect((await filtered(store, 'identity=B', 'end_reason~o')).metrics.sessions.value).toBe(2);
  });

  it('a filter matching nothing: counts 0, rates null, change null', async () => {
    const store = await storeWith(FIXTURE);
    // `~` is a literal "contains": % and _ are not LIKE wildcards.
    const none = ['source=bing', 'source~zzz', 'source~%', 'source~_', 'identity=nobody'];
    for (const f of [...none, "referrer='; DROP TABLE sessions; --"]) {
      const o = await filtered(store, f);
      expectMetrics(values(o), NO_SESSIONS, `${f}: `);
      for (const m of OVERVIEW_METRICS) expect(o.metrics[m].change, `${f}: ${m}`).toBeNull();
    }
    // The filter text never became SQL: the sessions are all still there.
    expect((await overview(store, parseQueryOptions(DAY2_FLAGS))).metrics.sessions.value).toBe(4);
  });
});

// ---------------------------------------------------------------------------------------------
// 4. Time zones
// ---------------------------------------------------------------------------------------------

/** One single-event session per time, each its own identity (s0, s1, …). */
function oneEventSessions(times: readonly string[]): StintEvent[] {
  return times.map((t, i) => ev(`s${i}`, t, { url: '/' }));
}

describe('date ranges in a time zone', () => {
  it('Asia/Kathmandu (+05:45): a local day starts at 18:15 UTC the day before', async () => {
    const q = parseQueryOptions({ from: '2026-03-10', to: '2026-03-10', tz: 'Asia/Kathmandu' });
    expect(q.tz).toBe('Asia/Kathmandu');
    expect(q.fromMs).toBe(Date.UTC(2026, 2, 9, 18, 15));
    expect(q.toMs).toBe(Date.UTC(2026, 2, 10, 18, 15));

    const store = await storeWith(
      oneEventSessions([
        '2026-03-09T18:14:59.999Z', // 23:59:59.999 on the 9th: previous day
        '2026-03-09T18:15:00.000Z', // 00:00 on the 10th: in
        '2026-03-10T12:00:00.000Z', // 17:45 on the 10th: in
        '2026-03-10T18:14:59.999Z', // 23:59:59.999 on the 10th: in
        '2026-03-10T18:15:00.000Z', // 00:00 on the 11th: out
      ]),
    );
    const o = await overview(store, q);
    expect(o.range).toEqual({ from: '2026-03-09T18:15:00.000Z', to: '2026-03-10T18:15:00.000Z' });
    expect(o.previous_range).toEqual({ from: '2026-03-08T18:15:00.000Z', to: '2026-03-09T18:15:00.000Z' });
    expect(o.metrics.sessions).toEqual({ value: 3, previous: 1, change: 2 });

    // The same instants in UTC: the 10th holds 12:00, 18:14:59.999 and 18:15.
    const inUtc = await overview(store, parseQueryOptions({ from: '2026-03-10', to: '2026-03-10' }));
    expect(inUtc.metrics.sessions).toEqual({ value: 3, previous: 2, change: 0.5 });

    // Open range in Kathmandu: from the local day of the first start (the 9th) through the
    // local day of the last start (the 11th).
    const open = await overview(store, parseQueryOptions({ tz: 'Asia/Kathmandu' }));
    expect(open.range).toEqual({ from: '2026-03-08T18:15:00.000Z', to: '2026-03-11T18:15:00.000Z' });
    expect(open.metrics.sessions.value).toBe(5);
  });

  it('an ISO time without offset is read in --tz; with an offset it is that instant', () => {
    const q = parseQueryOptions({
      from: '2026-03-10T06:00',
      to: '2026-03-10T12:00:00Z',
      tz: 'Asia/Kathmandu',
    });
    expect(q.fromMs).toBe(Date.UTC(2026, 2, 10, 0, 15));
    expect(q.toMs).toBe(Date.UTC(2026, 2, 10, 12));
    // A date --from is the start of the local day, a date --to the end of it.
    const f = parseQueryOptions({ from: '2026-03-10', tz: 'Asia/Kolkata' });
    expect(f.fromMs).toBe(Date.UTC(2026, 2, 9, 18, 30));
    expect(f.toMs).toBeUndefined();
    const t = parseQueryOptions({ to: '2026-03-10', tz: 'Asia/Kolkata' });
    expect(t.fromMs).toBeUndefined();
    expect(t.toMs).toBe(Date.UTC(2026, 2, 10, 18, 30));
  });

  it('America/New_York, 2026-03-08 (spring forward): the day is 23 hours long', async () => {
    const q = parseQueryOptions({ from: '2026-03-08', to: '2026-03-08', tz: 'America/New_York' });
    expect(q.fromMs).toBe(Date.UTC(2026, 2, 8, 5)); // 00:00 EST
    expect(q.toMs).toBe(Date.UTC(2026, 2, 9, 4)); // 00:00 EDT on the 9th
    expect(q.toMs! - q.fromMs!).toBe(23 * 3_600_000);

    const store = await storeWith(
      oneEventSessions([
        '2026-03-08T04:59:00Z', // 23:59 EST on the 7th: previous period
        '2026-03-08T05:00:00Z', // 00:00 EST on the 8th: in
        '2026-03-08T06:59:00Z', // 01:59 EST: in
        '2026-03-08T07:00:00Z', // 03:00 EDT (02:00 never happens): in
        '2026-03-09T03:59:00Z', // 23:59 EDT on the 8th: in
        '2026-03-09T04:00:00Z', // 00:00 EDT on the 9th: out
      ]),
    );
    const o = await overview(store, q);
    expect(o.range).toEqual({ from: '2026-03-08T05:00:00.000Z', to: '2026-03-09T04:00:00.000Z' });
    // The previous period has the same length in time (23 h), so it starts at 01:00 EST on
    // the 7th, not at that day's local midnight.
    expect(o.previous_range).toEqual({ from: '2026-03-07T06:00:00.000Z', to: '2026-03-08T05:00:00.000Z' });
    expect(o.metrics.sessions).toEqual({ value: 4, previous: 1, change: 3 });
  });

  it('America/New_York, 2026-11-01 (fall back): the day is 25 hours long', async () => {
    const q = parseQueryOptions({ from: '2026-11-01', to: '2026-11-01', tz: 'America/New_York' });
    expect(q.fromMs).toBe(Date.UTC(2026, 10, 1, 4)); // 00:00 EDT
    expect(q.toMs).toBe(Date.UTC(2026, 10, 2, 5)); // 00:00 EST on the 2nd
    expect(q.toMs! - q.fromMs!).toBe(25 * 3_600_000);

    const store = await storeWith(
      oneEventSessions([
        '2026-11-01T03:59:00Z', // 23:59 EDT on Oct 31: previous period
        '2026-11-01T04:00:00Z', // 00:00 EDT: in
        '2026-11-01T05:30:00Z', // 01:30 EDT: in
        '2026-11-01T06:30:00Z', // 01:30 EST, the repeated hour: in
        '2026-11-02T04:59:00Z', // 23:59 EST on Nov 1: in
        '2026-11-02T05:00:00Z', // 00:00 EST on Nov 2: out
      ]),
    );
    const o = await overview(store, q);
    expect(o.range).toEqual({ from: '2026-11-01T04:00:00.000Z', to: '2026-11-02T05:00:00.000Z' });
    expect(o.previous_range).toEqual({ from: '2026-10-31T03:00:00.000Z', to: '2026-11-01T04:00:00.000Z' });
    expect(o.metrics.sessions).toEqual({ value: 4, previous: 1, change: 3 });
  });

  it('a wall time in the repeated hour is the earlier instant; in the skipped hour, read before the gap', () => {
    const tz = 'America/New_York';
    expect(parseQueryOptions({ from: '2026-11-01T01:30', tz }).fromMs).toBe(Date.UTC(2026, 10, 1, 5, 30));
    expect(parseQueryOptions({ from: '2026-03-08T02:30', tz }).fromMs).toBe(Date.UTC(2026, 2, 8, 7, 30));
    expect(parseQueryOptions({ from: '2026-03-08T03:00', tz }).fromMs).toBe(Date.UTC(2026, 2, 8, 7));
  });
});

// ---------------------------------------------------------------------------------------------
// 5. Bad input
// ---------------------------------------------------------------------------------------------

describe('bad query flags', () => {
  it.each([
    ['--from', { from: '2026-13-01' }],
    ['--from', { from: 'yesterday' }],
    ['--from', { from: '2026-02-30' }],
    ['--from', { from: '20260310' }],
    ['--from', { from: '' }],
    ['--to', { to: '2026-03-10T25:00' }],
    ['--to', { to: 'yesterday' }],
  ] as const)('%s %j is STINT_BAD_FLAG with a hint', (flag, flags) => {
    const err = stintErrorOf(() => parseQueryOptions(flags));
    expect(err.code).toBe('STINT_BAD_FLAG');
    expect(err.message).toContain(flag);
    expect(err.hint ?? '').not.toBe('');
    expect(err.exitCode).toBe(1);
  });

  it('--to before (or at) --from is STINT_BAD_FLAG', () => {
    for (const flags of [
      { from: '2026-03-10', to: '2026-03-09' }, // to = end of the 9th = start of the 10th
      { from: '2026-03-10', to: '2026-03-01' },
      { from: '2026-03-10T12:00:00Z', to: '2026-03-10T12:00:00Z' },
      { from: '2026-03-10T12:00:00Z', to: '2026-03-10T11:59:59.999Z' },
    ]) {
      const err = stintErrorOf(() => parseQueryOptions(flags));
      expect(err.code, JSON.stringify(flags)).toBe('STINT_BAD_FLAG');
      expect(err.hint ?? '').not.toBe('');
    }
    // One and the same date is a whole day, not an empty range.
    expect(() => parseQueryOptions({ from: '2026-03-10', to: '2026-03-10' })).not.toThrow();
  });

  it('an unknown zone is STINT_BAD_TIMEZONE', () => {
    for (const tz of ['Mars/Olympus_Mons', 'Europe/Berlinn', '']) {
      const err = stintErrorOf(() => parseQueryOptions({ from: '2026-03-10', tz }));
      expect(err.code, tz).toBe('STINT_BAD_TIMEZONE');
      expect(err.message).toContain('--tz');
      expect(err.hint ?? '').not.toBe('');
    }
  });

  it.each(['source', '=google', 'source google', '1source=google', ''])(
    'a malformed filter %j is STINT_BAD_FLAG',
    (text) => {
      for (const f of [() => parseFilter(text), () => parseQueryOptions({ filter: [text] })]) {
        const err = stintErrorOf(f);
        expect(err.code).toBe('STINT_BAD_FLAG');
        expect(err.hint ?? '').not.toBe('');
      }
    },
  );

  it.each(['colour=red', 'Source=google', 'start_ms=1', 'toString=x', '__proto__=x'])(
    'an unknown dimension %j is STINT_BAD_FLAG naming the known ones',
    (text) => {
      const err = stintErrorOf(() => parseQueryOptions({ filter: ['source=google', text] }));
      expect(err.code).toBe('STINT_BAD_FLAG');
      expect(err.message).toContain('Unknown dimension');
      expect(err.hint).toContain('source');
    },
  );
});

// ---------------------------------------------------------------------------------------------
// 6. Property: the store's SQL equals the TypeScript reference
// ---------------------------------------------------------------------------------------------

const BASE_MS = Date.UTC(2026, 2, 7, 7, 45, 0);
const PROPERTY_RULES = createRules({ goals: ['purchase'] });

const eventArb = fc.record({
  who: fc.constantFrom('a', 'b', 'c'),
  user: fc.constantFrom('', '', '', 'u1'),
  // Visits at one of four times 16 h apart (07:45 and 23:45 on the 7th, 15:45 on the 8th,
  // 07:45 on the 9th), each event within 40 minutes of its visit: gaps above and below the
  // 30-minute timeout, and sessions across midnight UTC.
  visit: fc.integer({ min: 0, max: 3 }),
  second: fc.integer({ min: 0, max: 40 * 60 }),
  name: fc.constantFrom('pageview', 'pageview', 'pageview', 'click', 'purchase', 'session_end'),
  url: fc.constantFrom('', '/', '/home', 'https://shop.example/cart?x=1', '/docs/a'),
  source: fc.constantFrom('', '', 'google', 'newsletter'),
  cents: fc.integer({ min: 0, max: 20_000 }),
  retry: fc.constantFrom('', '', '', 'r1', 'r2'),
});

const eventsArb = fc.array(eventArb, { maxLength: 40, size: 'medium' }).map((rows) =>
  rows.map((r) =>
    ev(r.who, new Date(BASE_MS + r.visit * 16 * 3_600_000 + r.second * 1000).toISOString(), {
      userId: r.user,
      name: r.name,
      url: r.url,
      utmSource: r.source,
      value: r.name === 'purchase' ? r.cents / 100 : 0,
      eventId: r.retry,
    }),
  ),
);

describe('property: overview(store) equals overviewOfSessions(sessions)', () => {
  it('for random events over a range covering everything', async () => {
    await fc.assert(
      fc.asyncProperty(
        eventsArb,
        fc.constantFrom('UTC', 'Asia/Kathmandu', 'America/New_York'),
        async (events, tz) => {
          const dir = mkdtempSync(join(tmpdir(), 'stint-test-'));
          const store = await openDuckDBStore(join(dir, 'stint.duckdb'));
          try {
            await importEvents(store, events, PROPERTY_RULES);
            const builder = new EventColumnsBuilder();
            for (const e of events) builder.append(e);
            const expected = overviewOfSessions(sessionizeColumns(builder.finish(), PROPERTY_RULES));

            // An explicit range around all three days, and the open range resolved from the store.
            const wide = await overview(
              store,
              parseQueryOptions({ from: '2026-03-01', to: '2026-03-31', tz }),
            );
            expectMetrics(values(wide), expected, `wide ${tz}: `);
            expectMetrics(previousValues(wide), NO_SESSIONS, `wide previous ${tz}: `);

            const open = await overview(store, parseQueryOptions({ tz }));
            expectMetrics(values(open), expected, `open ${tz}: `);
            if (expected.sessions === 0) expect(open.range).toEqual({ from: null, to: null });
            else expectMetrics(previousValues(open), NO_SESSIONS, `open previous ${tz}: `);
          } finally {
            store.close();
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { seed: 42, numRuns: 25 },
    );
  });
});
