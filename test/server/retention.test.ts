/**
 * A site's retention (`stint sites set-retention NAME 30d`): the server drops the sessions that
 * ended before it, with their events, when it starts and each time it applies retention (every
 * 24 h), by its own clock; /metrics counts what was dropped and the store records it.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from '../../src/server/app.ts';
import { resolveConfig } from '../../src/server/config.ts';
import { openDuckDBStore } from '../../src/store/duckdb-store.ts';
import { stint } from '../helpers/cli.ts';
import { closeServers, startTestServer } from '../helpers/server.ts';

afterEach(closeServers);

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse('2026-12-01T12:00:00Z');

const metric = (body: string, name: string): number =>
  Number(new RegExp(`^${name}\\{site="shop"\\} (\\d+)$`, 'm').exec(body)?.[1] ?? 'NaN');

describe('retention', () => {
  it('drops old sessions with their events at start and when applied, by the server clock', async () => {
    let nowMs = T0;
    const t = await startTestServer({ STINT_RATE_LIMIT_IP: '0', STINT_RATE_LIMIT_KEY: '0' }, undefined, {
      now: () => nowMs,
    });
    const events = [50, 50, 20, 1].map((days, i) => ({
      anonymous_id: `v${days}`,
      timestamp: new Date(T0 - days * DAY + i * 60_000).toISOString(),
      url: 'https://shop.example/',
    }));
    expect((await t.post({ events })).json().accepted).toBe(4);
    await t.settle();
    await t.server.close();

    const set = stint(['sites', 'set-retention', 'shop', '30d', '--data', t.dir]);
    expect(set.code, set.stderr).toBe(0);
    expect(stint(['sites', 'list', '--data', t.dir]).stdout).toMatch(/^shop\t.*\t30d$/m);

    // Started again on the same data: the 50-day-old session goes at start.
    const config = resolveConfig({ data: t.dir }, { STINT_LOG_LEVEL: 'silent' });
    const server = await createServer(config, { logger: false, now: () => nowMs });
    try {
      await server.applyRetention(); // after the start's own run: nothing more to drop
      const admin = { authorization: `Bearer ${t.admin}` };
      let metrics = (await server.app.inject({ url: '/metrics', headers: admin })).body;
      expect(metric(metrics, 'stint_retention_dropped_events_total')).toBe(2);
      expect(metric(metrics, 'stint_retention_dropped_sessions_total')).toBe(1);
      const kept = async () =>
        (await server.app.inject({ url: '/api/v1/sessions?site=shop', headers: admin }))
          .json()
          .sessions.map((s: { identity: string }) => s.identity);
      expect(await kept()).toEqual(['v1', 'v20']);

      // 15 days later by the server's clock, the 20-day-old one is past 30 days too.
      nowMs = T0 + 15 * DAY;
      await server.applyRetention();
      metrics = (await server.app.inject({ url: '/metrics', headers: admin })).body;
      expect(metric(metrics, 'stint_retention_dropped_events_total')).toBe(3);
      expect(await kept()).toEqual(['v1']);
    } finally {
      await server.close();
    }
    const store = await openDuckDBStore(join(t.dir, 'sites', 'shop.duckdb'));
    try {
      const rows = await store.query({
        sql: 'SELECT kind, actor, events, sessions FROM erasures ORDER BY at_ms',
        params: [],
      });
      expect(rows).toEqual([
        { kind: 'retention', actor: 'server', events: 2, sessions: 1 },
        { kind: 'retention', actor: 'server', events: 1, sessions: 1 },
      ]);
    } finally {
      store.close();
    }
  });

  it('refuses a retention that is not a duration', () => {
    const r = stint(['sites', 'set-retention', 'shop', 'forever', '--data', '/nonexistent-stint-dir']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/retention/);
  });
});
