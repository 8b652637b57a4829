/**
 * `stint serve` on a full disk: a tmpfs of its own (mounted here, so the test needs root; CI
 * runs as root and must run it), filled by a file of the test's. Sessionizing fails; the
 * collector keeps what its log has room for, then answers 503 `disk_full` with Retry-After;
 * `/healthz` answers 503 `degraded` with the reason; the server's log names the full file, once,
 * never DuckDB's "cannot rollback". Once the filler is deleted, the next write works, `/healthz`
 * is ok again, and after a SIGKILL and a restart every acknowledged event is stored exactly once.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRegistry } from '../../src/server/registry.ts';
import { openDuckDBStore } from '../../src/store/duckdb-store.ts';
import { type ServeProcess, startServe } from '../helpers/serve-process.ts';

const isRoot = process.getuid?.() === 0;
const inCi = process.env.CI === 'true' || process.env.CI === '1';
if (!isRoot && inCi) throw new Error('The full-disk test must run under CI: it needs root, to mount a tmpfs');
if (!isRoot)
  console.warn(
    '\n*** SKIPPED: test/server/disk-full.test.ts needs root (it mounts a tmpfs to fill its disk). ' +
      'Run it as root (CI does) to check stint serve on a full disk. ***\n',
  );

const mounts: string[] = [];
const servers: ServeProcess[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop('SIGKILL');
  for (const m of mounts) {
    execFileSync('umount', [m]);
    rmSync(m, { recursive: true, force: true });
  }
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Polls `check` every 100 ms until it is true, for at most `ms`. */
async function until(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`waited ${ms / 1000} s for ${what}`);
    await sleep(100);
  }
}

/** Writes zeros to `path` until the disk is full (then smaller pieces, to leave nothing over). */
function fill(path: string): void {
  const fd = openSync(path, 'w');
  try {
    for (const size of [1 << 20, 1 << 12, 1]) {
      const chunk = Buffer.alloc(size, 1);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw err;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

const BATCH = 100;
const T0 = Date.UTC(2025, 5, 1, 8);
const batchOf = (b: number) =>
  Array.from({ length: BATCH }, (_, j) => ({
    event_id: `d-${b}-${j}`,
    anonymous_id: `v${(b * 7 + j) % 30}`,
    timestamp: T0 + (b * BATCH + j) * 1000,
    url: `https://shop.example/p${j % 9}`,
  }));

describe.skipIf(!isRoot)('stint serve on a full disk', () => {
  it('answers 503 disk_full and /healthz degraded, names the disk once, recovers, and loses no acknowledged event', async () => {
    const mount = mkdtempSync(join(tmpdir(), 'stint-full-'));
    // The log takes 32 MB (a segment and its spare); the store and the rest a few.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', mount]);
    mounts.push(mount);
    const dir = join(mount, 'data');
    mkdirSync(dir);
    const registry = openRegistry(dir);
    const { writeKey } = registry.addSite('shop', []);
    const admin = registry.createToken('admin', undefined, 'test').secret;
    const env = { STINT_SESSIONIZE_DELAY: '100ms', STINT_MAX_PENDING_EVENTS: '1000' };
    let server = await startServe(dir, env);
    servers.push(server);
    const health = async () => {
      const res = await fetch(`${server.base}/healthz`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    await until('the site to open', 30_000, async () => (await health()).body.sites === 1);

    const acked = new Set<string>();
    /** Posts batch `b`: its status and error code. */
    const post = async (b: number) => {
      const events = batchOf(b);
      const res = await fetch(`${server.base}/api/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${writeKey}` },
        body: JSON.stringify({ events }),
      });
      const body = (await res.json()) as { accepted?: number; duplicates?: number; error?: { code: string } };
      if (res.status === 200) {
        expect((body.accepted ?? 0) + (body.duplicates ?? 0)).toBe(BATCH);
        for (const e of events) acked.add(e.event_id);
      }
      return { status: res.status, code: body.error?.code, retryAfter: res.headers.get('retry-after') };
    };
    let next = 0;
    expect((await post(next++)).status).toBe(200);

    const filler = join(mount, 'filler');
    fill(filler);
    // The log has room (its segment is made ahead); the store has none: posts are taken until
    // max_pending_events wait, then refused as disk_full.
    let refused: Awaited<ReturnType<typeof post>> | undefined;
    for (let i = 0; i < 300 && refused === undefined; i++) {
      const r = await post(next);
      if (r.status === 200) next++;
      else if (r.code === 'disk_full') refused = r;
      else {
        expect(r).toMatchObject({ status: 503, code: 'busy' }); // before sessionizing has failed once
        await sleep(100);
      }
    }
    expect(refused).toMatchObject({ status: 503, code: 'disk_full' });
    expect(Number(refused!.retryAfter)).toBeGreaterThan(0);
    const degraded = await health();
    expect(degraded.status).toBe(503);
    expect(degraded.body).toMatchObject({ status: 'degraded', reason: 'disk_full' });

    // Named once (not at each retry), with the file on the full disk; DuckDB's rollback error not at all.
    await sleep(2500); // a few more retries of sessionizing
    const named = server.output().match(/The disk holding [^ ]+ is full/g) ?? [];
    expect(named.length).toBeGreaterThanOrEqual(1);
    expect(named.length).toBeLessThanOrEqual(2); // the store, and the log if it filled too
    expect(named[0]).toContain(mount);
    expect(server.output()).not.toMatch(/cannot rollback/);

    unlinkSync(filler);
    await until('/healthz to be ok again', 20_000, async () => (await health()).status === 200);
    expect(server.output()).toMatch(/the disk has room again/);
    // The refused batch is sent again, and a few more.
    for (const b of [next, next + 1, next + 2]) {
      let r = await post(b);
      for (let i = 0; i < 100 && r.status !== 200; i++) {
        await sleep(100);
        r = await post(b);
      }
      expect(r.status).toBe(200);
    }

    // A crash, a restart: everything acknowledged is stored, once.
    await server.stop('SIGKILL');
    server = await startServe(dir, env);
    servers.push(server);
    await until('everything to be sessionized', 30_000, async () => {
      const res = await fetch(`${server.base}/metrics`, { headers: { authorization: `Bearer ${admin}` } });
      return res.ok && /^stint_unsessionized_events\{site="shop"\} 0$/m.test(await res.text());
    });
    await server.stop('SIGTERM');
    const store = await openDuckDBStore(join(dir, 'sites', 'shop.duckdb'));
    try {
      const rows = await store.query({ sql: 'SELECT event_id FROM events', params: [] });
      const ids = rows.map((r) => String(r.event_id));
      expect(ids.length).toBe(acked.size);
      expect(new Set(ids)).toEqual(acked);
    } finally {
      store.close();
    }
  }, 90_000);
});
