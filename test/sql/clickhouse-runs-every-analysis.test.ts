/**
 * Every analysis runs on a real ClickHouse 18.16 (its own clickhouse-server on 127.0.0.1, own
 * ports and temp dirs) over the sessions and events a DuckDB store made, and gives what it
 * gives on DuckDB. Outside CI it skips, loudly, when clickhouse-server is not installed; under
 * CI=true it always runs.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRules } from '../../src/core/rules.ts';
import { clickhouse } from '../../src/sql/clickhouse.ts';
import { duckdb } from '../../src/sql/duckdb.ts';
import { raw, sql } from '../../src/sql/query.ts';
import type { Store } from '../../src/store/store.ts';
import { closeStores, storeWith } from '../helpers/store.ts';
import { type ClickHouse, clickhouseBinary, startClickHouse } from './clickhouse-server.ts';
import { EVENTS, everyAnalysis, recording } from './every-analysis.ts';

const binary = clickhouseBinary();
const inCi = process.env.CI === 'true';
if (binary === undefined && !inCi) {
  console.warn(
    '\n*** clickhouse-server is not installed: the ClickHouse dialect is NOT run here. ***\n' +
      '*** Install it (apt-get install clickhouse-server) to run test/sql/clickhouse-runs-every-analysis.test.ts. ***\n',
  );
}

/** Plain JSON, booleans as 0/1 (ClickHouse has no boolean type in 18.16). */
const plain = (x: unknown): unknown =>
  x === undefined
    ? undefined
    : JSON.parse(JSON.stringify(x, (_, v) => (typeof v === 'boolean' ? Number(v) : v)));

describe.skipIf(binary === undefined && !inCi)('ClickHouse 18.16 runs every analysis', () => {
  let store: Store;
  let ch: ClickHouse;
  beforeAll(async () => {
    if (binary === undefined)
      throw new Error('CI=true: clickhouse-server must be installed (apt-get install clickhouse-server)');
    store = await storeWith(EVENTS, createRules({}));
    ch = await startClickHouse(binary);
    const rows = async (q: string) =>
      (await store.query(duckdb.compile(raw(q)))).map((r) => plain(r) as Record<string, unknown>);
    await ch.insert(
      'sessions',
      await rows('SELECT * EXCLUDE (pages), coalesce(pages, []) AS pages FROM sessions'),
    );
    await ch.insert(
      'events',
      await rows(
        'SELECT seq, import_id, received_at, session_id, ts_ms, event, url, path, referrer, value, event_id, properties FROM events',
      ),
    );
  }, 120_000);
  afterAll(async () => {
    await ch?.stop();
    closeStores();
  });

  it('any text, inlined as a literal, comes back as the same value', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary' }).filter((t) => Buffer.from(t).toString() === t),
        fc.array(fc.string(), { maxLength: 3 }),
        async (text, list) => {
          const [row] = await ch.query(clickhouse.compile(sql`SELECT ${text} AS a, ${list} AS b`));
          expect(row).toEqual({ a: text, b: list });
        },
      ),
      { numRuns: 50 },
    );
  });

  const names = everyAnalysis(recording(clickhouse)).map(([name]) => name);
  it.each(names)('%s', async (name) => {
    const onClickHouse = recording(clickhouse, (q) => ch.query(q));
    const onDuckDB = recording(duckdb, (q) => store.query(q));
    const [, runCh] = everyAnalysis(onClickHouse).find(([n]) => n === name)!;
    const [, runDuck] = everyAnalysis(onDuckDB).find(([n]) => n === name)!;
    expect(plain(await runCh())).toEqual(plain(await runDuck()));
  });
});
