/**
 * Reading JSON access-log lines without trusting them: one `JSON.parse` per line (only when the
 * line starts with `{`), then narrow each field from `unknown`.
 *
 *   textOf(obj.status) === '200'; countOf(textOf(200)) === 200
 */

export type JsonObject = Record<string, unknown>;

export function parseJsonObject(line: string): JsonObject | undefined {
  let i = 0;
  while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++;
  if (line.charCodeAt(i) !== 123) return undefined;
  try {
    return objectOf(JSON.parse(line));
  } catch {
    return undefined;
  }
}

export function objectOf(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : undefined;
}

/** A string or number as text; anything else (null, objects, absent) as ''. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return '';
}

/** The first element of a header value array (`{"User-Agent": ["Mozilla…"]}`), or the value itself. */
export function headerOf(headers: JsonObject | undefined, name: string): string {
  const value = headers?.[name];
  return textOf(Array.isArray(value) ? value[0] : value);
}
