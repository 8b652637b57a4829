/**
 * The sql template: values are bound (DuckDB) or escaped literals (ClickHouse), never SQL text;
 * fragments compose; identifier takes only known names; raw is the one explicit way in.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clickhouse, literal } from '../../src/sql/clickhouse.ts';
import { duckdb } from '../../src/sql/duckdb.ts';
import { identifier, join, KNOWN_NAMES, raw, sql } from '../../src/sql/query.ts';

describe('sql template', () => {
  it('binds every interpolated value as a parameter, in order', () => {
    const who = "x' OR '1'='1";
    const q = duckdb.compile(
      sql`SELECT * FROM sessions WHERE identity = ${who} AND start_ms >= ${10n} LIMIT ${5}`,
    );
    expect(q).toEqual({
      sql: 'SELECT * FROM sessions WHERE identity = $1 AND start_ms >= $2 LIMIT $3',
      params: [who, 10n, 5],
    });
  });

  it('no value, whatever its text, becomes SQL text (DuckDB)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.array(fc.string(), { maxLength: 3 }), (text, list) => {
        const q = duckdb.compile(sql`SELECT ${text} AS a, ${list} AS b`);
        expect(q.sql).toBe('SELECT $1 AS a, $2 AS b');
        expect(q.params).toEqual([text, list]);
      }),
    );
  });

  it('composes nested fragments, numbering their values in order', () => {
    const cond = (v: string) => sql`source = ${v}`;
    const where = join([cond('a'), cond('b')], raw(' OR '));
    const q = duckdb.compile(sql`SELECT count(*) FROM sessions WHERE ${where} AND pageviews > ${1}`);
    expect(q.sql).toBe('SELECT count(*) FROM sessions WHERE source = $1 OR source = $2 AND pageviews > $3');
    expect(q.params).toEqual(['a', 'b', 1]);
    // A fragment used twice binds its values twice.
    expect(duckdb.compile(sql`${cond('x')} AND ${cond('x')}`).params).toEqual(['x', 'x']);
  });

  it('refuses values it cannot bind (undefined, NaN, objects)', () => {
    expect(() => sql`${Number.NaN as number}`).toThrow(/cannot bind/);
    expect(() => sql`${undefined as unknown as string}`).toThrow(/cannot bind/);
    expect(() => sql`${{} as unknown as string}`).toThrow(/cannot bind/);
  });

  it('identifier takes only the known table and column names', () => {
    expect(duckdb.compile(sql`SELECT ${identifier('entry_page')} FROM ${identifier('sessions')}`)).toEqual({
      sql: 'SELECT entry_page FROM sessions',
      params: [],
    });
    for (const name of ['entry_page; DROP TABLE sessions', 'stint_meta', '"sessions"', 'Sessions', '']) {
      expect(() => identifier(name), name).toThrow(/not a known table or column/);
    }
    expect(KNOWN_NAMES.has('session_id')).toBe(true);
  });

  it('raw is the explicit way to write text into SQL', () => {
    expect(duckdb.compile(sql`SELECT ${raw('1 + 1')} AS two`)).toEqual({
      sql: 'SELECT 1 + 1 AS two',
      params: [],
    });
    // The same text as a value stays a value.
    expect(duckdb.compile(sql`SELECT ${'1 + 1'} AS two`)).toEqual({
      sql: 'SELECT $1 AS two',
      params: ['1 + 1'],
    });
  });
});

describe('ClickHouse literals (18.16 has no query parameters)', () => {
  it('inlines values as escaped literals and carries no parameters', () => {
    const q = clickhouse.compile(
      sql`SELECT ${"it's \\ a"} AS a, ${-5} AS b, ${12n} AS c, ${['x', "y'"]} AS d`,
    );
    expect(q).toEqual({
      sql: "SELECT 'it\\'s \\\\ a' AS a, (-5) AS b, 12 AS c, ['x', 'y\\''] AS d",
      params: [],
    });
  });

  it('a string literal is quoted, with no unescaped quote or backslash inside', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const lit = literal(text);
        expect(lit.startsWith("'") && lit.endsWith("'")).toBe(true);
        // Inside, every ' and \ is escaped: removing escape pairs leaves neither.
        const body = lit.slice(1, -1).replace(/\\./gs, '');
        expect(body).not.toMatch(/['\\]/);
        expect(lit).not.toMatch(/[\x00-\x1f]/);
      }),
    );
  });
});
