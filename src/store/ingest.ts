/**
 * Keeping stored sessions right as events arrive: after new events are staged, every identity
 * they touch (closed over device ↔ user links) is sessionized again from all its events, and
 * its sessions are replaced. Session ids are deterministic, so a session that did not change
 * comes back with the same id. Importing a file whole or in parts gives the same sessions.
 *
 *   await store.transaction(async (tx) => { await tx.stageEvents(events); await resessionizeAffected(tx, rules, 1); });
 */
import { sessionizeToColumns } from '../core/batch.ts';
import { EventColumnsBuilder } from '../core/columns.ts';
import type { SessionRules } from '../core/rules.ts';
import type { SessionColumns } from '../core/session-columns.ts';
import type { StoreTransaction } from './store.ts';

export interface Resessionized {
  /** Identities whose sessions were recomputed. */
  readonly identities: number;
  readonly events: number;
  readonly sessions: number;
}

export async function resessionizeAffected(
  tx: StoreTransaction,
  rules: SessionRules,
  rulesVersion: number,
): Promise<Resessionized> {
  const builder = new EventColumnsBuilder();
  const keys = await tx.affectedEvents((e) => builder.append(e));
  const events = builder.length;
  const sessions = sessionizeToColumns(builder.finish(), rules);
  await tx.replaceSessions(keys, sessions, rulesVersion);
  return { identities: identitiesOf(sessions), events, sessions: sessions.length };
}

export async function resessionizeAll(
  tx: StoreTransaction,
  rules: SessionRules,
  rulesVersion: number,
): Promise<Resessionized> {
  const builder = new EventColumnsBuilder();
  await tx.allEvents((e) => builder.append(e));
  const events = builder.length;
  const sessions = sessionizeToColumns(builder.finish(), rules);
  await tx.replaceSessions(undefined, sessions, rulesVersion);
  return { identities: identitiesOf(sessions), events, sessions: sessions.length };
}

function identitiesOf(sessions: SessionColumns): number {
  return new Set(sessions.identity.subarray(0, sessions.length)).size;
}
