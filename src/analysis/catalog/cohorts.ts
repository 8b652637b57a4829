/**
 * The catalogue's analyses of visitors over time and of clicks: retention cohorts, activity by
 * weekday and local hour, and the click-through rate per element.
 */
import { ACTIVITY_ZONES, type ActivityZone, activity } from '../activity.ts';
import { ctr } from '../ctr.ts';
import { COHORT_KINDS, type CohortKind, MAX_PERIODS, retention } from '../retention.ts';
import { defineAnalysis } from './entry.ts';
import { limitParam } from './params.ts';

const PERIODS = { min: 1, max: MAX_PERIODS, example: 8 } as const;

export const retentionAnalysis = defineAnalysis({
  name: 'retention',
  summary: 'visitors in cohorts by their first session, and the share active in each following period',
  params: [
    {
      name: 'cohort',
      kind: 'choice',
      choices: COHORT_KINDS,
      default: 'week',
      placeholder: 'kind',
      help: `cohorts by: ${COHORT_KINDS.join(', ')}`,
    },
    {
      name: 'period',
      kind: 'choice',
      choices: ['day', 'week', 'month'],
      default: 'week',
      placeholder: 'unit',
      help: 'period length for source, channel, country, device and engagement cohorts: day, week, month',
    },
    {
      name: 'periods',
      kind: 'whole',
      ...PERIODS,
      default: 8,
      placeholder: 'n',
      help: `periods after the first (up to ${PERIODS.max})`,
    },
  ],
  example: { cohort: 'week', periods: '8' },
  plan: (read) => ({
    query: read.query(),
    spec: {
      cohort: read.choice<CohortKind>('cohort'),
      period: read.choice<'day' | 'week' | 'month'>('period'),
      periods: read.whole('periods'),
    },
  }),
  run: (store, { query, spec }) => retention(store, query, spec),
});

export const activityAnalysis = defineAnalysis({
  name: 'activity',
  summary: "sessions by weekday and hour of their start, in each visitor's own time zone",
  params: [
    {
      name: 'zone',
      kind: 'choice',
      choices: ACTIVITY_ZONES,
      default: 'visitor',
      caseless: true,
      placeholder: 'whose',
      help: "whose clock: visitor (each session in its visitor's own zone) or report (every session in --tz)",
    },
  ],
  example: {},
  plan: (read) => ({ query: read.query(), zone: read.choice<ActivityZone>('zone') }),
  run: (store, { query, zone }) => activity(store, query, zone),
});

export const ctrAnalysis = defineAnalysis({
  name: 'ctr',
  summary:
    'click-through rate per element: clicks with an element (or link) property over the pageviews of their pages',
  params: [
    {
      name: 'click_event',
      kind: 'text',
      default: 'click',
      placeholder: 'name',
      help: 'the event name of clicks',
    },
    limitParam(20),
  ],
  plan: (read) => ({
    query: read.query(),
    limit: read.whole('limit'),
    clickEvent: read.text('click_event') ?? 'click',
  }),
  run: async (store, { query, limit, clickEvent }) => ({ rows: await ctr(store, query, limit, clickEvent) }),
});
