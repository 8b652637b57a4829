/**
 * Ingest use case "import a file": its events read (io/load-events.ts) and staged batch by
 * batch in input order, then put in their sessions (commit-staged.ts), as the collector's
 * batches are. A Parquet file that touches nothing stored takes the DuckDB fast path instead
 * (stored as read, already sessionized), when the store has it (capabilities.ts).
 *
 *   await store.transaction((tx) => importFile(tx, { path, fingerprint, bytes, load, rules }));
 */

import { withSiteHosts } from '../../core/attribution/infer-site-hosts.ts';
import type { StintEvent } from '../../core/event.ts';
import type { SessionRules } from '../../core/rules.ts';
import { type LoadOptions, type LoadStats, loadEvents, type RejectedRow } from '../../io/load-events.ts';
import { parquetFastPath } from '../capabilities.ts';
import type { StoredRules, StoreTransaction } from '../store.ts';
import { commitStaged } from './commit-staged.ts';
import { addUntouched, type Resessionized } from './resessionize.ts';

export interface ImportFileOptions {
  readonly path: string;
  readonly fingerprint: string;
  readonly bytes: number;
  /** How to read it: normalize options (with the rules' session key), format, access-log options… */
  readonly load: Omit<LoadOptions, 'onReject' | 'onEvent' | 'parquetRows' | 'onProgress'>;
  readonly rules: SessionRules;
  /** The store's rules version; undefined: a new store, whose first import saves `rules`. */
  readonly version: number | undefined;
  readonly onProgress?: ((p: { rows: number; bytesRead: number }) => void) | undefined;
  /** Called once the file is read (or its reading failed), before its events are sessionized. */
  readonly onRead?: (() => void) | undefined;
  readonly say?: ((phase: string) => void) | undefined;
}

export interface FileImported {
  readonly stats: LoadStats;
  readonly accepted: number;
  readonly duplicates: number;
  readonly redone: Resessionized;
  /** The rules this import saved (the store's first import). */
  readonly rules?: StoredRules | undefined;
  /** The site hosts it inferred for them (an access log's, when none were given). */
  readonly inferredHosts: readonly string[];
  readonly rejects: RejectedRow[];
  /** What the reader said of the file (a gzip stream that ends early). */
  readonly notes: string[];
}

/** A file with nothing in it: its transaction is to be rolled back and the file skipped. */
export class NoRows extends Error {}

export async function importFile(tx: StoreTransaction, o: ImportFileOptions): Promise<FileImported> {
  const say = o.say ?? (() => {});
  const pending: StintEvent[] = [];
  const rejects: RejectedRow[] = [];
  const stagePending = async (): Promise<void> => {
    if (pending.length > 0) await tx.stageEvents(pending.splice(0));
  };
  const fast = parquetFastPath(tx);
  let loaded: Awaited<ReturnType<typeof loadEvents>>;
  try {
    loaded = await loadEvents([o.path], {
      ...o.load,
      onReject: (row) => rejects.push(row),
      onEvent: (e) => pending.push(e),
      parquetRows: fast !== undefined,
      onProgress: async (p) => {
        o.onProgress?.(p);
        await stagePending();
      },
    });
    await stagePending();
  } finally {
    o.onRead?.();
  }
  const { stats, columns, rows } = loaded;
  const notes = stats.files.flatMap((f) => f.notes);
  if (stats.rows === 0 && stats.leftOutTotal === 0) throw new NoRows();
  // A new store's first import saves its rules, with the site's hosts inferred from an access
  // log when none were given.
  const { used: rules, inferred } =
    o.version === undefined ? withSiteHosts(o.rules, columns) : { used: o.rules, inferred: [] };
  const saved = o.version === undefined ? await tx.saveRules(rules, Date.now()) : undefined;
  const version = o.version ?? saved!.version;
  const record = (accepted: number, duplicates: number) =>
    tx.recordImport({
      path: o.path,
      fingerprint: o.fingerprint,
      bytes: o.bytes,
      importedAtMs: Date.now(),
      rows: stats.rows,
      accepted,
      duplicates,
      rejected: stats.rejectedTotal,
      leftOut: stats.leftOutTotal,
      rulesVersion: version,
    });
  let redone: Resessionized;
  let accepted = stats.accepted;
  let duplicates = stats.duplicates;
  let importId: number;
  say('checking which stored visitors and events the file touches…');
  if (rows !== undefined && fast !== undefined && !(await fast.touchesStored(rows, columns.ids.values))) {
    // A Parquet file of new visitors and new events: stored as read, already sessionized.
    importId = await record(accepted, duplicates);
    redone = await addUntouched(fast, rows, columns, rules, version, importId, say);
  } else {
    say('staging the events…');
    if (rows !== undefined && fast !== undefined) await fast.stageRows(rows, columns);
    const committed = await commitStaged(tx, {
      rules,
      rulesVersion: version,
      columns,
      dropRetries: true,
      record: (storedRetries) => {
        accepted -= storedRetries;
        duplicates += storedRetries;
        say(`storing ${accepted.toLocaleString('en-US')} events…`);
        return record(accepted, duplicates);
      },
      say,
    });
    redone = committed;
    importId = committed.importId;
  }
  await tx.addRejects(importId, rejects);
  return { stats, accepted, duplicates, redone, rules: saved, inferredHosts: inferred, rejects, notes };
}
