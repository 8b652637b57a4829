/**
 * Property: events imported into the store in any number of parts (each part one
 * transaction, as `stint import` does per file) end in exactly the sessions the batch engine
 * gives on all of them at once, under every rule set used here, with retries across parts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sessionizeColumns } from '../../src/core/batch.ts';
import { EventColumnsBuilder } from '../../src/core/columns.ts';
import type { StintEvent } from '../../src/core/event.ts';
import { createNormalizer } from '../../src/core/normalize.ts';
import { createRules, type RulesInput } from '../../src/core/rules.ts';
import { openDuckDBStore } from '../../src/store/duckdb-store.ts';
import { resessionizeAffected } from '../../src/store/ingest/index.ts';
import { eventsArbitrary, records } from '../helpers/gen.ts';

const RULE_SETS: RulesInput[] = [
  {},
  { identity: 'user', goals: ['purchase'] },
  { timeoutMs: 10 * 60_000, splitOnCampaign: true, sessionKey: 'session_id' },
];

async function storedSessionRecords(parts: StintEvent[][], rules: ReturnType<typeof createRules>) {
  const store = await openDuckDBStore(join(mkdtempSync(join(tmpdir(), 'stint-parts-')), 's.duckdb'));
  try {
    let version: number | undefined;
    for (const [k, part] of parts.entries()) {
      await store.transaction(async (tx) => {
        version ??= (await tx.saveRules(rules, 0)).version;
        // As `stint import` does: the reader drops a file's own retries and builds columns of
        // the rest, which stand in for the staged events when nothing stored is touched.
        const reader = new EventColumnsBuilder();
        await tx.stageEvents(part.filter((e) => reader.append(e)));
        const dropped = await tx.dropStoredRetries();
        // Every other part goes the long way, reading its staged events back.
        const columns = k % 2 === 0 && dropped === 0 ? reader.finish() : undefined;
        await resessionizeAffected(tx, rules, version, columns);
        await tx.commitEvents(await tx.recordImport(importRecord(version)));
      });
    }
    // Every stored event sits in one stored session, which counts it, and pages follow pageviews.
    const [placed] = await store.query({
      sql: `SELECT (SELECT count(*) FROM events WHERE session_id IS NULL OR session_id NOT IN (SELECT session_id FROM sessions)) AS unplaced,
                   (SELECT count(*) FROM sessions s WHERE events <> (SELECT count(*) FROM events e WHERE e.session_id = s.session_id)) AS miscounted,
                   (SELECT count(*) FROM sessions WHERE len(pages) <> pageviews
                       OR (pageviews > 0 AND (pages[1] <> entry_page OR pages[-1] <> exit_page))) AS bad_pages`,
      params: [],
    });
    expect(placed).toEqual({ unplaced: 0, miscounted: 0, bad_pages: 0 });
    return await store.query({
      sql: `SELECT session_id, identity, start_ms, end_ms, events, pageviews, bounce, engaged, entry_page,
                   exit_page, end_reason, source, campaign, value, conversions
            FROM sessions ORDER BY session_id`,
      params: [],
    });
  } finally {
    store.close();
  }
}

/** The batch engine's sessions of all the events at once, as `storedSessionRecords` gives them. */
function batchRecords(events: readonly StintEvent[], rules: ReturnType<typeof createRules>) {
  const builder = new EventColumnsBuilder();
  for (const e of events) builder.append(e);
  return records(sessionizeColumns(builder.finish(), rules))
    .map((s) => {
      const r = s as Record<string, unknown>;
      return {
        session_id: r.session_id,
        identity: r.identity,
        start_ms: Date.parse(String(r.start)),
        end_ms: Date.parse(String(r.end)),
        events: r.events,
        pageviews: r.pageviews,
        bounce: r.bounce,
        engaged: r.engaged,
        entry_page: r.entry_page,
        exit_page: r.exit_page,
        end_reason: r.end_reason,
        source: r.source,
        campaign: r.campaign,
        value: r.value,
        conversions: r.conversions,
      };
    })
    .sort((a, b) => (String(a.session_id) < String(b.session_id) ? -1 : 1));
}

function importRecord(rulesVersion: number) {
  return {
    path: 'part',
    fingerprint: 'x',
    bytes: 0,
    importedAtMs: 0,
    rows: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    leftOut: 0,
    rulesVersion,
  };
}

describe('the store, imported in parts', () => {
  it('gives the batch engine’s sessions on the whole input', async () => {
    await fc.assert(
      fc.asyncProperty(
        eventsArbitrary({ users: true }),
        fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 3 }),
        fc.integer({ min: 0, max: RULE_SETS.length - 1 }),
        async (inputs, cuts, ruleSet) => {
          const rules = createRules(RULE_SETS[ruleSet]);
          const normalize = createNormalizer({ sessionKey: rules.sessionKey });
          const events = inputs.map((input) => {
            const r = normalize(input);
            if (!r.ok) throw new Error(`generated a bad event: ${r.reason}`);
            return r.event;
          });
          // Cut the input at a few places (as files would be): every part keeps input order.
          const at = [...new Set(cuts.map((c) => Math.floor((c / 100) * events.length)))].sort(
            (a, b) => a - b,
          );
          const parts = [0, ...at].map((from, k) => events.slice(from, [...at, events.length][k]));
          const expected = batchRecords(events, rules);
          expect(await storedSessionRecords(parts, rules)).toEqual(expected);
        },
      ),
      { seed: 20261122, numRuns: 30 },
    );
  }, 120_000);

  it('redoes a device from the session a late event can join: bridges, splits and earlier starts', async () => {
    const normalize = createNormalizer({});
    const at = (hhmm: string, more: Record<string, string> = {}): StintEvent => {
      const r = normalize({
        anonymous_id: 'd1',
        timestamp: `2026-03-07T${hhmm}:00Z`,
        event: 'pageview',
        ...more,
      });
      if (!r.ok) throw new Error(r.detail);
      return r.event;
    };
    const rules = createRules({});
    // Stored: 10:00–10:20, a session_start at 10:40 (a session starting just after the late
    // event's time), 11:30. Late: 10:30 extends the first session, 11:05 then joins 10:40 and
    // 11:30, 09:00 comes before every stored session, 12:30 after all.
    const stored = [at('10:00'), at('10:20'), at('10:40', { event: 'session_start' }), at('11:30')];
    for (const late of [
      [at('10:30')],
      [at('11:05'), at('10:30')],
      [at('09:00')],
      [at('09:45'), at('12:30')],
    ]) {
      const parts = [stored, late];
      expect(await storedSessionRecords(parts, rules)).toEqual(batchRecords([...stored, ...late], rules));
    }
  });
});
