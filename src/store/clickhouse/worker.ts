/**
 * A shard's sessionizer (`stint worker --shard K`): the events collectors wrote to shard K that
 * have no session yet are sessionized with what the shard holds of their identities (late
 * events included: the affected range is redone, as an import does), and written back to the
 * shard with their sessions. The events without a session are the worker's queue: a worker
 * killed at any point and started again finds the same ones and writes the same sessions.
 *
 *   const pass = await sessionizeShard(store, 1);   // { events, sessions, identities }
 */
import { StintError } from '../../core/errors.ts';
import type { ClickHouseStore } from '../clickhouse-store.ts';
import { resessionizeAffected } from '../ingest/resessionize.ts';

export interface ShardPass {
  /** Events that had no session and now have one. */
  readonly events: number;
  /** Sessions written (the affected range's, redone). */
  readonly sessions: number;
  readonly identities: number;
}

/** Events sessionized per transaction at most. */
export const WORKER_BATCH = 50_000;

/** One batch: up to `limit` of shard `shard`'s events without a session, in input order. */
export async function sessionizeShard(
  store: ClickHouseStore,
  shard: number,
  limit = WORKER_BATCH,
): Promise<ShardPass> {
  const stored = await store.rules();
  if (stored === undefined) return { events: 0, sessions: 0, identities: 0 };
  if (stored.rules.identity === 'user' && store.layout.shards.length > 1) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `${store.path} sessionizes with --identity user: a user's devices can be on different shards, so one shard cannot sessionize them alone`,
      'Use one shard for --identity user (or --identity device, the default), or import with stint import, which reads every shard',
    );
  }
  const pending = await store.shardRows(
    shard,
    `SELECT * FROM events_local FINAL WHERE deleted = 0 AND session_id = '' ORDER BY seq, ekey LIMIT ${Math.trunc(limit)}`,
  );
  if (pending.length === 0) return { events: 0, sessions: 0, identities: 0 };
  return store.shardTransaction(shard, async (tx) => {
    tx.stagePending(pending);
    const redone = await resessionizeAffected(tx, stored.rules, stored.version);
    await tx.commitEvents(0);
    return { events: pending.length, sessions: redone.sessions, identities: redone.identities };
  });
}
