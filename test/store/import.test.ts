/**
 * `stint import` end to end, as a user runs it: the stored sessions equal `stint sessionize` on
 * the same files, a file imported twice is skipped, parts give the same sessions as the whole,
 * a failed import changes nothing, and a locked or corrupt store gives a clear error.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { DATA, ROOT, stint, tempDir } from '../helpers/cli.ts';

type Row = Record<string, string>;

const NASA = join(DATA, 'nasa_access_log_Aug95_head.repaired.log');

/** The stored sessions as `stint sessionize` writes them to CSV (same fields, same order). */
async function storedSessions(db: string): Promise<Row[]> {
  const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const c = await instance.connect();
  try {
    const reader = await c.runAndReadAll(`
      SELECT session_id, identity, user_id, anonymous_id,
             strftime(make_timestamp(start_ms * 1000), '%Y-%m-%dT%H:%M:%S.%gZ') AS start,
             strftime(make_timestamp(end_ms * 1000), '%Y-%m-%dT%H:%M:%S.%gZ') AS "end",
             duration_s::VARCHAR AS duration_s, events::VARCHAR AS events, pageviews::VARCHAR AS pageviews,
             bounce::VARCHAR AS bounce, engaged::VARCHAR AS engaged, entry_page, exit_page, end_reason,
             source, medium, campaign, referrer, channel, country, device_type, browser, os, timezone,
             value::VARCHAR AS value, conversions::VARCHAR AS conversions
      FROM sessions ORDER BY session_id`);
    return normalise(reader.getRowObjectsJS() as Row[]);
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

async function count(db: string, table: string): Promise<number> {
  const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const c = await instance.connect();
  try {
    const reader = await c.runAndReadAll(`SELECT count(*)::INTEGER FROM ${table}`);
    return reader.getRowsJS()[0]![0] as number;
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

/** `stint sessionize` output, normalised as `storedSessions` gives it. */
function sessionized(inputs: string[], extra: string[] = []): Row[] {
  const out = join(tempDir(), 's.csv');
  const r = stint(['sessionize', ...inputs, '-o', out, '-q', ...extra]);
  expect(r.stderr).toBe('');
  const rows = parse(readFileSync(out), { columns: true }) as Row[];
  return normalise(rows).sort((a, b) => (a.session_id! < b.session_id! ? -1 : 1));
}

function normalise(rows: Row[]): Row[] {
  return rows.map((row) => ({
    ...row,
    duration_s: String(Number(row.duration_s)),
    value: String(Number(row.value)),
  }));
}

function importJson(args: string[]): Record<string, unknown> {
  const r = stint(['import', ...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

type FileResult = {
  status: string;
  accepted: number;
  duplicates: number;
  sessions: number;
  rejected_total: number;
};

/**
 * Events with retries, late rows, a device that logs in later (user identity links it), a
 * rejected row, and a session split across the two halves of the file.
 */
const HEADER = 'timestamp,anonymous_id,user_id,event,url,event_id,value';
const ROWS = [
  '2026-10-01T10:00:00Z,a1,,pageview,/home,e1,',
  '2026-10-01T10:05:00Z,a1,,pageview,/pricing,e2,',
  '2026-10-01T10:20:00Z,a2,,pageview,/,e3,',
  '2026-10-01T10:02:00Z,a1,,click,/home,e4,', // late within a1's session
  'not-a-time,a3,,pageview,/,e5,', // rejected
  '2026-10-01T10:25:00Z,a2,u9,purchase,/checkout,e6,49.90', // a2 logs in as u9
  '2026-10-01T10:06:00Z,a1,,pageview,/pricing,e2,', // retry of e2
  '2026-10-01T10:31:00Z,a1,,pageview,/docs,e7,', // bridges into the second half
  '2026-10-01T10:40:00Z,a1,,pageview,/docs/api,e8,',
  '2026-10-01T09:50:00Z,a2,,pageview,/blog,e9,', // late: before a2's first event
  '2026-10-01T11:30:00Z,,u9,pageview,/account,e10,',
  '2026-10-01T10:04:00Z,a1,,pageview,/pricing,e2,', // another retry, earlier in time
];

function writeEvents(dir: string, name: string, rows: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${HEADER}\n${rows.join('\n')}\n`);
  return path;
}

describe('stint import', () => {
  it('stores the sessions stint sessionize gives on the NASA access log', async () => {
    const db = join(tempDir(), 'nasa.duckdb');
    // --keep-ips: the stored identities are then the ip|agent ones sessionize writes.
    const summary = importJson([NASA, '--db', db, '--keep-ips']);
    const [file] = summary.files as FileResult[];
    expect(file?.status).toBe('imported');
    expect(file?.sessions).toBe(179);
    expect(summary.rules_version).toBe(1);
    expect(await storedSessions(db)).toEqual(sessionized([NASA]));
    expect(await count(db, 'events')).toBe(file?.accepted);
  });

  it.each([
    [
      'REES46 clickstream',
      'rees46_multicategory_2019-Oct_head.csv',
      ['--map', 'timestamp=event_time,event=event_type', '--goal', 'purchase'],
    ],
    ['NASA imhotep TSV', 'nasa_19950801_imhotep.tsv', ['--map', 'anonymous_id=host,timestamp=time']],
    ['OTTO JSONL', 'otto_train_head.jsonl', ['--map', 'anonymous_id=session,timestamp=ts,event=type']],
    ['Elastic Apache log', 'elastic_apache_logs.log', []],
  ])('stores the sessions stint sessionize gives on the %s', async (_name, file, flags) => {
    const db = join(tempDir(), 'x.duckdb');
    importJson([join(DATA, file), '--db', db, '--keep-ips', ...flags]);
    expect(await storedSessions(db)).toEqual(sessionized([join(DATA, file)], flags));
  });

  it('skips a file it has imported before, by content, and says so', async () => {
    const dir = tempDir();
    const db = join(dir, 'x.duckdb');
    importJson([NASA, '--db', db]);
    const copy = join(dir, 'renamed.log');
    copyFileSync(NASA, copy);
    const again = stint(['import', copy, '--db', db]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/skipped\s+.*renamed\.log: already imported .*\(--force imports it again\)/);
    expect(await count(db, 'imports')).toBe(1);
    expect((await storedSessions(db)).length).toBe(179);
  });

  it('--force imports again; retries by event_id count once and sessions do not change', async () => {
    const dir = tempDir();
    const db = join(dir, 'x.duckdb');
    const file = writeEvents(dir, 'events.csv', ROWS);
    const first = (importJson([file, '--db', db]).files as FileResult[])[0]!;
    const before = await storedSessions(db);
    const second = (importJson([file, '--db', db, '--force']).files as FileResult[])[0]!;
    expect(second.status).toBe('imported');
    expect(second.accepted).toBe(0);
    expect(second.duplicates).toBe(first.accepted + first.duplicates);
    expect(await count(db, 'events')).toBe(first.accepted);
    expect(await storedSessions(db)).toEqual(before);
  });

  it('gives the same sessions for a file imported in two parts as for the whole', async () => {
    const dir = tempDir();
    const whole = writeEvents(dir, 'whole.csv', ROWS);
    const half = 6;
    const part1 = writeEvents(dir, 'part1.csv', ROWS.slice(0, half));
    const part2 = writeEvents(dir, 'part2.csv', ROWS.slice(half));
    for (const identity of ['device', 'user']) {
      const dbWhole = join(dir, `whole-${identity}.duckdb`);
      const dbParts = join(dir, `parts-${identity}.duckdb`);
      importJson([whole, '--db', dbWhole, '--identity', identity]);
      importJson([part1, '--db', dbParts, '--identity', identity]);
      const p2 = (importJson([part2, '--db', dbParts]).files as FileResult[])[0]!;
      expect(p2.duplicates).toBe(2); // the two retries of e2 in the second part
      const stored = await storedSessions(dbParts);
      expect(stored).toEqual(await storedSessions(dbWhole));
      expect(stored).toEqual(normalise(sessionized([whole], ['--identity', identity])));
      expect(await count(dbParts, 'rejects')).toBe(1);
    }
    // Eight stint processes: about 1–4 s each on a loaded 2-core machine.
  }, 180_000);

  it('keeps the rules of the store; different rule flags are refused with a hint', () => {
    const dir = tempDir();
    const db = join(dir, 'x.duckdb');
    const file = writeEvents(dir, 'a.csv', ROWS.slice(0, 3));
    importJson([file, '--db', db, '--timeout', '20m']);
    const other = writeEvents(dir, 'b.csv', ROWS.slice(3, 6));
    const r = stint(['import', other, '--db', db, '--timeout', '45m']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rules version 1/);
    expect(r.stderr).toMatch(/hint: .*resessionize/);
    // The same rules, given again, are fine.
    expect(stint(['import', other, '--db', db, '--timeout', '20m']).code).toBe(0);
  });

  it('leaves the store unchanged when a file fails half way', async () => {
    const dir = tempDir();
    const db = join(dir, 'x.duckdb');
    const good = writeEvents(dir, 'good.csv', ROWS.slice(0, 4));
    importJson([good, '--db', db]);
    const before = await storedSessions(db);
    // A gzip file damaged in the middle: its first lines read, then the stream fails.
    const gz = join(dir, 'broken.csv.gz');
    const { gzipSync } = await import('node:zlib');
    const lines = [HEADER];
    for (let i = 0; i < 20_000; i++) lines.push(`2026-10-02T10:00:00Z,b${i},,pageview,/p${i % 7},x${i},`);
    const packed = gzipSync(`${lines.join('\n')}\n`);
    const middle = Math.floor(packed.length * 0.6);
    packed.fill(0xff, middle, middle + 64);
    writeFileSync(gz, packed);
    const r = stint(['import', gz, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/stint: error:/);
    expect(await storedSessions(db)).toEqual(before);
    expect(await count(db, 'events')).toBe(4);
    expect(await count(db, 'imports')).toBe(1);
  });

  it('an empty file is an error and stores nothing', async () => {
    const dir = tempDir();
    const db = join(dir, 'x.duckdb');
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    const r = stint(['import', empty, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No rows in .*empty\.csv/);
    expect(await count(db, 'imports')).toBe(0);
  });

  it('a corrupt store file gives one clear line and exit 2', () => {
    const dir = tempDir();
    const db = join(dir, 'bad.duckdb');
    writeFileSync(db, 'this is not a database, just text that happens to be here\n'.repeat(200));
    const r = stint(['import', NASA, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/stint: error: Cannot open the store .*bad\.duckdb/);
    expect(r.stderr).toMatch(/hint:/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const report = stint(['report', '--db', db]);
    expect(report.code).toBe(2);
  });

  it('a store of schema version 1 is upgraded when opened, with the same report', async () => {
    const dir = tempDir();
    const db = join(dir, 'old.duckdb');
    importJson([NASA, '--db', db]);
    const before = JSON.parse(stint(['report', '--db', db, '--json', '--brief']).stdout) as Record<
      string,
      unknown
    >;
    // What version 1 wrote: no identity numbers (and none of version 3's columns).
    const instance = await DuckDBInstance.create(db);
    const c = await instance.connect();
    await c.run(`ALTER TABLE sessions DROP COLUMN identity_no; DROP TABLE identities;
                 ALTER TABLE sessions DROP COLUMN channel; ALTER TABLE sessions DROP COLUMN country;
                 ALTER TABLE events DROP COLUMN country;
                 UPDATE stint_meta SET value = '1' WHERE key = 'schema_version'`);
    c.closeSync();
    instance.closeSync();
    const after = JSON.parse(stint(['report', '--db', db, '--json', '--brief']).stdout) as Record<
      string,
      unknown
    >;
    // Countries came from the addresses, which no version keeps: without the column they are unknown.
    const { countries: _b, ...sameBefore } = before;
    const { countries: _a, ...sameAfter } = after;
    expect(sameAfter).toEqual(sameBefore);
    const [row] = (
      await (
        await (await DuckDBInstance.create(db)).connect()
      ).runAndReadAll(
        `SELECT (SELECT value FROM stint_meta WHERE key = 'schema_version') AS version,
                count(*) FILTER (WHERE identity_no IS NULL) AS unnumbered,
                count(DISTINCT identity_no) = count(DISTINCT identity) AS one_to_one FROM sessions`,
      )
    ).getRowObjectsJS();
    expect(row).toEqual({ version: '3', unnumbered: 0n, one_to_one: true });
  });

  it('a store of schema version 2 gains channel and country, and its sessions are made again', async () => {
    const db = join(tempDir(), 'v2.duckdb');
    importJson([join(DATA, 'elastic_apache_logs.log'), '--db', db]);
    const before = JSON.parse(stint(['report', '--db', db, '--json', '--brief']).stdout) as Record<
      string,
      unknown
    >;
    // What version 2 wrote: sessions without channel and country, sources as given.
    const instance = await DuckDBInstance.create(db);
    const c = await instance.connect();
    await c.run(`ALTER TABLE sessions DROP COLUMN channel; ALTER TABLE sessions DROP COLUMN country;
                 ALTER TABLE events DROP COLUMN country; UPDATE sessions SET source = 'stale';
                 UPDATE stint_meta SET value = '2' WHERE key = 'schema_version'`);
    c.closeSync();
    instance.closeSync();
    const after = JSON.parse(stint(['report', '--db', db, '--json', '--brief']).stdout) as Record<
      string,
      unknown
    >;
    // The events kept no country (version 2 had none): the time zone, here none, gives it.
    const { countries: _b, ...sameBefore } = before;
    const { countries: _a, ...sameAfter } = after;
    expect(sameAfter).toEqual(sameBefore);
    const rows = await (await (await DuckDBInstance.create(db)).connect()).runAndReadAll(
      `SELECT (SELECT value FROM stint_meta WHERE key = 'schema_version') AS version,
              count(*) FILTER (WHERE source = 'stale') AS stale, count(DISTINCT channel) > 1 AS channels
       FROM sessions`,
    );
    expect(rows.getRowObjectsJS()).toEqual([{ version: '3', stale: 0n, channels: true }]);
  });

  it('a store held by another process gives a clear message', async () => {
    const dir = tempDir();
    const db = join(dir, 'locked.duckdb');
    importJson([NASA, '--db', db]);
    // Another process holds the file open for writing until told to stop.
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { DuckDBInstance } from '@duckdb/node-api';
         const db = await DuckDBInstance.create(${JSON.stringify(db)});
         await db.connect();
         process.stdout.write('ready\\n');
         process.stdin.on('data', () => process.exit(0));`,
      ],
      { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    try {
      const r = stint(['report', '--db', db]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/in use by another process/);
      expect(r.stderr).toMatch(/hint:/);
    } finally {
      holder.stdin.write('stop\n');
      await new Promise((resolve) => holder.once('exit', resolve));
    }
  });

  it('stint resessionize recomputes every session under the new rules and versions them', async () => {
    const dir = tempDir();
    const db = join(dir, 'x.duckdb');
    importJson([NASA, '--db', db, '--keep-ips']);
    const r = stint(['resessionize', '--db', db, '--timeout', '10m', '--json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ rules_version: 2, previous_rules_version: 1 });
    expect(await storedSessions(db)).toEqual(sessionized([NASA], ['--timeout', '10m']));
    const report = JSON.parse(stint(['report', '--db', db, '--json']).stdout) as Record<string, unknown>;
    expect(report.rules_version).toBe(2);
    expect((report.rules as Record<string, unknown>).timeout).toBe('10m');
    // Flags not given keep their stored value; the same rules again keep the version.
    const again = JSON.parse(stint(['resessionize', '--db', db, '--json']).stdout) as Record<string, unknown>;
    expect(again.rules_version).toBe(2);
    // A later import sessionizes under the store's current rules.
    const more = writeEvents(dir, 'more.csv', ROWS);
    importJson([more, '--db', db]);
    expect(await storedSessions(db)).toEqual(sessionized([NASA, more], ['--timeout', '10m']));
  });

  it('stint resessionize refuses a new --session-key, and an empty or missing store', () => {
    const dir = tempDir();
    const db = join(dir, 'x.duckdb');
    expect(stint(['resessionize', '--db', db]).stderr).toMatch(/No store at/);
    importJson([NASA, '--db', db]);
    const r = stint(['resessionize', '--db', db, '--session-key', 'session_id']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--session-key cannot change/);
  });

  it('a log that grew since its import is skipped with the way to import only what was added', async () => {
    const dir = tempDir();
    const db = join(dir, 'x.duckdb');
    const log = join(dir, 'access.log');
    const line = (n: number) =>
      `10.0.0.${n} - - [01/Aug/1995:00:0${n}:00 -0400] "GET /p${n}.html HTTP/1.0" 200 100\n`;
    writeFileSync(log, line(1) + line(2));
    importJson([log, '--db', db]);
    writeFileSync(log, line(1) + line(2) + line(3));
    const again = stint(['import', log, '--db', db]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/skipped .*access\.log: its first \d+ bytes were imported .*tail -c \+\d+/);
    expect(await count(db, 'events')).toBe(2);
    // --force imports it whole again (lines without an event_id then count twice, as asked).
    expect(stint(['import', log, '--db', db, '--force', '-q']).code).toBe(0);
    expect(await count(db, 'events')).toBe(5);
  });

  it('an empty file among others is skipped and the others are imported', async () => {
    const dir = tempDir();
    const db = join(dir, 'x.duckdb');
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    const a = writeEvents(dir, 'a.csv', ROWS.slice(0, 3));
    const b = writeEvents(dir, 'b.csv', ROWS.slice(3, 6));
    const summary = importJson([a, empty, b, '--db', db]);
    const status = Object.fromEntries(
      (summary.files as (FileResult & { path: string })[]).map((f) => [f.path.split('/').pop(), f.status]),
    );
    expect(status).toEqual({ 'a.csv': 'imported', 'empty.csv': 'skipped', 'b.csv': 'imported' });
    expect(await count(db, 'imports')).toBe(2);
  });

  it('rule flags that agree with the store are fine, whatever else the store has', () => {
    const dir = tempDir();
    const db = join(dir, 'x.duckdb');
    importJson([
      writeEvents(dir, 'a.csv', ROWS.slice(0, 3)),
      '--db',
      db,
      '--timeout',
      '20m',
      '--goal',
      'purchase',
    ]);
    const r = stint(['import', writeEvents(dir, 'b.csv', ROWS.slice(3, 6)), '--db', db, '--timeout', '20m']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('bad reader flags are usage errors before any store file is made', () => {
    const dir = tempDir();
    const db = join(dir, 'never.duckdb');
    for (const flags of [
      ['--map', 'foo=bar'],
      ['--input-tz', 'Nope/Zone'],
    ]) {
      const r = stint(['import', NASA, '--db', db, ...flags]);
      expect(r.code).toBe(1);
      expect(existsSync(db)).toBe(false);
    }
  });

  it('a DuckDB file that is not a stint store is refused and left as it was', async () => {
    const dir = tempDir();
    const db = join(dir, 'other.duckdb');
    const instance = await DuckDBInstance.create(db);
    const c = await instance.connect();
    await c.run('CREATE TABLE events (x INTEGER)');
    c.closeSync();
    instance.closeSync();
    for (const args of [['import', NASA], ['report']]) {
      const r = stint([...args, '--db', db]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/not a stint store/);
    }
    const again = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
    const c2 = await again.connect();
    const tables = (await c2.runAndReadAll('SELECT table_name FROM information_schema.tables')).getRowsJS();
    c2.closeSync();
    again.closeSync();
    expect(tables).toEqual([['events']]);
  });

  it('--rejects writes each rejected row; --max-rejects fails the file and stores none of it', async () => {
    const dir = tempDir();
    const db = join(dir, 'x.duckdb');
    const file = writeEvents(dir, 'a.csv', ROWS);
    const out = join(dir, 'rejects.csv');
    importJson([file, '--db', db, '--rejects', out]);
    const rows = parse(readFileSync(out), { columns: true }) as Row[];
    expect(rows.map((r) => [r.line, r.reason])).toEqual([['6', 'bad_timestamp']]);
    const strict = join(dir, 'strict.duckdb');
    const r = stint(['import', file, '--db', strict, '--max-rejects', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/More than 0 rows rejected/);
    expect(await count(strict, 'events')).toBe(0);
    expect(stint(['import', file, '--db', strict, '--max-rejects', 'x']).code).toBe(1);
  });
});
