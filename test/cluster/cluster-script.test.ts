/**
 * scripts/clickhouse-cluster.sh makes a working two-shard ClickHouse 18.16 cluster: the nodes
 * know each other as `stint`, a Distributed table spreads rows over them, and one shard can be
 * stopped and started again with its data. Outside CI it skips, loudly, when clickhouse-server
 * is not installed; under CI=true it always runs.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClickHouseQueryError,
  type Cluster,
  runClusterScript,
  runClusterTests,
  startCluster,
} from '../helpers/clickhouse-cluster.ts';
import { warnWithoutCluster } from '../helpers/cluster-stores.ts';

warnWithoutCluster('the ClickHouse cluster is', 'test/cluster/cluster-script.test.ts');

/** Pids of the processes whose command line names this folder (the cluster's servers). */
const processesOf = (dir: string): number[] =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`--config-file=${dir}/`);
      } catch {
        return false; // ended while we looked
      }
    })
    .map(Number);

describe('clickhouse-cluster.sh without a cluster', () => {
  it('--help and no arguments print the usage and exit 0', async () => {
    for (const args of [['--help'], [], ['start', '--help']]) {
      const run = await runClusterScript(args);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: scripts\/clickhouse-cluster\.sh COMMAND/);
    }
  });

  it('an unknown option or command exits non-zero and names it', async () => {
    const option = await runClusterScript(['start', '--shardz', '3']);
    expect(option.code).not.toBe(0);
    expect(option.stderr).toContain("unknown option '--shardz' for start (see --help)");
    const command = await runClusterScript(['launch']);
    expect(command.code).not.toBe(0);
    expect(command.stderr).toContain("unknown command 'launch'");
  });

  it('a missing clickhouse-server is named with its install command, and nothing is made', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'stint-cluster-')), 'c');
    try {
      const run = await runClusterScript(['start', '--dir', dir], {
        CLICKHOUSE_SERVER: '/nonexistent/clickhouse-server',
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('install it: apt-get install clickhouse-server');
      expect(existsSync(dir)).toBe(false);
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });

  it('status on a folder with no cluster exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stint-cluster-'));
    try {
      const run = await runClusterScript(['status', '--dir', dir]);
      expect(run.code).toBe(2);
      expect(run.stdout).toContain(`no cluster in ${dir}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!runClusterTests)('a two-shard cluster from clickhouse-cluster.sh', () => {
  let cluster: Cluster;
  const ROWS = 200;
  const localCount = async (shard: number) =>
    Number((await cluster.query('SELECT count() AS n FROM stint.t_local', shard))[0]?.n);
  const insertSync = (values: string) =>
    cluster.query(`INSERT INTO stint.t_dist (k, v) VALUES ${values}`, 1, { insert_distributed_sync: 1 });

  beforeAll(async () => {
    cluster = await startCluster({ shards: 2 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('prints the store URL with every shard’s HTTP address, and keeps it in DIR/url', () => {
    const [one, two] = cluster.shards;
    expect(cluster.url).toBe(
      `clickhouse://127.0.0.1:${one?.http}/stint?shards=127.0.0.1:${one?.http},127.0.0.1:${two?.http}`,
    );
    expect(readFileSync(join(cluster.dir, 'url'), 'utf8').trim()).toBe(cluster.url);
  });

  it('every node knows the cluster stint, one replica per shard', async () => {
    for (const shard of [1, 2]) {
      const rows = await cluster.query(
        "SELECT shard_num, host_address, port FROM system.clusters WHERE cluster = 'stint' ORDER BY shard_num",
        shard,
      );
      expect(rows).toEqual(
        cluster.shards.map((s, i) => ({ shard_num: i + 1, host_address: '127.0.0.1', port: s.tcp })),
      );
    }
  });

  it('a Distributed table spreads synchronous inserts over both shards and counts them all', async () => {
    for (const shard of [1, 2]) {
      await cluster.query(
        'CREATE TABLE stint.t_local (k String, v UInt32) ENGINE = MergeTree ORDER BY k',
        shard,
      );
      await cluster.query(
        'CREATE TABLE stint.t_dist AS stint.t_local ENGINE = Distributed(stint, stint, t_local, cityHash64(k))',
        shard,
      );
    }
    await insertSync(Array.from({ length: ROWS }, (_, i) => `('key-${i}', ${i})`).join(', '));
    const [one, two] = [await localCount(1), await localCount(2)];
    expect(one).toBeGreaterThan(0);
    expect(two).toBeGreaterThan(0);
    expect(one + two).toBe(ROWS);
    expect(await cluster.query('SELECT count() AS n FROM stint.t_dist', 2)).toEqual([{ n: ROWS }]);
  });

  it('status exits 0 with every shard up and the URL last', async () => {
    const run = await cluster.status();
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^shard 1 up .*\nshard 2 up /m);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(cluster.url);
  });

  it('a stopped shard is down and fails synchronous inserts; started again, it has its data', async () => {
    const before = await localCount(2);
    await cluster.stopShard(2);
    const status = await cluster.status();
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/^shard 2 down /m);

    // ClickHouse 18.16 opens a connection to every shard for a synchronous insert, so even a row
    // that hashes to shard 1 (cityHash64('a') % 2 = 0) fails, and writes nothing:
    // Code 210, "Connection refused (127.0.0.1:TCP_2)"; the collector answers 503 for it.
    const failure = await insertSync("('a', 0)").catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ClickHouseQueryError);
    expect(failure).toMatchObject({ status: 500, code: 210 });
    expect((failure as ClickHouseQueryError).text).toContain(
      `Connection refused (127.0.0.1:${cluster.shards[1]?.tcp})`,
    );

    await cluster.startShard(2);
    expect((await cluster.status()).code).toBe(0);
    expect(await localCount(2)).toBe(before);
    expect(await cluster.query('SELECT count() AS n FROM stint.t_dist')).toEqual([{ n: ROWS }]);
  });

  it('stop leaves no server of its folder running and deletes the folder', async () => {
    expect(processesOf(cluster.dir)).toHaveLength(2);
    await cluster.stop();
    expect(processesOf(cluster.dir)).toEqual([]);
    expect(existsSync(cluster.dir)).toBe(false);
  });
});
