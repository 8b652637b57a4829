/**
 * `stint import` of plain Parquet files takes a fast path (columns read by DuckDB, events stored
 * by SQL joins); a gzipped copy of the same file takes the record path (one object per event).
 * Both must store exactly the same thing: imported file by file into two stores, A from the
 * .parquet files and B from their .parquet.gz copies, the events, sessions, rejects, imports
 * and each import's summary must agree. The files have awkward rows (padded ids, missing
 * fields, campaigns in the URL and in columns, retries, rejects, late events) and exercise the
 * empty store, the incremental path (a file sharing visitors and an event_id with the store),
 * a file of new visitors into a non-empty store, a file sharing visitors but no stored event_id,
 * and a file the fast path steps aside for (a DOUBLE property); under both identity modes.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planParquetFastPath } from '../../src/io/parquet/index.ts';
import { stint, tempDir } from '../helpers/cli.ts';

type Cell = string | number | bigint | boolean | null;
type Row = Record<string, Cell>;

/** The columns of the files, with their Parquet (DuckDB) types; a file may change or add some. */
const COLUMNS: Record<string, string> = {
  timestamp: 'TIMESTAMP',
  anonymous_id: 'VARCHAR',
  user_id: 'VARCHAR',
  event: 'VARCHAR',
  url: 'VARCHAR',
  referrer: 'VARCHAR',
  utm_source: 'VARCHAR',
  utm_medium: 'VARCHAR',
  utm_campaign: 'VARCHAR',
  utm_term: 'VARCHAR',
  utm_content: 'VARCHAR',
  timezone: 'VARCHAR',
  user_agent: 'VARCHAR',
  value: 'VARCHAR',
  event_id: 'VARCHAR',
  plan: 'VARCHAR',
  qty: 'INTEGER',
  beta: 'BOOLEAN',
};

const CHROME =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const SITE = 'https://shop.example';

/** An event row: time (UTC, or null), anonymous_id, user_id, and any other column; the rest NULL. */
function ev(at: string | null, anon: string | null, user: string | null, more: Row = {}): Row {
  return { timestamp: at, anonymous_id: anon, user_id: user, ...more };
}

/**
 * A day of four visitors: a1 out of time order with a retry (e2) and three sessions; padded,
 * empty and NULL fields; a campaign in the URL and one in the columns; three rejected rows.
 */
const FILE1: Row[] = [
  ev('2026-10-01 10:00:00', 'a1', null, {
    event: 'pageview',
    url: `${SITE}/home`,
    referrer: 'https://search.example/?q=shop',
    timezone: 'Europe/Berlin',
    user_agent: CHROME,
    event_id: 'e1',
    plan: 'pro "x"',
    qty: 3,
    beta: true,
  }),
  ev('2026-10-01 10:05:00', 'a1', null, {
    url: `${SITE}/pricing`,
    event_id: 'e2',
    plan: 'back\\slash',
    beta: false,
  }),
  ev('2026-10-01 10:02:00', 'a1', null, {
    event: ' click ',
    url: `${SITE}/home`,
    event_id: 'e3',
    plan: 'é✓',
  }),
  ev('2026-10-01 11:00:00', 'a1', null, { url: `${SITE}/docs`, event_id: 'e4', plan: '', qty: 0 }),
  ev('2026-10-01 11:10:00', 'a1', null, {
    url: `${SITE}/docs/api`,
    event_id: 'e5',
    plan: 'tab\there / slash',
  }),
  ev('2026-10-01 10:06:00', 'a1', null, { url: `${SITE}/pricing`, event_id: 'e2' }), // retry of e2
  ev('2026-10-01 13:00:00', 'a1', null, {
    event: 'pageview',
    url: `${SITE}/home?utm_source=x&utm_medium=y&utm_term=t`,
    event_id: 'e6',
  }),
  ev('2026-10-01 13:05:00', 'a1', null, {
    event: 'purchase',
    url: `${SITE}/checkout`,
    value: '49.90',
    event_id: 'e7',
  }),
  ev('2026-10-01 10:20:00', ' a2\t', null, { event_id: 'e8', timezone: ' Asia/Tokyo ' }), // no event, no url
  ev('2026-10-01 10:25:00', null, 'u1', { event: '', url: `${SITE}/account`, event_id: 'e9' }),
  ev('2026-10-01 10:30:00', 'a3', null, {
    url: `${SITE}/landing?utm_source=x&utm_medium=y`,
    utm_source: 'news',
    utm_medium: 'email',
    utm_campaign: 'fall',
    event_id: 'e10',
  }),
  ev('2026-10-01 10:31:00', 'a3', null, { url: `${SITE}/x`, timezone: 'Mars/Base', event_id: 'e11' }), // rejected
  ev(null, 'a3', null, { url: `${SITE}/y`, event_id: 'e12' }), // rejected
  ev('2026-10-01 10:40:00', null, null, { url: `${SITE}/z`, event_id: 'e13' }), // rejected
  ev('2026-10-01 10:45:00', 'a2', '  u2 ', { url: `${SITE}/faq`, event_id: 'e14', qty: -7 }),
  ev('2026-10-01 10:50:00', 'a2', null, { url: `${SITE}/faq`, value: '', event_id: '' }),
];

/** Shares a1 and u1 with file 1, retries e7, and brings a new visitor. */
const FILE2: Row[] = [
  ev('2026-10-01 13:20:00', 'a1', null, { url: `${SITE}/pricing`, event_id: 'e20', plan: 'team' }),
  ev('2026-10-01 13:06:00', 'a1', null, {
    event: 'purchase',
    url: `${SITE}/checkout`,
    value: '49.90',
    event_id: 'e7',
  }),
  ev('2026-10-01 15:00:00', 'a1', null, { url: `${SITE}/home`, event_id: 'e21' }),
  ev('2026-10-01 11:00:00', null, 'u1', { url: `${SITE}/account/settings`, event_id: 'e22', beta: true }),
  ev('2026-10-01 12:00:00', 'a4', null, { url: `${SITE}/?utm_campaign=spring`, event_id: 'e23', qty: 1 }),
  ev(null, 'a4', null, { event_id: 'e24' }), // rejected
  ev('2026-10-01 09:00:00', 'a4', null, { url: `${SITE}/early`, event_id: 'e25' }), // before a4's first
];

/** New visitors and new event_ids only (value as a number). */
const FILE3: Row[] = [
  ev('2026-10-02 08:00:00', 'a5', null, { url: `${SITE}/home`, event_id: 'f1', plan: 'free' }),
  ev('2026-10-02 08:10:00', 'a5', 'u7', {
    event: 'purchase',
    url: `${SITE}/checkout`,
    value: 19.5,
    event_id: 'f2',
  }),
  ev('2026-10-02 08:11:00', 'a5', 'u7', {
    event: 'purchase',
    url: `${SITE}/checkout`,
    value: 19.5,
    event_id: 'f2',
  }),
  ev('2026-10-02 07:55:00', 'a6', null, { url: `${SITE}/?utm_source=ads&utm_content=c1`, event_id: 'f3' }),
  ev('2026-10-02 09:30:00', 'a6', null, {
    utm_term: 'boots',
    url: `${SITE}/?utm_source=ads`,
    event_id: 'f4',
  }),
  ev('2026-10-02 09:31:00', '', '', { event_id: 'f5' }), // rejected
];

/** Shares a6 and u1 with the store, no stored event_id again (the incremental path, no retry). */
const FILE4: Row[] = [
  ev('2026-10-02 09:40:00', 'a6', null, { url: `${SITE}/boots`, event_id: 'h1', plan: 'pro "x"' }),
  ev('2026-10-02 09:45:00', 'a6', 'u1', { event: 'signup', url: `${SITE}/signup`, event_id: 'h2', qty: 2 }),
  ev('2026-10-02 09:46:00', 'a6', 'u1', { event: 'signup', url: `${SITE}/signup`, event_id: 'h2' }), // retry
  ev('2026-10-01 10:27:00', null, 'u1', { url: `${SITE}/account?utm_term=late`, event_id: 'h3' }), // late
];

/** A DOUBLE property (the fast path steps aside), touching a5 and bringing a8. */
const FILE5: Row[] = [
  ev('2026-10-02 08:20:00', 'a5', null, { url: `${SITE}/thanks`, event_id: 'g1', price: 19.5 }),
  ev('2026-10-02 12:00:00', 'a8', null, { url: `${SITE}/home`, event_id: 'g2', price: 0.1 }),
];

const FILES: { name: string; rows: Row[]; types?: Record<string, string> }[] = [
  { name: 'file1', rows: FILE1 },
  { name: 'file2', rows: FILE2 },
  { name: 'file3', rows: FILE3, types: { value: 'DOUBLE' } },
  { name: 'file4', rows: FILE4 },
  { name: 'file5', rows: FILE5, types: { price: 'DOUBLE' } },
];

function literal(v: Cell | undefined): string {
  if (v === undefined || v === null) return 'NULL';
  if (typeof v === 'string') return `'${v.replaceAll("'", "''")}'`;
  return String(v).toUpperCase();
}

/** Writes the rows as a Parquet file with these column types, by DuckDB. */
async function writeParquet(path: string, rows: Row[], types: Record<string, string>): Promise<void> {
  const names = Object.keys(types);
  const values = rows.map((r) => `(${names.map((n) => literal(r[n])).join(', ')})`).join(',\n');
  const select = names.map((n, i) => `CAST(col${i} AS ${types[n]}) AS "${n}"`).join(', ');
  const instance = await DuckDBInstance.create(':memory:');
  const c = await instance.connect();
  try {
    await c.run(`COPY (SELECT ${select} FROM (VALUES ${values}) v(${names.map((_, i) => `col${i}`).join(', ')}))
                 TO '${path}' (FORMAT parquet)`);
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

type DbRow = Record<string, unknown>;

/** A query's rows from a store opened read-only, BIGINTs as numbers. */
async function query(db: string, sql: string): Promise<DbRow[]> {
  const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const c = await instance.connect();
  try {
    const rows = (await c.runAndReadAll(sql)).getRowObjectsJS();
    return rows.map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])),
    );
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

/** What a store holds, in a form to compare: everything but arrival times and the file names' .gz. */
async function contents(db: string): Promise<Record<'events' | 'sessions' | 'rejects' | 'imports', DbRow[]>> {
  const events = await query(db, 'SELECT * EXCLUDE (received_at) FROM events ORDER BY seq');
  return {
    events: events.map((e) => ({
      ...e,
      properties: e.properties === '' ? '' : JSON.parse(String(e.properties)),
    })),
    sessions: await query(db, 'SELECT * FROM sessions ORDER BY session_id'),
    rejects: (
      await query(db, 'SELECT import_id, file, line, reason, detail FROM rejects ORDER BY import_id, line')
    ).map((r) => ({ ...r, file: basename(String(r.file)).replace(/\.gz$/, '') })),
    imports: await query(
      db,
      'SELECT id, rows, accepted, duplicates, rejected, left_out, rules_version FROM imports ORDER BY id',
    ),
  };
}

/** Imports one file with `stint import --json`; gives its summary fields that must not depend on the reader. */
function importFile(path: string, db: string, flags: string[]): Record<string, unknown> {
  const r = stint(['import', path, '--db', db, '--json', ...flags]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const [file] = (JSON.parse(r.stdout) as { files: Record<string, unknown>[] }).files;
  expect(file?.status).toBe('imported');
  const { rows, accepted, duplicates, rejected, rejected_total, identities, sessions } = file!;
  return { rows, accepted, duplicates, rejected, rejected_total, identities, sessions };
}

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = (name: string, suffix: string): string => join(dir, `${name}${suffix}`);

beforeAll(async () => {
  for (const { name, rows, types } of FILES) {
    const plain = path(name, '.parquet');
    await writeParquet(plain, rows, { ...COLUMNS, ...types });
    writeFileSync(path(name, '.parquet.gz'), gzipSync(readFileSync(plain)));
  }
});

it('reads the plain files column-wise, except the one with a DOUBLE property, and no .gz', async () => {
  const fast = async (file: string): Promise<boolean> => {
    const plan = await planParquetFastPath([file], { normalize: {}, rows: true });
    plan?.close();
    return plan !== undefined;
  };
  for (const { name } of FILES) {
    expect(await fast(path(name, '.parquet'))).toBe(name !== 'file5');
    expect(await fast(path(name, '.parquet.gz'))).toBe(false);
  }
});

describe.each(['device', 'user'])('stint import of Parquet, --identity %s', (identity) => {
  const stores = {
    A: { db: join(dir, `A-${identity}.duckdb`), suffix: '.parquet' }, // plain Parquet: the fast path
    B: { db: join(dir, `B-${identity}.duckdb`), suffix: '.parquet.gz' }, // gzipped: the record path
  };
  const summaries: Record<string, Record<string, unknown>[]> = { A: [], B: [] };
  const stored: Record<string, Awaited<ReturnType<typeof contents>>> = {};

  beforeAll(async () => {
    for (const [key, store] of Object.entries(stores)) {
      for (const [i, { name }] of FILES.entries()) {
        const flags = i === 0 ? ['--goal', 'purchase', '--identity', identity] : [];
        summaries[key]!.push(importFile(path(name, store.suffix), store.db, flags));
      }
      stored[key] = await contents(store.db);
    }
  }, 180_000); // ten `stint import` runs

  it('reports the same summary for each file', () => {
    expect(summaries.A).toEqual(summaries.B);
  });

  it.each(['events', 'sessions', 'rejects', 'imports'] as const)('stores the same %s', (table) => {
    expect(stored.A![table].length).toBeGreaterThan(0);
    expect(stored.A![table]).toEqual(stored.B![table]);
  });

  it('stores what the files say (store A)', () => {
    const { events, sessions, rejects, imports } = stored.A!;
    const byId = (id: string) => events.find((e) => e.event_id === id)!;
    // a1: 10:00–10:05, 11:00–11:10, 13:00–13:20, 15:00 (gaps over 30 minutes).
    expect(
      sessions
        .filter((s) => s.identity === 'a1')
        .sort((x, y) => Number(x.start_ms) - Number(y.start_ms))
        .map((s) => s.events),
    ).toEqual([3, 2, 3, 1]);
    expect(byId('e6')).toMatchObject({ utm_source: 'x', utm_medium: 'y', utm_term: 't', utm_campaign: '' });
    expect(byId('e10')).toMatchObject({ utm_source: 'news', utm_medium: 'email', utm_term: '' });
    expect(byId('e8')).toMatchObject({
      anonymous_id: 'a2',
      event: 'pageview',
      url: '',
      timezone: 'Asia/Tokyo',
    });
    expect(byId('e9')).toMatchObject({ anonymous_id: '', user_id: 'u1', event: 'pageview' });
    expect(byId('e14')).toMatchObject({ user_id: 'u2', properties: { qty: -7 } });
    expect(byId('e1').properties).toEqual({ plan: 'pro "x"', qty: 3, beta: true });
    expect(byId('e2').properties).toEqual({ plan: 'back\\slash', beta: false });
    expect(byId('e3')).toMatchObject({ event: 'click', properties: { plan: 'é✓' } });
    expect(byId('e4').properties).toEqual({ qty: 0 });
    expect(byId('e5').properties).toEqual({ plan: 'tab\there / slash' });
    expect(byId('e7').value).toBe(49.9);
    expect(events.filter((e) => e.event_id === 'e2' || e.event_id === 'e7')).toHaveLength(2);
    expect(rejects.map((r) => [r.file, r.line, r.reason])).toEqual([
      ['file1.parquet', 12, 'bad_timezone'],
      ['file1.parquet', 13, 'bad_timestamp'],
      ['file1.parquet', 14, 'no_identity'],
      ['file2.parquet', 6, 'bad_timestamp'],
      ['file3.parquet', 6, 'no_identity'],
    ]);
    expect(imports.map((i) => [i.accepted, i.duplicates, i.rejected])).toEqual([
      [12, 1, 3],
      [5, 1, 1], // e7 again: a retry of a stored event
      [4, 1, 1],
      [3, 1, 0],
      [2, 0, 0],
    ]);
    expect(sessions.find((s) => s.identity === 'a1' && s.conversions === 1)).toMatchObject({ value: 49.9 });
  });
});

describe('awkward Parquet files import as their gzipped copies do', () => {
  // Each once a bug: a name DuckDB took as a pattern (it read a neighbour too), a
  // JSON-typed column (DuckDB parsed '' as JSON), a column named file_row_number (the join's).
  const CASES: { name: string; file: string; types: Record<string, string> }[] = [
    { name: 'a name with glob characters', file: 'ev?[1].parquet', types: {} },
    { name: 'a JSON-typed property column', file: 'json.parquet', types: { meta: 'JSON' } },
    { name: 'a column named file_row_number', file: 'frn.parquet', types: { file_row_number: 'INTEGER' } },
    // Not a bug: 64-bit integers beyond 2^53 are strings to JavaScript.
    { name: 'a BIGINT property column', file: 'big.parquet', types: { big: 'BIGINT', ubig: 'UBIGINT' } },
  ];
  const ROWS: Row[] = [
    ev('2026-10-03 09:00:00', 'w1', null, {
      event_id: 'w1a',
      meta: '{"a": 1}',
      file_row_number: 7,
      big: -9007199254740991,
      ubig: 18446744073709551615n,
    }),
    ev('2026-10-03 09:05:00', 'w1', null, { event_id: 'w1b', meta: null, file_row_number: null, big: null }),
    ev('2026-10-03 11:00:00', 'w2', null, {
      event_id: 'w2a',
      meta: '[1,2]',
      file_row_number: 0,
      big: 9007199254740993n,
      ubig: 3,
    }),
  ];
  const BASE = { timestamp: 'TIMESTAMP', anonymous_id: 'VARCHAR', event_id: 'VARCHAR' };

  it.each(CASES)('$name', async ({ file, types }) => {
    const sub = join(dir, file.replace(/\W/g, '_'));
    mkdirSync(sub);
    // A neighbour that a pattern would match: it must not be read with the file.
    await writeParquet(join(sub, 'ev1.parquet'), [ev('2026-10-03 10:00:00', 'other', null)], BASE);
    const plain = join(sub, file);
    await writeParquet(plain, ROWS, { ...BASE, ...types });
    writeFileSync(`${plain}.gz`, gzipSync(readFileSync(plain)));
    const dbs = [join(sub, 'A.duckdb'), join(sub, 'B.duckdb')];
    expect(importFile(plain, dbs[0]!, [])).toEqual(importFile(`${plain}.gz`, dbs[1]!, []));
    const [a, b] = [await contents(dbs[0]!), await contents(dbs[1]!)];
    expect(a.events.map((e) => e.anonymous_id)).toEqual(['w1', 'w1', 'w2']);
    expect(a).toEqual(b);
    if (types.big !== undefined) {
      expect(a.events.map((e) => e.properties)).toEqual([
        { big: -9007199254740991, ubig: '18446744073709551615' },
        '',
        { big: '9007199254740993', ubig: 3 },
      ]);
    }
  });
});
