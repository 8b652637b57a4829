/**
 * The one way to open a store: by a target `duckdb:FILE` (or a plain file name, DuckDB) or
 * `clickhouse://HOST:PORT/DATABASE` (clickhouse-store.ts: one server, or a sharded cluster).
 *
 *   const store = await openStore('duckdb:stint.duckdb');
 */
import { openClickHouseStore } from './clickhouse-store.ts';
import { openDuckDBStore } from './duckdb-store.ts';
import type { Store } from './store.ts';

export interface OpenStoreOptions {
  /** DuckDB's `memory_limit` for this store (e.g. '1GB'). */
  readonly memoryLimit?: string;
  /** Analyses that may run at once, each on a connection of its own. */
  readonly readConnections?: number;
}

export async function openStore(target: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (/^clickhouse:\/\//i.test(target)) return openClickHouseStore(target);
  const path = target.startsWith('duckdb:') ? target.slice('duckdb:'.length) : target;
  return openDuckDBStore(path, options);
}
