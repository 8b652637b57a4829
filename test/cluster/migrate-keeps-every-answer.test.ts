/**
 * `stint migrate --from duckdb:FILE --to clickhouse://…` moves a store into a two-shard cluster
 * (scripts/clickhouse-cluster.sh) so that it answers as the DuckDB file did: the same `stint
 * report --json` and the same sessions, every field, for the Elastic log (visitors hashed, the
 * default) and generated traffic. A log imported into both afterwards still gives the same
 * report, which it only does if the access-log identity key moved. A target that holds data is
 * refused; a missing source and a wrong address say what to give instead.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateStore } from '../../src/store/migrate.ts';
import { anomalyTrafficNdjson } from '../helpers/anomaly-traffic.ts';
import { stintHere } from '../helpers/cli-in-process.ts';
import { type Cluster, runClusterTests, startCluster } from '../helpers/clickhouse-cluster.ts';
import { cli, databaseAddress, storedSessions, warnWithoutCluster } from '../helpers/cluster-stores.ts';

warnWithoutCluster('stint migrate is', 'test/cluster/migrate-keeps-every-answer.test.ts');

const DATA = join(import.meta.dirname, '../../../shared/data');
const dir = mkdtempSync(join(tmpdir(), 'stint-migrate-'));

let cluster: Cluster | undefined;

/** The cluster's address with another database: a new, empty store. */
function database(name: string): string {
  return databaseAddress(cluster!, name);
}

/** Both stores give the same sessions and the same report. */
async function expectSameAnswers(duck: string, ch: string, atLeast: number): Promise<void> {
  const sessions = await storedSessions(`duckdb:${duck}`);
  expect(sessions.length).toBeGreaterThan(atLeast);
  expect(await storedSessions(ch)).toEqual(sessions);
  const report = JSON.parse(await cli(['report', '--db', duck, '--json']));
  expect(JSON.parse(await cli(['report', '--store', ch, '--json']))).toEqual(report);
}

describe.skipIf(!runClusterTests)('stint migrate into a two-shard ClickHouse cluster', () => {
  beforeAll(async () => {
    cluster = await startCluster({ shards: 2 });
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('keeps every answer of the Elastic log, and a later log hashes its visitors as before', async () => {
    const duck = join(dir, 'elastic.duckdb');
    const ch = database('elastic');
    await cli(['import', join(DATA, 'elastic_apache_logs.log'), '--db', duck]);
    const out = await cli(['migrate', '--from', `duckdb:${duck}`, '--to', ch]);
    expect(out).toMatch(/^ {2}events +1,852 → 1,852 {2}✓$/m);
    expect(out).toMatch(/^ {2}store values +2 → 2 {2}✓$/m);
    expect(out).not.toContain('differs');
    await expectSameAnswers(duck, ch, 1_000);
    // Hashed with the moved key, the NASA log's visitors match on both sides.
    const nasa = join(DATA, 'nasa_access_log_Aug95_head.log');
    await cli(['import', nasa, '--db', duck]);
    await cli(['import', nasa, '--store', ch]);
    await expectSameAnswers(duck, ch, 1_100);
  }, 240_000);

  it('keeps every answer of generated traffic with a goal, and says so as JSON', async () => {
    const file = join(dir, 'traffic.ndjson');
    writeFileSync(file, anomalyTrafficNdjson());
    const duck = join(dir, 'traffic.duckdb');
    const ch = database('traffic');
    await cli(['import', file, '--goal', 'purchase', '--db', duck]);
    const moved = JSON.parse(await cli(['migrate', '--from', `duckdb:${duck}`, '--to', ch, '--json']));
    expect(moved.same).toBe(true);
    expect(moved.rows.events).toBeGreaterThan(250);
    expect(moved.checks.map((c: { name: string }) => c.name)).toContain('events of sessions');
    await expectSameAnswers(duck, ch, 50);
  }, 240_000);

  it('keeps an event that an earlier import repeats exactly, without an event_id', async () => {
    const line = (ts: string, path: string) =>
      `${JSON.stringify({ timestamp: ts, anonymous_id: 'd1', event: 'pageview', url: `https://shop.test${path}` })}\n`;
    const first = join(dir, 'first.ndjson');
    const again = join(dir, 'again.ndjson');
    writeFileSync(first, line('2026-03-01T10:00:00Z', '/') + line('2026-03-01T10:01:00Z', '/cart'));
    // One more event, then the same two: another file (not a grown one), so DuckDB keeps all five.
    writeFileSync(
      again,
      line('2026-03-01T10:02:00Z', '/checkout') +
        line('2026-03-01T10:00:00Z', '/') +
        line('2026-03-01T10:01:00Z', '/cart'),
    );
    const duck = join(dir, 'repeats.duckdb');
    const ch = database('repeats');
    await cli(['import', first, '--db', duck]);
    await cli(['import', again, '--db', duck]);
    // Two rows a batch: the keys are counted on across batches, as across one import's events.
    const moved = await migrateStore({ from: `duckdb:${duck}`, to: ch, batchRows: 2 });
    expect(moved.rows.events).toBe(5);
    expect(moved.checks.find((c) => c.name === 'events')).toMatchObject({ source: '5', target: '5' });
    expect(moved.checks.every((c) => c.same)).toBe(true);
    await expectSameAnswers(duck, ch, 0);
  }, 120_000);

  it('refuses a target that already holds a store, and names a new database as the fix', async () => {
    const duck = join(dir, 'twice.duckdb');
    const ch = database('twice');
    await cli(['import', join(DATA, 'nasa_access_log_Aug95_head.log'), '--db', duck]);
    await cli(['migrate', '--from', `duckdb:${duck}`, '--to', ch]);
    const again = await stintHere(['migrate', '--from', `duckdb:${duck}`, '--to', ch]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds 657 events, 181 sessions/);
    expect(again.stderr).toMatch(/hint: Name a new database in the address/);
    // Nothing was added: the store still answers as before.
    await expectSameAnswers(duck, ch, 100);
  }, 120_000);
});

describe('stint migrate, before it reaches any server', () => {
  it('says there is no store at a missing source, and how to name one', async () => {
    const r = await stintHere([
      'migrate',
      '--from',
      `duckdb:${join(dir, 'missing.duckdb')}`,
      '--to',
      'clickhouse://127.0.0.1:1/new',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No store at .*missing\.duckdb/);
    expect(r.stderr).toMatch(/hint: Name the DuckDB store to move: --from duckdb:FILE/);
  });

  it('refuses a target that is not a ClickHouse address, and a source that is not DuckDB', async () => {
    const file = await stintHere(['migrate', '--from', 'a.duckdb', '--to', 'b.duckdb']);
    expect(file.code).toBe(1);
    expect(file.stderr).toMatch(/--to is not valid: b\.duckdb is not a ClickHouse store address/);
    const ch = 'clickhouse://127.0.0.1:1/x';
    const from = await stintHere(['migrate', '--from', ch, '--to', ch]);
    expect(from.code).toBe(1);
    expect(from.stderr).toMatch(/--from is not valid: .* is not a DuckDB store/);
  });

  it('--help says what moves, what the target must be, and shows examples', async () => {
    const r = await stintHere(['migrate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--from <store> +the DuckDB store to move: duckdb:FILE/);
    expect(r.stdout).toMatch(/--to <address>/);
    expect(r.stdout).toMatch(/identity key/);
    expect(r.stdout).toMatch(/must hold no events or sessions/);
    expect(r.stdout).toMatch(/Examples:\n {2}stint migrate --from duckdb:/);
  });
});
