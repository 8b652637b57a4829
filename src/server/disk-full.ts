/**
 * A full disk, said plainly: `isDiskFull` knows it in Node's errors (ENOSPC, EDQUOT) and in
 * DuckDB's ("No space left on device"), and `DiskFullError` names the file or directory that
 * could not be written. The writer keeps one per part of a site (its log, its store) until the
 * next write there works; `/healthz` answers 503 `degraded` meanwhile, and the collector 503
 * `disk_full` with Retry-After.
 */

const FULL = /no space left on device|disk quota exceeded|\bENOSPC\b|\bEDQUOT\b/i;

export function isDiskFull(err: unknown): boolean {
  if (err instanceof DiskFullError) return true;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  return err instanceof Error && FULL.test(err.message);
}

/** Which part of a site could not write: its event log (the collector) or its store (sessionizing). */
export type DiskPart = 'log' | 'store';

export class DiskFullError extends Error {
  /** The file or directory that could not be written. */
  readonly path: string;
  constructor(
    readonly part: DiskPart,
    fallbackPath: string,
    override readonly cause: unknown,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    // DuckDB names the file it could not write: `Could not write file "…/shop.duckdb.wal": …`.
    const path = /file "([^"]+)"/.exec(detail)?.[1] ?? fallbackPath;
    super(
      `The disk holding ${path} is full (${detail.slice(0, 300)}): free space on it. ${
        part === 'log'
          ? 'Until then the collector refuses events (503 disk_full)'
          : 'Until then accepted events wait in the event log, and the collector refuses events once the log has no room left or max_pending_events are waiting'
      }; stint retries by itself, and /healthz answers 503 until a write works again`,
    );
    this.name = 'DiskFullError';
    this.path = path;
  }
}

/** The error as a DiskFullError when it is a full disk (naming `path` unless it names its own file). */
export const asDiskFull = (err: unknown, part: DiskPart, path: string): unknown =>
  err instanceof DiskFullError || !isDiskFull(err) ? err : new DiskFullError(part, path, err);
