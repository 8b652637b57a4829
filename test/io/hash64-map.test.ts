/**
 * Hash64Map against a plain Map, through growth: the table grows a little at a time (each insert
 * moves a few old slots), and answers must not change while keys live in either table.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Hash64Map } from '../../src/io/hash64-map.ts';

type Op = { kind: 'set' | 'setIfAbsent' | 'get'; lo: number; hi: number; value: number };

describe('Hash64Map', () => {
  it('answers as a Map does, through many doublings, with keys that share slots', () => {
    // Keys from a pool, so that most operations meet a key seen before: 150 low halves spread over
    // the table, each with four high halves (keys that share a slot and probe past each other).
    const op = fc
      .record({
        kind: fc.constantFrom<Op['kind']>('set', 'setIfAbsent', 'get'),
        key: fc.integer({ min: 0, max: 599 }),
        value: fc.integer({ min: 0, max: 1_000_000 }),
      })
      .map(
        ({ kind, key, value }): Op => ({
          kind,
          lo: Math.imul(key % 150, 0x9e3779b1) >>> 0,
          hi: key >> 7,
          value,
        }),
      );
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 500, maxLength: 3000, size: 'max' }),
        fc.integer({ min: 1, max: 64 }),
        (ops, expected) => {
          const map = new Hash64Map(expected);
          const model = new Map<string, number>();
          for (const { kind, lo, hi, value } of ops) {
            const key = `${lo}:${hi}`;
            const before = model.get(key) ?? -1;
            if (kind === 'get') expect(map.get(lo, hi)).toBe(before);
            else if (kind === 'set') {
              expect(map.set(lo, hi, value)).toBe(before);
              model.set(key, value);
            } else {
              expect(map.setIfAbsent(lo, hi, value)).toBe(before);
              if (before === -1) model.set(key, value);
            }
          }
          for (const [key, value] of model) {
            const [lo, hi] = key.split(':').map(Number) as [number, number];
            expect(map.get(lo, hi)).toBe(value);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('keeps every key and its latest value across growth from 16 slots to a million keys', () => {
    const map = new Hash64Map();
    const n = 1_000_000;
    // Well mixed halves, as the server's event-id hashes are.
    const lo = (i: number) => Math.imul(i, 0x9e3779b1) >>> 0;
    const hi = (i: number) => Math.imul(i ^ 0x5bd1e995, 0x85ebca6b) >>> 0;
    let wrong = 0;
    for (let i = 0; i < n; i++) if (map.setIfAbsent(lo(i), hi(i), i) !== -1) wrong++;
    for (let i = 0; i < n; i += 3) if (map.set(lo(i), hi(i), i + 1) !== i) wrong++;
    for (let i = 0; i < n; i++) if (map.get(lo(i), hi(i)) !== (i % 3 === 0 ? i + 1 : i)) wrong++;
    expect(wrong).toBe(0);
    expect(map.get(lo(n), hi(n))).toBe(-1);
  });
});
