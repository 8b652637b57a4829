/**
 * Every analysis runs on a real ClickHouse 18.16 (its own clickhouse-server on 127.0.0.1, own
 * ports and temp dirs) over the sessions and events a DuckDB store made, and gives what it
 * gives on DuckDB; so do the primitives that stand in for window functions and CTEs. Outside CI it skips, loudly, when clickhouse-server is not installed; under
 * CI=true it always runs.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRules } from '../../src/core/rules.ts';
import { clickhouse } from '../../src/sql/clickhouse.ts';
import { duckdb } from '../../src/sql/duckdb.ts';
import { join, raw, type Sql, sql } from '../../src/sql/query.ts';
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
        'SELECT seq, import_id, received_at, session_id, ts_ms, anonymous_id, user_id, event, url, path, referrer, timezone, country, user_agent, value, event_id, properties FROM events',
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

  it('withNext gives each row the next value of its partition, as a plain walk does', async () => {
    const rowArb = fc.record({
      p: fc.constantFrom('a', 'b', 'c'),
      t: fc.integer({ min: 0, max: 5 }),
      v: fc.integer({ min: -1000, max: 1000 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 1, maxLength: 30 }), async (drawn) => {
        // `u` breaks ties in `t`, as seq does for events at one millisecond.
        const rows = drawn.map((r, u) => ({ ...r, u }));
        const expected = rows
          .map((r) => {
            const later = rows
              .filter((x) => x.p === r.p && (x.t > r.t || (x.t === r.t && x.u > r.u)))
              .sort((x, y) => x.t - y.t || x.u - y.u);
            return { p: r.p, u: r.u, v: r.v, next_v: later[0]?.v ?? null };
          })
          .sort((x, y) => x.u - y.u);
        for (const [d, run] of [
          [clickhouse, (q: Sql) => ch.query(clickhouse.compile(q))],
          [duckdb, (q: Sql) => store.query(duckdb.compile(q))],
        ] as const) {
          const from = join(
            rows.map(
              (r) =>
                sql`SELECT ${r.p} AS p, ${d.int64(sql`${r.t}`)} AS t, ${d.int64(sql`${r.u}`)} AS u, ${d.int64(sql`${r.v}`)} AS v`,
            ),
            raw(' UNION ALL '),
          );
          const next = d.withNext(sql`(${from})`, {
            columns: ['p', 't', 'u', 'v'],
            partition: 'p',
            order: ['t', 'u'],
            of: 'v',
          });
          const found = await run(sql`SELECT p, u, v, next_v FROM ${next} n ORDER BY u`);
          expect(
            plain(
              found.map((r) => ({
                ...r,
                u: Number(r.u),
                v: Number(r.v),
                next_v: r.next_v === null ? null : Number(r.next_v),
              })),
            ),
          ).toEqual(expected);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('tables: a named subquery may use an earlier one, and the body uses both', async () => {
    for (const [d, run] of [
      [clickhouse, (q: Sql) => ch.query(clickhouse.compile(q))],
      [duckdb, (q: Sql) => store.query(duckdb.compile(q))],
    ] as const) {
      const q = d.tables((define) => {
        const small = define('small', sql`SELECT session_id, events FROM sessions WHERE events <= ${3}`);
        const pair = define('pair', sql`SELECT session_id FROM ${small} s WHERE events = ${2}`);
        return sql`SELECT (SELECT count(*) FROM ${small} a) AS small, (SELECT count(*) FROM ${pair} b) AS pair`;
      });
      const [expected] = await store.query(
        duckdb.compile(
          sql`SELECT ${duckdb.countIf(sql`events <= 3`)} AS small, ${duckdb.countIf(sql`events = 2`)} AS pair FROM sessions`,
        ),
      );
      const [row] = await run(q);
      expect({ small: Number(row!.small), pair: Number(row!.pair) }).toEqual({
        small: Number(expected!.small),
        pair: Number(expected!.pair),
      });
      expect(Number(expected!.pair)).toBeGreaterThan(0);
    }
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
