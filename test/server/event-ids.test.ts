import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventIdIndex, eventIdHashes } from '../../src/server/event-ids.ts';

/**
 * The writer's use of the index, as one function: whether a submitted id is a duplicate, given
 * what the store holds (the store's answer to a suspect).
 */
function submit(index: EventIdIndex, id: string, store: ReadonlySet<string>): 'new' | 'duplicate' {
  const claim = index.claim(id);
  if (claim === 'new') return 'new';
  if (claim === 'logged') return 'duplicate';
  return store.has(id) || !index.claimUnstored(id) ? 'duplicate' : 'new';
}

type Op = { kind: 'commit'; ids: string[]; fails: boolean } | { kind: 'store' } | { kind: 'restart' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('commit' as const),
      ids: fc.array(
        fc.integer({ min: 0, max: 40 }).map((n) => `e${n}`),
        { maxLength: 6 },
      ),
      fails: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'store' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
);

describe('EventIdIndex: which event_ids are retries', () => {
  // With 3 hash bits nearly every id shares its hash with others: the exact paths are used.
  for (const hashBits of [32, 3, 0]) {
    it(`answers like an exact set of logged and stored ids (${hashBits} hash bits)`, () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
          let index = new EventIdIndex({ hashBits });
          const stored = new Set<string>();
          /** Logged batches, oldest first, not yet stored. */
          const logged: string[][] = [];
          for (const o of ops) {
            if (o.kind === 'commit') {
              const seen = new Set([...stored, ...logged.flat()]);
              const fresh: string[] = [];
              for (const id of o.ids) {
                const expected = seen.has(id) ? 'duplicate' : 'new';
                expect(submit(index, id, stored), id).toBe(expected);
                seen.add(id);
                if (expected === 'new') fresh.push(id);
              }
              // The append failed: nothing of it is logged, and its ids are free again.
              if (o.fails) index.release(fresh);
              else if (fresh.length > 0) logged.push(fresh);
            } else if (o.kind === 'store') {
              const batch = logged.shift();
              if (batch === undefined) continue;
              index.stored(batch);
              for (const id of batch) stored.add(id);
            } else {
              // A restart: stored ids by hash only, the log's ids claimed again in order.
              index = new EventIdIndex({ hashBits });
              for (const id of stored) index.addStored(id);
              for (const id of logged.flat())
                if (index.claim(id) === 'suspect') expect(index.claimUnstored(id)).toBe(true);
            }
            expect(index.logged).toBe(logged.flat().length);
          }
        }),
        { numRuns: 300 },
      );
    });
  }

  // Any order of calls, not only the writer's: releases and stores of any logged ids, in any
  // order, between claims.
  for (const hashBits of [32, 1, 0]) {
    it(`answers like exact sets for calls in any order (${hashBits} hash bits)`, () => {
      const step = fc.oneof(
        fc.record({ kind: fc.constant('claim' as const), id: fc.integer({ min: 0, max: 12 }) }),
        fc.record({
          kind: fc.constantFrom('release' as const, 'store' as const),
          pick: fc.array(fc.nat(), { maxLength: 4 }),
        }),
      );
      fc.assert(
        fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
          const index = new EventIdIndex({ hashBits });
          const logged: string[] = [];
          const stored = new Set<string>();
          for (const s of steps) {
            if (s.kind === 'claim') {
              const id = `e${s.id}`;
              const expected = logged.includes(id) || stored.has(id) ? 'duplicate' : 'new';
              expect(submit(index, id, stored), id).toBe(expected);
              if (expected === 'new') logged.push(id);
            } else {
              const chosen = [...new Set(s.pick.map((n) => logged[n % Math.max(1, logged.length)]))];
              const ids = chosen.filter((id): id is string => id !== undefined);
              for (const id of ids) logged.splice(logged.indexOf(id), 1);
              if (s.kind === 'release') index.release(ids);
              else {
                index.stored(ids);
                for (const id of ids) stored.add(id);
              }
            }
            expect(index.logged).toBe(logged.length);
          }
        }),
        { numRuns: 500 },
      );
    });
  }

  it('two ids with one hash: storing or releasing either first keeps both answers right', () => {
    // With every hash equal, 'b' goes aside under 'a's claim.
    const fresh = () => {
      const index = new EventIdIndex({ hashBits: 0 });
      expect(index.claim('a')).toBe('new');
      expect(index.claim('b')).toBe('new');
      return index;
    };
    let index = fresh();
    index.release(['a']);
    expect(index.claim('b')).toBe('logged');
    index.stored(['b']);
    expect(index.logged).toBe(0);

    index = fresh();
    index.stored(['b']);
    expect(index.claim('b')).toBe('suspect');

    index = fresh();
    index.stored(['b']);
    index.release(['a']);
    expect(index.claim('b')).toBe('suspect');
  });

  it('claims released while nothing is stored do not pile up (an append failing again and again)', () => {
    const index = new EventIdIndex();
    for (let i = 0; i < 100_000; i++) {
      expect(index.claim(`e${i % 10}`)).toBe('new');
      index.release([`e${i % 10}`]);
    }
    expect(index.logged).toBe(0);
    expect(index.kept).toBe(0);
    expect(index.claim('e1')).toBe('new');
    expect(index.claim('e1')).toBe('logged');
  });

  it('enters stored ids by their hashes (made in the store thread) as it enters the ids', () => {
    for (const hashBits of [32, 3]) {
      fc.assert(
        fc.property(
          fc.uniqueArray(fc.string({ maxLength: 6 }), { maxLength: 40 }),
          fc.array(fc.string({ maxLength: 6 }), { maxLength: 40 }),
          (stored, claims) => {
            const byId = new EventIdIndex({ hashBits });
            const byHash = new EventIdIndex({ hashBits });
            for (const id of stored) byId.addStored(id);
            byHash.addStoredHashes(eventIdHashes(stored));
            for (const id of [...stored, ...claims]) expect(byHash.claim(id)).toBe(byId.claim(id));
          },
        ),
      );
    }
  });

  it('keeps only what waits in the log: stored ids leave the exact list', () => {
    const index = new EventIdIndex();
    const ids = Array.from({ length: 20_000 }, (_, i) => `id-${i}`);
    for (const id of ids) expect(index.claim(id)).toBe('new');
    expect(index.logged).toBe(20_000);
    index.stored(ids.slice(0, 15_000));
    expect(index.logged).toBe(5_000);
    expect(index.claim('id-1')).toBe('suspect');
    expect(index.claim('id-19999')).toBe('logged');
    index.stored(['', ...ids.slice(15_000)]);
    expect(index.logged).toBe(0);
    expect(index.claim('id-19999')).toBe('suspect');
    expect(index.claim('id-20000')).toBe('new');
  });
});
