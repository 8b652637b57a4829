/**
 * A site's store in a worker thread of its own (site-store-worker.ts). Sessionizing a batch of
 * logged events takes a few hundred milliseconds of DuckDB and JavaScript; in the collector's
 * thread, every request waited behind it. Now that thread only posts the batch's log lines.
 * Reads (the query API) are calls to the worker too: one DuckDB instance owns the file, and
 * `@duckdb/node-api` does not share instances between threads.
 *
 * Each call is one message and one answer; rows, rules and errors come back as copies (a
 * StintError as a StintError). A worker that stops (an error in its JavaScript) fails the calls
 * it had, and the next call starts a new one on the same file. One that dies inside a DuckDB
 * call takes the process with it: DuckDB's native layer aborts. (Nothing is lost either way:
 * what is not stored is in the site's log.)
 *
 *   const store = await openSiteStore('data/sites/shop.duckdb');
 *   const rows = await store.query(q); // the Store's reads
 *   await store.storeLogged(lines, '1:4096', rules); // the writer's transaction
 *   await store.close();
 */
import { Worker } from 'node:worker_threads';
import { StintError, type StintErrorCode } from '../core/errors.ts';
import type { SessionRules } from '../core/rules.ts';
import { duckdb } from '../sql/duckdb.ts';
import type { CompiledQuery } from '../sql/query.ts';
import type { Deleted, EventSelection } from '../store/erase.ts';
import type { ErasureRecord, ImportRecord, QueryOptions, Store, StoredRules } from '../store/store.ts';
import type { SetAside, WriterStore } from './writer/index.ts';

export interface SiteStoreOptions {
  /** DuckDB's memory_limit for the store, e.g. '1GB'. */
  readonly memoryLimit?: string | undefined;
  /** Queries that may run at once, each on a DuckDB connection of its own (default 1). */
  readonly readConnections?: number | undefined;
}

/** `onStart`: called with each worker started (the first, and one after a crash); for tests. */
export interface SiteStoreHooks {
  readonly onStart?: (worker: Worker) => void;
}

type Op =
  | 'rules'
  | 'findImport'
  | 'imports'
  | 'meta'
  | 'eachEventId'
  | 'eachEventIdHash'
  | 'storedEventIds'
  | 'query'
  | 'ensureRules'
  | 'storeLogged'
  | 'erase'
  | 'dropBefore'
  | 'close';

export interface Call {
  readonly id: number;
  readonly op: Op;
  readonly args: readonly unknown[];
}

/** The answer to call `id` (id 0: the store is open), or one chunk of `eachEventId`'s ids. */
export interface Reply {
  readonly id: number;
  readonly value?: unknown;
  readonly chunk?: string[] | Uint32Array;
  readonly error?: { message: string; code?: StintErrorCode; hint?: string | undefined } | undefined;
}

interface Waiting {
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
  /** Takes the chunks of `eachEventId` (ids) or `eachEventIdHash` (hashes), whichever was called. */
  readonly each?: ((chunk: never) => void) | undefined;
}

const asError = (e: NonNullable<Reply['error']>): Error =>
  e.code === undefined ? new Error(e.message) : new StintError(e.code, e.message, e.hint);

/** Erasing (store/erase.ts) in the store's own thread, in a transaction of its own. */
export interface SiteEraser {
  erase(sel: EventSelection, record: Omit<ErasureRecord, 'events' | 'sessions'>): Promise<Deleted>;
  dropBefore(
    beforeMs: number,
    record: Omit<ErasureRecord, 'events' | 'sessions' | 'what'>,
  ): Promise<{ events: number; sessions: number }>;
}

export type SiteStore = Omit<Store, 'close'> & WriterStore & SiteEraser & { close(): Promise<void> };

export async function openSiteStore(
  path: string,
  options: SiteStoreOptions = {},
  hooks: SiteStoreHooks = {},
): Promise<SiteStore> {
  let worker: Promise<Worker> | undefined;
  /** Calls waiting for their answer, each with the worker it was posted to. */
  const waiting = new Map<number, Waiting & { readonly worker: Worker }>();
  let next = 1;
  /** Set when `close` begins: calls after it are refused, not run on a closing store. */
  let closed = false;

  /** The worker, once it has the store open; a new one after a crash. */
  const start = (): Promise<Worker> => {
    const w = new Worker(new URL('./site-store-worker.mjs', import.meta.url), {
      workerData: { path, memoryLimit: options.memoryLimit, readConnections: options.readConnections },
    });
    const settled = (id: number): void => {
      waiting.delete(id);
      // A worker with nothing to do does not keep the process alive (it is ref'd while a call waits).
      if (![...waiting.values()].some((c) => c.worker === w)) w.unref();
    };
    const ready = new Promise<Worker>((resolve, reject) => {
      w.on('message', (reply: Reply) => {
        if (reply.id === 0) {
          w.unref();
          if (reply.error === undefined) resolve(w);
          else reject(asError(reply.error));
          return;
        }
        const call = waiting.get(reply.id);
        if (call === undefined) return;
        if (reply.chunk !== undefined) {
          (call.each as ((chunk: unknown) => void) | undefined)?.(reply.chunk);
          return;
        }
        settled(reply.id);
        if (reply.error === undefined) call.resolve(reply.value);
        else call.reject(asError(reply.error));
      });
      const died = (err: Error): void => {
        reject(err);
        if (worker !== undefined && ready === worker) worker = undefined;
        // Only this worker's calls: a later worker's may be waiting already.
        for (const [id, call] of waiting) {
          if (call.worker !== w) continue;
          waiting.delete(id);
          call.reject(err);
        }
      };
      w.on('error', died);
      w.on('exit', (code) => died(new Error(`the store worker of ${path} stopped (exit code ${code})`)));
    });
    hooks.onStart?.(w);
    return ready;
  };

  const post = async <T>(
    op: Op,
    args: readonly unknown[],
    each?: Waiting['each'],
    transfer: ArrayBuffer[] = [],
  ): Promise<T> => {
    worker ??= start();
    const w = await worker;
    const id = next++;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, each, worker: w });
      w.ref();
      try {
        w.postMessage({ id, op, args } satisfies Call, transfer);
      } catch (err) {
        // An argument that cannot be copied to the worker (nothing of stint's sends one).
        waiting.delete(id);
        reject(err);
      }
    });
  };
  const call = <T>(
    op: Op,
    args: readonly unknown[],
    each?: Waiting['each'],
    transfer?: ArrayBuffer[],
  ): Promise<T> =>
    closed ? Promise.reject(new Error(`the store ${path} is closed`)) : post<T>(op, args, each, transfer);

  worker = start();
  await worker;
  return {
    dialect: duckdb,
    path,
    rules: () => call<StoredRules | undefined>('rules', []),
    findImport: (fingerprint) => call<ImportRecord | undefined>('findImport', [fingerprint]),
    imports: () => call<ImportRecord[]>('imports', []),
    meta: (key) => call<string | undefined>('meta', [key]),
    eachEventId: (each) => call<void>('eachEventId', [], each),
    eachEventIdHash: (each) => call<void>('eachEventIdHash', [], each),
    storedEventIds: async (ids) => new Set(await call<string[]>('storedEventIds', [ids])),
    query: (q: CompiledQuery, options?: QueryOptions) =>
      call<Record<string, unknown>[]>('query', options === undefined ? [q] : [q, options]),
    ensureRules: (rules: SessionRules) => call<StoredRules>('ensureRules', [rules]),
    // A batch's lines (megabytes) move to the worker instead of being copied, when they are an
    // ArrayBuffer of their own: copying 13 MB held the collector up for 60 ms under load.
    storeLogged: (lines, position, rules, setAside) =>
      call<SetAside[]>('storeLogged', [lines, position, rules, setAside], undefined, ownBuffer(lines)),
    erase: (sel, record) => call<Deleted>('erase', [sel, record]),
    dropBefore: (beforeMs, record) =>
      call<{ events: number; sessions: number }>('dropBefore', [beforeMs, record]),
    transaction: () =>
      Promise.reject(new Error('a site store writes only through storeLogged, in its worker thread')),
    async close() {
      if (closed) return;
      closed = true;
      const running = worker;
      if (running === undefined) return;
      try {
        // The worker answers the calls posted before this one first, then closes the store.
        await post<void>('close', []);
      } finally {
        await (await running).terminate();
      }
    },
  };
}

/** The bytes' ArrayBuffer, to hand over, when they are all of it (not a slice of Node's pool). */
function ownBuffer(bytes: Uint8Array): ArrayBuffer[] {
  const buffer = bytes.buffer;
  return buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength
    ? [buffer]
    : [];
}
