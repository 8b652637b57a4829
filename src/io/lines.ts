/**
 * Line reading for every text format: splits raw bytes on `\n` (gzip is detected by its magic
 * bytes, not the name), strips a UTF-8 BOM and a trailing `\r`, flags invalid UTF-8 per line and
 * marks a last line that has no newline (a file cut mid-line). Readers decide what those mean.
 *
 *   const src = openLines('access.log.gz');
 *   for await (const b of src.batches()) b.lines.forEach((text, i) => use(b.firstLineNo + i, text));
 *   src.bytesRead(); src.cutLine(); // { lineNo: 1930, raw: '199.72.81.55 - - [01/Au' } | undefined
 */

import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { StintError } from '../core/errors.ts';

/** One line of a text file, without its `\n` / `\r\n`. */
export interface TextLine {
  /** The decoded text; for an invalid UTF-8 line a lossy decoding (U+FFFD), good enough for --rejects. */
  line: string;
  /** 1-based line number in the (decompressed) file. */
  lineNo: number;
  invalidUtf8: boolean;
  /** True only for a last line that has no trailing newline: the file may have been cut mid-line. */
  unterminated: boolean;
}

/** Consecutive lines, as plain strings so that reading allocates nothing per line. */
export interface LineBatch {
  lines: string[];
  /** The line number of `lines[0]`. */
  firstLineNo: number;
  /** Indexes into `lines` of lines that are not valid UTF-8 (rare; usually empty). */
  invalidUtf8: number[];
  /** True when the batch's last line is the file's last line and has no newline. */
  unterminated: boolean;
}

export interface CutLine {
  lineNo: number;
  raw: string;
}

export interface LineReader {
  /** Lines in batches (one per chunk read, thousands each): the fast path for readers. */
  batches(): AsyncGenerator<LineBatch>;
  /** The same lines one by one. Call either `batches()` or `lines()`, once. */
  lines(): AsyncGenerator<TextLine>;
  /** Bytes of the file as stored (compressed for `.gz`) consumed so far. */
  bytesRead(): number;
  /** After reading: the last line when the file does not end with a newline. */
  cutLine(): CutLine | undefined;
}

/** Line `i` of a batch as a `TextLine`. */
export function lineAt(batch: LineBatch, i: number): TextLine {
  return {
    line: batch.lines[i]!,
    lineNo: batch.firstLineNo + i,
    invalidUtf8: batch.invalidUtf8.includes(i),
    unterminated: batch.unterminated && i === batch.lines.length - 1,
  };
}

const NEWLINE = 0x0a;
const CR = 13;
const BOM = '\uFEFF';
const CHUNK_BYTES = 1 << 20;

/** True when the buffer starts with the gzip magic bytes 1f 8b. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Read the first `bytes` of a file as stored (still compressed), for sniffing. */
export async function readHead(path: string, bytes = 64 * 1024): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * The file's decompressed bytes as a stream, plus a counter of stored bytes consumed.
 * A gzip stream that ends early (a file still being written, a cut download) ends the data
 * instead of failing: whatever was decoded is kept, its last line reads as cut, and `onNote`
 * is told, so the run's summary says so.
 */
export async function openBytes(
  path: string,
  onNote?: (note: string) => void,
): Promise<{ chunks: AsyncIterable<Buffer>; bytesRead(): number }> {
  const gz = isGzip(await readHead(path, 2));
  const file = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  const bytesRead = (): number => file.bytesRead;
  if (!gz) return { chunks: file, bytesRead };
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  file.on('error', (err) => gunzip.destroy(err));
  file.pipe(gunzip);
  async function* decoded(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of gunzip) yield chunk as Buffer;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'Z_BUF_ERROR') {
        onNote?.(GZIP_ENDS_EARLY);
        return;
      }
      throw new StintError(
        'STINT_UNREADABLE',
        `${path}: not a valid gzip file (${(err as Error).message})`,
        'Check the file: gzip -t reports damage',
      );
    } finally {
      gunzip.destroy();
      file.destroy();
    }
  }
  return { chunks: decoded(), bytesRead };
}

function stripCr(text: string): string {
  return text.charCodeAt(text.length - 1) === CR ? text.slice(0, -1) : text;
}

/** What a run's summary says of a gzip file whose data ends early. */
export const GZIP_ENDS_EARLY =
  'the gzip data ends early (a cut copy, or a file still being written): what came before is read, and its last line may be cut; gzip -t checks the file';

/** Open a text file (plain or gzip) for line reading. Nothing is read until iteration starts. */
export function openLines(path: string, onNote?: (note: string) => void): LineReader {
  let bytes = (): number => 0;
  let cut: CutLine | undefined;
  let nextLineNo = 1;

  const newBatch = (): LineBatch => ({
    lines: [],
    firstLineNo: nextLineNo,
    invalidUtf8: [],
    unterminated: false,
  });

  const pushBytes = (out: LineBatch, bytesOfLine: Buffer): void => {
    if (!isUtf8(bytesOfLine)) out.invalidUtf8.push(out.lines.length);
    out.lines.push(stripCr(bytesOfLine.toString('utf8')));
  };

  /** Lines of a region holding only whole lines (no final `\n`); one decode when it is all valid. */
  const splitRegion = (region: Buffer, out: LineBatch): void => {
    if (isUtf8(region)) {
      const text = region.toString('utf8');
      const lines = text.split('\n');
      if (text.includes('\r')) for (let i = 0; i < lines.length; i++) lines[i] = stripCr(lines[i]!);
      if (out.lines.length === 0) out.lines = lines;
      else for (const line of lines) out.lines.push(line);
      return;
    }
    let start = 0;
    for (;;) {
      const nl = region.indexOf(NEWLINE, start);
      pushBytes(out, region.subarray(start, nl < 0 ? region.length : nl));
      if (nl < 0) return;
      start = nl + 1;
    }
  };

  const finish = (out: LineBatch): LineBatch => {
    if (out.firstLineNo === 1 && out.lines[0]?.startsWith(BOM)) out.lines[0] = out.lines[0].slice(1);
    nextLineNo += out.lines.length;
    return out;
  };

  async function* batches(): AsyncGenerator<LineBatch> {
    const source = await openBytes(path, onNote);
    bytes = source.bytesRead;
    let carry: Buffer[] = [];
    for await (const chunk of source.chunks) {
      const out = newBatch();
      let start = 0;
      if (carry.length > 0) {
        const nl = chunk.indexOf(NEWLINE);
        if (nl < 0) {
          carry.push(chunk);
          continue;
        }
        pushBytes(out, Buffer.concat([...carry, chunk.subarray(0, nl)]));
        carry = [];
        start = nl + 1;
      }
      const last = chunk.lastIndexOf(NEWLINE);
      if (last >= start) splitRegion(chunk.subarray(start, last), out);
      const tailStart = Math.max(last + 1, start);
      if (tailStart < chunk.length) carry.push(chunk.subarray(tailStart));
      if (out.lines.length > 0) yield finish(out);
    }
    if (carry.length > 0) {
      const out = newBatch();
      pushBytes(out, Buffer.concat(carry));
      out.unterminated = true;
      finish(out);
      cut = { lineNo: out.firstLineNo, raw: out.lines[0]! };
      yield out;
    }
  }

  async function* lines(): AsyncGenerator<TextLine> {
    for await (const batch of batches()) for (let i = 0; i < batch.lines.length; i++) yield lineAt(batch, i);
  }

  return { batches, lines, bytesRead: () => bytes(), cutLine: () => cut };
}

/** Lines of a text file (plain or gzip), one by one. See `openLines` for batches, byte counts and cut lines. */
export async function* readLines(path: string): AsyncGenerator<TextLine> {
  yield* openLines(path).lines();
}
