/**
 * The catalogue's analyses of whole sessions: the overview, a metric over time, and the
 * overview metrics per value of a dimension.
 */
import { StintError } from '../../core/errors.ts';
import { breakdown, timeseries } from '../breakdown.ts';
import { OVERVIEW_METRICS, type OverviewMetric, overview } from '../overview.ts';
import { type GroupKey, SESSION_DIMENSIONS, type SessionDimension, type TimeUnit } from '../plans.ts';
import { defineAnalysis } from './entry.ts';
import { intervalParam, limitParam } from './params.ts';
import type { Spelling } from './spelling.ts';

export const overviewAnalysis = defineAnalysis({
  name: 'overview',
  summary: 'the headline numbers, with the previous period and the change',
  params: [],
  plan: (read) => ({ query: read.query() }),
  run: (store, { query }) => overview(store, query),
});

export const timeseriesAnalysis = defineAnalysis({
  name: 'timeseries',
  summary: 'a metric per hour, day, week or month (of the session start, in --tz)',
  params: [
    intervalParam('buckets'),
    {
      name: 'metric',
      kind: 'choice',
      choices: OVERVIEW_METRICS,
      default: 'sessions',
      placeholder: 'name',
      help: `the metric of the text output: ${OVERVIEW_METRICS.join(', ')}`,
    },
  ],
  plan: (read) => ({
    query: read.query(),
    metric: read.choice<OverviewMetric>('metric'),
    interval: read.choice<TimeUnit>('interval'),
  }),
  run: async (store, { query, metric, interval }) => ({
    interval,
    metric,
    rows: await timeseries(store, query, interval),
  }),
});

/** What breakdown's `by` takes. */
export const BREAKDOWNS = [
  ...Object.keys(SESSION_DIMENSIONS),
  'local_hour',
  'weekday',
  'prop.NAME (an event property)',
];

export const breakdownAnalysis = defineAnalysis({
  name: 'breakdown',
  summary: 'the overview metrics per value of a dimension, most sessions first',
  params: [
    {
      name: 'by',
      kind: 'text',
      required: true,
      placeholder: 'dimension',
      help: `one of: ${BREAKDOWNS.join(', ')}`,
    },
    limitParam(20),
  ],
  example: { by: 'traffic_source' },
  plan(read) {
    const query = read.query();
    const by = read.text('by');
    return { query, by, key: groupKey(by, query.tz, read.spell), limit: read.whole('limit') };
  },
  run: async (store, { query, by, key, limit }) => ({
    by,
    rows: await breakdown(store, query, key, limit),
  }),
});

/** A `by` value; local hours and weekdays are taken in `tz`. */
function groupKey(text: string | undefined, tz: string, spell: Spelling): GroupKey {
  const by = text ?? '';
  if (by === 'local_hour' || by === 'weekday') return { kind: by, tz };
  if (/^prop\.[A-Za-z0-9_.-]+$/.test(by)) return { kind: 'property', name: by.slice(5) };
  if (!Object.hasOwn(SESSION_DIMENSIONS, by)) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `Unknown dimension "${by}" for ${spell.name('by')}`,
      `Use one of: ${BREAKDOWNS.join(', ')}`,
    );
  }
  return { kind: 'dimension', dimension: by as SessionDimension };
}
