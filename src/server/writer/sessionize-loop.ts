/**
 * The sessionize loop: behind the group commit, the log's events go into the store in large
 * batches. One transaction stores a batch in arrival order with the ingest use case of the
 * collector (store/ingest/collector-batch.ts: the affected range of every visitor it touches
 * sessionized again, as `stint import` does), and records how far the log is stored. So late and
 * out-of-order events land in exactly the sessions `stint sessionize` gives for the same events
 * in arrival order, and a restart goes on from the recorded position.
 */
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { StoredRules } from '../../store/store.ts';
import { asDiskFull } from '../disk-full.ts';
import type { EventIdIndex } from '../event-ids.ts';
import { type EventLog, formatPosition, type LogPosition } from '../event-log.ts';
import { isBefore, type SetAside, type WriterStore } from './local-store.ts';
import { type DiskState, type LoggedQueue, report } from './state.ts';

/** How many stored ids the index takes in one go (a few milliseconds). */
const STORED_SLICE = 8192;
const QUIET_BATCH_EVENTS = 5000;

export interface SessionizeOptions {
  readonly maxBatchEvents: number;
  readonly sessionizeDelayMs: number;
  readonly quietBatchEvents?: number | undefined;
  readonly onSessionize?:
    | ((s: { events: number; ms: number; setAside: readonly SetAside[] } | { error: unknown }) => void)
    | undefined;
}

export interface SessionizeLoop {
  /** Sessionizes after the delay (or at once when a full batch waits), until the log is stored. */
  soon(delayMs?: number): void;
  /** When the next batch is due. */
  nextDelay(): number;
  /** Waits until the log is stored (or the loop stopped); throws the error of a failed batch. */
  settleOnce(): Promise<void>;
  /** Stops the loop, waits for its batch, then stores what the log holds within `budgetMs`. */
  stop(budgetMs: number): Promise<void>;
  readonly stopped: boolean;
}

export function createSessionizeLoop(o: {
  readonly store: WriterStore;
  readonly rules: StoredRules;
  readonly ids: EventIdIndex;
  readonly log: EventLog;
  readonly logDir: string;
  readonly logged: LoggedQueue;
  readonly disk: DiskState;
  readonly options: SessionizeOptions;
  /** Whether the collector's thread is busy (batches then wait for the delay and grow). */
  readonly busy: () => boolean;
}): SessionizeLoop {
  const { store, ids, log, logged, disk, options } = o;
  /** The sites directory: the store's file is there (DuckDB names it in its own message). */
  const storeDir = dirname(o.logDir);
  /**
   * After a failed transaction, how far it reached in the log. Up to there the log is stored a
   * chunk (one commit's events) at a time, each setting aside the events the store refuses: one
   * such event holds up nothing but its own chunk, and a failing store sets nothing aside.
   */
  let carefulUntil: LogPosition | undefined;

  /** One transaction: the log's oldest events become stored events in their sessions. */
  const sessionizeBatch = async (): Promise<void> => {
    const started = performance.now();
    const careful = carefulUntil !== undefined;
    const chunksAll = logged.chunks;
    let n = 0;
    let k = 0;
    while (
      k < chunksAll.length &&
      (k === 0 || (!careful && n + chunksAll[k]!.ids.length <= options.maxBatchEvents))
    )
      n += chunksAll[k++]!.ids.length;
    const chunks = chunksAll.slice(0, k);
    const position = chunks.at(-1)!.end;
    let setAside: SetAside[];
    try {
      const lines = Buffer.concat(chunks.map((c) => c.lines));
      setAside = await store.storeLogged(lines, formatPosition(position), o.rules, careful);
    } catch (err) {
      carefulUntil ??= position;
      throw asDiskFull(err, 'store', storeDir);
    }
    disk.works('store');
    if (careful && !isBefore(position, carefulUntil)) carefulUntil = undefined;
    logged.drop(k, n);
    // The ids leave the index a few thousand at a time, between requests: a whole batch at once
    // held the collector up for about 100 ms. Meanwhile a retry of one is still a duplicate.
    let since = 0;
    for (const c of chunks) {
      ids.stored(c.ids);
      since += c.ids.length;
      if (since >= STORED_SLICE) {
        since = 0;
        await new Promise(setImmediate);
      }
    }
    // Old segments that cannot be deleted now are deleted after a later batch.
    await log.release(position).catch(() => {});
    report(() =>
      options.onSessionize?.({ events: n - setAside.length, ms: performance.now() - started, setAside }),
    );
  };

  let sessionizing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  /** The error of the last failed sessionizing, for `settle`. */
  let failure: unknown;
  let failed = false;
  /**
   * When the next batch is due. After a failure, in a second, whatever waits (a failing store is
   * not hammered, and new commits do not bring its retry forward); else at once with the rest of
   * a failed batch, with a full batch, or with a quiet one while the collector has room; else
   * after the delay.
   */
  const nextDelay = (): number =>
    failed
      ? 1000
      : carefulUntil !== undefined ||
          logged.events >= options.maxBatchEvents ||
          (!o.busy() && logged.events >= (options.quietBatchEvents ?? QUIET_BATCH_EVENTS))
        ? 0
        : options.sessionizeDelayMs;
  const soon = (delayMs = options.sessionizeDelayMs): void => {
    if (delayMs <= 0 && timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (sessionizing !== undefined || timer !== undefined || stopped || logged.chunks.length === 0) return;
    const run = (): void => {
      timer = undefined;
      sessionizing = (async () => {
        try {
          await sessionizeBatch();
          failed = false;
        } catch (err) {
          failure = err;
          failed = true;
          disk.note('store', err);
          report(() => options.onSessionize?.({ error: err }));
        }
      })().finally(() => {
        sessionizing = undefined;
        soon(nextDelay());
      });
    };
    if (delayMs <= 0) run();
    else timer = setTimeout(run, delayMs);
  };

  return {
    soon,
    nextDelay,
    async settleOnce() {
      failure = undefined;
      soon(0);
      // One batch at a time, and only by the loop: transactions share one connection.
      await sessionizing;
      if (failure !== undefined) throw failure;
    },
    async stop(budgetMs) {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      if (sessionizing !== undefined) await sessionizing;
      const deadline = performance.now() + budgetMs;
      // Store what the log holds while the budget lasts; the rest waits in the log for the next start.
      while (logged.chunks.length > 0 && performance.now() < deadline) await sessionizeBatch();
    },
    get stopped() {
      return stopped;
    },
  };
}
