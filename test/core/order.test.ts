/**
 * The batch driver's walk order: each identity's events by time, ties in input order, whatever
 * the input order (property, with many ties), and every event exactly once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { walkOrder } from '../../src/core/order.ts';
import { SEED } from '../helpers/gen.ts';

describe('walkOrder', () => {
  it('keeps the input order and moves late events before the first that should follow them', () => {
    expect([...walkOrder(Int32Array.of(0, 0, 1, 0), Float64Array.of(5, 9, 1, 7), 2)]).toEqual([0, 3, 1, 2]);
  });

  it('orders each identity by (time, input position) and loses nothing (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 12 })), {
          maxLength: 200,
        }),
        (rows) => {
          const identity = Int32Array.from(rows, ([who]) => who);
          const ts = Float64Array.from(rows, ([, t]) => t * 1000);
          const order = [...walkOrder(identity, ts, 5)];
          expect([...order].sort((a, b) => a - b)).toEqual(rows.map((_, i) => i));
          for (let who = 0; who < 5; who++) {
            const walked = order.filter((i) => identity[i] === who);
            const expected = rows
              .map((_, i) => i)
              .filter((i) => identity[i] === who)
              .sort((a, b) => ts[a]! - ts[b]! || a - b);
            expect(walked).toEqual(expected);
          }
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });
});
