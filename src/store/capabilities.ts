/**
 * Optional capabilities of a store beyond its roles (store.ts). DuckDB's: the Parquet fast path,
 * where a Parquet file's rows are read by the store itself (`ParquetRows` carries DuckDB SQL),
 * and a file that touches nothing stored is kept already sessionized. The ingest code asks for
 * it with `parquetFastPath(tx)`; a store without it takes every file through staging.
 */
import type { EventColumns } from '../core/columns.ts';
import type { SessionColumns } from '../core/session-columns.ts';
import type { ParquetRows } from '../io/parquet/index.ts';
import type { StoreTransaction } from './store.ts';

export interface ParquetFastPath {
  /** Stages a Parquet file's events as the fast path read them (`cols` and `rows`), as `stageEvents` does. */
  stageRows(rows: ParquetRows, cols: EventColumns): Promise<void>;
  /**
   * Whether these events touch anything stored: a stored event with one of their anonymous_ids
   * or user_ids (`ids`), or with one of their event_ids. When not, `addSessionized` stores them.
   */
  touchesStored(rows: ParquetRows, ids: readonly string[]): Promise<boolean>;
  /**
   * Stores events that touch nothing stored, already sessionized (`sessions` with
   * eventSessions), as import `importId`. Nothing may be staged.
   */
  addSessionized(
    rows: ParquetRows,
    cols: EventColumns,
    sessions: SessionColumns,
    rulesVersion: number,
    importId: number,
  ): Promise<void>;
}

/** The transaction's Parquet fast path, when its store has one. */
export function parquetFastPath(tx: StoreTransaction): (StoreTransaction & ParquetFastPath) | undefined {
  const t = tx as StoreTransaction & Partial<ParquetFastPath>;
  return typeof t.stageRows === 'function' &&
    typeof t.touchesStored === 'function' &&
    typeof t.addSessionized === 'function'
    ? (t as StoreTransaction & ParquetFastPath)
    : undefined;
}
