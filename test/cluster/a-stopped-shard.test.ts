/**
 * A stopped shard of a two-shard cluster: `stint import` fails with one clear line and the way
 * back, and once the shard is started again, running the same import again gives the store
 * DuckDB's answers, with no event counted twice.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stintHere } from '../helpers/cli-in-process.ts';
import { type Cluster, runClusterTests, startCluster } from '../helpers/clickhouse-cluster.ts';
import { warnWithoutCluster } from '../helpers/cluster-stores.ts';

warnWithoutCluster('a stopped shard is', 'test/cluster/a-stopped-shard.test.ts');

const LOG = join(import.meta.dirname, '../../../shared/data/elastic_apache_logs.log');
let cluster: Cluster | undefined;

describe.skipIf(!runClusterTests)('a stopped shard', () => {
  beforeAll(async () => {
    cluster = await startCluster({ shards: 2 });
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('fails an import clearly; the same import once it is back stores each event once', async () => {
    const store = cluster!.url;
    // The store's tables are made while every shard answers.
    expect((await stintHere(['report', '--store', store, '--json'])).code).toBe(0);
    await cluster!.stopShard(2);
    const failed = await stintHere(['import', LOG, '--keep-ips', '--store', store]);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/does not answer/);
    expect(failed.stderr).toContain('scripts/clickhouse-cluster.sh start');
    await cluster!.startShard(2);
    expect((await stintHere(['import', LOG, '--keep-ips', '--store', store])).code).toBe(0);
    const duck = join(mkdtempSync(join(tmpdir(), 'stint-shard-')), 'd.duckdb');
    expect((await stintHere(['import', LOG, '--keep-ips', '--db', duck])).code).toBe(0);
    const report = async (flags: string[]) =>
      JSON.parse((await stintHere(['report', ...flags, '--json'])).stdout);
    expect(await report(['--store', store])).toEqual(await report(['--db', duck]));
  }, 240_000);
});
