/**
 * A site of `stint serve --store clickhouse://…`: a stateless collector. Its events go to the
 * site's ClickHouse database (the store's database name, `_`, the site's name) with one
 * synchronous insert through the distributed table: a request is answered 2xx only once every
 * shard it writes to has its events, and 503 with `Retry-After` when the insert fails (a shard
 * down). The shards' workers (`stint worker`) sessionize them; the collector keeps no log and no
 * state but the live view of what it took itself, so any number of them can run side by side.
 *
 *   const { store, writer } = await openClickHouseSite(siteAddress('clickhouse://10.0.0.5:8123/stint', 'shop'), rules, now);
 */
import { StintError } from '../core/errors.ts';
import type { SessionRules } from '../core/rules.ts';
import { pendingRows } from '../store/clickhouse/pending.ts';
import { type ClickHouseStore, openClickHouseStore } from '../store/clickhouse-store.ts';
import { deleteSelected, dropBefore } from '../store/erase.ts';
import { eventIdHashes } from './event-ids.ts';
import type { SiteStore } from './site-store.ts';
import { type SiteWriter, WriterBusyError } from './writer/index.ts';
import { createLiveView } from './writer/live-view.ts';

export async function openClickHouseSite(
  address: string,
  rules: SessionRules,
  now: () => number,
): Promise<{ store: SiteStore; writer: SiteWriter }> {
  const store = await openClickHouseStore(address);
  try {
    return { store: siteStore(store), writer: await collector(store, rules, now) };
  } catch (err) {
    store.close();
    throw err;
  }
}

function siteStore(store: ClickHouseStore): SiteStore {
  return {
    dialect: store.dialect,
    path: store.path,
    rules: () => store.rules(),
    findImport: (fingerprint) => store.findImport(fingerprint),
    imports: () => store.imports(),
    transaction: (work) => store.transaction(work),
    meta: (key) => store.meta(key),
    eachEventId: (each) => store.eachEventId(each),
    storedEventIds: (ids) => store.storedEventIds(ids),
    query: (q, options) => store.query(q, options),
    eachEventIdHash: (each) => store.eachEventId((ids) => each(eventIdHashes(ids))),
    ensureRules: async (rules) =>
      (await store.rules()) ?? (await store.transaction((tx) => tx.saveRules(rules, Date.now()))),
    storeLogged: () =>
      Promise.reject(new Error('a ClickHouse site keeps no event log: its shards’ workers sessionize')),
    erase: (sel, record) => deleteSelected(store, sel, record),
    dropBefore: (beforeMs, record) => dropBefore(store, beforeMs, record),
    close: async () => store.close(),
  };
}

async function collector(
  store: ClickHouseStore,
  rules: SessionRules,
  now: () => number,
): Promise<SiteWriter> {
  const stored = (await store.rules()) ?? (await store.transaction((tx) => tx.saveRules(rules, now())));
  if (stored.rules.identity === 'user' && store.layout.shards.length > 1) {
    throw new StintError(
      'STINT_BAD_CONFIG',
      `${store.path} sessionizes with --identity user, which its shards' workers cannot do (a user's devices can be on different shards)`,
      'Use --identity device (the default) for a sharded ClickHouse store, or one shard',
    );
  }
  const live = createLiveView(stored.rules);
  for (const row of await store.rows(
    `SELECT identity, end_ms FROM sessions WHERE end_reason = 'open' ORDER BY end_ms`,
  )) {
    live.noteOpen(String(row.identity), Number(row.end_ms));
  }
  const [latest] = await store.rows('SELECT max(ts_ms) AS ts, count() AS n FROM events');
  if (Number(latest?.n ?? 0) > 0) live.noteLatest(Number(latest!.ts));
  let accepted = 0;
  let closed = false;
  let inFlight = 0;
  // Visitors whose sessions are over are forgotten even when nobody asks (as the DuckDB writer does).
  const pruner = setInterval(() => live.tick(20_000), 1000);
  pruner.unref();
  return {
    async submit(events) {
      if (closed) throw new WriterBusyError('closing');
      inFlight++;
      try {
        // A retry of a stored event is not stored again; two collectors that take the same retry
        // at once both store it, and its key makes it count once.
        const ids = events.map((e) => e.eventId).filter((id) => id !== '');
        const storedIds = await store.storedEventIds([...new Set(ids)]);
        const seen = new Set<string>();
        const duplicate = events.map((e) => {
          if (e.eventId === '') return false;
          if (storedIds.has(e.eventId) || seen.has(e.eventId)) return true;
          seen.add(e.eventId);
          return false;
        });
        const fresh = events.filter((_, i) => !duplicate[i]);
        await store.insertRows('events', pendingRows(fresh, now()));
        for (const e of fresh) live.note(e);
        accepted += fresh.length;
        return { duplicate };
      } finally {
        inFlight--;
      }
    },
    get queued() {
      return inFlight;
    },
    get accepted() {
      return accepted;
    },
    // The shards' workers hold what is not yet in a session; this collector holds nothing.
    unsessionized: 0,
    openSessions: () => live.openSessions(),
    isActive: (identity) => live.isActive(identity),
    recentEvents: () => live.recentEvents(),
    forgetVisitors: (list) => live.forgetVisitors(list),
    get latestTsMs() {
      return live.latestTsMs;
    },
    diskFull: undefined,
    rulesVersion: stored.version,
    async settle() {
      // Everything accepted is sessionized once the workers have left no event without a session.
      for (;;) {
        const [row] = await store.rows(`SELECT count() AS n FROM events WHERE session_id = ''`);
        if (Number(row?.n ?? 0) === 0) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      closed = true;
      clearInterval(pruner);
      while (inFlight > 0) await new Promise((r) => setTimeout(r, 10));
    },
  };
}
