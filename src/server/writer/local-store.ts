/**
 * The writer's side of a site's store: what it needs (`WriterStore`), and `localWriterStore`,
 * which gives it for a store in this thread (the server's store worker runs the same code).
 * A batch of the log is stored by the ingest use case `storeCollectorBatch` (store/ingest/).
 */
import { eventRecord, pageview, type StintEvent } from '../../core/event.ts';
import type { SessionRules } from '../../core/rules.ts';
import { storeCollectorBatch } from '../../store/ingest/index.ts';
import type { Store, StoredRules, StoreTransaction } from '../../store/store.ts';
import { eventIdHashes } from '../event-ids.ts';
import { decodeLines, type LogPosition, parsePosition } from '../event-log.ts';
import { partitionStorable } from '../unstorable.ts';

/** The store's `meta` key of how far the log is stored. */
export const POSITION_KEY = 'log_position';

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
export const isBefore = (a: LogPosition | undefined, b: LogPosition | undefined): boolean =>
  a === undefined ||
  b === undefined ||
  a.segment < b.segment ||
  (a.segment === b.segment && a.offset < b.offset);
