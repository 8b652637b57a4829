/**
 * Generated event sets for property tests: a few identities, distinct times per identity (so
 * tie order cannot matter), every rule's trigger events, retries by event_id as exact copies.
 */
import fc from 'fast-check';
import type { EventInput } from '../../src/core/event.ts';
import type { Session } from '../../src/core/session.ts';
import type { StreamUpdate } from '../../src/core/stream.ts';
import { toSessionRecord } from '../../src/schema/sessions.ts';

const BASE_MS = Date.UTC(2026, 2, 7, 20, 0, 0);
const NAMES = ['pageview', 'pageview', 'pageview', 'click', 'session_start', 'session_end', 'purchase'];
const CAMPAIGNS = [undefined, undefined, 'google', 'newsletter'];

export const eventsArbitrary = (options: { users?: boolean } = {}): fc.Arbitrary<EventInput[]> =>
  fc
    .array(
      fc.record({
        who: fc.integer({ min: 0, max: 5 }),
        user: fc.integer({ min: 0, max: options.users === true ? 3 : 0 }),
        minute: fc.integer({ min: 0, max: 600 }),
        name: fc.constantFrom(...NAMES),
        page: fc.integer({ min: 0, max: 4 }),
        campaign: fc.constantFrom(...CAMPAIGNS),
        key: fc.constantFrom('', 'k1', 'k2'),
        retried: fc.boolean(),
      }),
      { maxLength: 60 },
    )
    .map((rows) => {
      const usedTimes = new Set<string>();
      const events: EventInput[] = [];
      rows.forEach((r, i) => {
        // Distinct times per device (and so per linked user too: each device gets its own second).
        let ms = BASE_MS + r.minute * 60_000 + r.who * 1000;
        while (usedTimes.has(`${ms}`)) ms += 7;
        usedTimes.add(`${ms}`);
        const e: EventInput = {
          anonymous_id: `d${r.who}`,
          timestamp: ms,
          event: r.name,
          url: `https://shop.example/p${r.page}`,
          session_id: r.key,
          event_id: `e${i}`,
          value: r.name === 'purchase' ? 10 : '',
        };
        if (r.user > 0) e.user_id = `u${r.user}`;
        if (r.campaign !== undefined) e.utm_source = r.campaign;
        events.push(e);
        if (r.retried) events.push({ ...e });
      });
      return events;
    });

export function records(sessions: readonly Session[]): unknown[] {
  return sessions.map(toSessionRecord);
}

/** The sessions a consumer of stream updates ends up with, sorted as batch output is. */
export function applyUpdates(updates: readonly StreamUpdate[]): Session[] {
  const byId = new Map<string, Session>();
  for (const u of updates) {
    if (u.kind === 'started' || u.kind === 'closed') byId.set(u.session.sessionId, u.session);
    if (u.kind === 'extended' || u.kind === 'merged') {
      for (const id of u.replaces) byId.delete(id);
      byId.set(u.session.sessionId, u.session);
    }
  }
  return [...byId.values()].sort((a, b) =>
    a.identity < b.identity ? -1 : a.identity > b.identity ? 1 : a.startMs - b.startMs,
  );
}

export const SEED = Number(process.env.STINT_SEED ?? 20261122);
