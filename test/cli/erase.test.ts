/**
 * `stint forget` and `stint delete` on a `stint import` store (--db): a visitor's events and
 * sessions go, their devices' anonymous events with them, another user of the same device
 * keeps theirs, what is left is sessionized as `stint sessionize` would, and the erasure is
 * recorded with the id's SHA-256 only. `delete --dry-run` counts and changes nothing.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pageview } from '../../src/core/event.ts';
import { openEventLog } from '../../src/server/event-log.ts';
import { openRegistry } from '../../src/server/registry.ts';
import { openDuckDBStore } from '../../src/store/duckdb-store.ts';
import { stint, tempDir } from '../helpers/cli.ts';

const at = (min: number) => new Date(Date.parse('2026-03-10T10:00:00Z') + min * 60_000).toISOString();

/** d1 browses anonymously, signs in as alice, later bob signs in on d1; carol is elsewhere. */
const EVENTS = [
  { anonymous_id: 'd1', timestamp: at(0), url: 'https://s.example/' },
  { anonymous_id: 'd1', user_id: 'alice', timestamp: at(2), url: 'https://s.example/login' },
  { user_id: 'alice', timestamp: at(100), url: 'https://s.example/app' },
  { anonymous_id: 'd1', user_id: 'bob', timestamp: at(300), url: 'https://s.example/bob' },
  { anonymous_id: 'c1', user_id: 'carol', timestamp: at(5), url: 'https://s.example/' },
  { anonymous_id: 'c1', user_id: 'carol', timestamp: at(20), url: 'https://s.example/spam', event: 'x' },
  { anonymous_id: 'c1', user_id: 'carol', timestamp: at(40), url: 'https://s.example/pricing' },
];

function imported(): { dir: string; db: string } {
  const dir = tempDir();
  const file = join(dir, 'events.ndjson');
  writeFileSync(file, `${EVENTS.map((e) => JSON.stringify(e)).join('\n')}\n`);
  const db = join(dir, 'site.duckdb');
  const r = stint(['import', file, '--db', db, '--identity', 'user', '-q']);
  expect(r.code, r.stderr).toBe(0);
  return { dir, db };
}

async function rows(db: string, sql: string): Promise<Record<string, unknown>[]> {
  const store = await openDuckDBStore(db);
  try {
    return await store.query({ sql, params: [] });
  } finally {
    store.close();
  }
}

describe('stint forget', () => {
  it("erases a user, their device's anonymous events and sessions, keeps another user of the device", async () => {
    const { db } = imported();
    const r = stint(['forget', '--db', db, '--identity', 'alice', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.events).toBe(3);
    expect(out.sessions).toBeGreaterThanOrEqual(2);
    const left = await rows(db, 'SELECT anonymous_id, user_id FROM events ORDER BY ts_ms');
    expect(left.map((e) => `${e.anonymous_id}/${e.user_id}`)).toEqual([
      'c1/carol',
      'c1/carol',
      'c1/carol',
      'd1/bob',
    ]);
    // No trace of alice in events, sessions, identities; the erasure holds her id's hash only.
    for (const table of ['events', 'sessions', 'identities']) {
      const all = JSON.stringify(await rows(db, `SELECT * FROM ${table}`));
      expect(all, table).not.toContain('alice');
    }
    const sessions = await rows(db, 'SELECT identity, events FROM sessions ORDER BY identity');
    expect(sessions.map((s) => `${s.identity}:${s.events}`)).toEqual(['bob:1', 'carol:3']);
    const [erasure] = await rows(db, 'SELECT * FROM erasures');
    expect(erasure).toMatchObject({
      kind: 'forget',
      what: createHash('sha256').update('alice').digest('hex'),
      events: 3,
    });
    expect(String(erasure!.actor)).toMatch(/^cli/);
  });

  it('counts with --dry-run and changes nothing; refuses a missing store name', async () => {
    const { db } = imported();
    const dry = stint(['forget', '--db', db, '--identity', 'carol', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/would remove 3 events in 1 sessions/);
    expect((await rows(db, 'SELECT count(*) AS n FROM events'))[0]!.n).toBe(7);
    const none = stint(['forget', '--identity', 'carol']);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/--site NAME or --db FILE/);
  });
});

describe('stint forget --site', () => {
  it("refuses while the site's log holds events the store does not have yet", async () => {
    const data = tempDir();
    openRegistry(data).addSite('shop', []);
    mkdirSync(join(data, 'sites'));
    (await openDuckDBStore(join(data, 'sites', 'shop.duckdb'))).close();
    // A server that stopped before storing what it had logged (a crash): it would store it at start.
    const { log } = await openEventLog(join(data, 'sites', 'shop.log'), undefined);
    await log.append([pageview('alice', Date.parse('2026-03-10T10:00:00Z'), { url: '/' })]);
    await log.close();
    const r = stint(['forget', '--site', 'shop', '--identity', 'alice', '--data', data]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds events not stored yet/);
    expect(r.stderr).toMatch(/Start stint serve once/);
  });
});

describe('stint delete', () => {
  it('counts first with --dry-run, then removes the filtered events and resessionizes the rest', async () => {
    const { db } = imported();
    const args = [
      'delete',
      '--db',
      db,
      '--from',
      '2026-03-10',
      '--to',
      '2026-03-10',
      '--filter',
      'path=/spam',
    ];
    const dry = stint([...args, '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({ dry_run: true, events: 1, sessions: 1, visitors: 1 });
    expect((await rows(db, 'SELECT count(*) AS n FROM events'))[0]!.n).toBe(7);
    const done = stint([...args, '--json']);
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ events: 1 });
    // carol's 10:05 and 10:40 are now 35 minutes apart: two sessions instead of one.
    const carol = await rows(db, "SELECT events FROM sessions WHERE identity = 'carol' ORDER BY start_ms");
    expect(carol.map((s) => s.events)).toEqual([1, 1]);
    expect((await rows(db, "SELECT count(*) AS n FROM events WHERE path = '/spam'"))[0]!.n).toBe(0);
  });

  it('refuses to run with no range or filter, and an unknown field', () => {
    const { db } = imported();
    const all = stint(['delete', '--db', db]);
    expect(all.code).toBe(1);
    expect(all.stderr).toMatch(/will not delete every event/);
    const bad = stint(['delete', '--db', db, '--filter', 'nope=1']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Unknown event field "nope"/);
  });
});
