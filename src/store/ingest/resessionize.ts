/**
 * Ingest use case "resessionize": keeping stored sessions right as events arrive. After new
 * events are staged, every identity they touch (closed over device ↔ user links) is sessionized
 * again from all its events, and its sessions are replaced. Session ids are deterministic, so a session that did not change
 * comes back with the same id. Open sessions of other identities that the new latest event
 * shows as over are closed. Importing a file whole or in parts gives the same sessions.
 *
 *   await store.transaction(async (tx) => { await tx.stageEvents(events); await resessionizeAffected(tx, rules, 1); });
 *   await store.transaction((tx) => resessionizeAll(tx, rules, version));   // stint resessionize
 */
import { sessionizeToColumns } from '../../core/batch.ts';
import { concatColumns, type EventColumns } from '../../core/columns.ts';
import type { SessionRules } from '../../core/rules.ts';
import type { SessionColumns } from '../../core/session-columns.ts';
import type { ParquetRows } from '../../io/parquet/index.ts';
import type { ParquetFastPath } from '../capabilities.ts';
import type { ReadEvents, StoredRules, StoreTransaction } from '../store.ts';

export interface Resessionized {
  /** Identities whose sessions were recomputed. */
  readonly identities: number;
  readonly events: number;
  readonly sessions: number;
}

/**
 * `staged`: the staged events as columns, when the caller has them (the reader built them) and
 * no staged event was dropped as a retry since: they stand in for the staged events, which are
 * then not read back out of the store, and follow the stored events that are.
 */
export async function resessionizeAffected(
  tx: StoreTransaction,
  rules: SessionRules,
  rulesVersion: number,
  staged?: EventColumns,
  say: (phase: string) => void = () => {},
): Promise<Resessionized> {
  say('reading the stored events the new ones touch…');
  const affected = await tx.affectedEvents({ staged: staged === undefined, identity: rules.identity });
  let events = affected.events;
  if (staged !== undefined) {
    // The staged events come after every stored one; the reader's columns are them unless a
    // retry was dropped since.
    const range = await tx.stagedSeqs();
    const fresh: ReadEvents =
      range.count === staged.length
        ? { columns: staged, seqs: Float64Array.from({ length: range.count }, (_, i) => range.first + i) }
        : await tx.stagedEvents();
    events = events.columns.length === 0 ? fresh : concatEvents(events, fresh);
  }
  say(`sessionizing and storing ${count(events.columns.length)} events…`);
  const result = await replace(tx, affected.keys, events, rules, rulesVersion);
  // Other identities' last sessions may now be over: "open" is relative to the latest event.
  await tx.closeTimedOut(rules.timeoutMs);
  return result;
}

function concatEvents(a: ReadEvents, b: ReadEvents): ReadEvents {
  const seqs = new Float64Array(a.seqs.length + b.seqs.length);
  seqs.set(a.seqs);
  seqs.set(b.seqs, a.seqs.length);
  return { columns: concatColumns(a.columns, b.columns), seqs };
}

/**
 * Stores a Parquet file's events that touch nothing stored (`tx.touchesStored` said so), as
 * import `importId`: sessionized as the reader gave them, no event read back from the store.
 */
export async function addUntouched(
  tx: StoreTransaction & ParquetFastPath,
  rows: ParquetRows,
  cols: EventColumns,
  rules: SessionRules,
  rulesVersion: number,
  importId: number,
  say: (phase: string) => void = () => {},
): Promise<Resessionized> {
  say(`sessionizing ${count(cols.length)} events…`);
  const sessions = sessionizeToColumns(cols, rules, { eventSessions: true });
  say(`storing ${count(cols.length)} events and ${count(sessions.length)} sessions…`);
  await tx.addSessionized(rows, cols, sessions, rulesVersion, importId);
  await tx.closeTimedOut(rules.timeoutMs);
  return counts(sessions, cols.length);
}

/**
 * `stint resessionize`: every stored session again under `rules`, saved as a new rules version
 * when `changed` (else under `current`'s version).
 */
export async function resessionizeStore(
  tx: StoreTransaction,
  rules: SessionRules,
  current: StoredRules,
  changed: boolean,
): Promise<Resessionized & { version: number }> {
  const version = changed ? (await tx.saveRules(rules, Date.now())).version : current.version;
  return { version, ...(await resessionizeAll(tx, rules, version)) };
}

export async function resessionizeAll(
  tx: StoreTransaction,
  rules: SessionRules,
  rulesVersion: number,
): Promise<Resessionized> {
  return replace(tx, undefined, await tx.allEvents(), rules, rulesVersion);
}

/** Sessionizes the events and replaces the sessions of `keys` (all when undefined) with them. */
async function replace(
  tx: StoreTransaction,
  keys: readonly string[] | undefined,
  events: ReadEvents,
  rules: SessionRules,
  rulesVersion: number,
): Promise<Resessionized> {
  const sessions = sessionizeToColumns(events.columns, rules, { eventSessions: true });
  await tx.replaceSessions(keys, sessions, rulesVersion, events);
  return counts(sessions, events.columns.length);
}

const count = (n: number): string => n.toLocaleString('en-US');

function counts(sessions: SessionColumns, events: number): Resessionized {
  const identities = new Set(sessions.identity.subarray(0, sessions.length)).size;
  return { identities, events, sessions: sessions.length };
}
