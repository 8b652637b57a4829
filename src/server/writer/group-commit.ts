/**
 * Group commit: requests hand in validated events and wait; whatever arrived while the previous
 * commit ran goes into the next one. A commit drops retries (an event_id seen before) and
 * appends the rest to the site's event log (event-log.ts), on disk before the requests are
 * answered: an acknowledged event is never lost. Arrival order is the order of the log.
 *
 * Retries are found without a query per commit (event-ids.ts): the event_ids of the log not yet
 * stored are kept as they are, and those of stored events as 64-bit hashes; a hash that matches
 * is confirmed against the store before the event counts as a duplicate.
 */
import { performance } from 'node:perf_hooks';
import type { StintEvent } from '../../core/event.ts';
import { asDiskFull } from '../disk-full.ts';
import type { EventIdIndex } from '../event-ids.ts';
import { type EventLog, encodeLines, type LogPosition } from '../event-log.ts';
import type { LiveView } from './live-view.ts';
import type { WriterStore } from './local-store.ts';
import { type DiskState, type LoggedQueue, report } from './state.ts';

export interface CommitStats {
  readonly events: number;
  readonly duplicates: number;
  /** Accepted events older than the latest event time, but within the lateness. */
  readonly late: number;
  /** Accepted events older than the watermark (latest event time minus the lateness). */
  readonly veryLate: number;
  readonly ms: number;
  readonly requests: number;
}

interface Pending {
  readonly events: readonly StintEvent[];
  readonly resolve: (r: { duplicate: boolean[] }) => void;
  readonly reject: (err: unknown) => void;
}

export interface GroupCommit {
  /** Logs the events in the next group commit; per event, whether it was a retry. */
  submit(events: readonly StintEvent[]): Promise<{ duplicate: boolean[] }>;
  /** Events waiting for a commit. */
  readonly queued: number;
  /** Events accepted since the writer opened (retries not counted). */
  readonly accepted: number;
  /** The commit running now, if any. */
  readonly committing: Promise<void> | undefined;
}

export function createGroupCommit(o: {
  readonly store: WriterStore;
  readonly ids: EventIdIndex;
  readonly log: EventLog;
  readonly logDir: string;
  readonly logged: LoggedQueue;
  readonly disk: DiskState;
  readonly live: LiveView;
  readonly latenessMs: number;
  readonly onCommit?: ((c: CommitStats) => void) | undefined;
  /** Called after each commit that reached the log. */
  readonly committed: () => void;
}): GroupCommit {
  const { store, ids, log, logDir, logged, disk, live } = o;
  const queue: Pending[] = [];
  let queued = 0;
  let accepted = 0;
  let committing: Promise<void> | undefined;

  /**
   * Which events repeat an event_id logged or stored before, or earlier in `events`; the ids of
   * the others are claimed as logged at once, and released with `unclaim` if they do not reach
   * the log after all.
   */
  const claimIds = async (events: readonly StintEvent[]): Promise<boolean[]> => {
    const duplicate: boolean[] = new Array(events.length).fill(false);
    const suspects: number[] = [];
    for (let i = 0; i < events.length; i++) {
      const id = events[i]!.eventId;
      if (id === '') continue;
      const claim = ids.claim(id);
      if (claim === 'logged') duplicate[i] = true;
      else if (claim === 'suspect') suspects.push(i);
    }
    if (suspects.length === 0) return duplicate;
    // A matching hash is almost always a retry; the store says for sure.
    let confirmed: Set<string>;
    try {
      confirmed = await store.storedEventIds(suspects.map((i) => events[i]!.eventId));
    } catch (err) {
      for (const i of suspects) duplicate[i] = true; // nothing of theirs was claimed
      unclaim(events, duplicate);
      throw err;
    }
    for (const i of suspects) {
      const id = events[i]!.eventId;
      duplicate[i] = confirmed.has(id) || !ids.claimUnstored(id);
    }
    return duplicate;
  };
  const unclaim = (events: readonly StintEvent[], duplicate: readonly boolean[]): void => {
    ids.release(events.filter((_, i) => !duplicate[i]).map((e) => e.eventId));
  };

  const commit = async (batch: Pending[]): Promise<void> => {
    const started = performance.now();
    const all = batch.flatMap((p) => p.events);
    let duplicate: boolean[];
    let fresh: StintEvent[];
    try {
      duplicate = await claimIds(all);
      fresh = all.filter((_, i) => !duplicate[i]);
      if (fresh.length > 0) {
        const lines = encodeLines(fresh);
        let end: LogPosition;
        try {
          end = await log.appendLines(lines);
        } catch (err) {
          unclaim(all, duplicate);
          const e = asDiskFull(err, 'log', logDir);
          disk.note('log', e);
          throw e;
        }
        disk.works('log');
        logged.add(fresh, lines, end);
      }
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    let late = 0;
    let veryLate = 0;
    const before = live.latestTsMs;
    for (const e of fresh) {
      if (e.tsMs < before - o.latenessMs) veryLate++;
      else if (e.tsMs < before) late++;
      live.note(e);
    }
    live.noteRecent(fresh);
    const duplicates = all.length - fresh.length;
    accepted += fresh.length;
    let at = 0;
    for (const p of batch) {
      p.resolve({ duplicate: duplicate.slice(at, at + p.events.length) });
      at += p.events.length;
    }
    report(() =>
      o.onCommit?.({
        events: fresh.length,
        duplicates,
        late,
        veryLate,
        ms: performance.now() - started,
        requests: batch.length,
      }),
    );
    o.committed();
  };

  const take = (): Pending[] => {
    const batch = queue.splice(0);
    queued = 0;
    return batch;
  };
  const kick = (): void => {
    if (committing !== undefined) return;
    committing = (async () => {
      while (queue.length > 0) await commit(take());
    })().finally(() => {
      committing = undefined;
      if (queue.length > 0) kick();
    });
  };

  return {
    submit(events) {
      return new Promise((resolve, reject) => {
        queue.push({ events, resolve, reject });
        queued += events.length;
        kick();
      });
    },
    get queued() {
      return queued;
    },
    get accepted() {
      return accepted;
    },
    get committing() {
      return committing;
    },
  };
}
