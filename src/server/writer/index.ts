/**
 * The write path of one site: a group commit (group-commit.ts) puts accepted events in the
 * site's event log, on disk before the requests are answered; behind it the sessionize loop
 * (sessionize-loop.ts) stores the log's events in their sessions with the same ingest use case
 * as `stint import`; beside them the live view (live-view.ts) keeps the picture `/live` and
 * `/metrics` show. The store is reached through `WriterStore` (local-store.ts).
 *
 *   const writer = await openSiteWriter(store, rules, 'stint-data/sites/shop.log', options);
 *   const { duplicate } = await writer.submit(events); // resolves once on disk
 */
import { performance } from 'node:perf_hooks';
import type { StintEvent } from '../../core/event.ts';
import type { SessionRules } from '../../core/rules.ts';
import type { DiskFullError, DiskPart } from '../disk-full.ts';
import { EventIdIndex } from '../event-ids.ts';
import { encodeLines, openEventLog, parsePosition } from '../event-log.ts';
import type { Quarantined } from '../log-quarantine.ts';
import { type CommitStats, createGroupCommit } from './group-commit.ts';
import { createLiveView, type LiveEvent } from './live-view.ts';
import { POSITION_KEY, type SetAside, type WriterStore } from './local-store.ts';
import { createSessionizeLoop } from './sessionize-loop.ts';
import { DiskState, LoggedQueue, report } from './state.ts';

export type { CommitStats } from './group-commit.ts';
export type { LiveEvent } from './live-view.ts';
export { localWriterStore, type SetAside, type WriterStore } from './local-store.ts';

export interface WriterOptions {
  /** How far behind the latest event time an event still counts as merely out of order. */
  readonly latenessMs: number;
  /** Events per sessionizing transaction at most. */
  readonly maxBatchEvents: number;
  /** Events accepted but not yet stored at most; past that, submits are refused as busy. */
  readonly maxPendingEvents: number;
  /** How long accepted events may wait before they are sessionized (they wait to form larger batches). */
  readonly sessionizeDelayMs: number;
  /**
   * While the collector's thread has room (it was busy under 75 % of the last second), a batch
   * starts once this many events wait, before the delay is up (default 5,000): smaller
   * transactions hold the collector's answers up less. When it is busy, batches wait for the
   * delay and grow, which costs less per event.
   */
  readonly quietBatchEvents?: number;
  /**
   * Called when a part of the site (its log, its store) finds its disk full, once until a write
   * there works again, and then with undefined.
   */
  readonly onDisk?: (part: DiskPart, full: DiskFullError | undefined) => void;
  /** Called with each corrupt record of the log set aside when it is opened (log-quarantine.ts). */
  readonly onQuarantine?: (q: Quarantined) => void;
  /** Called after each commit, for metrics. */
  readonly onCommit?: (c: CommitStats) => void;
  /**
   * Called after each sessionizing transaction with the events stored and those set aside, or
   * with its error (it is retried).
   */
  readonly onSessionize?: (
    s: { events: number; ms: number; setAside: readonly SetAside[] } | { error: unknown },
  ) => void;
}

export interface SiteWriter {
  /** Logs the events in the next group commit; per event, whether it was a retry. */
  submit(events: readonly StintEvent[]): Promise<{ duplicate: boolean[] }>;
  /** Events waiting for a commit. */
  readonly queued: number;
  /** Events accepted since the writer opened (retries not counted). */
  readonly accepted: number;
  /** Events on disk in the log, not yet sessionized into the store. */
  readonly unsessionized: number;
  /** Visitors whose last event is within the timeout of the latest event time. */
  openSessions(): number;
  /** Whether this visitor's last event is within the timeout of the latest event time. */
  isActive(identity: string): boolean;
  recentEvents(): readonly LiveEvent[];
  /** Drops these anonymous or user ids from what the writer keeps in memory (live events, active visitors): erased visitors. */
  forgetVisitors(ids: readonly string[]): void;
  readonly latestTsMs: number;
  readonly rulesVersion: number;
  /** The full disk the log or the store last found, until a write there works again. */
  readonly diskFull: DiskFullError | undefined;
  /** Waits until everything accepted so far is sessionized into the store. */
  settle(): Promise<void>;
  /** Refuses new events, commits what is queued, stores what the log holds (within `budgetMs`), closes the log. */
  close(budgetMs?: number): Promise<void>;
}

export class WriterBusyError extends Error {
  constructor(readonly reason: 'closing' | 'busy') {
    super(reason === 'closing' ? 'the server is shutting down' : 'too many events wait to be stored');
  }
}

/** The share of a second the collector's thread is busy from which it counts as busy. */
const BUSY_SHARE = 0.75;
/** Visitors looked at each second for sessions that are over, wherever they are in the order (a millisecond or two). */
const SWEEP_PER_SECOND = 20_000;

export async function openSiteWriter(
  store: WriterStore,
  rules: SessionRules,
  logDir: string,
  options: WriterOptions,
): Promise<SiteWriter> {
  const storedRules = await store.ensureRules(rules);
  const { version: rulesVersion, rules: sessionRules } = storedRules;
  const { log, recovered } = await openEventLog(logDir, parsePosition(await store.meta(POSITION_KEY)), {
    runEvents: Math.min(options.maxBatchEvents, 10_000),
    onQuarantine: (q) => report(() => options.onQuarantine?.(q)),
  });

  const ids = new EventIdIndex();
  await store.eachEventIdHash((pairs) => ids.addStoredHashes(pairs));
  const logged = new LoggedQueue();
  for (const run of recovered) {
    // A logged event is not stored, even when its hash says so. An id the log holds twice (an
    // append that failed and could not be cut off, then its retry) is stored once.
    const once = run.events.filter((e) => {
      if (e.eventId === '') return true;
      const claim = ids.claim(e.eventId);
      return claim === 'new' || (claim === 'suspect' && ids.claimUnstored(e.eventId));
    });
    logged.add(once, once.length === run.events.length ? run.lines : encodeLines(once), run.end);
  }

  const live = createLiveView(sessionRules);
  // A restart picks up where the store left off: the open sessions and the latest event time.
  for (const row of await store.query({
    sql: `SELECT identity, end_ms FROM sessions WHERE end_reason = 'open' ORDER BY end_ms`,
    params: [],
  })) {
    live.noteOpen(String(row.identity), Number(row.end_ms));
  }
  const [latest] = await store.query({ sql: 'SELECT max(ts_ms) AS ts FROM events', params: [] });
  if (latest?.ts !== null && latest?.ts !== undefined) live.noteLatest(Number(latest.ts));
  for (const run of recovered) for (const e of run.events) live.note(e);

  /** Whether the collector's thread was busy in the last second (event-loop utilization). */
  let busy = false;
  let utilization = performance.eventLoopUtilization();
  // Visitors whose sessions are over are forgotten even when nobody asks, and a slice of all of
  // them is looked at each second: a late event can leave one behind others still open.
  const pruner = setInterval(() => {
    busy = performance.eventLoopUtilization(utilization).utilization >= BUSY_SHARE;
    utilization = performance.eventLoopUtilization();
    live.tick(SWEEP_PER_SECOND);
  }, 1000);
  pruner.unref();

  const disk = new DiskState(options.onDisk);
  const loop = createSessionizeLoop({
    store,
    rules: storedRules,
    ids,
    log,
    logDir,
    logged,
    disk,
    options,
    busy: () => busy,
  });
  const commits = createGroupCommit({
    store,
    ids,
    log,
    logDir,
    logged,
    disk,
    live,
    latenessMs: options.latenessMs,
    onCommit: options.onCommit,
    committed: () => loop.soon(loop.nextDelay()),
  });
  loop.soon(0);
  let closed = false;

  return {
    submit(events) {
      if (closed) return Promise.reject(new WriterBusyError('closing'));
      // The request's own events count too (an NDJSON request may hold 50,000); one larger than
      // the whole allowance is still taken when nothing else waits, or it could never be.
      const pending = logged.events + commits.queued;
      if (pending > 0 && pending + events.length > options.maxPendingEvents)
        // Waiting for a full disk, not for a busy store: say so.
        return Promise.reject(disk.full.store ?? new WriterBusyError('busy'));
      if (events.length === 0) return Promise.resolve({ duplicate: [] });
      return commits.submit(events);
    },
    get queued() {
      return commits.queued;
    },
    get accepted() {
      return commits.accepted;
    },
    get unsessionized() {
      return logged.events;
    },
    openSessions: () => live.openSessions(),
    isActive: (identity) => live.isActive(identity),
    recentEvents: () => live.recentEvents(),
    forgetVisitors: (list) => live.forgetVisitors(list),
    get latestTsMs() {
      return live.latestTsMs;
    },
    get diskFull() {
      return disk.full.log ?? disk.full.store;
    },
    rulesVersion,
    async settle() {
      for (;;) {
        const committing = commits.committing;
        if (committing !== undefined) await committing;
        else if (logged.chunks.length === 0 || loop.stopped) return;
        else await loop.settleOnce();
      }
    },
    async close(budgetMs = 10_000) {
      closed = true;
      while (commits.committing !== undefined) await commits.committing;
      clearInterval(pruner);
      try {
        await loop.stop(budgetMs);
      } finally {
        await log.close();
      }
    },
  };
}
