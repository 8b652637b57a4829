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
 */

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
