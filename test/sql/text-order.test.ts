/**
 * compareText orders text as the engines' ORDER BY does: by UTF-8 bytes, which differs from
 * JavaScript's UTF-16 order for characters above U+FFFF against U+E000–U+FFFF.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareText } from '../../src/sql/text-order.ts';

const bytes = (a: string, b: string) => Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
const text = fc.string({
  unit: fc.oneof(
    fc.constantFrom('a', 'é', '\uffff', '\ue000', '😀', '𝄞'),
    fc.string({ unit: 'grapheme', maxLength: 1 }),
  ),
});

describe('compareText', () => {
  it('orders as UTF-8 bytes do, for any text', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(Math.sign(compareText(a, b))).toBe(bytes(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it('puts a character above U+FFFF after U+FFFF, where UTF-16 order does not', () => {
    expect(compareText('😀', '\uffff')).toBe(1);
    expect('😀' < '\uffff').toBe(true);
    expect(compareText('/a', '/a')).toBe(0);
    expect(compareText('/a', '/ab')).toBe(-1);
  });
});
