/**
 * Tracked text as the CLI prints it: `printable` and `escapeControls` (core/printable.ts), and
 * `label` for table cells.
 *
 *   label('/a\u001b[31mred') // '/a\\u001b[31mred'
 */
import { printable } from '../core/printable.ts';

export { escapeControls, printable } from '../core/printable.ts';

/** `printable`, '(none)' for empty, cut to `max` characters with an ellipsis. */
export function label(text: string, max = 48): string {
  const safe = printable(text);
  return safe === '' ? '(none)' : safe.length > max ? `${safe.slice(0, max - 1)}…` : safe;
}
