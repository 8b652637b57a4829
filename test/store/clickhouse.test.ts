/**
 * The store contract (test/helpers/store-contract.ts) on the ClickHouse store: on a two-shard
 * cluster that scripts/clickhouse-cluster.sh starts, and on one server without a cluster (its
 * first node, addressed with `?cluster=none`). Each test gets a database of its own. Outside CI
 * it skips, loudly, when clickhouse-server is not installed; under CI=true it always runs.
 */
import { afterAll, beforeAll } from 'vitest';
import { openClickHouseStore } from '../../src/store/clickhouse-store.ts';
import { type Cluster, runClusterTests, startCluster } from '../helpers/clickhouse-cluster.ts';
import { databaseAddress, warnWithoutCluster } from '../helpers/cluster-stores.ts';
import { describeStoreContract } from '../helpers/store-contract.ts';

warnWithoutCluster('the ClickHouse store is', 'test/store/clickhouse.test.ts');

let cluster: Cluster | undefined;
let databases = 0;
/** The address of a new database on the cluster (`?cluster=none`: on its first node alone). */
const fresh = (change: (url: URL) => void) => () =>
  openClickHouseStore(databaseAddress(cluster!, `contract_${databases++}`, change));

if (runClusterTests) {
  beforeAll(async () => {
    cluster = await startCluster({ shards: 2 });
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  describeStoreContract(
    'ClickHouse, two shards',
    fresh(() => {}),
  );
  describeStoreContract(
    'ClickHouse, one server',
    fresh((url) => {
      url.searchParams.set('cluster', 'none');
      url.searchParams.delete('shards');
    }),
  );
}
