/**
 * The catalogue's two reads that are no single analysis: the report (every analysis of a
 * period at once) and the session list. Their parameters are read as the analyses' are, so
 * `stint report` and `GET /api/v1/report` take the same values and refuse them alike.
 */
import { StintError } from '../../core/errors.ts';
import { type FunnelSpec, parseSteps } from '../funnel.ts';
import type { TimeUnit } from '../plans.ts';
import { buildReport } from '../report.ts';
import { listSessions } from '../sessions.ts';
import { defineAnalysis } from './entry.ts';
import { intervalParam } from './params.ts';
import { CLI_SPELLING, respelled, type Spelling } from './spelling.ts';

/** Funnels in one report at most: each is a query over the period's sessions. */
export const MAX_REPORT_FUNNELS = 10;

/** `funnel` values (comma-separated steps each) as funnels; more than MAX_REPORT_FUNNELS is refused. */
export function parseFunnels(texts: readonly string[], spell: Spelling = CLI_SPELLING): FunnelSpec[] {
  if (texts.length > MAX_REPORT_FUNNELS) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `A report has at most ${MAX_REPORT_FUNNELS} funnels (${spell.name('funnel')}), got ${texts.length}`,
      'Leave out funnels, or ask for the others in a second report',
    );
  }
  return respelled(spell, () => texts.map((steps) => ({ steps: parseSteps(steps.split(',')) })));
}

export const reportQuery = defineAnalysis({
  name: 'report',
  summary: 'the report, as stint report --json',
  params: [
    intervalParam('time series buckets'),
    {
      name: 'funnel',
      kind: 'texts',
      placeholder: 'steps',
      help: 'add a funnel: comma-separated steps (/path, /pattern/*, event:NAME), repeatable, at most 10',
    },
    {
      name: 'brief',
      kind: 'flag',
      help: 'leave out the insights (compare, anomalies, users, trends, diagnose, drivers): faster on big stores',
    },
  ],
  example: { funnel: '/,/pricing,event:purchase' },
  plan: (read) => ({
    query: read.query(),
    interval: read.choice<TimeUnit>('interval'),
    funnels: parseFunnels(read.texts('funnel'), read.spell),
    brief: read.flag('brief'),
  }),
  run: (store, { query, interval, funnels, brief }) =>
    buildReport(store, query, interval, funnels, { brief }),
});

export const sessionsQuery = defineAnalysis({
  name: 'sessions',
  summary: 'sessions, newest first',
  params: [
    {
      name: 'limit',
      kind: 'whole',
      min: 1,
      max: 1000,
      example: 50,
      default: 50,
      placeholder: 'n',
      help: 'sessions a page, 1–1000',
    },
    { name: 'cursor', kind: 'text', placeholder: 'next', help: '"next" of the previous page' },
  ],
  plan: (read) => ({ query: read.query(), limit: read.whole('limit'), cursor: read.text('cursor') }),
  run: (store, { query, limit, cursor }) => listSessions(store, query, { limit, cursor }),
});
