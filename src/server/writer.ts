/**
 * The write path of one site, in two steps:
 *
 * 1. **Group commit.** Requests hand in validated events and wait; whatever arrived while the
 *    previous commit ran goes into the next one. A commit drops retries (an event_id seen
 *    before) and appends the rest to the site's event log (event-log.ts), on disk before the
 *    requests are answered: an acknowledged event is never lost.
 * 2. **Sessionizing.** Behind it, the log's events go into the store in large batches: one
 *    transaction stages them in arrival order, re-sessionizes the range of every visitor they
 *    touch with the batch driver (the store's affected range, as `stint import` does), commits
 *    the events and their sessions, and records how far the log is stored. So late and
 *    out-of-order events land in exactly the sessions `stint sessionize` gives for the same
 *    events, and a restart goes on from the recorded position.
 *
 * Retries are found without a query per commit (event-ids.ts): the event_ids of the log not yet
 * stored are kept as they are, and those of stored events as 64-bit hashes; a hash that matches
 * is confirmed against the store before the event counts as a duplicate.
 *
 * Beside that it keeps a small picture of what is going on, for `/live` and `/metrics`: the
 * latest event time, each active visitor's last event time, and the last few events.
 *
 *   const writer = await openSiteWriter(store, rules, 'stint-data/sites/shop.log', options);
 *   const { duplicate } = await writer.submit(events); // resolves once on disk
 */
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { deviceIdentity, eventRecord, pageview, type StintEvent } from '../core/event.ts';
import type { SessionRules } from '../core/rules.ts';
import { pathOf } from '../core/url.ts';
import { storeCollectorBatch } from '../store/ingest/index.ts';
import type { Store, StoredRules, StoreTransaction } from '../store/store.ts';
import { asDiskFull, DiskFullError, type DiskPart } from './disk-full.ts';
import { EventIdIndex, eventIdHashes } from './event-ids.ts';
import {
  decodeLines,
  encodeLines,
  formatPosition,
  type LogPosition,
  openEventLog,
  parsePosition,
} from './event-log.ts';
import type { Quarantined } from './log-quarantine.ts';
import { partitionStorable } from './unstorable.ts';

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

export interface LiveEvent {
  readonly ts: string;
  readonly event: string;
  readonly path: string;
  readonly visitor: string;
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

/** A walk over the active visitors, a slice a second: where it is, and how many it has left. */
interface Sweep {
  readonly entries: Iterator<[string, number]>;
  left: number;
}

interface Pending {
  readonly events: readonly StintEvent[];
  readonly resolve: (r: { duplicate: boolean[] }) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * What the writer needs of its site's store. `localWriterStore` gives it for a store in this
 * thread; the server's store runs in a worker thread (site-store.ts), so that sessionizing
 * never holds up the collector.
 */
export interface WriterStore extends Pick<Store, 'rules' | 'meta' | 'storedEventIds' | 'query'> {
  /** Calls `each` with the stored events' `eventIdHashes`, a chunk at a time. */
  eachEventIdHash(each: (pairs: Uint32Array) => void): Promise<void>;
  /** The rules in force: those saved, or else `rules`, saved now as the first version. */
  ensureRules(rules: SessionRules): Promise<StoredRules>;
  /**
   * In one transaction: stores the events of these log lines (`encodeLines`) in their
   * sessions, and records `position` as how far the log is stored. The lines may be handed over
   * to another thread: the caller does not use them again.
   *
   * With `setAside`, when storing them all fails, the events the store refuses (unstorable.ts)
   * go to its `rejects` table instead, with the store's message, and the others are stored:
   * gives those set aside.
   */
  storeLogged(
    lines: Uint8Array,
    position: string,
    rules: StoredRules,
    setAside?: boolean,
  ): Promise<SetAside[]>;
}

/** An accepted event the store refused, kept in its `rejects` table (reason `unstorable`). */
export interface SetAside {
  readonly eventId: string;
  readonly reason: string;
}

export function localWriterStore(store: Store): WriterStore {
  return {
    rules: () => store.rules(),
    meta: (key) => store.meta(key),
    eachEventIdHash: (each) => store.eachEventId((ids) => each(eventIdHashes(ids))),
    storedEventIds: (ids) => store.storedEventIds(ids),
    query: (q) => store.query(q),
    async ensureRules(rules) {
      return (await store.rules()) ?? (await store.transaction((tx) => tx.saveRules(rules, Date.now())));
    },
    async storeLogged(lines, position, rules, setAside = false) {
      // A batch stored before (its answer lost with a worker that stopped) is not stored twice.
      if (!isBefore(parsePosition(await store.meta(POSITION_KEY)), parsePosition(position))) return [];
      const events = decodeLines(lines);
      try {
        await store.transaction(async (tx) => {
          await storeCollectorBatch(tx, events, rules);
          await tx.setMeta(POSITION_KEY, position);
        });
        return [];
      } catch (err) {
        if (!setAside) throw err;
      }
      const { kept, refused } = await partitionStorable(
        events,
        (some) => triedInRollback(store, (tx) => storeCollectorBatch(tx, some, rules)),
        async (kept) =>
          (await triedInRollback(store, (tx) =>
            storeCollectorBatch(tx, [...kept, canary(events[0]!)], rules),
          )) === undefined,
      );
      await store.transaction(async (tx) => {
        await storeCollectorBatch(tx, kept, rules);
        await tx.addRejects(
          0,
          refused.map(({ item, reason }) => ({
            file: 'collector',
            line: 0,
            reason: 'unstorable',
            detail: reason,
            raw: JSON.stringify(eventRecord(item)),
          })),
        );
        await tx.setMeta(POSITION_KEY, position);
      });
      return refused.map(({ item, reason }) => ({ eventId: item.eventId, reason }));
    },
  };
}

const ROLLED_BACK = new Error('rolled back');

/** Runs `work` in a transaction that is rolled back: its error message, or undefined when it worked. */
async function triedInRollback(
  store: Store,
  work: (tx: StoreTransaction) => Promise<void>,
): Promise<string | undefined> {
  try {
    await store.transaction(async (tx) => {
      await work(tx);
      throw ROLLED_BACK;
    });
  } catch (err) {
    if (err !== ROLLED_BACK) return err instanceof Error ? err.message : String(err);
  }
  return undefined;
}

/** An event any working store takes: a page view of a visitor of its own, at `like`'s time. */
const canary = (like: StintEvent): StintEvent => pageview('stint-canary', like.tsMs, { url: '/' });

/** Whether the log position `a` (none: the log's start) comes before `b`. */
const isBefore = (a: LogPosition | undefined, b: LogPosition | undefined): boolean =>
  a === undefined ||
  b === undefined ||
  a.segment < b.segment ||
  (a.segment === b.segment && a.offset < b.offset);

/** A group commit's events in the log, waiting to be sessionized: their lines and event_ids, and the log position after them. */
interface Logged {
  readonly lines: Buffer;
  readonly ids: readonly string[];
  readonly end: LogPosition;
}

const RECENT = 50;
const QUIET_BATCH_EVENTS = 5000;
/** The share of a second the collector's thread is busy from which it counts as busy. */
const BUSY_SHARE = 0.75;
/** Visitors looked at each second for sessions that are over, wherever they are in the order (a millisecond or two). */
const SWEEP_PER_SECOND = 20_000;
/** How many stored ids the index takes in one go (a few milliseconds). */
const STORED_SLICE = 8192;
const POSITION_KEY = 'log_position';

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
  const logged: Logged[] = [];
  let unsessionized = 0;
  const addLogged = (events: readonly StintEvent[], lines: Buffer, at: LogPosition): void => {
    if (events.length === 0) return;
    logged.push({ lines, ids: events.map((e) => e.eventId), end: at });
    unsessionized += events.length;
  };
  for (const run of recovered) {
    // A logged event is not stored, even when its hash says so. An id the log holds twice (an
    // append that failed and could not be cut off, then its retry) is stored once.
    const once = run.events.filter((e) => {
      if (e.eventId === '') return true;
      const claim = ids.claim(e.eventId);
      return claim === 'new' || (claim === 'suspect' && ids.claimUnstored(e.eventId));
    });
    addLogged(once, once.length === run.events.length ? run.lines : encodeLines(once), run.end);
  }

  /**
   * Each visitor's latest event time, by device identity, in the order they were last active:
   * so counting the open ones drops the over ones from the front and stops at the first still
   * open, instead of walking a million visitors each second a live view asks.
   */
  const active = new Map<string, number>();
  let latestTsMs = Number.NEGATIVE_INFINITY;
  // A restart picks up where the store left off: the open sessions and the latest event time.
  for (const row of await store.query({
    sql: `SELECT identity, end_ms FROM sessions WHERE end_reason = 'open' ORDER BY end_ms`,
    params: [],
  })) {
    active.set(String(row.identity), Number(row.end_ms));
  }
  const [latest] = await store.query({ sql: 'SELECT max(ts_ms) AS ts FROM events', params: [] });
  if (latest?.ts !== null && latest?.ts !== undefined) latestTsMs = Number(latest.ts);
  for (const run of recovered) for (const e of run.events) noteActive(e);
  // Visitors whose sessions are over are forgotten even when nobody asks, and a slice of all of
  // them is looked at each second: a late event can leave one behind others still open.
  let sweep: Sweep | undefined;
  /** Whether the collector's thread was busy in the last second (event-loop utilization). */
  let busy = false;
  let utilization = performance.eventLoopUtilization();
  const pruner = setInterval(() => {
    busy = performance.eventLoopUtilization(utilization).utilization >= BUSY_SHARE;
    utilization = performance.eventLoopUtilization();
    pruneActive();
    sweep ??= { entries: active.entries(), left: active.size };
    if (!sweepActive(sweep, SWEEP_PER_SECOND)) sweep = undefined;
  }, 1000);
  pruner.unref();

  /** Per part, the full disk it found, until a write there works again (reported once each way). */
  const full: Partial<Record<DiskPart, DiskFullError>> = {};
  const noteDisk = (part: DiskPart, err: unknown): void => {
    if (!(err instanceof DiskFullError)) return;
    const first = full[part] === undefined;
    full[part] = err;
    if (first) report(() => options.onDisk?.(part, err));
  };
  const diskWorks = (part: DiskPart): void => {
    if (full[part] === undefined) return;
    delete full[part];
    report(() => options.onDisk?.(part, undefined));
  };
  /** The sites directory: the store's file is there (DuckDB names it in its own message). */
  const storeDir = dirname(logDir);

  const recent: StintEvent[] = [];
  const queue: Pending[] = [];
  let queued = 0;
  let accepted = 0;
  let committing: Promise<void> | undefined;
  let closed = false;
  let stopped = false;

  function pruneActive(): void {
    for (const [id, ts] of active) {
      if (!expired(ts)) break;
      active.delete(id);
    }
  }

  /**
   * Forgets the over visitors among the sweep's next `count`; false once it has looked at as many
   * as there were when it began. Visitors active since then are at the end, and still open: a
   * sweep ends even while new ones keep coming, and the next one begins at the front.
   */
  function sweepActive(sweep: Sweep, count: number): boolean {
    for (let i = 0; i < count; i++) {
      if (sweep.left-- <= 0) return false;
      const next = sweep.entries.next();
      if (next.done) return false;
      if (expired(next.value[1])) active.delete(next.value[0]);
    }
    return true;
  }

  function noteActive(e: StintEvent): void {
    latestTsMs = Math.max(latestTsMs, e.tsMs);
    const id = deviceIdentity(e);
    const last = active.get(id);
    if (last !== undefined && last >= e.tsMs) return;
    // To the end: the map stays in the order of the visitors' latest activity.
    if (last !== undefined) active.delete(id);
    active.set(id, e.tsMs);
  }

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
          noteDisk('log', e);
          throw e;
        }
        diskWorks('log');
        addLogged(fresh, lines, end);
      }
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    let late = 0;
    let veryLate = 0;
    const before = latestTsMs;
    for (const e of fresh) {
      if (e.tsMs < before - options.latenessMs) veryLate++;
      else if (e.tsMs < before) late++;
      noteActive(e);
    }
    recent.push(...fresh.slice(-RECENT));
    if (recent.length > RECENT) recent.splice(0, recent.length - RECENT);
    const duplicates = all.length - fresh.length;
    accepted += fresh.length;
    let at = 0;
    for (const p of batch) {
      p.resolve({ duplicate: duplicate.slice(at, at + p.events.length) });
      at += p.events.length;
    }
    report(() =>
      options.onCommit?.({
        events: fresh.length,
        duplicates,
        late,
        veryLate,
        ms: performance.now() - started,
        requests: batch.length,
      }),
    );
    sessionizeSoon(nextDelay());
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
    let n = 0;
    let k = 0;
    while (
      k < logged.length &&
      (k === 0 || (!careful && n + logged[k]!.ids.length <= options.maxBatchEvents))
    )
      n += logged[k++]!.ids.length;
    const chunks = logged.slice(0, k);
    const position = chunks.at(-1)!.end;
    let setAside: SetAside[];
    try {
      const lines = Buffer.concat(chunks.map((c) => c.lines));
      setAside = await store.storeLogged(lines, formatPosition(position), storedRules, careful);
    } catch (err) {
      carefulUntil ??= position;
      throw asDiskFull(err, 'store', storeDir);
    }
    diskWorks('store');
    if (careful && !isBefore(position, carefulUntil)) carefulUntil = undefined;
    logged.splice(0, k);
    unsessionized -= n;
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
          unsessionized >= options.maxBatchEvents ||
          (!busy && unsessionized >= (options.quietBatchEvents ?? QUIET_BATCH_EVENTS))
        ? 0
        : options.sessionizeDelayMs;
  /** Sessionizes after the delay (or at once when a full batch waits), until the log is stored. */
  const sessionizeSoon = (delayMs = options.sessionizeDelayMs): void => {
    if (delayMs <= 0 && timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (sessionizing !== undefined || timer !== undefined || stopped || logged.length === 0) return;
    const run = (): void => {
      timer = undefined;
      sessionizing = (async () => {
        try {
          await sessionizeBatch();
          failed = false;
        } catch (err) {
          failure = err;
          failed = true;
          noteDisk('store', err);
          report(() => options.onSessionize?.({ error: err }));
        }
      })().finally(() => {
        sessionizing = undefined;
        sessionizeSoon(nextDelay());
      });
    };
    if (delayMs <= 0) run();
    else timer = setTimeout(run, delayMs);
  };
  sessionizeSoon(0);

  const expired = (lastTsMs: number): boolean => latestTsMs - lastTsMs > sessionRules.timeoutMs;

  return {
    submit(events) {
      if (closed) return Promise.reject(new WriterBusyError('closing'));
      // The request's own events count too (an NDJSON request may hold 50,000); one larger than
      // the whole allowance is still taken when nothing else waits, or it could never be.
      const pending = unsessionized + queued;
      if (pending > 0 && pending + events.length > options.maxPendingEvents)
        // Waiting for a full disk, not for a busy store: say so.
        return Promise.reject(full.store ?? new WriterBusyError('busy'));
      if (events.length === 0) return Promise.resolve({ duplicate: [] });
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
    get unsessionized() {
      return unsessionized;
    },
    openSessions() {
      pruneActive();
      return active.size;
    },
    isActive(identity) {
      const ts = active.get(identity);
      return ts !== undefined && !expired(ts);
    },
    recentEvents: () =>
      recent.map((e) => ({
        ts: new Date(e.tsMs).toISOString(),
        event: e.name,
        path: e.url === '' ? '' : pathOf(e.url),
        visitor: deviceIdentity(e),
      })),
    forgetVisitors(list) {
      const gone = new Set(list);
      for (const id of gone) active.delete(id);
      const kept = recent.filter((e) => !gone.has(e.anonymousId) && !gone.has(e.userId));
      recent.splice(0, recent.length, ...kept);
    },
    get latestTsMs() {
      return latestTsMs;
    },
    get diskFull() {
      return full.log ?? full.store;
    },
    rulesVersion,
    async settle() {
      for (;;) {
        if (committing !== undefined) await committing;
        else if (logged.length === 0 || stopped) return;
        else {
          failure = undefined;
          sessionizeSoon(0);
          // One batch at a time, and only by the loop: transactions share one connection.
          await sessionizing;
          if (failure !== undefined) throw failure;
        }
      }
    },
    async close(budgetMs = 10_000) {
      closed = true;
      while (committing !== undefined) await committing;
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      if (sessionizing !== undefined) await sessionizing;
      clearInterval(pruner);
      // Store what the log holds while the budget lasts; the rest waits in the log for the next start.
      const deadline = performance.now() + budgetMs;
      try {
        while (logged.length > 0 && performance.now() < deadline) await sessionizeBatch();
      } finally {
        await log.close();
      }
    },
  };
}

/** Runs a reporting callback (metrics, logs); its failure must not break the write path. */
function report(callback: () => void): void {
  try {
    callback();
  } catch {
    // A metric that cannot be counted is not worth an event.
  }
}
