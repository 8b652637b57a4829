/**
 * CSV / TSV / `;`-CSV reader: the first record is the header, each later record becomes an object
 * keyed by the file's own column names, in batches of ~8192. Bad rows are rejected with the
 * file's own line number of their first line (the header is line 1) and reading goes on.
 *
 *   h,v            line 1 (header)
 *   1,"a           line 2 ┐ one record {h: '1', v: 'a\nb'}, line 2
 *   b"             line 3 ┘
 *   2,"x           line 4   quote never closed → broken_quoting at 4; reading resumes at line 5
 *   3,y            line 5   {h: '3', v: 'y'}, line 5
 *   4              line 6   unparseable (1 field, header has 2); `cut_line` if it is a last line without newline
 */
import { StintError } from '../core/errors.ts';
import { columnKeys } from './column-keys.ts';
import { type OpenRecord, parseCsvLine } from './csv-record.ts';
import { type Delimiter, sniffDelimiter } from './delimiter.ts';
import { type LineBatch, lineAt, openLines, type TextLine } from './lines.ts';
import { clipRaw, emptyBatch, type RawRecord, type ReadBatch, type ReadRejectReason } from './record.ts';

export interface DelimitedOptions {
  /** Omitted: sniffed from the header line (see `sniffDelimiter`). */
  delimiter?: Delimiter;
  batchSize?: number;
  /** Told what the summary should say of the file (a gzip stream that ends early). */
  onNote?: (note: string) => void;
}

/** A quoted field may span this many lines (or chars) before its record is judged broken. */
const MAX_RECORD_LINES = 10_000;
const MAX_RECORD_CHARS = 16 * 1024 * 1024;
const BATCH_SIZE = 8192;

export async function* readDelimited(
  path: string,
  options: DelimitedOptions = {},
): AsyncGenerator<ReadBatch> {
  const batchSize = options.batchSize ?? BATCH_SIZE;
  const source = openLines(path, options.onNote);
  let delimiter = options.delimiter;
  let header: string[] | undefined;
  /** Lines of the record being read (more than one while inside a quoted field). */
  let pending: TextLine[] = [];
  let pendingChars = 0;
  let open: OpenRecord | undefined;
  let batch = emptyBatch(0);
  const full: ReadBatch[] = [];

  const addRecord = (keys: string[], fields: string[], lineNo: number): void => {
    const record: RawRecord = {};
    for (let j = 0; j < fields.length; j++) record[keys[j]!] = fields[j];
    batch.records.push(record);
    batch.lines.push(lineNo);
    if (batch.records.length >= batchSize) {
      full.push(batch);
      batch = emptyBatch(0);
    }
  };

  const reject = (reason: ReadRejectReason, detail: string): void => {
    const raw = clipRaw(pending.map((l) => l.line).join('\n'));
    batch.rejects.push({ line: pending[0]!.lineNo, reason, raw, detail });
  };

  /** The record at `pending[0]` cannot be read: reject its first line, return the lines after it to re-read. */
  const fail = (detail: string): TextLine[] => {
    if (header === undefined) {
      throw new StintError('STINT_UNREADABLE', `${path}: cannot read the header (line 1): ${detail}`);
    }
    const rest = pending.slice(1);
    pending = pending.slice(0, 1);
    const cut = pending[0]!.unterminated;
    reject(cut ? 'cut_line' : 'broken_quoting', cut ? `file ends mid-record: ${detail}` : detail);
    pending = [];
    pendingChars = 0;
    open = undefined;
    return rest;
  };

  const complete = (fields: string[]): TextLine[] => {
    if (header === undefined) {
      header = columnKeys(fields);
    } else if (pending.some((l) => l.invalidUtf8)) {
      const bad = pending.find((l) => l.invalidUtf8)!;
      reject('invalid_utf8', pending.length > 1 ? `invalid UTF-8 on line ${bad.lineNo}` : 'invalid UTF-8');
    } else if (fields.length !== header.length) {
      const detail = `${fields.length} fields, the header has ${header.length}`;
      // A record that spans lines but has the wrong shape most likely swallowed lines through a stray quote.
      if (pending.length > 1)
        return fail(`quoted field across lines ${pending[0]!.lineNo}-${pending.at(-1)!.lineNo}: ${detail}`);
      if (pending[0]!.unterminated && fields.length < header.length)
        reject('cut_line', `file ends mid-line: ${detail}`);
      else reject('unparseable', detail);
    } else {
      addRecord(header, fields, pending[0]!.lineNo);
    }
    pending = [];
    pendingChars = 0;
    open = undefined;
    return [];
  };

  const consume = (queue: TextLine[]): void => {
    for (let k = 0; k < queue.length; k++) {
      const line = queue[k]!;
      if (pending.length === 0 && line.line === '' && !line.invalidUtf8) continue;
      delimiter ??= sniffDelimiter(line.line);
      const parsed = parseCsvLine(line.line, delimiter, open);
      pending.push(line);
      pendingChars += line.line.length;
      let reread: TextLine[];
      if (parsed.kind === 'open') {
        open = parsed.state;
        if (pending.length <= MAX_RECORD_LINES && pendingChars <= MAX_RECORD_CHARS) continue;
        reread = fail(`quoted field not closed within ${pending.length} lines`);
      } else if (parsed.kind === 'error') {
        reread = fail(parsed.detail);
      } else {
        reread = complete(parsed.fields);
      }
      if (reread.length > 0) queue.splice(k + 1, 0, ...reread);
    }
  };

  const flush = function* (): Generator<ReadBatch> {
    for (const b of full.splice(0)) {
      b.bytesRead = source.bytesRead();
      yield b;
    }
  };

  /** Most lines are one whole record without quotes: split them directly, the rest go through `consume`. */
  const consumeBatch = (chunk: LineBatch): void => {
    const texts = chunk.lines;
    const plainEnd = chunk.unterminated ? texts.length - 1 : texts.length;
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i]!;
      if (header !== undefined && open === undefined && i < plainEnd && !text.includes('"')) {
        if (chunk.invalidUtf8.length === 0 || !chunk.invalidUtf8.includes(i)) {
          if (text === '') continue;
          const fields = text.split(delimiter!);
          if (fields.length === header.length) {
            addRecord(header, fields, chunk.firstLineNo + i);
            continue;
          }
        }
      }
      consume([lineAt(chunk, i)]);
    }
  };

  for await (const lines of source.batches()) {
    consumeBatch(lines);
    yield* flush();
  }
  while (pending.length > 0) consume(fail('quoted field not closed at the end of the file'));
  yield* flush();
  if (batch.records.length > 0 || batch.rejects.length > 0) {
    batch.bytesRead = source.bytesRead();
    yield batch;
  }
}
