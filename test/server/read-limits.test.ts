/**
 * Reads cannot starve each other or the collector: a read stops at query_timeout (503
 * `query_timeout`, and the store answers the next query), a report takes at most 10 funnels,
 * and per site at most max_concurrent_reads reads run (one credential holding all but one
 * slot) and max_queued_reads wait; past that, 503 `too_many_reads` with Retry-After, while
 * another reader and the collector are answered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_REPORT_FUNNELS, parseFunnels } from '../../src/analysis/catalog.ts';
import { StintError } from '../../src/core/errors.ts';
import { createReadGate } from '../../src/server/read-limits.ts';
import { openSiteStore } from '../../src/server/site-store.ts';
import { closeServers, startTestServer, type TestServer } from '../helpers/server.ts';

afterEach(closeServers);

const DAY = Date.UTC(2026, 10, 20);

/** 3,000 events of 300 visitors (10 each, 10 minutes apart: one session each) into shop's store. */
async function seed(t: TestServer): Promise<void> {
  const lines = Array.from({ length: 3000 }, (_, i) =>
    JSON.stringify({
      anonymous_id: `v${i % 300}`,
      timestamp: DAY + i * 2_000,
      url: `https://shop.example/${['', 'pricing', 'docs', 'checkout0'][Math.floor(i / 300) % 4]}`,
      ...(i % 50 === 0 ? { event: 'purchase' } : {}),
    }),
  );
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/events/ndjson',
    headers: { 'content-type': 'application/x-ndjson', ...t.auth(t.sites.shop.writeKey) },
    payload: lines.join('\n'),
  });
  expect(res.json()).toMatchObject({ accepted: 3000 });
  await t.settle();
}

const FUNNELS = Array.from(
  { length: 10 },
  (_, i) => `funnel=${encodeURIComponent(`/,/pricing,/docs,/checkout${i}`)}`,
).join('&');

describe('a report', () => {
  it(`takes at most ${MAX_REPORT_FUNNELS} funnels, in the API and the CLI, and says so`, async () => {
    expect(() => parseFunnels(Array.from({ length: 11 }, () => '/,/pricing'))).toThrow(
      /at most 10 funnels \(--funnel\), got 11/,
    );
    expect(parseFunnels(Array.from({ length: 10 }, () => '/,/pricing'))).toHaveLength(10);
    const t = await startTestServer();
    const res = await t.app.inject({
      url: `/api/v1/report?site=shop&${FUNNELS}&funnel=/,/x`,
      headers: t.auth(t.admin),
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.message).toMatch(/at most 10 funnels \(funnel\), got 11/);
  });
});

describe('the query time limit', () => {
  it('stops a store query past its limit, and the store answers the next one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stint-read-'));
    const store = await openSiteStore(join(dir, 'site.duckdb'), { readConnections: 2 });
    try {
      // Minutes of work unless it is stopped.
      const heavy = {
        sql: 'SELECT count(*) AS n FROM range(2000000000) a, range(10) b WHERE a.range % 7 = b.range',
        params: [],
      };
      const err = await store.query(heavy, { timeoutMs: 100 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StintError);
      expect((err as StintError).code).toBe('STINT_QUERY_TIMEOUT');
      expect(await store.query({ sql: 'SELECT 42 AS x', params: [] }, { timeoutMs: 60_000 })).toEqual([
        { x: 42 },
      ]);
      expect(await store.query({ sql: 'SELECT 7 AS y', params: [] })).toEqual([{ y: 7 }]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers a read past query_timeout 503 query_timeout, and the server goes on', async () => {
    const t = await startTestServer({ STINT_QUERY_TIMEOUT: '1ms' });
    await seed(t);
    const res = await t.app.inject({ url: `/api/v1/report?site=shop&${FUNNELS}`, headers: t.auth(t.admin) });
    expect(res.statusCode, res.body).toBe(503);
    expect(res.json().error.code).toBe('query_timeout');
    expect(res.json().error.message).toMatch(/the server's query_timeout \(1 ms\)/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect((await t.app.inject({ url: '/api/v1/sites', headers: t.auth(t.admin) })).statusCode).toBe(200);
    expect((await t.post({ anonymous_id: 'after', timestamp: DAY, url: '/after' })).json()).toMatchObject({
      accepted: 1,
    });
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('concurrent reads of a site', () => {
  it('refuses reads past the slots and the queue, leaves a slot for another reader, and never holds up the collector', async () => {
    const t = await startTestServer({ STINT_MAX_CONCURRENT_READS: '2', STINT_MAX_QUEUED_READS: '0' });
    await seed(t);
    // A share link's six parallel reports: it may hold one of the two slots, and none may wait.
    const reports = Array.from({ length: 6 }, () =>
      t.app.inject({ url: `/api/v1/report?${FUNNELS}`, headers: t.auth(t.share) }),
    );
    const overview = t.app.inject({ url: '/api/v1/overview', headers: t.auth(t.sites.shop.reader) });
    const post = t.post({ anonymous_id: 'during', timestamp: DAY, url: '/during' });
    const answers = await Promise.all(reports);
    for (const a of answers) {
      if (a.statusCode === 200) continue;
      expect(a.statusCode, a.body).toBe(503);
      expect(a.json().error.code).toBe('too_many_reads');
      expect(a.json().error.message).toMatch(/max_concurrent_reads/);
      expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
    }
    const codes = answers.map((a) => a.statusCode);
    expect(codes).toContain(200);
    expect(codes).toContain(503);
    expect((await overview).statusCode).toBe(200);
    expect((await post).json()).toMatchObject({ accepted: 1 });
    // The slots are given back: a read now is answered.
    expect((await t.app.inject({ url: '/api/v1/overview', headers: t.auth(t.share) })).statusCode).toBe(200);
  });

  it('queues past the slots, first come first served, and refuses past the queue or the deadline', async () => {
    const gate = createReadGate({ maxConcurrent: 3, maxQueued: 2 });
    const later = performance.now() + 60_000;
    const a1 = await gate.enter('a', later);
    const a2 = await gate.enter('a', later);
    expect(a1.ok && a2.ok).toBe(true);
    // "a" holds all slots but one: its third read waits, another credential's runs.
    const a3 = gate.enter('a', later);
    const b1 = await gate.enter('b', later);
    expect(b1.ok).toBe(true);
    const c1 = gate.enter('c', later);
    expect(gate.queued).toBe(2);
    expect(await gate.enter('d', later)).toEqual({ ok: false, reason: 'full' });
    if (b1.ok) b1.release();
    // The freed slot goes to the first waiter that may run: "a" still holds its share, so "c".
    expect((await c1).ok).toBe(true);
    if (a1.ok) a1.release();
    expect((await a3).ok).toBe(true);
    expect(gate.running).toBe(3);
    expect(await gate.enter('e', performance.now())).toEqual({ ok: false, reason: 'timeout' });
    expect(gate.queued).toBe(0);
  });
});
