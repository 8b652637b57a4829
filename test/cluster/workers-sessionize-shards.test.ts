/**
 * One worker per shard (`stint worker --shard K`) sessionizes what collectors wrote to a
 * two-shard cluster: with late events, and with workers killed (SIGKILL) at any point and
 * started again, the sessions are those of the same events imported at once into DuckDB.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRules } from '../../src/core/rules.ts';
import { pendingRows } from '../../src/store/clickhouse/pending.ts';
import { sessionizeShard } from '../../src/store/clickhouse/worker.ts';
import { type ClickHouseStore, openClickHouseStore } from '../../src/store/clickhouse-store.ts';
import { ROOT } from '../helpers/cli.ts';
import { type Cluster, runClusterTests, startCluster } from '../helpers/clickhouse-cluster.ts';
import { databaseAddress, storedSessions, warnWithoutCluster } from '../helpers/cluster-stores.ts';
import { lateBatches, trafficEvents } from '../helpers/pending-traffic.ts';
import { closeStores, freshStore, importEvents } from '../helpers/store.ts';

warnWithoutCluster('the shard workers are', 'test/cluster/workers-sessionize-shards.test.ts');

const RULES = createRules({ goals: ['purchase'] });
const EVENTS = trafficEvents(10);
let cluster: Cluster | undefined;
let reference: unknown[];

/** A new database on the cluster with the rules saved, as a collector leaves it. */
async function freshClusterStore(name: string): Promise<ClickHouseStore> {
  const store = await openClickHouseStore(databaseAddress(cluster!, name));
  await store.transaction((tx) => tx.saveRules(RULES, 0));
  return store;
}

const pendingCount = async (store: ClickHouseStore): Promise<number> =>
  Number((await store.rows(`SELECT count() AS n FROM events WHERE session_id = ''`))[0]!.n);

describe.skipIf(!runClusterTests)('shard workers', () => {
  beforeAll(async () => {
    cluster = await startCluster({ shards: 2 });
    const duck = await freshStore();
    await importEvents(duck, EVENTS, RULES);
    reference = await storedSessions(duck);
    closeStores();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('give the sessions of all the events at once, late events included', async () => {
    const store = await freshClusterStore('late');
    try {
      for (const [i, batch] of lateBatches(EVENTS, 4).entries()) {
        await store.insertRows('events', pendingRows(batch, Date.UTC(2026, 11, 1) + i));
        for (const shard of [1, 2]) while ((await sessionizeShard(store, shard, 400)).events > 0) {}
      }
      expect(await pendingCount(store)).toBe(0);
      expect(reference.length).toBeGreaterThan(500);
      expect(await storedSessions(store)).toEqual(reference);
    } finally {
      store.close();
    }
  }, 240_000);

  it('killed at any point and started again, write the same sessions', async () => {
    const store = await freshClusterStore('killed');
    try {
      await store.insertRows('events', pendingRows(EVENTS, Date.UTC(2026, 11, 1)));
      const worker = (shard: number, once: boolean): ChildProcess =>
        spawn(
          process.execPath,
          [
            join(ROOT, 'bin/stint.js'),
            'worker',
            '--store',
            store.path,
            '--shard',
            String(shard),
            '--batch',
            '150',
            '-q',
            ...(once ? ['--once'] : []),
          ],
          { stdio: 'ignore' },
        );
      // Four times, both workers are killed as soon as they have stored something, while they
      // go on with the next batch: a kill can land anywhere, between a batch's sessions and its
      // events included.
      for (let round = 0; round < 4; round++) {
        const before = await pendingCount(store);
        const running = [worker(1, false), worker(2, false)];
        await expect.poll(() => pendingCount(store), { timeout: 60_000, interval: 20 }).toBeLessThan(before);
        for (const p of running) p.kill('SIGKILL');
        await Promise.all(
          running.map((p) => new Promise((r) => (p.exitCode === null ? p.once('exit', r) : r(0)))),
        );
      }
      expect(await pendingCount(store)).toBeGreaterThan(0);
      const finish = [worker(1, true), worker(2, true)];
      const codes = await Promise.all(finish.map((p) => new Promise((r) => p.once('exit', r))));
      expect(codes).toEqual([0, 0]);
      expect(await pendingCount(store)).toBe(0);
      expect(await storedSessions(store)).toEqual(reference);
    } finally {
      store.close();
    }
  }, 240_000);
});
