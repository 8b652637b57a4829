/**
 * What the cluster tests share: saying loudly that a file is not run here, a new database's
 * address on a test cluster, every stored session of a store, and the CLI run in-process with
 * its success checked.
 *
 *   warnWithoutCluster('the shard workers', 'test/cluster/workers-sessionize-shards.test.ts');
 *   const target = databaseAddress(cluster, 'parity_1');
 *   expect(await storedSessions(target)).toEqual(await storedSessions(duck));
 */
import { expect } from 'vitest';
import { raw } from '../../src/sql/query.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';
import { stintHere } from './cli-in-process.ts';
import { type Cluster, clusterSkipReason, runClusterTests } from './clickhouse-cluster.ts';

/** Outside CI without clickhouse-server: says that `what` is NOT tested, and how to run `file`. */
export function warnWithoutCluster(what: string, file: string): void {
  if (runClusterTests) return;
  console.warn(
    `\n*** ${clusterSkipReason()}: ${what} NOT tested here. ***\n` +
      `*** Install clickhouse-server to run ${file}. ***\n`,
  );
}

/** The cluster's store address with another database: a new, empty store when first opened. */
export function databaseAddress(cluster: Cluster, database: string, change?: (url: URL) => void): string {
  const url = new URL(cluster.url.replace(/^clickhouse:/, 'http:'));
  url.pathname = `/${database}`;
  change?.(url);
  return url.toString().replace(/^http:/, 'clickhouse:');
}

/** Every stored session, every field, in session id order (identity_no is each store's own numbering). */
export async function storedSessions(from: string | Pick<Store, 'query' | 'dialect'>): Promise<unknown[]> {
  const store = typeof from === 'string' ? await openStore(from) : from;
  try {
    const rows = await store.query(store.dialect.compile(raw('SELECT * FROM sessions ORDER BY session_id')));
    return rows.map(({ identity_no: _, ...fields }) => JSON.parse(JSON.stringify(fields)));
  } finally {
    if (typeof from === 'string') (store as Store).close();
  }
}

/** `stint ARGS` in this process; fails the test unless it exits 0; its stdout. */
export async function cli(args: string[]): Promise<string> {
  const r = await stintHere(args);
  expect(r.code, `stint ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout;
}
