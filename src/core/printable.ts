/**
 * Text from data (URLs, referrers, file names, rejected values…) as it is safe to print on a
 * terminal: control characters of every kind (C0, DEL, C1), line and paragraph separators and
 * bidirectional overrides are shown as \u escapes. Nothing a visitor or a file name holds can
 * move the cursor, change colours or reorder the text.
 *
 *   escapeControls('/a\u001b[31mred')      // '/a\\u001b[31mred'
 *   printable('say "hi"\n')                // 'say \\"hi\\"\\n' (quotes and backslashes as JSON writes them)
 *   clipped('a'.repeat(100), 60)           // 59 a's and '…'
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `UNSAFE` but for line feeds and tabs, which lay out a message of several lines. */
const UNSAFE_IN_MESSAGE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const unicodeEscape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** Data as a JSON string's inside, with every unsafe character escaped. */
export function printable(text: string): string {
  return JSON.stringify(text).slice(1, -1).replace(UNSAFE, unicodeEscape);
}

/** Data with its unsafe characters escaped (line breaks included), cut to `max` with an ellipsis. */
export function clipped(text: string, max: number): string {
  const safe = text.replace(UNSAFE, unicodeEscape);
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
}

/**
 * Only the unsafe characters escaped, quotes, backslashes, line feeds and tabs left alone: for
 * whole messages (errors, hints), as a last guard before the terminal. A line feed moves no
 * cursor back and colours nothing; data quoted in a message is escaped where it is quoted.
 */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE_IN_MESSAGE, unicodeEscape);
}
