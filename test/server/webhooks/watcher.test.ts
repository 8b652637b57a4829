/**
 * The detection watcher: each new finding is put in the outbox once per hook that takes its
 * event, never twice (not after a restart either: the sent ids are on disk), from the period
 * over the trailing window; a site without an enabled hook is not looked at.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/server/webhooks/detectors.ts';
import { openHooks } from '../../../src/server/webhooks/hooks.ts';
import { openOutbox } from '../../../src/server/webhooks/outbox.ts';
import { findingDeliveryId, startWatcher, WATCH_WINDOW_MS } from '../../../src/server/webhooks/watcher.ts';
import type { Store } from '../../../src/store/store.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 5, 12);

const day = (d: string): Finding => ({
  id: `day:${d}:sessions`,
  event: 'anomalous-day',
  data: { day: d, metric: 'sessions' },
});
const session = (id: string): Finding => ({
  id: `session:${id}`,
  event: 'anomalous-session',
  data: { session_id: id },
});

function setUp() {
  const dir = mkdtempSync(join(tmpdir(), 'stint-watch-'));
  const hooks = openHooks(dir);
  const outbox = openOutbox(dir);
  let clock = T0;
  let findings: Finding[] = [];
  const periods: { site: string; fromMs: number; toMs: number; events: string[] }[] = [];
  const watcher = () =>
    startWatcher({
      dataDir: dir,
      hooks,
      outbox,
      readSite: async (site, work) => work({ site } as unknown as Store),
      now: () => clock,
      log: pino({ level: 'silent' }),
      intervalMs: 24 * HOUR,
      detect: async (store, period, events) => {
        periods.push({
          site: (store as unknown as { site: string }).site,
          ...period,
          events: [...events].sort(),
        });
        return findings;
      },
    });
  return {
    hooks,
    outbox,
    watcher,
    periods,
    set: (f: Finding[]) => {
      findings = f;
    },
    tick: (ms: number) => {
      clock += ms;
    },
  };
}

describe('the webhooks watcher', () => {
  it('sends each finding once per hook that takes its event, across rounds and restarts', async () => {
    const t = setUp();
    const days = t.hooks.add({ site: 'shop', url: 'http://127.0.0.1:9/a', events: ['anomalous-day'] });
    const all = t.hooks.add({
      site: 'shop',
      url: 'http://127.0.0.1:9/b',
      events: ['anomalous-day', 'anomalous-session'],
    });
    t.set([day('2026-11-04'), session('s1')]);
    const w = t.watcher();
    expect(await w.runOnce()).toBe(3);
    const put = () =>
      t.outbox
        .entries()
        .map((e) => [e.hook, e.body.type, (e.body.data as { finding: string }).finding, e.body.id]);
    expect(put().sort()).toEqual(
      [
        [
          days.id,
          'anomalous-day',
          'day:2026-11-04:sessions',
          findingDeliveryId(days.id, 'day:2026-11-04:sessions'),
        ],
        [
          all.id,
          'anomalous-day',
          'day:2026-11-04:sessions',
          findingDeliveryId(all.id, 'day:2026-11-04:sessions'),
        ],
        [all.id, 'anomalous-session', 'session:s1', findingDeliveryId(all.id, 'session:s1')],
      ].sort(),
    );
    // The same findings again, and one new: only the new one is sent.
    t.tick(HOUR);
    t.set([day('2026-11-04'), session('s1'), session('s2')]);
    expect(await w.runOnce()).toBe(1);
    await w.stop();
    // A restarted server knows what was sent.
    t.tick(HOUR);
    const again = t.watcher();
    expect(await again.runOnce()).toBe(0);
    await again.stop();
    expect(t.outbox.entries()).toHaveLength(4);
    // Each round looked at the week before it, for the events of the hooks.
    const events = ['anomalous-day', 'anomalous-session'];
    expect(t.periods).toEqual(
      [T0, T0 + HOUR, T0 + 2 * HOUR].map((toMs) => ({
        site: 'shop',
        fromMs: toMs - WATCH_WINDOW_MS,
        toMs,
        events,
      })),
    );
  });

  it('does not look at a site whose hooks are all disabled', async () => {
    const t = setUp();
    const hook = t.hooks.add({ site: 'blog', url: 'http://127.0.0.1:9/a', events: ['diagnose-finding'] });
    t.hooks.disable(hook.id, 'gone', T0);
    t.set([{ id: 'diagnose:x', event: 'diagnose-finding', data: {} }]);
    const w = t.watcher();
    expect(await w.runOnce()).toBe(0);
    await w.stop();
    expect(t.periods).toEqual([]);
  });
});
