/**
 * `stint import` of an access log keeps no raw IP: a visitor's `ip|user agent` identity is
 * stored as a keyed hash whose key the store keeps, so the same visitor hashes the same in every
 * import into that store. `--keep-ips` keeps the raw identity and says so; a store keeps one of
 * the two. `stint sessionize` output keeps the documented `ip|user agent` form.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { stint, tempDir } from '../helpers/cli.ts';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0';
const line = (ip: string, minute: number, page: string) =>
  `${ip} - - [01/Aug/2026:10:${String(minute).padStart(2, '0')}:00 +0000] "GET ${page} HTTP/1.1" 200 512 "-" "${UA}"`;

/** Two visitors; 203.0.113.7's session spans both files (12 minutes apart). */
const PART1 = [line('203.0.113.7', 0, '/'), line('198.51.100.4', 1, '/a'), line('203.0.113.7', 5, '/b')];
const PART2 = [line('203.0.113.7', 17, '/c'), line('198.51.100.4', 59, '/d')];

async function rows(db: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const c = await instance.connect();
  try {
    return (await c.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

function logs(dir: string): { part1: string; part2: string; whole: string } {
  const [part1, part2, whole] = ['part1.log', 'part2.log', 'whole.log'].map((n) => join(dir, n)) as [
    string,
    string,
    string,
  ];
  writeFileSync(part1, `${PART1.join('\n')}\n`);
  writeFileSync(part2, `${PART2.join('\n')}\n`);
  writeFileSync(whole, `${[...PART1, ...PART2].join('\n')}\n`);
  return { part1, part2, whole };
}

describe('stint import of access logs stores no raw IP', () => {
  it('stores a keyed hash, the same for one visitor across imports into the store', async () => {
    const dir = tempDir();
    const { part1, part2, whole } = logs(dir);
    const db = join(dir, 'x.duckdb');
    const first = stint(['import', part1, '--db', db, '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).ips).toBe('hashed');
    expect(stint(['import', part2, '--db', db, '-q']).code).toBe(0);
    const events = await rows(db, 'SELECT anonymous_id, user_agent FROM events ORDER BY seq');
    expect(events).toHaveLength(5);
    for (const e of events) expect(e.anonymous_id).toMatch(/^h_[0-9a-f]{24}$/);
    expect(JSON.stringify(await rows(db, 'SELECT * FROM events'))).not.toMatch(
      /203\.0\.113\.7|198\.51\.100\.4/,
    );
    expect(JSON.stringify(await rows(db, 'SELECT * FROM sessions'))).not.toMatch(/203\.0\.113\.7/);
    // Two visitors, each with one id in both files.
    expect(new Set(events.map((e) => e.anonymous_id)).size).toBe(2);
    expect(events[0]!.anonymous_id).toBe(events[3]!.anonymous_id);
    const [meta] = await rows(db, `SELECT value FROM stint_meta WHERE key = 'identity_key'`);
    expect(String(meta!.value)).toMatch(/^[0-9a-f]{64}$/);
    // In parts as whole: 203.0.113.7's session joins across the files; 198.51.100.4 has two.
    const sessions = await rows(db, 'SELECT start_ms, end_ms, events FROM sessions ORDER BY start_ms');
    const out = join(dir, 'whole.csv');
    expect(stint(['sessionize', whole, '-o', out, '-q']).code).toBe(0);
    const expected = (parse(readFileSync(out), { columns: true }) as Record<string, string>[])
      .map((s) => ({
        start_ms: String(Date.parse(s.start!)),
        end_ms: String(Date.parse(s.end!)),
        events: s.events,
      }))
      .sort((a, b) => Number(a.start_ms) - Number(b.start_ms));
    expect(
      sessions.map((s) => ({
        start_ms: String(s.start_ms),
        end_ms: String(s.end_ms),
        events: String(s.events),
      })),
    ).toEqual(expected);
  });

  it('sessionize output keeps the documented ip|user agent identity', () => {
    const dir = tempDir();
    const { whole } = logs(dir);
    const out = join(dir, 's.csv');
    expect(stint(['sessionize', whole, '-o', out, '-q']).code).toBe(0);
    const ids = (parse(readFileSync(out), { columns: true }) as Record<string, string>[]).map(
      (s) => s.anonymous_id,
    );
    expect(ids).toContain(`203.0.113.7|${UA}`);
  });

  it('--keep-ips keeps the raw identity and says so; a store keeps one mode', async () => {
    const dir = tempDir();
    const { part1, part2 } = logs(dir);
    const db = join(dir, 'kept.duckdb');
    const r = stint(['import', part1, '--db', db, '--keep-ips']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/IP addresses stored as they are \(--keep-ips\)/);
    const events = await rows(db, 'SELECT anonymous_id FROM events ORDER BY seq');
    expect(events[0]!.anonymous_id).toBe(`203.0.113.7|${UA}`);
    const mixed = stint(['import', part2, '--db', db]);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toMatch(/keeps access-log IP addresses as they are/);
    expect(mixed.stderr).toMatch(/hint: Import with --keep-ips/);
    const hashed = join(dir, 'hashed.duckdb');
    expect(stint(['import', part1, '--db', hashed, '-q']).code).toBe(0);
    const other = stint(['import', part2, '--db', hashed, '--keep-ips']);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/keeps access-log identities as keyed hashes/);
  });
});
