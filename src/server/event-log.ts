/**
 * A site's write-ahead log: accepted events as NDJSON lines in numbered segment files
 * (`DATA/sites/NAME.log/000000000001.ndjson`). The collector appends a group commit's events
 * and waits until the write is on disk (O_DSYNC) before it answers, which takes a fraction of a millisecond where a
 * database commit takes several. The sessionizer moves the events into the store later and
 * records, in the same transaction, how far the log is stored (`LogPosition`); whole segments
 * before that are deleted. A restart reads the log from that position on: nothing acknowledged
 * is lost, and nothing is stored twice.
 *
 * A line is one append's events (a group commit's), as columns (`encodeLines`).
 *
 * Segments are made full of zeros before they are written, a spare one ahead: a write into
 * blocks the file already has puts only its data on disk, not the file's new size and blocks
 * as well, and takes about half the time. The log's data ends after a segment's last whole,
 * readable line (no line holds a zero byte). A corrupt record before that is set aside
 * (log-quarantine.ts) and the log read on past it.
 *
 * A crash can leave a half-written last line, or pieces of one further on. Its events were
 * never acknowledged (the answer waits for the whole write), so `openEventLog` zeroes
 * everything after the last whole line. A failed append is zeroed at once; when even that
 * fails, before the next append.
 *
 *   const { log, recovered } = await openEventLog(dir, parsePosition(await store.meta('log_position')));
 *   const end = await log.append(events); // durable now
 */
import { constants, mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { type FileHandle, open, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { StintEvent } from '../core/event.ts';
import { encodeLines } from './event-log/lines.ts';
import {
  fsyncPath,
  prepareSegment,
  type SyncPath,
  scanSegment,
  segmentName,
  writeAt,
  writeZeros,
} from './event-log/segments.ts';
import { type Quarantined, quarantine } from './log-quarantine.ts';

export { decodeLines, encodeLines } from './event-log/lines.ts';
export type { SyncPath } from './event-log/segments.ts';

export interface LogPosition {
  readonly segment: number;
  readonly offset: number;
}

export interface EventLog {
  /** Appends the events and waits until they are on disk; gives the position after them. */
  append(events: readonly StintEvent[]): Promise<LogPosition>;
  /** Appends lines made by `encodeLines`, as `append` does. */
  appendLines(lines: Buffer): Promise<LogPosition>;
  /** Deletes the segments before `position`'s (their events are stored). */
  release(position: LogPosition): Promise<void>;
  close(): Promise<void>;
}

const SEGMENT_BYTES = 16 * 1024 * 1024;

export const formatPosition = (p: LogPosition): string => `${p.segment}:${p.offset}`;

export function parsePosition(text: string | undefined): LogPosition | undefined {
  const m = text === undefined ? null : /^(\d+):(\d+)$/.exec(text);
  return m === null ? undefined : { segment: Number(m[1]), offset: Number(m[2]) };
}

/** Recovered events, a run of lines at a time, with the log position after the run's last line. */
export interface LoggedRun {
  readonly events: StintEvent[];
  /** The run's lines as the log holds them (`encodeLines` of `events`). */
  readonly lines: Buffer;
  readonly end: LogPosition;
}

const RUN_EVENTS = 10_000;

/**
 * Opens the log in `dir` and reads the events after `from` (all of them when undefined), in
 * the order they were appended, in runs of whole lines with the position after each: a run ends
 * at the first line that brings it to `runEvents` (10,000) or more.
 * New appends go after them; when `from` lies beyond what the log holds (its files were moved
 * away, or the store restored without them), in a new segment past `from`, so that a restart
 * reads them.
 */
export async function openEventLog(
  dir: string,
  from: LogPosition | undefined,
  options: {
    segmentBytes?: number;
    runEvents?: number;
    /** Called with each corrupt record set aside (quarantine), after its copy is on disk. */
    onQuarantine?: (q: Quarantined) => void;
    /** How a segment file and the log's directory are synced (tests spy on it). */
    sync?: SyncPath;
  } = {},
): Promise<{ log: EventLog; recovered: LoggedRun[] }> {
  const segmentBytes = options.segmentBytes ?? SEGMENT_BYTES;
  const runEvents = options.runEvents ?? RUN_EVENTS;
  const sync = options.sync ?? fsyncPath;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const segments = readdirSync(dir)
    .filter((f) => /^\d{12}\.ndjson$/.test(f))
    .map((f) => Number(f.slice(0, 12)))
    .sort((a, b) => a - b);
  const recovered: LoggedRun[] = [];
  /** The last segment with data, and where its data ends (those before `from` are not read). */
  let lastData: number | undefined;
  let lastDataEnd = 0;
  /** Segments holding zeros only. */
  const empty = new Set<number>();
  /** Corrupt records found, set aside once the scan is done. */
  const corrupt: { n: number; at: number; next: number; bytes: Buffer; tail: boolean }[] = [];
  for (const n of segments) {
    if (from !== undefined && n < from.segment) {
      lastData = n;
      continue;
    }
    const path = join(dir, segmentName(n));
    const bytes = readFileSync(path);
    // Positions are byte offsets: lines are cut from the bytes, then decoded.
    const start = from !== undefined && n === from.segment ? from.offset : 0;
    let runStart = start;
    let run: StintEvent[] = [];
    const flush = (upTo: number): void => {
      if (run.length > 0) {
        const lines = Buffer.from(bytes.subarray(runStart, upTo));
        recovered.push({ events: run, lines, end: { segment: n, offset: upTo } });
      }
      run = [];
      runStart = upTo;
    };
    const end = scanSegment(path, bytes, start, (piece) => {
      if (piece.next <= start) return;
      if (piece.kind === 'bad') {
        // A run holds whole good lines only: it ends before the record, the next begins after it.
        flush(piece.at);
        runStart = piece.next;
        corrupt.push({
          n,
          at: piece.at,
          next: piece.next,
          bytes: Buffer.from(bytes.subarray(piece.at, piece.next)),
          tail: piece.tail === true,
        });
        return;
      }
      for (const e of piece.events) run.push(e);
      if (run.length >= runEvents) flush(piece.next);
    });
    flush(Math.max(end, runStart));
    if (end > 0) {
      lastData = n;
      lastDataEnd = end;
    } else empty.add(n);
  }
  for (const c of corrupt) {
    const q = quarantine(dir, segmentName(c.n), c.n, c.at, c.bytes);
    // Mended in place once its copy is safe: blanks and a newline (a line of no events), so that
    // a restart reads past it without setting it aside again. (One at the end is zeroed already.)
    if (!c.tail) {
      const blank = Buffer.alloc(c.next - c.at, 0x20);
      blank[blank.length - 1] = 0x0a;
      writeAt(join(dir, segmentName(c.n)), blank, c.at);
    }
    options.onQuarantine?.(q);
  }
  const beyond =
    from !== undefined &&
    (lastData === undefined ||
      lastData < from.segment ||
      (lastData === from.segment && lastDataEnd < from.offset));
  // Appends go on after the last data (into the spare made last time, when that one is full).
  let segment = beyond ? from.segment + 1 : (lastData ?? segments[0] ?? 1);
  let size = segment === lastData ? lastDataEnd : 0;
  // Empty segments past the spare (from starts that wrote nothing) are not kept piling up.
  for (const n of empty) if (n > segment + 1) unlinkSync(join(dir, segmentName(n)));
  /** The lowest segment that may still be on disk. */
  let oldest = segments[0] ?? segment;
  const pathOf = (n: number): string => join(dir, segmentName(n));
  // O_DSYNC: each write returns once its bytes are on disk, in one call (no separate fdatasync).
  // Writes go to the position after the data (no O_APPEND: the zeros are part of the file).
  const openSegment = async (n: number): Promise<FileHandle> => {
    await prepareSegment(pathOf(n), segmentBytes, sync);
    return open(pathOf(n), constants.O_WRONLY | constants.O_DSYNC);
  };
  let handle: FileHandle = await openSegment(segment);
  /** The next segment, made ready while this one fills (a failure is retried at the switch). */
  let spare = prepareSegment(pathOf(segment + 1), segmentBytes, sync).catch(() => {});
  /** A failed append's bytes that could not be zeroed: the file holds that many past `size`. */
  let dirty = 0;
  let chain: Promise<unknown> = Promise.resolve();
  const zero = (length: number): Promise<void> => writeZeros(handle, size, length);

  const log: EventLog = {
    append(events) {
      return log.appendLines(encodeLines(events));
    },
    appendLines(body) {
      // One append at a time, in order: positions must follow the bytes.
      const done = chain.then(async () => {
        // Nothing follows bytes that were never acknowledged (not even a new segment): they would
        // be read back at a restart, beside their retry, and every later position would be off.
        if (dirty > 0) {
          await zero(dirty);
          dirty = 0;
        }
        if (size > 0 && size + body.length > segmentBytes) {
          // The next segment is open before this one is let go: a failure leaves a usable handle.
          await spare;
          const next = await openSegment(segment + 1);
          await handle.close().catch(() => {});
          handle = next;
          segment++;
          size = 0;
          spare = prepareSegment(pathOf(segment + 1), segmentBytes, sync).catch(() => {});
        }
        try {
          let written = 0;
          while (written < body.length)
            written += (await handle.write(body, written, body.length - written, size + written))
              .bytesWritten;
        } catch (err) {
          // Not acknowledged, so not kept: zero what part of it may have reached the file, or the
          // next (shorter) append could leave some of it behind. If that fails too, the next append zeroes it first.
          await zero(body.length).catch(() => {
            dirty = body.length;
          });
          throw err;
        }
        size += body.length;
        return { segment, offset: size };
      });
      chain = done.catch(() => {});
      return done;
    },
    async release(position) {
      // Mostly nothing to delete: the directory is read only once a whole segment is stored.
      if (position.segment <= oldest) return;
      for (const f of await readdir(dir)) {
        const n = /^\d{12}\.ndjson$/.test(f) ? Number(f.slice(0, 12)) : Number.NaN;
        if (n < position.segment) await unlink(join(dir, f));
      }
      oldest = position.segment;
    },
    async close() {
      await chain;
      if (dirty > 0) await zero(dirty).catch(() => {});
      await spare;
      await handle.close();
    },
  };
  return { log, recovered };
}
