/**
 * Access log lines → batches of canonical records. The format is given, or detected from the first
 * 50 non-empty lines; then every line is parsed: a line that does not parse is rejected
 * (`unparseable`), a line that is not a pageview is counted in `leftOut` by reason (or kept as a
 * `request` with keepAll). Empty lines and `#` lines (W3C directives, comments) are skipped.
 *
 *   for await (const batch of readAccessLog(lines, { keepAll: false, keepBots: false, bytesRead })) …
 */
import { StintError } from '../../core/errors.ts';
import { clipRaw, emptyBatch, type ReadBatch } from '../record.ts';
import { classifyRequest } from './classify.ts';
import {
  ACCESS_LOG_AUTO,
  ACCESS_LOG_FORMATS,
  type AccessLogFormatName,
  detectAccessLogFormat,
  isBlankLine,
} from './detect.ts';
import { createLineParser, type LineParser } from './formats.ts';
import { entryToRecord } from './to-record.ts';

export interface ReadAccessLogOptions {
  /** A format name, or `access-log` / undefined to detect it. */
  format?: AccessLogFormatName | typeof ACCESS_LOG_AUTO;
  keepAll: boolean;
  keepBots: boolean;
  /** Bytes of the file consumed so far, reported on each batch. */
  bytesRead: () => number;
  /** Zone of W3C `date-local`/`time-local` columns (default UTC). */
  inputZone?: string;
  /** Replaces each line's `ip|user agent` identity (a keyed hash at import). */
  identify?: ((identity: string) => string) | undefined;
}

export interface NumberedLine {
  line: string;
  lineNo: number;
}

export const DETECTION_SAMPLE_LINES = 50;
const BATCH_SIZE = 8192;

export async function* readAccessLog(
  lines: AsyncIterable<NumberedLine>,
  options: ReadAccessLogOptions,
): AsyncGenerator<ReadBatch> {
  const source = lines[Symbol.asyncIterator]();
  let exhausted = false;
  try {
    const sample: NumberedLine[] = [];
    let format = options.format;
    if (format === undefined || format === ACCESS_LOG_AUTO) {
      while (sample.length < DETECTION_SAMPLE_LINES) {
        const next = await source.next();
        if (next.done === true) break;
        if (!isBlankLine(next.value.line)) sample.push(next.value);
      }
      if (sample.length === 0) {
        exhausted = true;
        yield emptyBatch(options.bytesRead());
        return;
      }
      format = detectAccessLogFormat(sample.map((s) => s.line)) ?? failDetection(sample.length);
    }
    const zone = options.inputZone === undefined ? {} : { inputZone: options.inputZone };
    const parser = createLineParser(format, zone);
    let batch = emptyBatch(0);
    for (const { line, lineNo } of sample) readLine(batch, parser, format, line, lineNo, options);
    while (true) {
      if (batch.records.length + batch.rejects.length >= BATCH_SIZE) {
        batch.bytesRead = options.bytesRead();
        yield batch;
        batch = emptyBatch(0);
      }
      const next = await source.next();
      if (next.done === true) break;
      readLine(batch, parser, format, next.value.line, next.value.lineNo, options);
    }
    exhausted = true;
    batch.bytesRead = options.bytesRead();
    yield batch;
  } finally {
    // The consumer stopped early, or detection failed: let the source close its file.
    if (!exhausted) await source.return?.();
  }
}

function readLine(
  batch: ReadBatch,
  parser: LineParser,
  format: AccessLogFormatName,
  line: string,
  lineNo: number,
  options: ReadAccessLogOptions,
): void {
  if (isBlankLine(line)) return;
  if (line.charCodeAt(0) === 35) {
    parser.directive(line);
    return;
  }
  const entry = parser.parse(line);
  if (entry === undefined) {
    batch.rejects.push({
      line: lineNo,
      reason: 'unparseable',
      raw: clipRaw(line),
      detail: `not a ${format} line`,
    });
    return;
  }
  const verdict = classifyRequest(entry, options);
  if (verdict.kind === 'leave') {
    batch.leftOut[verdict.reason] = (batch.leftOut[verdict.reason] ?? 0) + 1;
    return;
  }
  batch.records.push(entryToRecord(entry, verdict.event, options.identify));
  batch.lines.push(lineNo);
}

function failDetection(sampled: number): never {
  const tried = ACCESS_LOG_FORMATS.join(', ');
  throw new StintError(
    'STINT_UNKNOWN_FORMAT',
    `Could not recognise the access log format: none of the first ${sampled} non-empty lines parses as any of ${tried}. ` +
      'If this is an access log, name its format with --input-format (one of these), or read it as events with --input-format csv/ndjson.',
    `--input-format ${ACCESS_LOG_FORMATS.join('|')}`,
  );
}
