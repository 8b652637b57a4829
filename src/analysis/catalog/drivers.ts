/**
 * The catalogue's entry of what converts: `stint drivers --goal purchase`, `GET /api/v1/drivers`,
 * each session trait's values ranked by their lift on the goal's conversion rate.
 */
import { StintError } from '../../core/errors.ts';
import { drivers, MIN_SESSIONS } from '../insights/drivers.ts';
import { defineAnalysis } from './entry.ts';

export const driversAnalysis = defineAnalysis({
  name: 'drivers',
  summary:
    'session traits ranked by how strongly they go with converting to a goal: lift, 95 % interval, Holm-adjusted p',
  params: [
    {
      name: 'goal',
      kind: 'text',
      placeholder: 'event',
      help: "the event name a session converts with (any event); default: the store's first configured goal that occurs",
    },
    {
      name: 'min_sessions',
      kind: 'whole',
      min: 1,
      max: 1_000_000,
      example: MIN_SESSIONS,
      default: MIN_SESSIONS,
      placeholder: 'n',
      help: 'values with fewer sessions (or with fewer beside them) are listed apart, not ranked',
    },
  ],
  example: { goal: 'purchase' },
  plan(read) {
    const goal = read.text('goal');
    if (goal?.trim() === '') {
      throw new StintError(
        'STINT_BAD_FLAG',
        `${read.spell.name('goal')} needs an event name`,
        `Give the event a session converts with, e.g. ${read.spell.name('goal')} purchase`,
      );
    }
    return { query: read.query(), goal, minSessions: read.whole('min_sessions') };
  },
  run: (store, { query, goal, minSessions }) => drivers(store, query, { goal, minSessions }),
});
