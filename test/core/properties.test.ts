/**
 * Invariants of the engine on generated events (fast-check, fixed seed; set STINT_SEED to
 * explore): arrival order does not matter, stream then flush equals batch, nothing is lost or
 * counted twice, and sessions of one identity never overlap.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sessionizeColumns, sessionizeToColumns } from '../../src/core/batch.ts';
import { EventColumnsBuilder } from '../../src/core/columns.ts';
import { createNormalizer } from '../../src/core/normalize.ts';
import { createRules, type RulesInput } from '../../src/core/rules.ts';
import { sessionize } from '../../src/core/sessionize.ts';
import { createSessionizer, type StreamUpdate } from '../../src/core/stream.ts';
import { applyUpdates, eventsArbitrary, records, SEED } from '../helpers/gen.ts';

const RULE_SETS: [string, RulesInput][] = [
  ['defaults', {}],
  [
    'short timeout, max duration',
    { timeoutMs: 20 * 60_000, maxDurationMs: 90 * 60_000, goals: ['purchase'] },
  ],
  [
    'midnight in New York, campaign',
    { splitAtMidnight: true, timezone: 'America/New_York', splitOnCampaign: true },
  ],
  ['session key', { sessionKey: 'session_id', timeoutMs: 45 * 60_000 }],
  ['user identity', { identity: 'user' }],
];

const params = { seed: SEED, numRuns: 150 };

function shuffled<T>(items: readonly T[], order: readonly number[]): T[] {
  return items
    .map((item, i) => ({ item, key: order[i % order.length]! * 1000 + i }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.item);
}

describe.each(RULE_SETS)('engine invariants: %s', (_name, input) => {
  const rules = createRules(input);
  const users = rules.identity === 'user';

  it('any arrival order gives the same sessions', () => {
    fc.assert(
      fc.property(eventsArbitrary({ users }), fc.array(fc.nat(), { minLength: 1 }), (events, order) => {
        expect(records(sessionize(shuffled(events, order), rules).sessions)).toEqual(
          records(sessionize(events, rules).sessions),
        );
      }),
      params,
    );
  });

  it('no event is lost or counted twice', () => {
    fc.assert(
      fc.property(eventsArbitrary({ users }), (events) => {
        const { sessions, rejected, duplicates } = sessionize(events, rules);
        const counted = sessions.reduce((n, s) => n + s.events, 0);
        expect(counted + rejected.length + duplicates).toBe(events.length);
        expect(new Set(sessions.map((s) => s.sessionId)).size).toBe(sessions.length);
      }),
      params,
    );
  });

  it('sessions of one identity do not overlap, and timeouts really are gaps', () => {
    fc.assert(
      fc.property(eventsArbitrary({ users }), (events) => {
        const { sessions } = sessionize(events, rules);
        for (let i = 1; i < sessions.length; i++) {
          const a = sessions[i - 1]!;
          const b = sessions[i]!;
          if (a.identity !== b.identity) {
            expect(a.identity < b.identity).toBe(true);
            continue;
          }
          expect(a.endMs).toBeLessThan(b.startMs);
          if (a.endReason === 'timeout') expect(b.startMs - a.endMs).toBeGreaterThan(rules.timeoutMs);
          else expect(a.endReason).not.toBe('open');
        }
      }),
      params,
    );
  });

  it('each event is placed in the session of its identity that spans it, and counts add up', () => {
    fc.assert(
      fc.property(eventsArbitrary({ users }), (inputs) => {
        const normalize = createNormalizer({ sessionKey: rules.sessionKey });
        const builder = new EventColumnsBuilder();
        for (const input of inputs) {
          const r = normalize(input);
          if (r.ok) builder.append(r.event);
        }
        const cols = builder.finish();
        const sc = sessionizeToColumns(cols, rules, { eventSessions: true });
        const sessions = sc.toSessions();
        const of = sc.eventSessions!;
        expect(of.length).toBe(cols.length);
        const counts = new Array<number>(sessions.length).fill(0);
        const plain = sessionizeColumns(cols, rules);
        expect(records(sessions)).toEqual(records(plain)); // tracking changes nothing
        for (let e = 0; e < cols.length; e++) {
          const s = sessions[of[e]!]!;
          counts[of[e]!]!++;
          expect(cols.tsMs[e]).toBeGreaterThanOrEqual(s.startMs);
          expect(cols.tsMs[e]).toBeLessThanOrEqual(s.endMs);
          if (!users)
            expect(s.identity).toBe(cols.ids.value(cols.anonCode[e]!) || cols.ids.value(cols.userCode[e]!));
        }
        expect(counts).toEqual(sessions.map((s) => s.events));
      }),
      params,
    );
  });

  it('streaming then flushing equals batch (everything within the lateness)', () => {
    fc.assert(
      fc.property(eventsArbitrary({ users }), fc.array(fc.nat(), { minLength: 1 }), (events, order) => {
        const stream = createSessionizer(rules, { latenessMs: 30 * 86_400_000 });
        const updates: StreamUpdate[] = [];
        for (const e of shuffled(events, order)) updates.push(...stream.push(e));
        updates.push(...stream.flush());
        expect(records(applyUpdates(updates))).toEqual(records(sessionize(events, rules).sessions));
        expect(stream.openSessions).toBe(0);
      }),
      params,
    );
  });
});

describe('streaming with a short lateness', () => {
  const rules = createRules({ timeoutMs: 15 * 60_000 });

  it('late events are reported, the rest gives the batch sessions of the events not late', () => {
    fc.assert(
      fc.property(
        eventsArbitrary(),
        fc.array(fc.nat(), { minLength: 1 }),
        fc.integer({ min: 0, max: 120 }),
        (events, order, latenessMin) => {
          const stream = createSessionizer(rules, { latenessMs: latenessMin * 60_000 });
          const updates: StreamUpdate[] = [];
          const arrived = shuffled(events, order);
          const lateIds = new Set<unknown>();
          for (const e of arrived) {
            for (const u of stream.push(e)) {
              updates.push(u);
              if (u.kind === 'late') {
                lateIds.add(e.event_id);
                expect(u.tsMs).toBeLessThan(u.watermarkMs);
                expect(u.identity).toBe(e.anonymous_id);
              }
            }
          }
          updates.push(...stream.flush());
          const kept = arrived.filter((e) => !lateIds.has(e.event_id));
          expect(records(applyUpdates(updates))).toEqual(records(sessionize(kept, rules).sessions));
        },
      ),
      params,
    );
  });

  it('closes a session once the watermark passes its last event plus the timeout', () => {
    const stream = createSessionizer(rules, { latenessMs: 5 * 60_000 });
    const t0 = Date.UTC(2026, 0, 1, 10);
    expect(stream.push({ anonymous_id: 'a', timestamp: t0 }).map((u) => u.kind)).toEqual(['started']);
    expect(stream.push({ anonymous_id: 'b', timestamp: t0 + 19 * 60_000 }).map((u) => u.kind)).toEqual([
      'started',
    ]);
    // watermark = 14 min: not yet past a's 0 + 15 min.
    expect(stream.advance(t0 + 15 * 60_000)).toEqual([]);
    const closed = stream.advance(t0 + 15 * 60_000 + 1);
    expect(closed.map((u) => u.kind)).toEqual(['closed']);
    expect(closed[0]?.kind === 'closed' && closed[0].session.endReason).toBe('timeout');
    expect(stream.openSessions).toBe(1);
    const late = stream.push({ anonymous_id: 'a', timestamp: t0 + 60_000 });
    expect(late).toMatchObject([
      { kind: 'late', identity: 'a', tsMs: t0 + 60_000, watermarkMs: t0 + 15 * 60_000 + 1 },
    ]);
  });
});
