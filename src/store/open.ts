/**
 * The one way to open a store: by a target `duckdb:FILE` (or a plain file name, DuckDB) or
 * `clickhouse://HOST…` (which comes with the ClickHouse issue and is refused clearly until then).
 *
 *   const store = await openStore('duckdb:stint.duckdb');
 */
import { StintError } from '../core/errors.ts';
import { openDuckDBStore } from './duckdb-store.ts';
import type { Store } from './store.ts';

export interface OpenStoreOptions {
  /** DuckDB's `memory_limit` for this store (e.g. '1GB'). */
  readonly memoryLimit?: string;
  /** Analyses that may run at once, each on a connection of its own. */
  readonly readConnections?: number;
}

export async function openStore(target: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (/^clickhouse:\/\//i.test(target)) {
    throw new StintError(
      'STINT_STORE_UNREADABLE',
      `Cannot open ${target}: a ClickHouse store is not supported yet (it comes with the ClickHouse issue)`,
      'Use a DuckDB store for now: --db FILE',
    );
  }
  const path = target.startsWith('duckdb:') ? target.slice('duckdb:'.length) : target;
  return openDuckDBStore(path, options);
}
