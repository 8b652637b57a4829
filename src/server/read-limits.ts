/**
 * Read slots: per site, at most `maxConcurrent` read requests run at once (each on a DuckDB
 * connection of its own), and at most `maxQueued` wait for a slot, first come first served,
 * until their deadline. One credential holds at most all slots but one, so another reader
 * always finds one free: a share link's parallel reports cannot starve the site's dashboard.
 *
 *   maxConcurrent 4, maxQueued 16: a credential's 4th parallel read waits, a 21st read is refused
 *
 *   const gate = createReadGate({ maxConcurrent: 4, maxQueued: 16 });
 *   const slot = await gate.enter('token-id', performance.now() + 30_000);
 *   if (slot.ok) try { … } finally { slot.release(); }
 *
 * `createSiteReads` applies them to the server's reads: a read request takes its site's slot at
 * its first query, keeps it until its route's handler is done, and stops at query_timeout.
 */
import type { RouteHandlerMethod } from 'fastify';
import { StintError } from '../core/errors.ts';
import type { ServerConfig } from './config.ts';
import type { SiteStore } from './site-store.ts';

export interface ReadLimits {
  readonly maxConcurrent: number;
  readonly maxQueued: number;
}

export type Entered =
  | { readonly ok: true; release(): void }
  /** `full`: the queue is full; `timeout`: the deadline passed while it waited. */
  | { readonly ok: false; readonly reason: 'full' | 'timeout' };

export interface ReadGate {
  /** A slot for a read by `who`, waiting until `deadlineMs` (performance.now()) at most. */
  enter(who: string, deadlineMs: number): Promise<Entered>;
  readonly running: number;
  readonly queued: number;
}

interface Waiter {
  readonly who: string;
  readonly admit: () => void;
}

export function createReadGate(limits: ReadLimits): ReadGate {
  /** Slots one credential may hold: all but one, when there are several. */
  const perWho = Math.max(1, limits.maxConcurrent - 1);
  const holding = new Map<string, number>();
  let running = 0;
  const waiting: Waiter[] = [];

  const mayRun = (who: string): boolean => running < limits.maxConcurrent && (holding.get(who) ?? 0) < perWho;
  const take = (who: string): Entered => {
    running++;
    holding.set(who, (holding.get(who) ?? 0) + 1);
    let released = false;
    return {
      ok: true,
      release() {
        if (released) return;
        released = true;
        running--;
        const left = (holding.get(who) ?? 1) - 1;
        if (left > 0) holding.set(who, left);
        else holding.delete(who);
        // The first waiter that may run now (another credential's, when this one holds its share).
        const i = waiting.findIndex((w) => mayRun(w.who));
        if (i >= 0) waiting.splice(i, 1)[0]!.admit();
      },
    };
  };

  return {
    get running() {
      return running;
    },
    get queued() {
      return waiting.length;
    },
    enter(who, deadlineMs) {
      // A waiter waits only while it may not run: one that may run now is ahead of none.
      if (mayRun(who)) return Promise.resolve(take(who));
      if (waiting.length >= limits.maxQueued) return Promise.resolve({ ok: false, reason: 'full' });
      return new Promise<Entered>((resolve) => {
        const waiter: Waiter = {
          who,
          admit: () => {
            clearTimeout(timer);
            resolve(take(who));
          },
        };
        const timer = setTimeout(
          () => {
            const i = waiting.indexOf(waiter);
            if (i >= 0) waiting.splice(i, 1);
            resolve({ ok: false, reason: 'timeout' });
          },
          Math.max(0, deadlineMs - performance.now()),
        );
        waiting.push(waiter);
      });
    },
  };
}

type Limits = Pick<ServerConfig, 'maxConcurrentReads' | 'maxQueuedReads' | 'queryTimeoutMs'>;

export interface SiteReads {
  /** `store` for one request (`req`) by `who`: its queries take the site's slot, within the time limit. */
  limited(req: object, store: SiteStore, site: string, who: string): SiteStore;
  /** `handler`, giving back the slot its request took when it is done, answered or failed. */
  releasing(handler: RouteHandlerMethod): RouteHandlerMethod;
}

/** `refuse` makes the 503 of a refused read: `too_many_reads` or `query_timeout`, with its message. */
export function createSiteReads(
  config: Limits,
  refuse: (code: 'too_many_reads' | 'query_timeout', message: string) => Error,
): SiteReads {
  const gates = new Map<string, ReadGate>();
  const slots = new WeakMap<object, { deadlineMs: number; entered: Promise<Entered> }>();
  const timedOut = () =>
    refuse(
      'query_timeout',
      `The read took longer than the server's query_timeout (${seconds(config.queryTimeoutMs)}), its wait for a read slot included, and was stopped; ask for less (a shorter period, fewer funnels) or retry later`,
    );
  /** The request's deadline, once it holds its site's slot. */
  const slot = (req: object, site: string, who: string): Promise<number> => {
    let held = slots.get(req);
    if (held === undefined) {
      let gate = gates.get(site);
      if (gate === undefined) {
        gate = createReadGate({ maxConcurrent: config.maxConcurrentReads, maxQueued: config.maxQueuedReads });
        gates.set(site, gate);
      }
      const deadlineMs = performance.now() + config.queryTimeoutMs;
      held = { deadlineMs, entered: gate.enter(who, deadlineMs) };
      slots.set(req, held);
    }
    const { deadlineMs, entered } = held;
    return entered.then((e) => {
      if (e.ok) return deadlineMs;
      throw e.reason === 'timeout'
        ? timedOut()
        : refuse(
            'too_many_reads',
            `This site is answering ${config.maxConcurrentReads} reads and ${config.maxQueuedReads} more wait (the server's max_concurrent_reads and max_queued_reads); retry shortly`,
          );
    });
  };
  return {
    limited: (req, store, site, who) => ({
      ...store,
      query: async (q) => {
        const deadlineMs = await slot(req, site, who);
        try {
          return await store.query(q, { timeoutMs: deadlineMs - performance.now() });
        } catch (err) {
          throw err instanceof StintError && err.code === 'STINT_QUERY_TIMEOUT' ? timedOut() : err;
        }
      },
    }),
    releasing: (handler) =>
      async function (this: ThisParameterType<RouteHandlerMethod>, req, reply) {
        try {
          return await handler.call(this, req, reply);
        } finally {
          void slots.get(req)?.entered.then((e) => e.ok && e.release());
        }
      },
  };
}

const seconds = (ms: number): string => (ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`);
