/**
 * Every analysis compiles for both dialects: the DuckDB side runs against a real store (and
 * binds every value), the ClickHouse side compiles with values as escaped literals and no
 * DuckDB-only syntax. test/sql/clickhouse-runs-every-analysis.test.ts runs the ClickHouse side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRules } from '../../src/core/rules.ts';
import { clickhouse } from '../../src/sql/clickhouse.ts';
import { duckdb } from '../../src/sql/duckdb.ts';
import type { Store } from '../../src/store/store.ts';
import { closeStores, storeWith } from '../helpers/store.ts';
import { EVENTS, everyAnalysis, recording } from './every-analysis.ts';

let store: Store;
beforeAll(async () => {
  store = await storeWith(EVENTS, createRules({}));
});
afterAll(closeStores);

describe('every analysis compiles for DuckDB and runs on a real store', () => {
  const names = everyAnalysis(recording(duckdb)).map(([name]) => name);
  it.each(names)('%s', async (name) => {
    const runner = recording(duckdb, (q) => store.query(q));
    const [, run] = everyAnalysis(runner).find(([n]) => n === name)!;
    await run();
    expect(runner.ran.length).toBeGreaterThan(0);
    for (const q of runner.ran) {
      expect(q.sql).not.toMatch(/\$\d+\s*\$/);
      // Every placeholder has its value.
      const used = new Set([...q.sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
      expect(Math.max(0, ...used)).toBe(q.params.length);
    }
  });
});

describe('every analysis compiles for ClickHouse 18.16', () => {
  const names = everyAnalysis(recording(clickhouse)).map(([name]) => name);
  it.each(names)('%s', async (name) => {
    const runner = recording(clickhouse);
    const [, run] = everyAnalysis(runner).find(([n]) => n === name)!;
    await run();
    expect(runner.ran.length).toBeGreaterThan(0);
    for (const q of runner.ran) {
      expect(q.params).toEqual([]);
      // Nothing 18.16 lacks: window functions, FILTER, table CTEs, DuckDB list syntax, parameters.
      expect(q.sql).not.toMatch(
        /\bOVER\s*\(|\bFILTER\s*\(|^\s*WITH\b|\$\d|\{\w+:\w+\}|\[\d+:|::|\barg_min\b|\bunnest\(/i,
      );
    }
  });
});
