/**
 * CSV output (sessions, reports, --rejects): one header, then rows in the same column order.
 * RFC 4180 quoting: a field holding `,` `"` CR or LF is quoted with its quotes doubled. Lines end
 * in `\n`. Values: strings as they are, numbers as JS prints them, booleans `true`/`false`,
 * null/undefined empty, Dates as ISO-8601, other objects as JSON. Text that a spreadsheet would
 * run as a formula gets a leading `'` unless the writer is made with `text: 'raw'` (csv-safe.ts).
 *
 *   const csv = createCsvWriter(process.stdout, ['id', 'note']);
 *   await csv.write([1, 'say "hi", then go']);   // 1,"say ""hi"", then go"
 *   await csv.end();
 */
import { type CsvText, neutralizeFormula } from './csv-safe.ts';
import { createTextSink } from './output.ts';

export interface RowWriter<Row> {
  /** Resolves at once unless the output is full (backpressure): await it. */
  write(row: Row): Promise<void>;
  /** Flush; end the stream unless it is standard output/error. */
  end(): Promise<void>;
}

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: unknown, mode: CsvText = 'safe'): string {
  let text: string;
  if (typeof value === 'string') text = mode === 'raw' ? value : neutralizeFormula(value);
  else if (value === null || value === undefined) return '';
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  else if (value instanceof Date) return value.toISOString();
  else text = mode === 'raw' ? (JSON.stringify(value) ?? '') : neutralizeFormula(JSON.stringify(value) ?? '');
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(row: readonly unknown[], mode: CsvText = 'safe'): string {
  let line = '';
  for (let i = 0; i < row.length; i++)
    line += i === 0 ? csvField(row[i], mode) : `,${csvField(row[i], mode)}`;
  return `${line}\n`;
}

export function createCsvWriter(
  out: NodeJS.WritableStream,
  header: readonly string[],
  options: { text?: CsvText } = {},
): RowWriter<readonly unknown[]> {
  const mode = options.text ?? 'safe';
  const sink = createTextSink(out);
  let pending: string | undefined = csvLine(header, mode);
  return {
    write(row) {
      const line = pending === undefined ? csvLine(row, mode) : pending + csvLine(row, mode);
      pending = undefined;
      return sink.push(line);
    },
    async end() {
      if (pending !== undefined) await sink.push(pending);
      await sink.end();
    },
  };
}
