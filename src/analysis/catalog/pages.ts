/**
 * The catalogue's analyses of pages and their order: per page, page sequences (or the pages
 * around one), and funnels.
 */
import { formatDuration, MAX_DURATION_MS } from '../../core/duration.ts';
import { StintError } from '../../core/errors.ts';
import { type FunnelSpec, funnel, parseSteps } from '../funnel.ts';
import { pages } from '../pages.ts';
import { around, sankey, topPaths } from '../paths.ts';
import { SESSION_DIMENSIONS, type SessionDimension } from '../plans.ts';
import { defineAnalysis } from './entry.ts';
import { limitParam } from './params.ts';
import { respelled } from './spelling.ts';

export const pagesAnalysis = defineAnalysis({
  name: 'pages',
  summary: 'per page: pageviews, sessions, entries, exits, exit rate and time on page',
  params: [limitParam(20)],
  plan: (read) => ({ query: read.query(), limit: read.whole('limit') }),
  run: async (store, { query, limit }) => ({ rows: await pages(store, query, limit) }),
});

const STEPS = { min: 1, max: 100, example: 3 } as const;

export const pathsAnalysis = defineAnalysis({
  name: 'paths',
  summary: 'top page sequences, the pages before and after one page, and Sankey data',
  params: [
    {
      name: 'steps',
      kind: 'whole',
      ...STEPS,
      default: 3,
      placeholder: 'k',
      help: `pages per sequence and Sankey steps (up to ${STEPS.max})`,
    },
    {
      name: 'page',
      kind: 'text',
      placeholder: 'path',
      help: 'show the pages viewed right before and after this one',
    },
    limitParam(10),
  ],
  example: { page: '/pricing' },
  plan: (read) => ({
    query: read.query(),
    steps: read.whole('steps'),
    limit: read.whole('limit'),
    page: read.text('page'),
  }),
  async run(store, { query, steps, limit, page }) {
    if (page !== undefined) return around(store, query, page, limit);
    const top = await topPaths(store, query, steps, limit);
    const graph = await sankey(store, query, steps, 8);
    return { steps, top, sankey: graph };
  },
});

export const funnelAnalysis = defineAnalysis({
  name: 'funnel',
  summary: 'how many sessions go through ordered steps, where they drop off, and how long each step takes',
  params: [
    {
      name: 'step',
      kind: 'texts',
      placeholder: 'step',
      help: 'a step, in order: /path, /pattern/*, or event:NAME (repeatable)',
    },
    {
      name: 'any_order',
      kind: 'flag',
      help: 'count a step wherever it happens, not only after the previous one',
    },
    {
      name: 'window',
      kind: 'duration',
      placeholder: 'duration',
      help: `across sessions: steps within this time of the first (e.g. 7d, at most ${formatDuration(MAX_DURATION_MS)}); default: within a session`,
    },
    {
      name: 'by',
      kind: 'text',
      placeholder: 'dimension',
      help: `a breakdown by one session dimension: ${Object.keys(SESSION_DIMENSIONS).join(', ')}`,
    },
  ],
  example: { step: ['/', '/pricing', 'event:purchase'] },
  plan(read) {
    const query = read.query();
    const steps = respelled(read.spell, () => parseSteps(read.texts('step')));
    const by = read.text('by');
    if (by !== undefined && !Object.hasOwn(SESSION_DIMENSIONS, by)) {
      throw new StintError(
        'STINT_BAD_FLAG',
        `Unknown dimension "${by}" for ${read.spell.name('by')}`,
        `Use one of: ${Object.keys(SESSION_DIMENSIONS).join(', ')}`,
      );
    }
    const spec: FunnelSpec = {
      steps,
      anyOrder: read.flag('any_order'),
      windowMs: read.duration('window'),
      by: by as SessionDimension | undefined,
    };
    return { query, spec };
  },
  run: (store, { query, spec }) => funnel(store, query, spec),
});
