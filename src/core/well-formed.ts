/**
 * Text that is well-formed Unicode. A JSON body may hold a lone surrogate ("\ud800"): valid
 * JSON, but no character. Such a string cannot be UTF-8, and JSON.stringify writes it back as an
 * escape that DuckDB's JSON refuses, so one event held the whole sessionizing transaction of its
 * site (found by the collector's fuzz test). Lone surrogates become U+FFFD, as a browser's
 * TextEncoder makes them.
 *
 *   wellFormedText('a\ud800b') === 'a\ufffdb'; wellFormedJson({ k: '\ud800' }) === '{"k":"\ufffd"}'
 */

interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

export function wellFormedText(text: string): string {
  return (text as unknown as WellFormed).isWellFormed()
    ? text
    : (text as unknown as WellFormed).toWellFormed();
}

/** JSON text of the value with every string and key well-formed. */
export function wellFormedJson(value: unknown): string {
  const text = JSON.stringify(value);
  // JSON.stringify writes a lone surrogate, and only that, as a \ud800–\udfff escape.
  return LONE_SURROGATE_ESCAPE.test(text) ? JSON.stringify(wellFormedValue(value)) : text;
}

const LONE_SURROGATE_ESCAPE = /\\ud[89a-f][0-9a-f]{2}/;

function wellFormedValue(value: unknown): unknown {
  if (typeof value === 'string') return wellFormedText(value);
  if (Array.isArray(value)) return value.map(wellFormedValue);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [wellFormedText(k), wellFormedValue(v)]),
  );
}
