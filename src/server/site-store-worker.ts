/**
 * The thread that owns one site's DuckDB store (see site-store.ts): it answers the calls the
 * collector's thread posts, one message each, and the writer's `storeLogged` in
 * `localWriterStore`'s code, so both threads run the same transaction.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { StintError } from '../core/errors.ts';
import { deleteSelected, dropBefore, type EventSelection } from '../store/erase.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/store.ts';
import type { Call, Reply, SiteStoreOptions } from './site-store.ts';
import { localWriterStore } from './writer/index.ts';

const port = parentPort!;
const { path, memoryLimit, readConnections } = workerData as SiteStoreOptions & { path: string };
const post = (reply: Reply): void => port.postMessage(reply);
const failure = (err: unknown): Reply['error'] =>
  err instanceof StintError
    ? { message: err.message, code: err.code, hint: err.hint }
    : { message: err instanceof Error ? err.message : String(err) };

let store: Store;
try {
  store = await openStore(`duckdb:${path}`, {
    ...(memoryLimit === undefined ? {} : { memoryLimit }),
    ...(readConnections === undefined ? {} : { readConnections }),
  });
  post({ id: 0, value: null });
} catch (err) {
  post({ id: 0, error: failure(err) });
  process.exit(0);
}
const writer = localWriterStore(store);

/** Calls being answered: `close` waits for them. */
const running = new Set<Promise<void>>();

/** Each call's answer; `id` for the calls that stream chunks before it. */
const answers = {
  rules: () => store.rules(),
  findImport: ([fingerprint]) => store.findImport(fingerprint as string),
  imports: () => store.imports(),
  meta: ([key]) => store.meta(key as string),
  eachEventId: (_, id) => store.eachEventId((ids) => post({ id, chunk: ids as string[] })),
  eachEventIdHash: (_, id) =>
    writer.eachEventIdHash((pairs) =>
      port.postMessage({ id, chunk: pairs } satisfies Reply, [pairs.buffer as ArrayBuffer]),
    ),
  storedEventIds: async ([ids]) => [...(await store.storedEventIds(ids as string[]))],
  query: ([q, options]) =>
    store.query(q as Parameters<Store['query']>[0], options as Parameters<Store['query']>[1]),
  ensureRules: ([rules]) => writer.ensureRules(rules as Parameters<typeof writer.ensureRules>[0]),
  storeLogged: (args) => writer.storeLogged(...(args as Parameters<typeof writer.storeLogged>)),
  erase: ([sel, record]) =>
    deleteSelected(store, sel as EventSelection, record as Parameters<typeof deleteSelected>[2]),
  dropBefore: ([beforeMs, record]) =>
    dropBefore(store, beforeMs as number, record as Parameters<typeof dropBefore>[2]),
  close: async () => {
    // The calls before it first (this one is not in `running` yet: it is added once it waits).
    await Promise.allSettled([...running]);
    store.close();
  },
} satisfies Record<Call['op'], (args: Call['args'], id: number) => unknown>;

async function answerCall({ id, op, args }: Call): Promise<void> {
  try {
    post({ id, value: await answers[op](args, id) });
  } catch (err) {
    post({ id, error: failure(err) });
  }
}

port.on('message', (call: Call) => {
  const answer = answerCall(call);
  running.add(answer);
  void answer.finally(() => running.delete(answer));
});
