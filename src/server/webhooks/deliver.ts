/**
 * The delivery loop: every tick it reads the outbox (new files too: `stint webhooks test` writes
 * there), and POSTs each due delivery, signed, at most `concurrency` at once, each stopped after
 * `timeoutMs`. 2xx: done; 410: the hook is disabled; anything else (a status, a timeout, a
 * refused connection): retried after an exponential backoff with jitter, given up after
 * `attempts`. Every attempt is a line of the delivery log. It runs on its own timer: the
 * collector never waits for it.
 *
 *   const loop = startDelivery({ outbox, hooks, now: Date.now, log, options: DELIVERY_DEFAULTS });
 *   await loop.stop();
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Hooks } from './hooks.ts';
import type { Outbox } from './outbox.ts';
import { signatureHeader } from './sign.ts';
import type { AttemptLine, OutboxEntry, Outcome } from './types.ts';

export interface DeliveryOptions {
  /** Attempts at most, the first included. */
  readonly attempts: number;
  readonly timeoutMs: number;
  /** The wait before the first retry; it doubles after each (at most an hour), times 0.5–1.5. */
  readonly backoffMs: number;
  readonly concurrency: number;
  /** How often the outbox is read. */
  readonly tickMs: number;
}

export const DELIVERY_DEFAULTS: DeliveryOptions = {
  attempts: 8,
  timeoutMs: 10_000,
  backoffMs: 10_000,
  concurrency: 4,
  tickMs: 500,
};

const MAX_BACKOFF_MS = 3_600_000;

/** The wait before attempt `attempts + 1`, jittered by `random` (0–1). */
export function backoffMs(base: number, attempts: number, random: number): number {
  return Math.round(Math.min(base * 2 ** (attempts - 1), MAX_BACKOFF_MS) * (0.5 + random));
}

/** What an attempt's answer leads to. */
export function outcomeOf(status: number | undefined, attempts: number, most: number): Outcome {
  if (status !== undefined && status >= 200 && status < 300) return 'delivered';
  if (status === 410) return 'disabled';
  return attempts >= most ? 'failed' : 'retry';
}

export interface DeliveryDeps {
  readonly outbox: Outbox;
  readonly hooks: Hooks;
  readonly now: () => number;
  readonly log: FastifyBaseLogger;
  readonly options: DeliveryOptions;
  readonly random?: () => number;
  /**
   * The clock a signature's `t` is read from: the wall clock (the receiver checks `t` against its
   * own), whatever clock the server runs on for the rest.
   */
  readonly wallClock?: () => number;
}

export interface DeliveryLoop {
  /** Reads the outbox and starts what is due now (the timer does it every tick). */
  tick(): void;
  /** Stops the timer and aborts the attempts in flight (they stay in the outbox for the next start). */
  stop(): Promise<void>;
}

export function startDelivery(deps: DeliveryDeps): DeliveryLoop {
  const { outbox, hooks, now, log, options } = deps;
  const random = deps.random ?? Math.random;
  const wallClock = deps.wallClock ?? Date.now;
  /** The outbox as this loop knows it: a file it has not seen is read once. */
  const known = new Map<string, OutboxEntry>();
  const inFlight = new Map<string, { abort: AbortController; done: Promise<void> }>();
  let stopped = false;

  /** Files it could not read, reported once each. */
  const unreadable = new Set<string>();
  const refresh = (): void => {
    const ids = new Set(outbox.ids());
    for (const id of ids) {
      if (known.has(id) || unreadable.has(id)) continue;
      const entry = outbox.read(id, (file, err) => {
        unreadable.add(id);
        log.warn({ file, err: err.message }, 'webhook outbox: unreadable file skipped');
      });
      if (entry !== undefined) known.set(id, entry);
    }
    for (const id of known.keys()) if (!ids.has(id) && !inFlight.has(id)) known.delete(id);
  };

  const attempt = async (entry: OutboxEntry, abort: AbortController): Promise<void> => {
    const { body } = entry;
    const hook = hooks.list().find((h) => h.id === entry.hook);
    const startedMs = now();
    const line = (rest: Partial<AttemptLine> & { outcome: Outcome }): AttemptLine => ({
      delivery: body.id,
      hook: entry.hook,
      site: body.site,
      type: body.type,
      attempt: entry.attempts + 1,
      at: new Date(startedMs).toISOString(),
      ms: Math.max(0, now() - startedMs),
      ...rest,
    });
    if (hook === undefined || hook.disabledAtMs !== undefined) {
      outbox.log(
        line({
          outcome: 'dropped',
          error: hook === undefined ? 'the hook was removed' : 'the hook is disabled',
        }),
      );
      outbox.remove(body.id);
      known.delete(body.id);
      return;
    }
    const text = JSON.stringify(body);
    let status: number | undefined;
    let error: string | undefined;
    try {
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const res = await fetch(hook.url, {
        method: 'POST',
        body: text,
        redirect: 'manual',
        signal: AbortSignal.any([timeout, abort.signal]),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'stint-webhooks/1',
          'stint-delivery': body.id,
          'stint-event': body.type,
          'stint-signature': signatureHeader(hook.secret, text, wallClock()),
        },
      });
      status = res.status;
      await res.body?.cancel().catch(() => {});
    } catch (err) {
      if (abort.signal.aborted) return; // the server stops: the entry stays for the next start
      const e = err as Error & { cause?: { code?: string; message?: string } };
      error =
        e.name === 'TimeoutError'
          ? `no answer within ${options.timeoutMs} ms`
          : (e.cause?.code ?? e.cause?.message ?? e.message);
    }
    const attempts = entry.attempts + 1;
    const outcome = outcomeOf(status, attempts, options.attempts);
    outbox.log(
      line({
        ...(status === undefined ? {} : { status }),
        ...(error === undefined ? {} : { error }),
        outcome,
      }),
    );
    if (outcome === 'retry') {
      const next: OutboxEntry = {
        ...entry,
        attempts,
        nextAtMs: now() + backoffMs(options.backoffMs, attempts, random()),
      };
      outbox.put(next);
      known.set(body.id, next);
      return;
    }
    if (outcome === 'disabled') {
      hooks.disable(hook.id, `${hook.url} answered 410 Gone`, now());
      log.warn({ hook: hook.id, url: hook.url }, 'webhook disabled: its receiver answered 410 Gone');
    }
    if (outcome === 'failed')
      log.warn(
        { hook: hook.id, delivery: body.id, attempts, status, error },
        'webhook delivery given up after its last attempt',
      );
    outbox.remove(body.id);
    known.delete(body.id);
  };

  const tick = (): void => {
    if (stopped) return;
    try {
      refresh();
    } catch (err) {
      log.error({ err }, 'webhook outbox: cannot read it');
      return;
    }
    const due = [...known.values()]
      .filter((e) => e.nextAtMs <= now() && !inFlight.has(e.body.id))
      .sort((a, b) => a.nextAtMs - b.nextAtMs);
    for (const entry of due) {
      if (inFlight.size >= options.concurrency) break;
      const abort = new AbortController();
      const done = attempt(entry, abort)
        .catch((err: unknown) => log.error({ err, delivery: entry.body.id }, 'webhook delivery failed'))
        .finally(() => inFlight.delete(entry.body.id));
      inFlight.set(entry.body.id, { abort, done });
    }
  };
  const timer = setInterval(tick, options.tickMs);
  timer.unref();
  setImmediate(tick);
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      for (const f of inFlight.values()) f.abort.abort();
      await Promise.all([...inFlight.values()].map((f) => f.done));
    },
  };
}
