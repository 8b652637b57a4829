/**
 * Ingest use case "store a batch from the collector": the events of the server's log, in
 * arrival order, staged and put in their sessions (commit-staged.ts), as `stint import` does
 * with a file. Arrival order is the input order that settles ties in time (SESSIONS.md 3).
 *
 *   await store.transaction((tx) => storeCollectorBatch(tx, events, storedRules));
 */
import { EventColumnsBuilder } from '../../core/columns.ts';
import type { StintEvent } from '../../core/event.ts';
import type { StoredRules, StoreTransaction } from '../store.ts';
import { commitStaged } from './commit-staged.ts';

/** Stages the events (in arrival order) and puts them in their sessions; import id 0. */
export async function storeCollectorBatch(
  tx: StoreTransaction,
  events: readonly StintEvent[],
  rules: StoredRules,
): Promise<void> {
  if (events.length === 0) return;
  // The log holds no retry (each commit checked its event_ids against the log and the
  // store), so neither the staged events nor their columns are checked for one again.
  const builder = new EventColumnsBuilder(events.length, { dedupe: false });
  for (const e of events) builder.append(e);
  const columns = builder.finish();
  // Staged from the columns: far fewer texts per event through the appender.
  await tx.stageColumns(columns, events);
  await commitStaged(tx, {
    rules: rules.rules,
    rulesVersion: rules.version,
    columns,
    dropRetries: false,
    record: async () => 0,
  });
}
