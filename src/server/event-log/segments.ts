/**
 * The event log's segment files: made full of zeros and synced ahead of use, read line by line
 * (scanSegment: where the data ends, which records are corrupt), and written in place.
 */
import { closeSync, constants, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StintEvent } from '../../core/event.ts';
import { decodeLine } from './lines.ts';

/** A segment's file name: its number, 12 digits. */
export const segmentName = (n: number): string => `${String(n).padStart(12, '0')}.ndjson`;

/**
 * Makes a segment file of `bytes` zeros, on disk, unless the file is there already. A crash
 * while it is made leaves a shorter file of zeros: writes past its end make it longer. One
 * that is there already (a spare made in part before a full disk or a crash) may never have
 * been synced: it is, with its directory, before it is used.
 */
export async function prepareSegment(path: string, bytes: number, sync: SyncPath): Promise<void> {
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

export const fsyncPath: SyncPath = async (path) => {
  const h = await open(path, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
};

/** Writes `length` zero bytes at `from`, a megabyte at a time at most. */
export async function writeZeros(h: FileHandle, from: number, length: number): Promise<void> {
  const zeros = Buffer.alloc(Math.min(length, 1 << 20));
  for (let at = 0; at < length; )
    at += (await h.write(zeros, 0, Math.min(zeros.length, length - at), from + at)).bytesWritten;
}

/** A piece of a segment: a good line with its events (none before where decoding starts), or a corrupt record. */
export type Piece =
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
export function scanSegment(
  path: string,
  bytes: Buffer,
  decodeFrom: number,
  each: (p: Piece) => void,
): number {
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
export function writeAt(path: string, data: Buffer, offset: number): void {
  const fd = openSync(path, 'r+');
  try {
    for (let at = 0; at < data.length; ) at += writeSync(fd, data, at, data.length - at, offset + at);
    fdatasyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
