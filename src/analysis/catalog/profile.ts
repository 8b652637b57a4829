/**
 * The catalogue's analyses of single users: `profile` (one identity's sessions, usual hours in
 * their own zone, best hour, device, pages, events, engagement level and likely next pages) and
 * `users` (the period's users by engagement level). docs/insights/profiles.md.
 */
import { SEGMENTS, type Segment } from '../insights/profile/engagement.ts';
import { profile } from '../insights/profile.ts';
import { users } from '../insights/users.ts';
import { defineAnalysis } from './entry.ts';
import { limitParam } from './params.ts';

export const profileAnalysis = defineAnalysis({
  name: 'profile',
  summary:
    "one user's sessions, usual hours in their own zone, best hour to reach them, level and next pages",
  params: [
    {
      name: 'identity',
      kind: 'text',
      required: true,
      positional: true,
      placeholder: 'id',
      help: 'the identity (user_id, else anonymous_id) whose profile to show',
    },
  ],
  example: { identity: 'u_1042' },
  plan: (read) => ({ query: read.query(), identity: read.text('identity') ?? '' }),
  run: (store, { query, identity }) => profile(store, query, identity),
});

export const usersAnalysis = defineAnalysis({
  name: 'users',
  summary: 'the users of the period by engagement level (new, casual, core, power), most sessions first',
  params: [
    {
      name: 'segment',
      kind: 'choice',
      choices: SEGMENTS,
      caseless: true,
      placeholder: 'level',
      help: `list only users of this level: ${SEGMENTS.join(', ')}`,
    },
    limitParam(20),
  ],
  example: { segment: 'power' },
  plan: (read) => ({
    query: read.query(),
    segment: read.text('segment') === undefined ? undefined : read.choice<Segment>('segment'),
    limit: read.whole('limit'),
  }),
  run: (store, { query, segment, limit }) => users(store, query, { segment, limit }),
});
