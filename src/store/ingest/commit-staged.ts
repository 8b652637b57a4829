/**
 * The one step every ingest takes once its events are staged: retries of stored events dropped
 * (unless the caller knows there are none), the identities the events touch sessionized again,
 * the batch recorded, the staged events moved in. `stint import` and the collector's writer both
 * end here, so a file and a stream of batches give the same sessions.
 */
import type { EventColumns } from '../../core/columns.ts';
import type { SessionRules } from '../../core/rules.ts';
import type { StoreTransaction } from '../store.ts';
import { type Resessionized, resessionizeAffected } from './resessionize.ts';

export interface CommitStagedOptions {
  readonly rules: SessionRules;
  readonly rulesVersion: number;
  /**
   * The staged events as columns, in staging order, when the caller built them: they stand in
   * for the staged events unless a retry is dropped (then the staged events are read back).
   */
  readonly columns?: EventColumns | undefined;
  /** Whether staged events may repeat a stored event_id (a file may; the collector's log may not). */
  readonly dropRetries: boolean;
  /** Records the batch, told how many retries of stored events were dropped; gives its import id. */
  readonly record: (storedRetries: number) => Promise<number>;
  readonly say?: ((phase: string) => void) | undefined;
}

export interface Committed extends Resessionized {
  /** Staged events dropped as retries of stored ones. */
  readonly storedRetries: number;
  readonly importId: number;
}

export async function commitStaged(tx: StoreTransaction, o: CommitStagedOptions): Promise<Committed> {
  const storedRetries = o.dropRetries ? await tx.dropStoredRetries() : 0;
  // The caller's columns are the staged events unless retries of stored events were dropped.
  const columns = storedRetries === 0 ? o.columns : undefined;
  const redone = await resessionizeAffected(tx, o.rules, o.rulesVersion, columns, o.say);
  const importId = await o.record(storedRetries);
  await tx.commitEvents(importId);
  return { ...redone, storedRetries, importId };
}
