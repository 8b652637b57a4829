/**
 * RFC 4180 field splitting, one physical line at a time, resumable inside a quoted field so a
 * record may span lines. Strict: a quote inside an unquoted field, or text after a closing quote,
 * is an error (the reader rejects the row as `broken_quoting`) rather than a guess.
 *
 *   parseCsvLine('a,"b ""c""",', ',')  → { kind: 'done', fields: ['a', 'b "c"', ''] }
 *   parseCsvLine('a,"multi', ',')      → { kind: 'open', state }  (feed the next line with `state`)
 *   parseCsvLine('a,b"c', ',')         → { kind: 'error', detail: 'quote inside unquoted field 2' }
 */

/** Where a record stands when a line ends inside a quoted field. */
export interface OpenRecord {
  fields: string[];
  /** The quoted field's text so far. */
  partial: string;
}

export type LineParse =
  | { kind: 'done'; fields: string[] }
  | { kind: 'open'; state: OpenRecord }
  | { kind: 'error'; detail: string };

const QUOTE = '"';

/**
 * Split one line into fields. With `open`, the line continues a quoted field of the previous
 * line, joined by `\n`.
 */
export function parseCsvLine(text: string, delimiter: string, open?: OpenRecord): LineParse {
  if (open === undefined && !text.includes(QUOTE)) return { kind: 'done', fields: text.split(delimiter) };
  const fields = open ? open.fields : [];
  const len = text.length;
  let i = 0;
  let quoted = open !== undefined;
  let value = open ? `${open.partial}\n` : '';
  for (;;) {
    if (quoted) {
      // Inside quotes: copy up to the next quote; `""` is an escaped quote.
      const q = text.indexOf(QUOTE, i);
      if (q < 0) return { kind: 'open', state: { fields, partial: value + text.slice(i) } };
      value += text.slice(i, q);
      if (text.charCodeAt(q + 1) === 34) {
        value += QUOTE;
        i = q + 2;
        continue;
      }
      i = q + 1;
      fields.push(value);
      quoted = false;
      value = '';
      if (i === len) return { kind: 'done', fields };
      if (!text.startsWith(delimiter, i)) {
        return { kind: 'error', detail: `unexpected text after the closing quote of field ${fields.length}` };
      }
      i += delimiter.length;
    } else if (text.charCodeAt(i) === 34) {
      quoted = true;
      i += 1;
      continue;
    } else {
      const d = text.indexOf(delimiter, i);
      const end = d < 0 ? len : d;
      const field = text.slice(i, end);
      if (field.includes(QUOTE))
        return { kind: 'error', detail: `quote inside unquoted field ${fields.length + 1}` };
      fields.push(field);
      if (d < 0) return { kind: 'done', fields };
      i = d + delimiter.length;
    }
    // Just after a delimiter: a line ending here has an empty last field.
    if (i === len) {
      fields.push('');
      return { kind: 'done', fields };
    }
  }
}
