/**
 * Corrupt records of a site's event log, set aside: each stretch of bytes between good records
 * that does not read as events is copied to `quarantine/SEGMENT-OFFSET.bad` beside the log's
 * segments (on disk before the log goes on without it), for the operator to look at or drop.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** A corrupt record set aside: its file, and where it was in the log. */
export interface Quarantined {
  readonly file: string;
  readonly segment: number;
  readonly offset: number;
  readonly bytes: number;
}

/**
 * Writes `bytes` (from `segmentFile` at `offset`) to the log's quarantine directory and syncs
 * it and the directory. The same record quarantined again (a crash before the log was
 * mended) gets the same file.
 */
export function quarantine(
  logDir: string,
  segmentFile: string,
  segment: number,
  offset: number,
  bytes: Uint8Array,
): Quarantined {
  const dir = join(logDir, 'quarantine');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${segmentFile.replace(/\.ndjson$/, '')}-${offset}.bad`);
  const fd = openSync(file, 'w', 0o600);
  try {
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  syncPath(dir);
  return { file, segment, offset, bytes: bytes.length };
}

/** fsync of a file or directory by its path. */
export function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
