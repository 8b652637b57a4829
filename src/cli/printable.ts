/**
 * Tracked text (URLs, referrers, sources…) as it is safe to print on a terminal: control
 * characters of every kind (C0, DEL, C1), line and paragraph separators and bidirectional
 * overrides are shown as \u escapes, quotes and backslashes as JSON writes them. Nothing a
 * visitor sent can move the cursor, change colours or reorder the text.
 *
 *   printable('/a\u001b[31mred') // '/a\\u001b[31mred'
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return JSON.stringify(text)
    .slice(1, -1)
    .replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `printable`, '(none)' for empty, cut to `max` characters with an ellipsis. */
export function label(text: string, max = 48): string {
  const safe = printable(text);
  return safe === '' ? '(none)' : safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
}

/**
 * Only the control characters of `printable` escaped, quotes and backslashes left alone: for
 * whole messages (errors, hints) that quote data, as a last guard before the terminal.
 */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
