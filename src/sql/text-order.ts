/**
 * Text order as the SQL engines sort it (DuckDB's and ClickHouse's default: by UTF-8 bytes), for
 * analyses that finish a query's rows in TypeScript and must order them as ORDER BY would.
 *
 * UTF-8 byte order is code point order. UTF-16 units follow it except that a surrogate (half
 * of a code point above U+FFFF) is below U+E000–U+FFFF as a unit but above it as a code point.
 */
export function compareText(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xAbove = x >= 0xd800 && x <= 0xdfff;
    const yAbove = y >= 0xd800 && y <= 0xdfff;
    if (xAbove !== yAbove) return xAbove ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
