/**
 * Lone surrogates become U+FFFD; everything else is left as it is, the same object when nothing
 * needed it (src/core/well-formed.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wellFormedText, wellFormedValue } from '../../src/core/well-formed.ts';

// Any UTF-16 code units, lone surrogates included.
const anyText = fc.string({ unit: 'binary', maxLength: 40 });
const isWellFormed = (s: string): boolean => Buffer.from(s, 'utf8').toString('utf8') === s;
const allWellFormed = (x: unknown): boolean =>
  typeof x === 'string'
    ? isWellFormed(x)
    : Array.isArray(x)
      ? x.every(allWellFormed)
      : x !== null && typeof x === 'object'
        ? Object.entries(x).every(([k, y]) => isWellFormed(k) && allWellFormed(y))
        : true;

describe('well-formed text', () => {
  it('leaves well-formed text alone and makes any other so, one U+FFFD per lone surrogate', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const out = wellFormedText(s);
        expect(isWellFormed(out)).toBe(true);
        expect(out.length).toBe(s.length);
        if (isWellFormed(s)) expect(out).toBe(s);
        // What UTF-8 makes of it, as a browser's TextEncoder does.
        expect(out).toBe(Buffer.from(s, 'utf8').toString('utf8'));
      }),
      { numRuns: 500 },
    );
    expect(wellFormedText('a\ud800b\udc00\ud83d\ude00')).toBe('a\ufffdb\ufffd\ud83d\ude00');
  });

  it('gives values with well-formed keys and strings, the value itself when they already are', () => {
    const value = fc
      .jsonValue({ maxDepth: 3 })
      .chain((v) =>
        fc.oneof(
          fc.constant(v),
          fc.dictionary(anyText, fc.oneof(anyText, fc.constant(v)), { maxKeys: 4 }),
          fc.array(anyText, { maxLength: 4 }),
        ),
      );
    fc.assert(
      fc.property(value, (v) => {
        const out = wellFormedValue(v);
        const text = JSON.stringify(out);
        const back = JSON.parse(text);
        expect(allWellFormed(back)).toBe(true);
        expect(JSON.stringify(back)).toBe(text);
        if (allWellFormed(v)) {
          expect(out).toBe(v);
          expect(text).toBe(JSON.stringify(v));
        }
      }),
      { numRuns: 500 },
    );
    expect(JSON.stringify(wellFormedValue({ 'k\ud800': ['v\udfff', 1, null] }))).toBe(
      '{"k\ufffd":["v\ufffd",1,null]}',
    );
  });
});
