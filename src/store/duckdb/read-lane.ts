/**
 * Reads on connections of their own: a lane of at most `size` connections, first come first
 * served, and a time limit that interrupts a query past it (STINT_QUERY_TIMEOUT).
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { StintError } from '../../core/errors.ts';

/**
 * Read connections, made when first needed, at most `size` of them: a read runs on a free one,
 * or waits (first come, first served) until one is free. With one, reads run one after another.
 */
export class ReadLane {
  readonly #all: DuckDBConnection[] = [];
  readonly #free: DuckDBConnection[] = [];
  readonly #waiting: ((c: DuckDBConnection) => void)[] = [];
  #made = 0;

  constructor(readonly size = 1) {}

  async run<T>(instance: DuckDBInstance, work: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const c = await this.#take(instance);
    try {
      return await work(c);
    } finally {
      const next = this.#waiting.shift();
      if (next === undefined) this.#free.push(c);
      else next(c);
    }
  }

  async #take(instance: DuckDBInstance): Promise<DuckDBConnection> {
    const free = this.#free.pop();
    if (free !== undefined) return free;
    if (this.#made >= this.size) return new Promise((resolve) => this.#waiting.push(resolve));
    this.#made++;
    try {
      const c = await instance.connect();
      this.#all.push(c);
      return c;
    } catch (err) {
      this.#made--;
      throw err;
    }
  }

  close(): void {
    for (const c of this.#all) c.closeSync();
  }
}

/** Runs `work` on `c`, interrupting it past `timeoutMs` (then it fails with STINT_QUERY_TIMEOUT). */
export async function withinTime<T>(
  c: DuckDBConnection,
  timeoutMs: number | undefined,
  work: () => Promise<T>,
): Promise<T> {
  if (timeoutMs === undefined) return work();
  const timedOut = () =>
    new StintError(
      'STINT_QUERY_TIMEOUT',
      `The query took longer than its time limit (${Math.max(0, Math.round(timeoutMs))} ms) and was stopped`,
      'Ask for less (a shorter period, fewer funnels), or raise the limit',
    );
  if (timeoutMs <= 0) throw timedOut();
  let fired = false;
  const timer = setTimeout(() => {
    fired = true;
    c.interrupt();
  }, timeoutMs);
  try {
    return await work();
  } catch (err) {
    throw fired ? timedOut() : err;
  } finally {
    clearTimeout(timer);
  }
}
