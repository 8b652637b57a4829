/**
 * Which reader a file needs: by extension first (`.gz` and rotation suffixes like `.1` ignored),
 * else by its first bytes. `.json` whose content is one object per line counts as NDJSON.
 *
 *   access.log.2.gz → access-log     events.csv.gz → csv     dump.txt holding `{"ts":…}\n{…` → ndjson
 *   data (no ext.) starting `PAR1` → parquet     x.txt with `1.2.3.4 - - [10/Feb/2012:…] "GET …` → access-log
 */

import { constants, gunzipSync } from 'node:zlib';
import { StintError } from '../core/errors.ts';
import { detectAccessLogFormat } from './access-log/detect.ts';
import { assertReadableCompression } from './compressed.ts';
import { sniffDelimiter } from './delimiter.ts';
import { isGzip, readHead } from './lines.ts';

export type InputFormat = 'csv' | 'tsv' | 'ndjson' | 'json' | 'parquet' | 'access-log';

export const INPUT_FORMATS: readonly InputFormat[] = [
  'csv',
  'tsv',
  'ndjson',
  'json',
  'parquet',
  'access-log',
];

const BY_EXTENSION: Record<string, InputFormat | 'sniff'> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  json: 'json',
  parquet: 'parquet',
  log: 'access-log',
  txt: 'sniff',
};

const EXTENSION = /\.([a-z0-9]+)(?:[.-]\d+)?(?:\.gz)?$/i;
const SAMPLE_LINES = 50;
/** Compressed bytes decoded for sniffing: plenty for 50 lines, bounded however well the data packs. */
const GZIP_SNIFF_BYTES = 32 * 1024;

/** The text at the start of the file: decompressed when gzip (a cut gzip head is fine). */
function headText(firstBytes: Buffer): { bytes: Buffer; text: string } {
  let bytes = firstBytes;
  try {
    if (isGzip(firstBytes)) {
      bytes = gunzipSync(firstBytes.subarray(0, GZIP_SNIFF_BYTES), { finishFlush: constants.Z_SYNC_FLUSH });
    }
  } catch {
    bytes = Buffer.alloc(0); // damaged gzip: nothing to sniff
  }
  return { bytes, text: bytes.toString('utf8').replace(/^\uFEFF/, '') };
}

/** Whole lines of the head: a last line cut by the head's size is left out when others exist. */
function sampleLines(text: string): string[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.length > 1) lines.pop();
  return lines.filter((l) => l.trim() !== '').slice(0, SAMPLE_LINES);
}

function isJsonObjectLine(line: string): boolean {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

function sniff(firstBytes: Buffer): InputFormat | undefined {
  const { bytes, text } = headText(firstBytes);
  if (bytes.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
  const start = text.trimStart();
  if (start.startsWith('[')) return 'json';
  const lines = sampleLines(text);
  const first = lines[0];
  if (first === undefined) return undefined;
  if (start.startsWith('{')) {
    if (!isJsonObjectLine(first)) return 'json';
    return detectAccessLogFormat(lines) === undefined ? 'ndjson' : 'access-log';
  }
  if (detectAccessLogFormat(lines) !== undefined) return 'access-log';
  if (first.includes('\t') && sniffDelimiter(first) === '\t') return 'tsv';
  if (first.includes(',') || first.includes(';')) return 'csv';
  return undefined;
}

/**
 * The format of `path`, given its first bytes as stored (64 KiB is plenty; see `readHead`).
 * Throws when neither the name nor the content tells.
 */
export function detectFormat(path: string, firstBytes: Buffer): InputFormat {
  assertReadableCompression(path, firstBytes);
  const ext = EXTENSION.exec(path)?.[1]?.toLowerCase();
  const byName = ext === undefined ? undefined : BY_EXTENSION[ext];
  if (byName === 'json') {
    const lines = sampleLines(headText(firstBytes).text);
    const objectLines = lines.length >= 2 && lines.slice(0, 2).every(isJsonObjectLine);
    return objectLines ? 'ndjson' : 'json';
  }
  if (byName !== undefined && byName !== 'sniff') return byName;
  const sniffed = sniff(firstBytes);
  if (sniffed !== undefined) return sniffed;
  throw new StintError(
    'STINT_UNKNOWN_FORMAT',
    `${path}: cannot tell the input format from its name or content`,
    `Name it with --input-format ${INPUT_FORMATS.join('|')}`,
  );
}

/** `detectFormat` on the file's own first 64 KiB. */
export async function detectFileFormat(path: string): Promise<InputFormat> {
  return detectFormat(path, await readHead(path));
}
