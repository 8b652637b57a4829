/**
 * The client: a bounded queue of tracked events, sent in batches of `batchSize`, or sooner after
 * `flushIntervalMs`, one request at a time, in the order tracked. `flush()` waits until what was
 * queued when it was called is answered or given up; `close()` flushes and stops. Idle, the client
 * holds no timer that keeps the process alive, and it sends what is queued on `beforeExit`.
 *
 *   const client = createClient({ url: 'https://stint.example', writeKey: process.env.STINT_WRITE_KEY });
 *   client.track({ event: 'signup', user_id: 'u-42' });
 *   await client.close();
 */
import { randomUUID } from 'node:crypto';
import { ClientError } from './errors.ts';
import type { Event } from './event.ts';
import { type ClientOptions, resolveOptions } from './options.ts';
import { count, createSender, type QueuedEvent } from './send.ts';

export type TrackResult =
  | { readonly queued: true; readonly eventId: string }
  /** Dropped at once, and reported through onError. */
  | { readonly queued: false; readonly reason: 'queue_full' | 'closed' | 'invalid' };

/** What happened to the events tracked so far, counted since the client was made. */
export interface ClientStats {
  /** Taken into the queue by `track`. */
  readonly tracked: number;
  /** Stored by the server. */
  readonly accepted: number;
  /** Answered as already stored (a retry of a batch whose answer was lost): stored once. */
  readonly duplicates: number;
  /** Left out by the server as a known bot's. */
  readonly bots: number;
  /** Refused by the server, each with its reason (reported). */
  readonly rejected: number;
  /** In batches refused as a whole or given up after every retry (reported). */
  readonly failed: number;
  /** Not taken by `track`: queue full, client closed, or no JSON (reported). */
  readonly dropped: number;
  /** Waiting to be sent or being sent now. */
  readonly pending: number;
}

export interface Client {
  /** Queues an event; it gets an `event_id` and a `timestamp` now, when it has none. */
  track(event: Event): TrackResult;
  /** Sends everything queued now; resolves once each of those events is answered or given up. */
  flush(): Promise<ClientStats>;
  /** Flushes, then stops: no timer, no exit hook; a later `track` is dropped and reported. */
  close(): Promise<ClientStats>;
  stats(): ClientStats;
}

export function createClient(options: ClientOptions): Client {
  const settings = resolveOptions(options);
  const { clock, batchSize, maxQueue } = settings;
  const report = (error: ClientError): void => {
    try {
      settings.onError(error);
    } catch {
      // An onError that throws must not stop delivery of the other batches.
    }
  };
  const send = createSender(settings, report);
  const counts = { tracked: 0, accepted: 0, duplicates: 0, bots: 0, rejected: 0, failed: 0, dropped: 0 };
  const queue: QueuedEvent[] = [];
  /** The batch being sent. */
  let inFlight: readonly QueuedEvent[] = [];
  let lastSeq = 0;
  /** Partial batches are sent too, up to this event. */
  let flushTo = 0;
  /** At most this many a request, after a 413 (the server's batch_size or body limit is lower). */
  let batchLimit = batchSize;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const waiters: { target: number; resolve: () => void }[] = [];

  const stats = (): ClientStats => ({ ...counts, pending: queue.length + inFlight.length });
  /** Whether every event up to `target` is answered or given up. */
  const done = (target: number): boolean => (inFlight[0]?.seq ?? queue[0]?.seq ?? Infinity) > target;
  const wake = (): void => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const w = waiters[i]!;
      if (done(w.target)) {
        waiters.splice(i, 1);
        w.resolve();
      }
    }
  };

  /** Whether a batch should go now: a full one, or the start of what a flush asked for. */
  const ready = (): boolean => queue.length >= batchLimit || (queue.length > 0 && queue[0]!.seq <= flushTo);
  const drain = async (): Promise<void> => {
    while (ready()) {
      inFlight = queue.splice(0, batchLimit);
      let outcome: Awaited<ReturnType<typeof send>>;
      try {
        outcome = await send(inFlight);
      } catch (err) {
        // send reports what it can; anything else (a fetch that throws synchronously) lands here.
        report(
          new ClientError('gave_up', `${count(inFlight.length)} not sent: ${String(err)}`, {
            events: inFlight.map((q) => JSON.parse(q.json)),
            cause: err,
          }),
        );
        outcome = { kind: 'failed' };
      }
      if (outcome.kind === 'too_large') {
        batchLimit = Math.max(1, Math.floor(inFlight.length / 2));
        queue.unshift(...inFlight);
      } else if (outcome.kind === 'failed') counts.failed += inFlight.length;
      else {
        counts.accepted += outcome.accepted;
        counts.duplicates += outcome.duplicates;
        counts.bots += outcome.bots;
        counts.rejected += outcome.rejected;
      }
      inFlight = [];
      wake();
    }
  };
  /** Starts sending unless it is under way; one request at a time, in order. */
  const kick = (): void => {
    if (running !== undefined) return;
    running = drain().finally(() => {
      running = undefined;
      // Work that came while the loop was ending (a track, a flush) is not left for the timer.
      if (ready()) kick();
      else {
        wake();
        arm();
      }
    });
  };
  /** Sends a partial batch `flushIntervalMs` after it started waiting; never keeps the process alive. */
  const arm = (): void => {
    if (timer !== undefined || closed || queue.length === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush();
    }, settings.flushIntervalMs);
    timer.unref();
  };

  const flush = (): Promise<ClientStats> => {
    const target = lastSeq;
    flushTo = Math.max(flushTo, target);
    if (done(target)) return Promise.resolve(stats());
    const answered = new Promise<void>((resolve) => waiters.push({ target, resolve }));
    kick();
    return answered.then(stats);
  };

  const drop = (reason: 'queue_full' | 'closed' | 'invalid', message: string, event: Event): TrackResult => {
    counts.dropped++;
    report(new ClientError(reason, message, { events: [event] }));
    return { queued: false, reason };
  };

  // Sends what is queued when the loop is about to empty; a batch on its way holds the loop itself.
  const onBeforeExit = (): void => {
    if (queue.length > 0) void flush();
  };
  if (settings.flushOnExit) process.on('beforeExit', onBeforeExit);

  return {
    track(event) {
      if (event === null || typeof event !== 'object' || Array.isArray(event))
        return drop('invalid', `track takes an event object; got ${String(event)}`, {});
      if (closed) return drop('closed', 'track after close(): the event was dropped', event);
      const eventId =
        typeof event.event_id === 'string' && event.event_id !== '' ? event.event_id : randomUUID();
      const stamped: Event = { ...event, event_id: eventId, timestamp: event.timestamp ?? clock.now() };
      let json: string;
      try {
        json = JSON.stringify(stamped);
      } catch (err) {
        return drop('invalid', `the event is not JSON: ${String(err)}`, stamped);
      }
      if (queue.length >= maxQueue)
        return drop(
          'queue_full',
          `${maxQueue} events wait to be sent (maxQueue): event ${eventId} was dropped`,
          stamped,
        );
      queue.push({ seq: ++lastSeq, eventId, json });
      counts.tracked++;
      if (queue.length >= batchLimit) kick();
      arm();
      return { queued: true, eventId };
    },
    flush,
    async close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      process.off('beforeExit', onBeforeExit);
      return flush();
    },
    stats,
  };
}
