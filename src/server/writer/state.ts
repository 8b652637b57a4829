/**
 * What the group commit and the sessionize loop share: the log's events not yet stored (a
 * queue of commits), the full disks found, and a safe way to call the writer's callbacks.
 */
import type { StintEvent } from '../../core/event.ts';
import { DiskFullError, type DiskPart } from '../disk-full.ts';
import type { LogPosition } from '../event-log.ts';

/** A group commit's events in the log, waiting to be sessionized: their lines and event_ids, and the log position after them. */
export interface Logged {
  readonly lines: Buffer;
  readonly ids: readonly string[];
  readonly end: LogPosition;
}

/** The log's events not yet stored, a commit at a time, oldest first. */
export class LoggedQueue {
  readonly chunks: Logged[] = [];
  /** Events in `chunks`. */
  events = 0;

  add(events: readonly StintEvent[], lines: Buffer, at: LogPosition): void {
    if (events.length === 0) return;
    this.chunks.push({ lines, ids: events.map((e) => e.eventId), end: at });
    this.events += events.length;
  }

  /** Drops the oldest `k` chunks (`n` events), now stored. */
  drop(k: number, n: number): void {
    this.chunks.splice(0, k);
    this.events -= n;
  }
}

/** Per part, the full disk it found, until a write there works again (reported once each way). */
export class DiskState {
  readonly full: Partial<Record<DiskPart, DiskFullError>> = {};

  constructor(private readonly onDisk?: (part: DiskPart, full: DiskFullError | undefined) => void) {}

  note(part: DiskPart, err: unknown): void {
    if (!(err instanceof DiskFullError)) return;
    const first = this.full[part] === undefined;
    this.full[part] = err;
    if (first) report(() => this.onDisk?.(part, err));
  }

  works(part: DiskPart): void {
    if (this.full[part] === undefined) return;
    delete this.full[part];
    report(() => this.onDisk?.(part, undefined));
  }
}

/** Runs a reporting callback (metrics, logs); its failure must not break the write path. */
export function report(callback: () => void): void {
  try {
    callback();
  } catch {
    // A metric that cannot be counted is not worth an event.
  }
}
