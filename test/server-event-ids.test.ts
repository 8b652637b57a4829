import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventIdIndex } from '../src/server/event-ids.ts';

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
