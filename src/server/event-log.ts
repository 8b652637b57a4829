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
import {
  closeSync,
  constants,
  fdatasyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { type FileHandle, open, readdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { StintEvent } from '../core/event.ts';
import { type Quarantined, quarantine } from './log-quarantine.ts';

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

const segmentName = (n: number): string => `${String(n).padStart(12, '0')}.ndjson`;

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

/**
 * Makes a segment file of `bytes` zeros, on disk, unless the file is there already. A crash
 * while it is made leaves a shorter file of zeros: writes past its end make it longer. One
 * that is there already (a spare made in part before a full disk or a crash) may never have
 * been synced: it is, with its directory, before it is used.
 */
async function prepareSegment(path: string, bytes: number, sync: SyncPath): Promise<void> {
  let h: FileHandle;
  try {
    h = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    await sync(path);
    await sync(dirname(path));
    return;
  }
  try {
    await writeZeros(h, 0, bytes);
  } finally {
    await h.close();
  }
  await sync(path);
  // The file's name on disk too: what is written into it later must not vanish with its entry.
  await sync(dirname(path));
}

/** fsync of a file or a directory, by its path. */
export type SyncPath = (path: string) => Promise<void>;

const fsyncPath: SyncPath = async (path) => {
  const h = await open(path, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
};

/** Writes `length` zero bytes at `from`, a megabyte at a time at most. */
async function writeZeros(h: FileHandle, from: number, length: number): Promise<void> {
  const zeros = Buffer.alloc(Math.min(length, 1 << 20));
  for (let at = 0; at < length; )
    at += (await h.write(zeros, 0, Math.min(zeros.length, length - at), from + at)).bytesWritten;
}

/** A piece of a segment: a good line with its events (none before where decoding starts), or a corrupt record. */
type Piece =
  | { readonly kind: 'line'; readonly at: number; readonly next: number; readonly events: StintEvent[] }
  | { readonly kind: 'bad'; readonly at: number; readonly next: number; readonly tail?: true };

/**
 * Reads a segment's lines, in order, and gives where its data ends: after its last good line.
 * A good line ends with a newline, holds no zero byte, and (from `decodeFrom` on, where it is
 * read) decodes as events. Between good lines, whatever is not one (garbage, zeros) is a
 * corrupt record, given as `bad` before the good line after it. What follows the last good
 * line is a write a crash tore (never acknowledged): it is zeroed, so that no part of it
 * follows the new lines written there. A tail that begins with a whole line (no zeros before
 * its newline) that does not read is no torn write but corrupt records: given as `bad` (before
 * it is zeroed) too.
 */
function scanSegment(path: string, bytes: Buffer, decodeFrom: number, each: (p: Piece) => void): number {
  let last = bytes.length - 1;
  while (last >= 0 && bytes[last] === 0) last--;
  const limit = last + 1;
  let end = 0;
  let badAt: number | undefined;
  /** Whether the corrupt stretch so far holds zeros: a torn write's blocks that never reached the disk. */
  let zeros = false;
  let at = 0;
  while (at < limit) {
    if (bytes[at] === 0) {
      badAt ??= at;
      zeros = true;
      while (at < limit && bytes[at] === 0) at++;
      continue;
    }
    const newline = bytes.indexOf(0x0a, at);
    if (newline < 0) break;
    const next = newline + 1;
    const line = bytes.subarray(at, next);
    const zero = line.indexOf(0);
    if (zero >= 0) {
      badAt ??= at;
      at += zero;
      continue;
    }
    const events: StintEvent[] = [];
    // Lines of one event each (earlier versions) came many to a write: after zeros, such a line
    // may be a later piece of a torn write, so only a line of today's form ends a corrupt stretch.
    let good = !(zeros && line[0] === 0x5b);
    if (good && at >= decodeFrom) {
      try {
        decodeLine(line, events);
      } catch {
        good = false;
      }
    }
    if (!good) {
      badAt ??= at;
      at = next;
      continue;
    }
    if (badAt !== undefined) each({ kind: 'bad', at: badAt, next: at });
    badAt = undefined;
    zeros = false;
    each({ kind: 'line', at, next, events });
    end = at = next;
  }
  if (limit > end) {
    // A whole line there (no zeros before its newline) that does not read is no torn write.
    const newline = bytes.indexOf(0x0a, end);
    if (newline >= 0 && newline < limit && bytes.subarray(end, newline).indexOf(0) < 0 && limit > decodeFrom)
      each({ kind: 'bad', at: end, next: limit, tail: true });
    writeAt(path, Buffer.alloc(limit - end), end);
  }
  return end;
}

/** Writes `data` into the file at `offset`, on disk before it returns. */
function writeAt(path: string, data: Buffer, offset: number): void {
  const fd = openSync(path, 'r+');
  try {
    for (let at = 0; at < data.length; ) at += writeSync(fd, data, at, data.length - at, offset + at);
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The fields of an event, in the order of a line's columns. */
const FIELDS = [
  'tsMs',
  'anonymousId',
  'userId',
  'name',
  'url',
  'referrer',
  'utmSource',
  'utmMedium',
  'utmCampaign',
  'utmTerm',
  'utmContent',
  'sessionKey',
  'timezone',
  'userAgent',
  'value',
  'eventId',
  'properties',
] as const satisfies readonly (keyof StintEvent)[];

/**
 * A line: `n` events as columns, one per field of `FIELDS`. A column is an array of the events'
 * values, or the one value they all have (no field's value is an array); an event without
 * properties has null there. Columns of one value (empty fields, mostly) make a line shorter
 * than a line per event, and cheaper to encode and to decode: for the benchmark's batches, a
 * third as long and half the CPU.
 */
interface Line {
  readonly n: number;
  readonly columns: readonly unknown[];
}

/**
 * The events as one log line (a group commit's). A torn write loses the line whole; its events
 * were not acknowledged.
 */
export function encodeLines(events: readonly StintEvent[]): Buffer {
  const n = events.length;
  const values: unknown[][] = FIELDS.map(() => new Array(n));
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    // In the order of FIELDS, each read by its name: reading by a computed name costs more.
    values[0]![i] = e.tsMs;
    values[1]![i] = e.anonymousId;
    values[2]![i] = e.userId;
    values[3]![i] = e.name;
    values[4]![i] = e.url;
    values[5]![i] = e.referrer;
    values[6]![i] = e.utmSource;
    values[7]![i] = e.utmMedium;
    values[8]![i] = e.utmCampaign;
    values[9]![i] = e.utmTerm;
    values[10]![i] = e.utmContent;
    values[11]![i] = e.sessionKey;
    values[12]![i] = e.timezone;
    values[13]![i] = e.userAgent;
    values[14]![i] = e.value;
    values[15]![i] = e.eventId;
    values[16]![i] = e.properties ?? null;
  }
  const columns = values.map((column) => {
    const first = column[0] ?? null;
    for (let i = 1; i < n; i++) if (column[i] !== first) return column;
    return first;
  });
  const text = `${JSON.stringify({ n, columns } satisfies Line)}\n`;
  // Mostly all ASCII (as many bytes as characters): then Latin-1 gives the same bytes by a plain
  // copy, where encoding UTF-8 costs five times as much.
  return Buffer.byteLength(text) === text.length ? Buffer.from(text, 'latin1') : Buffer.from(text);
}

/** The events of lines made by `encodeLines`, in order. */
export function decodeLines(lines: Uint8Array): StintEvent[] {
  const bytes = Buffer.from(lines.buffer, lines.byteOffset, lines.byteLength);
  const events: StintEvent[] = [];
  for (let at = 0; at < bytes.length; ) {
    const end = bytes.indexOf(0x0a, at);
    const next = end < 0 ? bytes.length : end + 1;
    decodeLine(bytes.subarray(at, next), events);
    at = next;
  }
  return events;
}

/**
 * Adds a line's events to `into`. A line that is an array holds one event's fields in the order
 * of `FIELDS`, as earlier versions wrote them; it is read as well.
 */
function decodeLine(line: Buffer, into: StintEvent[]): void {
  // A corrupt record mended in place (blanks): no events.
  if (line.every((b) => b === 0x20 || b === 0x0a)) return;
  const value = JSON.parse(line.toString('utf8')) as Line | unknown[];
  if (Array.isArray(value)) {
    into.push(
      eventAt(
        FIELDS.map((_, k) => [value[k]]),
        0,
      ),
    );
    return;
  }
  const { n, columns } = value;
  if (!Number.isInteger(n) || !Array.isArray(columns) || columns.length !== FIELDS.length)
    throw new SyntaxError('not a line of events');
  if (columns.some((c) => Array.isArray(c) && c.length !== n)) throw new SyntaxError('not a line of events');
  const values = columns.map((c) => (Array.isArray(c) ? c : new Array(n).fill(c)));
  for (let i = 0; i < n; i++) into.push(eventAt(values, i));
}

/** The `i`th event of columns of values in the order of `FIELDS`. */
const eventAt = (values: readonly (readonly unknown[])[], i: number): StintEvent =>
  ({
    tsMs: values[0]![i],
    anonymousId: values[1]![i],
    userId: values[2]![i],
    name: values[3]![i],
    url: values[4]![i],
    referrer: values[5]![i],
    utmSource: values[6]![i],
    utmMedium: values[7]![i],
    utmCampaign: values[8]![i],
    utmTerm: values[9]![i],
    utmContent: values[10]![i],
    sessionKey: values[11]![i],
    timezone: values[12]![i],
    userAgent: values[13]![i],
    value: values[14]![i],
    eventId: values[15]![i],
    properties: values[16]![i] ?? undefined,
  }) as StintEvent;
