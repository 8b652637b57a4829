/**
 * Funnel, pages and sankey no longer use window functions (ClickHouse 18.16 has none): they
 * use the dialect's `withNext` and `tables` and count in the engine. For random events, they
 * give exactly what the DuckDB window SQL they replace gave (kept word for word in
 * duckdb-window-reference.ts), and sankey equals its plain TypeScript version, sankeyOfPages.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { type FunnelSpec, funnel, funnelResult, parseSteps } from '../../src/analysis/funnel.ts';
import { pages } from '../../src/analysis/pages.ts';
import { sankey, sankeyOfPages } from '../../src/analysis/paths.ts';
import { parseQueryOptions } from '../../src/analysis/query-options.ts';
import { createRules } from '../../src/core/rules.ts';
import { duckdb } from '../../src/sql/duckdb.ts';
import { sql } from '../../src/sql/query.ts';
import { closeStores, ev, storeWith } from '../helpers/store.ts';
import { referenceFunnelCounts, referencePages, referenceSankey } from './duckdb-window-reference.ts';

afterEach(closeStores);

const START = Date.UTC(2026, 8, 30, 20);

const eventArb = fc.record({
  who: fc.constantFrom('a', 'b', 'c'),
  // Five-minute steps over 12 hours: ties in time, steps exactly a window apart, sessions on
  // both sides of the period.
  minute: fc.integer({ min: 0, max: 150 }).map((u) => u * 5),
  name: fc.constantFrom('pageview', 'pageview', 'pageview', 'click', 'signup'),
  path: fc.constantFrom('/', '/a', '/b', '/docs/x', '/docs/y'),
  source: fc.constantFrom('', '', 'google'),
});

const specArb: fc.Arbitrary<FunnelSpec> = fc.record({
  steps: fc
    .array(fc.constantFrom('/', '/a', '/b', '/docs/*', 'event:click', 'event:signup'), {
      minLength: 1,
      maxLength: 4,
    })
    .map((texts) => parseSteps(texts)),
  anyOrder: fc.boolean(),
  windowMs: fc.constantFrom(undefined, 300_000, 600_000, 3_600_000),
  by: fc.constantFrom(undefined, 'traffic_source' as const),
});

describe('property: the portable analyses equal the DuckDB window SQL', () => {
  it('funnel, pages and sankey, for random events', { timeout: 600_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 80 }),
        fc.array(specArb, { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 1, max: 4 }),
        async (rows, specs, perStep) => {
          const events = rows.map((r) =>
            ev(r.who, new Date(START + r.minute * 60_000).toISOString(), {
              name: r.name,
              url: r.path,
              utmSource: r.source,
            }),
          );
          const store = await storeWith(events, createRules({}));
          try {
            const o = parseQueryOptions({ from: '2026-10-01', to: '2026-10-01' });
            const [from, to] = [o.fromMs!, o.toMs!];
            for (const spec of specs) {
              const ref = (by: FunnelSpec['by']) => referenceFunnelCounts(store, from, to, { ...spec, by });
              const expected = funnelResult(
                spec,
                await ref(undefined),
                spec.by === undefined ? undefined : await ref(spec.by),
              );
              expect(await funnel(store, o, spec)).toEqual(expected);
            }
            expect(await pages(store, o, 50)).toEqual(await referencePages(store, from, to, 50));
            const drawn = await sankey(store, o, 3, perStep);
            expect(drawn).toEqual(await referenceSankey(store, from, to, 3, perStep));
            const sessions = await store.query(
              duckdb.compile(
                sql`SELECT pages FROM sessions WHERE start_ms >= ${BigInt(from)} AND start_ms < ${BigInt(to)}`,
              ),
            );
            expect(drawn).toEqual(
              sankeyOfPages(
                sessions.map((s) => (s.pages ?? []) as string[]),
                3,
                perStep,
              ),
            );
          } finally {
            closeStores();
          }
        },
      ),
      {
        numRuns: 25,
        // Edges random events seldom hit: a step exactly a window after the first, ties in time,
        // a step repeated, a visitor whose first step falls before the period.
        examples: [
          [
            [
              { who: 'a', minute: 300, name: 'pageview', path: '/', source: '' },
              { who: 'a', minute: 305, name: 'pageview', path: '/a', source: '' },
              { who: 'a', minute: 305, name: 'click', path: '/a', source: '' },
              { who: 'a', minute: 310, name: 'pageview', path: '/', source: '' },
              { who: 'b', minute: 230, name: 'pageview', path: '/', source: 'google' },
              { who: 'b', minute: 245, name: 'pageview', path: '/', source: '' },
              { who: 'b', minute: 250, name: 'pageview', path: '/a', source: '' },
            ],
            [
              { steps: parseSteps(['/', '/a']), anyOrder: false, windowMs: 300_000, by: 'traffic_source' },
              {
                steps: parseSteps(['/', '/', 'event:click']),
                anyOrder: false,
                windowMs: undefined,
                by: undefined,
              },
              { steps: parseSteps(['/a', '/']), anyOrder: true, windowMs: 300_000, by: undefined },
            ],
            1,
          ],
        ],
      },
    );
  });
});
