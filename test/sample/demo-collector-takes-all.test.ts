/**
 * Every event of the demo is one the collector takes, as a server-side sender posts it: people's
 * and fraud-like visits' events are stored, crawlers' events are left out as bots, none is
 * refused (a property named like a field, a value out of bounds, …).
 */
import { expect, it } from 'vitest';
import { createCollector } from '../../src/server/collect.ts';
import { demo, END_MS } from './demo-fixture.ts';

it('stores every event of people and fraud-like visits, and leaves out every crawler event', () => {
  const collect = createCollector({ maxFutureMs: 300_000, maxPastMs: 7 * 86_400_000 });
  const refused: string[] = [];
  const kinds = { event: 0, bot: 0 };
  for (const s of demo().sessions) {
    for (const e of s.events) {
      const ctx = {
        site: s.site,
        ip: '127.0.0.1',
        userAgent: '',
        receivedAtMs: END_MS + 60_000,
        trusted: true,
        visitorId: () => 'unused',
      };
      // The collector takes the event object as its own (it deletes fields of it): a copy.
      const got = collect(structuredClone(e), ctx);
      if (got.kind === 'rejected') refused.push(`${s.site} ${e.event}: ${got.message}`);
      else if (got.kind !== (s.kind === 'bot' ? 'bot' : 'event'))
        refused.push(`${s.kind} ${e.event}: ${got.kind}`);
      else kinds[got.kind]++;
    }
  }
  expect(refused.slice(0, 5)).toEqual([]);
  expect(kinds.event).toBeGreaterThan(100_000);
  expect(kinds.bot).toBeGreaterThan(1000);
});
