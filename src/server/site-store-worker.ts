/**
 * The thread that owns one site's DuckDB store (see site-store.ts): it answers the calls the
 * collector's thread posts, one message each, and the writer's `storeLogged` in
 * `localWriterStore`'s code, so both threads run the same transaction.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { StintError } from '../core/errors.ts';
import { openDuckDBStore } from '../store/duckdb-store.ts';
import type { Store } from '../store/store.ts';
import type { Call, Reply, SiteStoreOptions } from './site-store.ts';
import { localWriterStore } from './writer.ts';

const port = parentPort!;
const { path, memoryLimit } = workerData as SiteStoreOptions & { path: string };
const post = (reply: Reply): void => port.postMessage(reply);
const failure = (err: unknown): Reply['error'] =>
  err instanceof StintError
    ? { message: err.message, code: err.code, hint: err.hint }
    : { message: err instanceof Error ? err.message : String(err) };

let store: Store;
try {
  store = await openDuckDBStore(path, memoryLimit === undefined ? {} : { memoryLimit });
  post({ id: 0, value: null });
} catch (err) {
  post({ id: 0, error: failure(err) });
  process.exit(0);
}
const writer = localWriterStore(store);

/** Calls being answered: `close` waits for them. */
const running = new Set<Promise<void>>();

port.on('message', (call: Call) => {
  const answer = answerCall(call);
  running.add(answer);
  void answer.finally(() => running.delete(answer));
});

async function answerCall({ id, op, args }: Call): Promise<void> {
  try {
    let value: unknown;
    switch (op) {
      case 'rules':
        value = await store.rules();
        break;
      case 'findImport':
        value = await store.findImport(args[0] as string);
        break;
      case 'imports':
        value = await store.imports();
        break;
      case 'meta':
        value = await store.meta(args[0] as string);
        break;
      case 'eachEventId':
        await store.eachEventId((ids) => post({ id, chunk: ids as string[] }));
        break;
      case 'eachEventIdHash':
        await writer.eachEventIdHash((pairs) =>
          port.postMessage({ id, chunk: pairs } satisfies Reply, [pairs.buffer as ArrayBuffer]),
        );
        break;
      case 'storedEventIds':
        value = [...(await store.storedEventIds(args[0] as string[]))];
        break;
      case 'query':
        value = await store.query(args[0] as Parameters<Store['query']>[0]);
        break;
      case 'ensureRules':
        value = await writer.ensureRules(args[0] as Parameters<typeof writer.ensureRules>[0]);
        break;
      case 'storeLogged': {
        const [lines, position, rules] = args as Parameters<typeof writer.storeLogged>;
        await writer.storeLogged(lines, position, rules);
        break;
      }
      case 'close':
        // The calls before it first (this one is not in `running` yet: it is added once it waits).
        await Promise.allSettled([...running]);
        store.close();
        break;
    }
    post({ id, value });
  } catch (err) {
    post({ id, error: failure(err) });
  }
}
