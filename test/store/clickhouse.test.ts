/**
 * The store contract (test/helpers/store-contract.ts) on the ClickHouse store: on a two-shard
 * cluster that scripts/clickhouse-cluster.sh starts, and on one server without a cluster (its
 * first node, addressed with `?cluster=none`). Each test gets a database of its own. Outside CI
 * it skips, loudly, when clickhouse-server is not installed; under CI=true it always runs.
 */
import { afterAll, beforeAll } from 'vitest';
import { openClickHouseStore } from '../../src/store/clickhouse-store.ts';
import {
  type Cluster,
  clusterSkipReason,
  runClusterTests,
  startCluster,
} from '../helpers/clickhouse-cluster.ts';
import { describeStoreContract } from '../helpers/store-contract.ts';

if (!runClusterTests) {
  console.warn(
    `\n*** ${clusterSkipReason()}: the ClickHouse store is NOT tested here. ***\n` +
      '*** Install clickhouse-server to run test/store/clickhouse.test.ts. ***\n',
  );
}

let cluster: Cluster | undefined;
let databases = 0;
/** The address of a new database on the cluster (`?cluster=none`: on its first node alone). */
const fresh = (query: (url: URL) => void) => () => {
  const url = new URL(cluster!.url.replace(/^clickhouse:/, 'http:'));
  url.pathname = `/contract_${databases++}`;
  query(url);
  return openClickHouseStore(url.toString().replace(/^http:/, 'clickhouse:'));
};

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
