/**
 * `stint serve --store clickhouse://…` on a two-shard cluster: stateless collectors. Two of
 * them (each its own data directory with the same registry) take events of one visitor and the
 * same retried event: one session, the retry counted once. With a shard stopped they answer 503
 * with Retry-After and store nothing; sent again once it is back, each event lands once. A
 * cookieless visitor gets one id at both: they share the daily salt through the store.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../src/server/app.ts';
import { resolveConfig } from '../../src/server/config.ts';
import { REGISTRY_FILE } from '../../src/server/registry/file.ts';
import { siteAddress } from '../../src/store/clickhouse/target.ts';
import { sessionizeShard } from '../../src/store/clickhouse/worker.ts';
import { type ClickHouseStore, openClickHouseStore } from '../../src/store/clickhouse-store.ts';
import { type Cluster, runClusterTests, startCluster } from '../helpers/clickhouse-cluster.ts';
import { databaseAddress, warnWithoutCluster } from '../helpers/cluster-stores.ts';
import { CHROME, closeServers, startTestServer, type TestServer } from '../helpers/server.ts';

warnWithoutCluster('collectors on a ClickHouse cluster are', 'test/cluster/collectors-on-a-cluster.test.ts');

let cluster: Cluster | undefined;
let databases = 0;
/** The second collectors, closed after each test. */
const extra: { close(): Promise<void> }[] = [];
const T0 = Date.UTC(2026, 10, 20, 9);
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

/** Two collectors on one new database prefix: the second has a copy of the first's registry. */
async function twoCollectors(): Promise<[TestServer, TestServer, string]> {
  const store = databaseAddress(cluster!, `collect${databases++}`);
  const a = await startTestServer({ STINT_STORE: store });
  const dir = mkdtempSync(join(tmpdir(), 'stint-serve-'));
  copyFileSync(join(a.dir, REGISTRY_FILE), join(dir, REGISTRY_FILE));
  const config = resolveConfig({ data: dir }, { STINT_LOG_LEVEL: 'silent', STINT_STORE: store });
  const server = await createServer(config, { logger: false });
  const b: TestServer = {
    ...a,
    server,
    app: server.app,
    dir,
    config,
    post: (body, headers) =>
      server.app.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: { 'content-type': 'application/json', ...(headers ?? a.auth(a.sites.shop.writeKey)) },
        payload: JSON.stringify(body),
      }),
  };
  extra.push(server);
  return [a, b, siteAddress(store, 'shop')];
}

/** The site's store, with every shard's worker run until nothing is left without a session. */
async function sessionized(address: string): Promise<ClickHouseStore> {
  const store = await openClickHouseStore(address);
  for (const shard of [1, 2]) while ((await sessionizeShard(store, shard)).events > 0) {}
  return store;
}

describe.skipIf(!runClusterTests)('collectors on a two-shard cluster', () => {
  beforeAll(async () => {
    cluster = await startCluster({ shards: 2 });
  }, 120_000);
  afterEach(async () => {
    for (const s of extra.splice(0)) await s.close();
    await closeServers();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('make one session of a visitor they both take, and count a retry they both take once', async () => {
    const [a, b, address] = await twoCollectors();
    const event = (minutes: number, id: string, url: string) => ({
      anonymous_id: 'v1',
      timestamp: at(minutes),
      url,
      event_id: id,
    });
    expect((await a.post(event(0, 'e1', '/'))).statusCode).toBe(200);
    expect((await b.post(event(5, 'e2', '/pricing'))).statusCode).toBe(200);
    const retried = event(9, 'e3', '/signup');
    const answers = await Promise.all([a.post(retried), b.post(retried), a.post(retried)]);
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    const store = await sessionized(address);
    try {
      const sessions = await store.rows(
        'SELECT identity, events, pageviews, entry_page, exit_page FROM sessions',
      );
      expect(sessions).toEqual([
        { identity: 'v1', events: 3, pageviews: 3, entry_page: '/', exit_page: '/signup' },
      ]);
      const [count] = await store.rows('SELECT count() AS n FROM events');
      expect(count!.n).toBe(3);
    } finally {
      store.close();
    }
  }, 120_000);

  it('give a cookieless visitor one id at both: they share the daily salt', async () => {
    const [a, b, address] = await twoCollectors();
    const headers = { ...a.auth(a.sites.shop.writeKey), 'user-agent': CHROME };
    // No anonymous_id: the collector makes one from the salt, the address and the user agent.
    expect((await a.post({ timestamp: at(0), url: '/', event_id: 'c1' }, headers)).statusCode).toBe(200);
    expect((await b.post({ timestamp: at(3), url: '/docs', event_id: 'c2' }, headers)).statusCode).toBe(200);
    const store = await sessionized(address);
    try {
      const sessions = await store.rows('SELECT events FROM sessions');
      expect(sessions).toEqual([{ events: 2 }]);
    } finally {
      store.close();
    }
  }, 120_000);

  it('answer 503 with Retry-After while a shard is down; events sent again land once', async () => {
    const [a, , address] = await twoCollectors();
    // Twenty visitors: some on each shard.
    const events = Array.from({ length: 20 }, (_, i) => ({
      anonymous_id: `visitor-${i}`,
      timestamp: at(i),
      url: `/page/${i % 3}`,
      event_id: `down-${i}`,
    }));
    expect((await a.post({ anonymous_id: 'first', timestamp: at(0), event_id: 'first' })).statusCode).toBe(
      200,
    );
    await cluster!.stopShard(2);
    try {
      const refused = await a.post({ events });
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['retry-after']).toBeDefined();
      expect(refused.json().error.code).toBe('store_unavailable');
    } finally {
      await cluster!.startShard(2);
    }
    const again = await a.post({ events });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ accepted: 20, duplicates: 0 });
    const store = await sessionized(address);
    try {
      const [row] = await store.rows(
        `SELECT count() AS n, uniqExact(event_id) AS ids FROM events WHERE event_id LIKE 'down-%'`,
      );
      expect(row).toEqual({ n: 20, ids: 20 });
      const [sessions] = await store.rows('SELECT count() AS n FROM sessions');
      expect(sessions!.n).toBe(21);
    } finally {
      store.close();
    }
  }, 180_000);
});
