/**
 * One input file → its reader: the format comes from `--input-format`, else the extension,
 * else the content. Access logs also accept a specific log format name (`combined`, `w3c`…).
 *
 *   const input = await openInput('logs/access.log.1.gz', { keepAll: false, keepBots: false });
 *   for await (const batch of input.batches) …
 */
import { StintError } from '../core/errors.ts';
import { type ACCESS_LOG_AUTO, ACCESS_LOG_FORMATS, type AccessLogFormatName } from './access-log/formats.ts';
import { readAccessLog } from './access-log/read.ts';
import { readDelimited } from './csv.ts';
import { detectFileFormat, INPUT_FORMATS as FILE_FORMATS, type InputFormat } from './detect.ts';
import { readJsonArray } from './json-array.ts';
import { type LineReader, openLines, type TextLine } from './lines.ts';
import { readNdjson } from './ndjson.ts';
import { readParquet } from './parquet.ts';
import { clipRaw, emptyBatch, type ReadBatch, type ReadReject } from './record.ts';

export const INPUT_FORMATS = [...FILE_FORMATS, ...ACCESS_LOG_FORMATS] as const;
export type InputFormatName = InputFormat | AccessLogFormatName;

export interface InputOptions {
  format?: InputFormatName | undefined;
  keepAll?: boolean;
  keepBots?: boolean;
  /** Zone for local times in logs that have them (W3C date-local). */
  inputZone?: string;
  /** Access logs: replaces each line's `ip|user agent` identity (stint import hashes it). */
  identify?: ((identity: string) => string) | undefined;
}

export interface OpenedInput {
  /** What was read: `csv`, `parquet`, `access-log` … */
  format: string;
  batches: AsyncIterable<ReadBatch>;
  /** Things the reader decided on its own (a detected layout), for the summary. */
  notes: string[];
}

export async function openInput(path: string, options: InputOptions): Promise<OpenedInput> {
  let format: InputFormatName;
  try {
    format = options.format ?? (await detectFileFormat(path));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (typeof e.code === 'string') throw err;
    throw new StintError(
      'STINT_UNKNOWN_FORMAT',
      (err as Error).message,
      `Name it: --input-format ${INPUT_FORMATS.join('|')}`,
    );
  }
  const notes: string[] = [];
  const onNote = (note: string): void => {
    notes.push(note);
  };
  switch (format) {
    case 'csv':
      return { format, notes, batches: readDelimited(path, { onNote }) };
    case 'tsv':
      return { format, notes, batches: readDelimited(path, { delimiter: '\t', onNote }) };
    case 'ndjson':
      return { format, notes, batches: readNdjson(path, { onNote }) };
    case 'json':
      return { format, notes, batches: readJsonArray(path, { onNote }) };
    case 'parquet':
      return { format, notes, batches: readParquet(path) };
    default:
      return { format: `access-log`, notes, batches: readLog(path, format, options, onNote) };
  }
}

/** Access logs over the shared line reader, with invalid UTF-8 and a cut last line reported. */
async function* readLog(
  path: string,
  format: AccessLogFormatName | typeof ACCESS_LOG_AUTO,
  options: InputOptions,
  onNote: (note: string) => void,
): AsyncGenerator<ReadBatch> {
  const source: LineReader = openLines(path, onNote);
  const badLines: ReadReject[] = [];
  let lastLine: TextLine | undefined;
  async function* validLines(): AsyncGenerator<{ line: string; lineNo: number }> {
    for await (const l of source.lines()) {
      if (l.invalidUtf8) {
        badLines.push({
          line: l.lineNo,
          reason: 'invalid_utf8',
          raw: clipRaw(l.line),
          detail: 'the line is not valid UTF-8',
        });
        continue;
      }
      if (l.unterminated) lastLine = l;
      yield l;
    }
  }
  const batches = readAccessLog(validLines(), {
    format,
    keepAll: options.keepAll ?? false,
    keepBots: options.keepBots ?? false,
    bytesRead: () => source.bytesRead(),
    identify: options.identify,
    ...(options.inputZone === undefined ? {} : { inputZone: options.inputZone }),
  });
  for await (const batch of batches) {
    if (badLines.length > 0) batch.rejects.push(...badLines.splice(0));
    if (lastLine !== undefined) {
      for (const r of batch.rejects) {
        if (r.line === lastLine.lineNo && r.reason === 'unparseable') {
          r.reason = 'cut_line';
          r.detail = 'the file ends in the middle of this line';
        }
      }
    }
    yield batch;
  }
  if (badLines.length > 0) yield { ...emptyBatch(source.bytesRead()), rejects: badLines.splice(0) };
}
