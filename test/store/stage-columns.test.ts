/**
 * `stageColumns` (the server's sessionizer stages events it already has as columns) stores the
 * same rows as `stageEvents`, field for field, for awkward events; and campaign texts holding
 * the dictionary's separator characters survive a trip through the store.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { EventColumnsBuilder } from '../../src/core/columns.ts';
import type { StintEvent } from '../../src/core/event.ts';
import { createRules } from '../../src/core/rules.ts';
import { sessionizeEvents } from '../../src/core/sessionize.ts';
import type { Store } from '../../src/store/store.ts';
import { closeStores, ev, freshStore, importEvents } from '../helpers/store.ts';

afterEach(closeStores);

async function stored(store: Store, events: StintEvent[], columnWise: boolean) {
  await store.transaction(async (tx) => {
    if (columnWise) {
      const b = new EventColumnsBuilder();
      for (const e of events) b.append(e);
      await tx.stageColumns(b.finish(), events);
    } else await tx.stageEvents(events);
    await tx.commitEvents(0);
  });
  return store.query({ sql: 'SELECT * EXCLUDE (received_at) FROM events ORDER BY seq', params: [] });
}

const text = fc.oneof(
  fc.constant(''),
  fc.constantFrom('a', 'b', 'ü', '🙂', 'x\u0001y', "it's"),
  fc.string({ maxLength: 8 }),
);

describe('stageColumns', () => {
  it('stores what stageEvents stores, for any fields', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            who: fc.constantFrom('a', 'b', 'ü'),
            user: fc.constantFrom('', 'u1'),
            t: fc.integer({ min: 0, max: 10_000_000 }),
            name: fc.constantFrom('pageview', 'click', 'purchase'),
            url: fc.oneof(
              fc.constant(''),
              fc.constantFrom('https://x.example/a?b=1#c', '/p/ä', 'https://x.example'),
            ),
            referrer: text,
            source: text,
            medium: text,
            campaign: text,
            term: text,
            content: text,
            key: text,
            zone: fc.constantFrom('', 'Europe/Berlin'),
            agent: text,
            value: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
            props: fc.option(
              fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.string({ maxLength: 6 }), fc.integer())),
              { nil: undefined },
            ),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        async (rows) => {
          const events = rows.map((r, i) =>
            ev(r.who, new Date(Date.UTC(2026, 10, 20) + r.t).toISOString(), {
              userId: r.user,
              name: r.name,
              url: r.url,
              referrer: r.referrer,
              utmSource: r.source,
              utmMedium: r.medium,
              utmCampaign: r.campaign,
              utmTerm: r.term,
              utmContent: r.content,
              sessionKey: r.key,
              timezone: r.zone,
              userAgent: r.agent,
              value: r.value,
              eventId: `e${i}`,
              properties: r.props,
            }),
          );
          const a = await stored(await freshStore(), events, false);
          const b = await stored(await freshStore(), events, true);
          expect(b).toEqual(a);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('campaign texts read back from the store', () => {
  it('keeps parts holding the separator characters apart when stored events are sessionized again', async () => {
    const rules = createRules({ splitOnCampaign: true });
    const first = [ev('A', '2026-11-20T10:00:00Z', { utmSource: 'a\u0001b', utmMedium: 'c', eventId: 'e1' })];
    // The second import touches A: its stored event is read back through the store's SQL.
    const second = [
      ev('A', '2026-11-20T10:01:00Z', { utmSource: 'a', utmMedium: 'b\u0001c', eventId: 'e2' }),
      ev('A', '2026-11-20T10:02:00Z', { utmSource: 'x\u0002a', utmMedium: '\u0002', eventId: 'e3' }),
    ];
    const store = await freshStore();
    await importEvents(store, first, rules);
    await importEvents(store, second, rules);
    const rows = await store.query({
      sql: 'SELECT end_reason, source, medium FROM sessions ORDER BY start_ms',
      params: [],
    });
    const expected = sessionizeEvents([...first, ...second], rules, {});
    expect(rows.map((r) => [r.end_reason, r.source, r.medium])).toEqual(
      expected.map((s) => [s.endReason, s.source, s.medium]),
    );
    expect(rows.map((r) => r.end_reason)).toEqual(['campaign', 'campaign', 'open']);
  });
});
