/**
 * A two-shard ClickHouse cluster (scripts/clickhouse-cluster.sh) gives the answers the default
 * DuckDB store gives: the same files imported into each with `stint import --store` and `--db`
 * give the same `stint report --json` and the same sessions, every field. The files: generated
 * traffic with users, properties and fraud-like visits, and real logs and a clickstream from
 * ../shared/data. Access-log visitors are kept as they are (--keep-ips) on both, since each
 * store hashes them with a random key of its own.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anomalyTrafficNdjson } from '../helpers/anomaly-traffic.ts';
import { type Cluster, runClusterTests, startCluster } from '../helpers/clickhouse-cluster.ts';
import { cli, databaseAddress, storedSessions, warnWithoutCluster } from '../helpers/cluster-stores.ts';

warnWithoutCluster('ClickHouse parity is', 'test/cluster/same-answers-as-duckdb.test.ts');

const DATA = join(import.meta.dirname, '../../../shared/data');
const dir = mkdtempSync(join(tmpdir(), 'stint-parity-'));

/** Each input: a name, its file, and the import flags both stores get. */
const INPUTS: readonly { name: string; file: () => string; flags: string[] }[] = [
  {
    name: 'generated traffic (NDJSON, users, properties, fraud-like visits)',
    file: () => {
      const path = join(dir, 'traffic.ndjson');
      writeFileSync(path, anomalyTrafficNdjson());
      return path;
    },
    flags: ['--goal', 'purchase'],
  },
  {
    name: 'the Elastic Apache log',
    file: () => join(DATA, 'elastic_apache_logs.log'),
    flags: ['--keep-ips'],
  },
  {
    name: 'the NASA access log',
    file: () => join(DATA, 'nasa_access_log_Aug95_head.log'),
    flags: ['--keep-ips'],
  },
  {
    name: 'the REES46 clickstream (CSV)',
    file: () => join(DATA, 'rees46_multicategory_2019-Oct_head.csv'),
    flags: ['--map', 'timestamp=event_time,event=event_type', '--goal', 'purchase'],
  },
];

let cluster: Cluster | undefined;

describe.skipIf(!runClusterTests)('a two-shard ClickHouse cluster and DuckDB', () => {
  beforeAll(async () => {
    cluster = await startCluster({ shards: 2 });
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('give the same report and sessions after stint delete and stint forget', async () => {
    const file = join(DATA, 'elastic_apache_logs.log');
    const duck = ['--db', join(dir, 'erased.duckdb')];
    const ch = ['--store', databaseAddress(cluster!, 'erased')];
    // The log's most frequent visitor without a user agent: 23 sessions.
    const visitor = '108.174.55.234';
    for (const store of [duck, ch]) {
      await cli(['import', file, '--keep-ips', ...store]);
      await cli(['delete', '--filter', 'path~xdotool', '--filter', 'user_agent~Chrome', ...store]);
      expect(await cli(['forget', '--identity', visitor, ...store])).toContain('23 sessions');
    }
    const sessions = await storedSessions(duck[1]!);
    expect(sessions.length).toBeGreaterThan(900);
    expect(await storedSessions(ch[1]!)).toEqual(sessions);
    expect(sessions.some((s) => (s as { identity: string }).identity === visitor)).toBe(false);
    const report = JSON.parse(await cli(['report', ...duck, '--json']));
    expect(JSON.parse(await cli(['report', ...ch, '--json']))).toEqual(report);
  }, 240_000);

  for (const [i, input] of INPUTS.entries()) {
    it(`give the same report and sessions for ${input.name}`, async () => {
      const file = input.file();
      const duck = join(dir, `parity-${i}.duckdb`);
      const ch = databaseAddress(cluster!, `parity_${i}`);
      await cli(['import', file, ...input.flags, '--db', duck]);
      await cli(['import', file, ...input.flags, '--store', ch]);
      const sessions = await storedSessions(duck);
      expect(sessions.length).toBeGreaterThan(50);
      expect(await storedSessions(ch)).toEqual(sessions);
      const report = JSON.parse(await cli(['report', '--db', duck, '--json']));
      expect(JSON.parse(await cli(['report', '--store', ch, '--json']))).toEqual(report);
    }, 240_000);
  }
});
