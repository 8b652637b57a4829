/**
 * The catalogue's `trends`: device, channel and country shares per week (or `interval`), with
 * the significant change of the last bucket marked. docs/insights/trends.md.
 */
import { TIME_UNITS } from '../breakdown.ts';
import { COMPARE_WITH, type CompareWith } from '../insights/trends/shares.ts';
import { trends } from '../insights/trends.ts';
import type { TimeUnit } from '../plans.ts';
import { defineAnalysis } from './entry.ts';

export const trendsAnalysis = defineAnalysis({
  name: 'trends',
  summary: 'device, channel and country shares per week, with the significant changes of the last one marked',
  params: [
    {
      name: 'interval',
      kind: 'choice',
      choices: TIME_UNITS,
      caseless: true,
      default: 'week',
      placeholder: 'unit',
      help: `the buckets: ${TIME_UNITS.join(', ')}`,
    },
    {
      name: 'compare',
      kind: 'choice',
      choices: COMPARE_WITH,
      default: 'previous',
      caseless: true,
      placeholder: 'bucket',
      help: 'test the last bucket against: previous (the one before it) or first',
    },
    {
      name: 'limit',
      kind: 'whole',
      min: 1,
      max: 20,
      example: 5,
      default: 5,
      placeholder: 'n',
      help: 'values per dimension (up to 20), the rest summed as (other)',
    },
  ],
  example: { interval: 'week' },
  plan: (read) => ({
    query: read.query(),
    spec: {
      interval: read.choice<TimeUnit>('interval'),
      compare: read.choice<CompareWith>('compare'),
      limit: read.whole('limit'),
    },
  }),
  run: (store, { query, spec }) => trends(store, query, spec),
});
