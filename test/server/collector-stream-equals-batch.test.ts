/**
 * Stream equals batch for the collector: events posted in any order, in many concurrent and
 * sequential requests and sessionizing batches, with ties in time and repeated event_ids, are
 * stored in the sessions that `sessionize` (what `stint sessionize` runs) gives for the same
 * events in the order the server accepted them, retries dropped as the server drops them; in
 * both identity modes, with devices that log in later and events that carry only a user_id.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createRules, type IdentityMode } from '../../src/core/rules.ts';
import { sessionize } from '../../src/core/sessionize.ts';
import { openDuckDBStore } from '../../src/store/duckdb-store.ts';
import { closeServers, startTestServer } from '../helpers/server.ts';

afterEach(closeServers);

const BASE = Date.UTC(2025, 5, 1, 10, 0, 0);
const MINUTE = 60_000;

interface Posted {
  readonly anonymous_id?: string;
  readonly user_id?: string;
  readonly timestamp: number;
  readonly event: string;
  readonly url: string;
  readonly event_id: string;
  /** The event's place in the generated list, to find it again in the store. */
  readonly n: number;
}

/**
 * An event: few visitors, few distinct times (ties, gaps over the timeout), start and end events;
 * a device may carry a user_id on some events only (it logs in later), two devices may share a
 * user, and an event may carry only a user_id.
 */
const event = fc.record({
  who: fc.constantFrom('a', 'a', 'b', 'b', ''),
  user: fc.constantFrom('', '', '', 'u1', 'u2'),
  minute: fc.constantFrom(0, 1, 2, 5, 40, 41, 120),
  tie: fc.boolean(),
  name: fc.constantFrom('pageview', 'pageview', 'session_start', 'session_start', 'session_end', 'purchase'),
  page: fc.constantFrom('/', '/a', '/b'),
  id: fc.integer({ min: 0, max: 60 }),
});

/** Requests of 1–4 events; waves of 1–3 requests sent at once; a settle after some waves. */
const scenario = fc.array(event, { minLength: 1, maxLength: 20 }).chain((events) =>
  fc.record({
    events: fc.constant(events),
    order: fc.shuffledSubarray(
      events.map((_, i) => i),
      { minLength: events.length, maxLength: events.length },
    ),
    cuts: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: events.length, maxLength: events.length }),
    waves: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: events.length, maxLength: events.length }),
    settles: fc.array(fc.boolean(), { minLength: events.length, maxLength: events.length }),
    // The site's store's rules: the server's default (device), or saved by an earlier import.
    mode: fc.constantFrom<IdentityMode>('device', 'user'),
  }),
);

describe('collector: stream equals batch', () => {
  it('stores the sessions sessionize gives for the events in the order they were accepted', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ events, order, cuts, waves, settles, mode }) => {
        const posted: Posted[] = events.map((e, n) => ({
          ...(e.who !== '' || e.user === '' ? { anonymous_id: e.who === '' ? 'a' : e.who } : {}),
          ...(e.user !== '' ? { user_id: e.user } : {}),
          // Ties: the same minute, to the millisecond; else a few ms apart.
          timestamp: BASE + e.minute * MINUTE + (e.tie ? 0 : (n % 7) + 1),
          event: e.name,
          url: `https://shop.example${e.page}`,
          // A repeated id is a retry, whatever else the event says.
          event_id: `e${e.id}`,
          n,
        }));
        const requests: Posted[][] = [];
        for (let at = 0, k = 0; at < order.length; k++) {
          requests.push(order.slice(at, at + cuts[k]!).map((i) => posted[i]!));
          at += cuts[k]!;
        }
        const rules = createRules({ identity: mode });
        const dir = mkdtempSync(join(tmpdir(), 'stint-serve-'));
        if (mode !== 'device') {
          // A store whose rules an earlier `stint import --identity user` saved: the server keeps them.
          mkdirSync(join(dir, 'sites'));
          const before = await openDuckDBStore(join(dir, 'sites', 'shop.duckdb'));
          await before.transaction((tx) => tx.saveRules(rules, 0));
          before.close();
        }
        const t = await startTestServer({ STINT_SESSIONIZE_DELAY: '0ms' }, dir);
        // Each wave's requests are in flight at once; the waves one after another.
        const waveOf: number[] = [];
        let accepted = 0;
        for (let at = 0, w = 0; at < requests.length; w++) {
          const wave = requests.slice(at, at + waves[w]!);
          const answers = await Promise.all(wave.map((events) => t.post({ events })));
          for (const [k, res] of answers.entries()) {
            expect(res.statusCode).toBe(200);
            const body = res.json() as { accepted: number; duplicates: number };
            expect(body.accepted + body.duplicates).toBe(wave[k]!.length);
            accepted += body.accepted;
            for (const e of wave[k]!) waveOf[e.n] = w;
          }
          if (settles[w] === true) await t.settle();
          at += wave.length;
        }
        await t.settle();
        await t.server.close();

        const store = await openDuckDBStore(join(t.dir, 'sites', 'shop.duckdb'));
        try {
          expect((await store.rules())?.rules.identity).toBe(mode);
          const rows = await store.query({
            sql: `SELECT event_id, json_extract(properties, '$.n')::INTEGER AS n FROM events ORDER BY seq`,
            params: [],
          });
          const arrival = rows.map((r) => posted[Number(r.n)]!);
          // Retries dropped as the server drops them: each event_id once, its first arrival.
          expect(arrival.length).toBe(accepted);
          expect(new Set(arrival.map((e) => e.event_id)).size).toBe(
            new Set(posted.map((e) => e.event_id)).size,
          );
          // Arrival order keeps the order of the waves: a later wave's events come later.
          const wavesInOrder = arrival.map((e) => waveOf[e.n]!);
          expect(wavesInOrder).toEqual([...wavesInOrder].sort((a, b) => a - b));

          const expected = sessionize(
            arrival.map((e) => ({ ...e, n: undefined })),
            rules,
          )
            .sessions.map((s) => ({
              session_id: s.sessionId,
              identity: s.identity,
              start_ms: s.startMs,
              end_ms: s.endMs,
              events: s.events,
              pageviews: s.pageviews,
              conversions: s.conversions,
              entry_page: s.entryPage,
              exit_page: s.exitPage,
              end_reason: s.endReason,
            }))
            .sort(bySessionId);
          const stored = (
            await store.query({
              sql: `SELECT session_id, identity, start_ms, end_ms, events, pageviews, conversions,
                           entry_page, exit_page, end_reason FROM sessions`,
              params: [],
            })
          ).sort(bySessionId);
          expect(stored).toEqual(expected);
        } finally {
          store.close();
          await closeServers();
        }
      }),
      { numRuns: 15 },
    );
  }, 120_000);
});

const bySessionId = (a: Record<string, unknown>, b: Record<string, unknown>): number =>
  String(a.session_id) < String(b.session_id) ? -1 : 1;
