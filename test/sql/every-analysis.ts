/**
 * Every analysis with representative parameters (filters, property keys, each time unit, each
 * funnel mode, paths around a page, each retention cohort), for the tests that compile them for
 * both dialects and run them. `recording` wraps a store's query runner to keep what it ran.
 */

import { activity } from '../../src/analysis/activity.ts';
import { breakdown, timeseries } from '../../src/analysis/breakdown.ts';
import { ctr } from '../../src/analysis/ctr.ts';
import { funnel, parseSteps } from '../../src/analysis/funnel.ts';
import { anomalies, DEFAULT_THRESHOLDS } from '../../src/analysis/insights/anomalies.ts';
import { compare } from '../../src/analysis/insights/compare.ts';
import { diagnoseWith } from '../../src/analysis/insights/diagnose.ts';
import { drivers } from '../../src/analysis/insights/drivers.ts';
import { profile } from '../../src/analysis/insights/profile.ts';
import { trends } from '../../src/analysis/insights/trends.ts';
import { users } from '../../src/analysis/insights/users.ts';
import { overview } from '../../src/analysis/overview.ts';
import { pages } from '../../src/analysis/pages.ts';
import { around, sankey, topPaths } from '../../src/analysis/paths.ts';
import type { GroupKey, TimeUnit } from '../../src/analysis/plans.ts';
import { parseQueryOptions } from '../../src/analysis/query-options.ts';
import { COHORT_KINDS, retention } from '../../src/analysis/retention.ts';
import { listSessions, sessionJourney } from '../../src/analysis/sessions.ts';
import { StintError } from '../../src/core/errors.ts';
import { createRules } from '../../src/core/rules.ts';
import type { Dialect } from '../../src/sql/dialect.ts';
import type { CompiledQuery } from '../../src/sql/query.ts';
import type { Store } from '../../src/store/store.ts';
import { ev } from '../helpers/store.ts';

/** What the analyses need of a store: its dialect and a query runner. */
export type QueryStore = Pick<Store, 'dialect' | 'query'>;

/** A store whose queries are kept in `ran` (and run by `run`, or answered with no rows). */
export function recording(
  dialect: Dialect,
  run: (q: CompiledQuery) => Promise<Record<string, unknown>[]> = async () => [],
): QueryStore & { ran: CompiledQuery[] } {
  const ran: CompiledQuery[] = [];
  return {
    dialect,
    ran,
    query: (q) => {
      ran.push(q);
      return run(q);
    },
  };
}

const FILTERS = [
  [],
  ['source=google'],
  ['device_type!=mobile', 'entry_page~/doc'],
  ['traffic_source=(direct)'],
  ['prop.plan=pro'],
  ['prop.plan!=free', 'prop.element~sign'],
  // Quotes and backslashes stay values (bound, or escaped literals in ClickHouse).
  ["prop.element=it's \\ odd", "referrer!=x' OR '1'='1"],
];

const TIME_UNITS: TimeUnit[] = ['hour', 'day', 'week', 'month'];

/** Each analysis, named, with the parameters it is run with. */
export function everyAnalysis(store: QueryStore): [string, () => Promise<unknown>][] {
  const s = store as Store;
  const out: [string, () => Promise<unknown>][] = [];
  for (const filter of FILTERS) {
    const o = parseQueryOptions({ from: '2026-10-01', to: '2026-10-03', tz: 'Europe/Berlin', filter });
    const name = (what: string) => `${what} [${filter.join(' ')}]`;
    out.push([name('overview'), () => overview(s, o)]);
    for (const unit of TIME_UNITS) out.push([name(`timeseries ${unit}`), () => timeseries(s, o, unit)]);
    const keys: GroupKey[] = [
      { kind: 'dimension', dimension: 'traffic_source' },
      { kind: 'dimension', dimension: 'referrer_domain' },
      { kind: 'dimension', dimension: 'device_type' },
      { kind: 'property', name: 'plan' },
      { kind: 'local_hour', tz: 'Asia/Kathmandu' },
      { kind: 'weekday', tz: 'America/New_York' },
      ...TIME_UNITS.map((unit): GroupKey => ({ kind: 'time', unit, tz: 'Europe/Berlin' })),
    ];
    for (const by of keys) out.push([name(`breakdown ${JSON.stringify(by)}`), () => breakdown(s, o, by, 5)]);
    const steps = parseSteps(['/', '/docs/*', 'event:signup', '/pricing']);
    for (const anyOrder of [false, true]) {
      for (const windowMs of [undefined, 3_600_000]) {
        for (const by of [undefined, 'traffic_source' as const]) {
          const spec = { steps, anyOrder, windowMs, by };
          out.push([name(`funnel ${JSON.stringify({ anyOrder, windowMs, by })}`), () => funnel(s, o, spec)]);
        }
      }
    }
    out.push([name('paths'), () => topPaths(s, o, 3, 10)]);
    out.push([name('paths --page /docs/a'), () => around(s, o, '/docs/a', 10)]);
    out.push([name('sankey'), () => sankey(s, o, 4, 2)]);
    out.push([name('pages'), () => pages(s, o, 20)]);
    out.push([name('ctr'), () => ctr(s, o, 20, 'click')]);
    out.push([name('activity'), () => activity(s, o)]);
    out.push([
      name('diagnose'),
      () =>
        diagnoseWith(s, o, {
          nowMs: Date.UTC(2026, 9, 2),
          rules: { version: 1, rules: createRules({}), createdAtMs: 0 },
          imports: [],
        }),
    ]);
    out.push([name('drivers signup'), () => drivers(s, o, { goal: 'signup', minSessions: 1 })]);
    out.push([name('activity --zone report'), () => activity(s, o, 'report')]);
    out.push([name('profile a'), () => profile(s, o, 'a')]);
    out.push([name('profile b, whole history'), () => profile(s, { ...o, fromMs: undefined }, 'b')]);
    out.push([name('users'), () => users(s, o, { limit: 5 })]);
    out.push([name('users --segment new'), () => users(s, o, { segment: 'new', limit: 5 })]);
    for (const interval of ['day', 'week'] as const)
      out.push([name(`trends ${interval}`), () => trends(s, o, { interval, compare: 'previous', limit: 2 })]);
    out.push([name('drivers pageview'), () => drivers(s, o, { goal: 'pageview', minSessions: 2 })]);
    out.push(...compareCases(s, o, name));
    out.push([
      name('anomalies'),
      () => anomalies(s, o, { ...DEFAULT_THRESHOLDS, burstEvents: 2, fastMinPageviews: 2 }, 10),
    ]);
    for (const cohort of COHORT_KINDS) {
      out.push([name(`retention ${cohort}`), () => retention(s, o, { cohort, periods: 3 })]);
    }
    out.push([
      name('retention source by month'),
      () => retention(s, o, { cohort: 'source', period: 'month' }),
    ]);
    out.push([
      name('sessions'),
      async () => {
        const first = await listSessions(s, o, { limit: 2 });
        const next =
          first.next === null ? undefined : await listSessions(s, o, { limit: 2, cursor: first.next });
        return { first, next };
      },
    ]);
  }
  out.push(['session journey', () => sessionJourney(s, 'no-such-session')]);
  return out;
}

/**
 * `compare` in each mode (sums of squares may differ in the last bits between engines: numbers
 * are rounded to 9 significant digits; a usage error, as when a store has no groups, is its message).
 */
function compareCases(
  s: Store,
  o: ReturnType<typeof parseQueryOptions>,
  name: (what: string) => string,
): [string, () => Promise<unknown>][] {
  const common = { segment: undefined, limit: 3, seed: 1 };
  const day = (d: number) => Date.UTC(2026, 9, d);
  const run = (spec: Parameters<typeof compare>[2]) => async () => {
    try {
      return JSON.parse(
        JSON.stringify(await compare(s, o, spec), (_, v) =>
          typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(9)) : v,
        ),
      );
    } catch (err) {
      if (err instanceof StintError) return err.message;
      throw err;
    }
  };
  return [
    [
      name('compare periods'),
      run({
        kind: 'periods',
        a: { fromMs: day(1), toMs: day(2) },
        b: { fromMs: day(2), toMs: day(3) },
        labels: ['a', 'b'],
        ...common,
      }),
    ],
    [
      name('compare change by device'),
      run({ kind: 'change', atMs: day(2), windowMs: 86_400_000, ...common, segment: 'device_type' }),
    ],
    [
      name('compare change, default window'),
      run({ kind: 'change', atMs: day(2) + 3_600_000, windowMs: undefined, ...common }),
    ],
    [
      name('compare groups by prop.plan'),
      run({ kind: 'groups', by: { kind: 'property', name: 'plan' }, control: undefined, ...common }),
    ],
    [
      name('compare groups by device'),
      run({
        kind: 'groups',
        by: { kind: 'dimension', dimension: 'device_type' },
        control: undefined,
        ...common,
      }),
    ],
  ];
}

const at = (time: string) => `2026-10-0${time}Z`;

/** Events for every analysis to find something in: pages, a pattern, clicks, properties, sources, zones. */
export const EVENTS = [
  ev('a', at('1T08:00:00'), {
    url: '/',
    utmSource: 'google',
    properties: { plan: 'pro' },
    timezone: 'Asia/Kathmandu',
  }),
  ev('a', at('1T08:01:00'), { url: '/docs/a' }),
  ev('a', at('1T08:02:00'), { name: 'click', url: '/docs/a', properties: { element: 'signup' } }),
  ev('a', at('1T08:03:00'), { name: 'signup', url: '/docs/a' }),
  ev('a', at('1T08:04:00.123'), { url: '/pricing' }),
  ev('b', at('1T09:00:00'), { url: '/docs/a', referrer: 'https://news.example.com/x' }),
  ev('b', at('1T09:00:30'), { url: '/', properties: { plan: 'free', n: 5 } }),
  ev('b', at('2T09:00:00'), {
    url: '/',
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148',
  }),
  ev('b', at('2T09:05:00'), { url: '/docs/b' }),
  ev('c', at('2T23:30:00'), {
    url: '/pricing',
    properties: { element: "it's \\ odd" },
    timezone: 'America/New_York',
  }),
  ev('c', at('2T23:31:00'), { name: 'click', url: '/pricing', properties: { link: '/docs#top' } }),
  ev('c', at('2T23:59:00.457'), { url: '/' }),
  ev('b', at('2T09:07:10.999'), { url: '/docs/a' }),
];
