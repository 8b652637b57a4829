/**
 * The Parquet fast path (columns straight from DuckDB) against the record path (one record per
 * row through normalize and the builder): on files full of awkward values, both must give the
 * same sessions, the same statistics and the same rejects, line for line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionizeToColumns } from '../../src/core/batch.ts';
import { createRules, type SessionRules } from '../../src/core/rules.ts';
import { repeatedKeys } from '../../src/io/hash64-map.ts';
import { type LoadOptions, loadEvents, type RejectedRow } from '../../src/io/load-events.ts';
import { planParquetFastPath } from '../../src/io/parquet/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'stint-parquet-fast-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string): string => join(dir, name);

async function duck(sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(sql);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

// 5,000 rows (three DuckDB chunks): ties in time, padded and missing ids, every reject reason,
// campaigns in the URL and in columns, retried event_ids (also as numbers in file b).
const MAIN = `
  SELECT
    CASE WHEN i % 97 = 5 THEN NULL ELSE TIMESTAMP '2026-03-07 20:00:00' + to_seconds((i // 3) * 41) END AS "Timestamp",
    CASE WHEN i % 61 = 0 THEN '' WHEN i % 67 = 0 THEN NULL WHEN i % 11 = 0 THEN ' d' || (i % 40) || ' ' ELSE 'd' || (i % 40) END AS anonymous_id,
    CASE WHEN i % 5 = 0 THEN 'u' || (i % 9) WHEN i % 122 = 0 THEN '  ' END AS "User_ID",
    ['pageview', ' ', 'click', 'purchase', 'session_start', 'session_end', NULL, 'pageview'][1 + i % 8] AS event,
    CASE WHEN i % 13 = 0 THEN NULL WHEN i % 17 = 0 THEN ''
         WHEN i % 7 = 0 THEN 'https://x.example/p' || (i % 13) || '?utm_source=mail&utm_campaign=c' || (i % 3)
         ELSE 'https://x.example/p' || (i % 23) || '#top' END AS url,
    CASE WHEN i % 9 = 0 THEN 'https://ref.example/' END AS referrer,
    CASE WHEN i % 29 = 0 THEN 'ads' END AS utm_source,
    CASE WHEN i % 31 = 0 THEN 'term' END AS utm_term,
    ['Europe/Berlin', ' Asia/Tokyo ', '', NULL, 'Europe/Berlin', 'Mars/Olympus', 'UTC'][1 + (CASE WHEN i % 89 = 0 THEN 5 ELSE i % 5 END)] AS timezone,
    CASE WHEN i % 2 = 0 THEN 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36' ELSE 'curl/8.5' END AS user_agent,
    ['', '  ', '1e3', '0x10', ' 12 ', '3.5', NULL, '0'][1 + (CASE WHEN i % 83 = 0 THEN 1 ELSE i % 8 END)] AS value,
    CASE WHEN i % 101 = 0 THEN 'abc' END AS bad_value_marker,
    CASE WHEN i % 19 = 0 THEN NULL WHEN i % 23 = 0 THEN '' WHEN i % 10 = 3 THEN 'e' || (i - 1) ELSE 'e' || i END AS event_id,
    'k' || (i // 700) AS sid
  FROM range(5000) r(i)`;

const files = {
  main: file('main.parquet'),
  numbers: file('numbers.parquet'),
  native: file('native.parquet'),
  gz: file('main.parquet.gz'),
  doubleUrl: file('double-url.parquet'),
  textTime: file('text-time.parquet'),
  empty: file('empty.parquet'),
  old: file('old.parquet'),
  damaged: file('damaged.parquet'),
};

beforeAll(async () => {
  await duck(`COPY (${MAIN}) TO '${files.main}' (FORMAT parquet)`);
  // Integer ids, epoch seconds and milliseconds, NaN and infinite values, ids that repeat main's as numbers.
  await duck(`COPY (SELECT
      CASE WHEN i % 2 = 0 THEN 1772913600 + i * 60 ELSE 1772913600000 + i * 60000 END::BIGINT AS "when",
      CASE WHEN i % 37 = 0 THEN NULL ELSE 9007199254740993 + (i % 6) END::BIGINT AS uid,
      CASE WHEN i % 3 = 0 THEN 'd' || (i % 40) END AS anonymous_id,
      CASE WHEN i % 53 = 0 THEN 'NaN'::DOUBLE WHEN i % 59 = 0 THEN 'Infinity'::DOUBLE ELSE i / 4 END AS value,
      CASE WHEN i % 4 = 0 THEN 'e' || (i * 7) END AS event_id_text,
      (i * 7)::BIGINT AS event_id
    FROM range(2500) r(i)) TO '${files.numbers}' (FORMAT parquet)`);
  await duck(`COPY (SELECT
      (TIMESTAMPTZ '2026-03-07 21:00:00+01:00' + to_seconds(i * 13))::TIMESTAMPTZ AS timestamp,
      'n' || (i % 17) AS anonymous_id, 'purchase' AS event, 'https://shop.example/buy?utm_medium=cpc' AS url
    FROM range(300) r(i)) TO '${files.native}' (FORMAT parquet)`);
  await duck(
    `COPY (SELECT 1772913600000::BIGINT AS timestamp, 'a' AS anonymous_id, 1.5::DOUBLE AS url) TO '${files.doubleUrl}' (FORMAT parquet)`,
  );
  await duck(
    `COPY (SELECT '2026-03-07T20:00:00Z' AS timestamp, 'a' AS anonymous_id) TO '${files.textTime}' (FORMAT parquet)`,
  );
  await duck(`COPY (SELECT * FROM (${MAIN}) LIMIT 0) TO '${files.empty}' (FORMAT parquet)`);
  // Native times before 1973 are below 1e11 ms: they must not be taken for epoch seconds.
  await duck(`COPY (SELECT TIMESTAMP '1970-01-02 00:00:00' + to_minutes(i) AS timestamp, 'o' AS anonymous_id
    FROM range(3) r(i)) TO '${files.old}' (FORMAT parquet)`);
  writeFileSync(files.gz, gzipSync(readFileSync(files.main)));
  // A file damaged past its footer: DuckDB ends its stream early without an error.
  await duck(`COPY (SELECT i AS timestamp, 'v' || (i % 1000) AS anonymous_id, md5(i::VARCHAR) AS url
    FROM range(150000) r(i)) TO '${files.damaged}' (FORMAT parquet, ROW_GROUP_SIZE 20000)`);
  const bytes = readFileSync(files.damaged);
  bytes.fill(0x5a, Math.floor(bytes.length * 0.6), Math.floor(bytes.length * 0.6) + 2048);
  writeFileSync(files.damaged, bytes);
});

async function bothPaths(paths: string[], options: Omit<LoadOptions, 'fastPath'>, rules: SessionRules) {
  const plan = await planParquetFastPath(paths, options);
  expect(plan, 'the fast path applies to these files').toBeDefined();
  try {
    // A wrong line for a repeated event_id would look like a hash collision and quietly fall back.
    expect(await plan!.load({}), 'the fast path reads them itself').not.toBe('hash_collision');
  } finally {
    plan?.close();
  }
  const run = async (fastPath: boolean) => {
    const rejects: RejectedRow[] = [];
    const loaded = await loadEvents(paths, { ...options, fastPath, onReject: (r) => rejects.push(r) });
    const sessions = sessionizeToColumns(loaded.columns, rules).toSessions();
    return { stats: loaded.stats, rejects, sessions };
  };
  return { fast: await run(true), records: await run(false) };
}

describe('Parquet fast path', () => {
  it('is taken for plain Parquet with native or numeric times, and not otherwise', async () => {
    const plan = async (paths: string[]) => {
      const fast = await planParquetFastPath(paths, { normalize: {} });
      fast?.close();
      return fast !== undefined;
    };
    expect(await plan([files.main, files.native])).toBe(true);
    expect(await plan([files.numbers])).toBe(false); // no timestamp column until --map names one
    expect(await plan([files.main, files.gz])).toBe(false);
    expect(await plan([files.doubleUrl])).toBe(false);
    expect(await plan([files.textTime])).toBe(false);
  });

  it('gives the record path’s sessions, statistics and rejects (device identity)', async () => {
    const rules = createRules();
    const { fast, records } = await bothPaths([files.main, files.native], { normalize: {} }, rules);
    expect(fast.stats.rejectedTotal).toBeGreaterThan(100);
    expect(Object.keys(fast.stats.rejected).sort()).toEqual([
      'bad_timestamp',
      'bad_timezone',
      'bad_value',
      'no_identity',
    ]);
    expect(fast.stats.duplicates).toBeGreaterThan(100);
    expect(fast.stats).toEqual(records.stats);
    expect(fast.rejects).toEqual(records.rejects);
    expect(fast.sessions.length).toBeGreaterThan(50);
    expect(fast.sessions).toEqual(records.sessions);
  });

  it('agrees across files with --map, integer ids, epoch numbers and user identity', async () => {
    const rules = createRules({ identity: 'user', goals: ['purchase'], splitOnCampaign: true });
    const options = { normalize: { map: { user_id: 'uid', timestamp: 'when' } } };
    const { fast, records } = await bothPaths([files.numbers, files.main], options, rules);
    expect(fast.stats.files.map((f) => f.duplicates)).toEqual(records.stats.files.map((f) => f.duplicates));
    expect(fast.stats).toEqual(records.stats);
    expect(fast.rejects).toEqual(records.rejects);
    expect(fast.sessions).toEqual(records.sessions);
  });

  it('agrees on the session-key rule and midnight splits in the events’ zones', async () => {
    const rules = createRules({ sessionKey: 'sid', splitAtMidnight: true });
    const { fast, records } = await bothPaths([files.main], { normalize: { sessionKey: 'sid' } }, rules);
    expect(fast.sessions.some((s) => s.endReason === 'session_id')).toBe(true);
    expect(fast.sessions.some((s) => s.endReason === 'midnight')).toBe(true);
    expect(fast.sessions).toEqual(records.sessions);
  });

  it('agrees on a file without event_id (nothing is a duplicate)', async () => {
    const { fast, records } = await bothPaths([files.native], { normalize: {} }, createRules());
    expect(fast.stats.duplicates).toBe(0);
    expect(fast.stats.accepted).toBe(300);
    expect(fast.sessions).toEqual(records.sessions);
  });

  it('agrees on an empty file, statistics included', async () => {
    const { fast, records } = await bothPaths([files.empty], { normalize: {} }, createRules());
    expect(fast.stats.rows).toBe(0);
    expect(fast.stats).toEqual(records.stats);
  });

  it('reads native times before 1973 as times, like the record path', async () => {
    const { fast, records } = await bothPaths([files.old], { normalize: {} }, createRules());
    expect(fast.sessions.map((s) => s.startMs)).toEqual([Date.UTC(1970, 0, 2)]);
    expect(fast.sessions).toEqual(records.sessions);
  });

  it('fails on a damaged file instead of returning the rows before the damage', async () => {
    for (const fastPath of [true, false]) {
      await expect(loadEvents([files.damaged], { normalize: {}, fastPath })).rejects.toMatchObject({
        code: 'STINT_UNREADABLE',
      });
    }
  });

  it('gives up on an event_id hash shared by two different ids, and trusts one that is not', async () => {
    // A hash that gives every id the same value: 'e1' and 'e2' collide, 'e1' again is a retry.
    const ids = file('ids.parquet');
    await duck(`COPY (SELECT 1772913600000 + i * 1000 AS timestamp, 'd' AS anonymous_id, ['e1', 'e1', 'e2'][i + 1] AS event_id
      FROM range(3) r(i)) TO '${ids}' (FORMAT parquet)`);
    const load = async (eventIdHash: (text: string) => string, paths: string[]) => {
      const fast = await planParquetFastPath(paths, { normalize: {}, eventIdHash });
      try {
        const loaded = await fast!.load({});
        return loaded === 'hash_collision' ? loaded : loaded.files.map((f) => f.duplicates);
      } finally {
        fast?.close();
      }
    };
    expect(await load(() => '1::UBIGINT', [ids])).toBe('hash_collision');
    expect(await load((t) => `greatest(hash(${t}), 1::UBIGINT)`, [ids])).toEqual([1]);
  });

  it('stops at --max-rejects with the record path’s error', async () => {
    const fail = (fastPath: boolean) =>
      loadEvents([files.main], { normalize: {}, fastPath, maxRejects: 10 }).then(
        () => 'no error',
        (e: Error) => e.message,
      );
    const message = await fail(true);
    expect(message).toMatch(/More than 10 rows rejected \(latest: .*main\.parquet:\d+, /);
    expect(message).toBe(await fail(false));
  });
});

describe('repeatedKeys', () => {
  it('lists each repeated key with its first position; (0, 0) is no key', () => {
    const lo = Uint32Array.of(5, 7, 5, 0, 0, 7, 5);
    const hi = Uint32Array.of(1, 1, 1, 0, 0, 1, 2);
    expect(repeatedKeys(lo, hi, 7)).toEqual({ repeats: [2, 5], firsts: [0, 1] });
  });

  it('matches a Map over many keys spread across buckets', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3 })), {
          maxLength: 400,
        }),
        fc.integer({ min: 1, max: 20_000 }),
        (keys, pad) => {
          // Padding with distinct keys makes the input large enough to be split into buckets.
          const all = [...keys.map(([a, b]) => [a, b * 0x40000000] as const)];
          for (let p = 0; p < pad; p++) all.push([p + 100, (p * 2654435761) >>> 0]);
          const lo = Uint32Array.from(all, ([a]) => a);
          const hi = Uint32Array.from(all, ([, b]) => b);
          const seen = new Map<string, number>();
          const expected = all.map(([a, b], i) => {
            if (a === 0 && b === 0) return -1;
            const k = `${a}/${b}`;
            const f = seen.get(k);
            if (f === undefined) seen.set(k, i);
            return f ?? -1;
          });
          const repeats = expected.flatMap((f, i) => (f >= 0 ? [i] : []));
          expect(repeatedKeys(lo, hi, all.length)).toEqual({
            repeats,
            firsts: repeats.map((i) => expected[i]),
          });
        },
      ),
      { seed: 20261122, numRuns: 30 },
    );
  });
});
