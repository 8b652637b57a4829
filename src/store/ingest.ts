/**
 * Keeping stored sessions right as events arrive: after new events are staged, every identity
 * they touch (closed over device ↔ user links) is sessionized again from all its events, and
 * its sessions are replaced. Session ids are deterministic, so a session that did not change
 * comes back with the same id. Open sessions of other identities that the new latest event
 * shows as over are closed. Importing a file whole or in parts gives the same sessions.
 *
 *   await store.transaction(async (tx) => { await tx.stageEvents(events); await resessionizeAffected(tx, rules, 1); });
 */
import { sessionizeToColumns } from '../core/batch.ts';
import { type EventColumns, EventColumnsBuilder } from '../core/columns.ts';
import type { SessionRules } from '../core/rules.ts';
import type { SessionColumns } from '../core/session-columns.ts';
import type { StoredEvent, StoreTransaction } from './store.ts';

export interface Resessionized {
  /** Identities whose sessions were recomputed. */
  readonly identities: number;
  readonly events: number;
  readonly sessions: number;
}

/**
 * `staged`: the staged events as columns, when the caller has them (the reader built them) and
 * no staged event was dropped as a retry since. When no stored event is affected (a first
 * import, new visitors) they are sessionized as they are, without reading the staged events
 * back out of the store.
 */
export async function resessionizeAffected(
  tx: StoreTransaction,
  rules: SessionRules,
  rulesVersion: number,
  staged?: EventColumns,
): Promise<Resessionized> {
  const builder = new EventColumnsBuilder();
  let seqs: number[] = [];
  const visit = (e: StoredEvent): void => {
    if (builder.append(e)) seqs.push(e.seq);
  };
  const keys = await tx.affectedEvents(visit, { staged: staged === undefined });
  let columns: EventColumns | undefined;
  if (staged !== undefined) {
    const range = await tx.stagedSeqs();
    if (builder.length === 0 && range.count === staged.length) {
      columns = staged;
      seqs = Array.from({ length: staged.length }, (_, i) => range.first + i);
    } else {
      await tx.stagedEvents(visit);
    }
  }
  columns ??= builder.finish();
  const events = columns.length;
  const sessions = sessionizeToColumns(columns, rules, { eventSessions: true });
  await tx.replaceSessions(keys, sessions, rulesVersion, seqs);
  // Other identities' last sessions may now be over: "open" is relative to the latest event.
  await tx.closeTimedOut(rules.timeoutMs);
  return { identities: identitiesOf(sessions), events, sessions: sessions.length };
}

export async function resessionizeAll(
  tx: StoreTransaction,
  rules: SessionRules,
  rulesVersion: number,
): Promise<Resessionized> {
  const builder = new EventColumnsBuilder();
  const seqs: number[] = [];
  await tx.allEvents((e) => {
    if (builder.append(e)) seqs.push(e.seq);
  });
  const events = builder.length;
  const sessions = sessionizeToColumns(builder.finish(), rules, { eventSessions: true });
  await tx.replaceSessions(undefined, sessions, rulesVersion, seqs);
  return { identities: identitiesOf(sessions), events, sessions: sessions.length };
}

function identitiesOf(sessions: SessionColumns): number {
  return new Set(sessions.identity.subarray(0, sessions.length)).size;
}
