/**
 * Text that is well-formed Unicode. A JSON body may hold a lone surrogate ("\ud800"): valid
 * JSON, but no character. Such a string cannot be UTF-8, and JSON.stringify writes it back as an
 * escape that DuckDB's JSON refuses, so one event held the whole sessionizing transaction of its
 * site (found by the collector's fuzz test). Events are made well-formed where their fields are
 * read (core/normalize.ts): lone surrogates become U+FFFD, as a browser's TextEncoder makes them.
 *
 *   wellFormedText('a\ud800b') === 'a\ufffdb'; wellFormedValue({ k: ['\ud800'] }) → { k: ['\ufffd'] }
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

/** The value itself when its strings and keys are all well-formed (most are), else a copy in which they are. */
export function wellFormedValue(value: unknown): unknown {
  return isWellFormedValue(value) ? value : copyWellFormed(value);
}

function isWellFormedValue(value: unknown): boolean {
  if (typeof value === 'string') return (value as unknown as WellFormed).isWellFormed();
  if (Array.isArray(value)) return value.every(isWellFormedValue);
  if (value === null || typeof value !== 'object' || value instanceof Date) return true;
  for (const [k, v] of Object.entries(value))
    if (!(k as unknown as WellFormed).isWellFormed() || !isWellFormedValue(v)) return false;
  return true;
}

function copyWellFormed(value: unknown): unknown {
  if (typeof value === 'string') return wellFormedText(value);
  if (Array.isArray(value)) return value.map(copyWellFormed);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [wellFormedText(k), copyWellFormed(v)]),
  );
}
