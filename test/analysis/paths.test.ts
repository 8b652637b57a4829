/**
 * Pages and paths on a fixture worked out by hand (30-minute timeout, one session each):
 *
 *   A  10:00 pageview /   10:01 pageview /pricing   10:03 click /pricing   10:05 pageview /signup
 *   B  11:00 pageview /   11:02 pageview /pricing
 *   C  12:00 pageview /docs   12:00:30 engagement /docs
 *   D  13:00 pageview /   13:10 pageview /pricing   13:11 pageview /
 *
 * Page sequences: A [/, /pricing, /signup], B [/, /pricing], C [/docs], D [/, /pricing, /].
 * Time on page runs to the next event of the session (any event): A / 60 s, A /pricing 120 s
 * (the click), B / 120 s, C /docs 30 s (the engagement event), D / 600 s, D /pricing 60 s;
 * A /signup, B /pricing and D's second / are last in their sessions: unknown, not 0.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pages } from '../../src/analysis/pages.ts';
import { around, sankey, topPaths } from '../../src/analysis/paths.ts';
import { parseQueryOptions } from '../../src/analysis/query-options.ts';
import { createRules } from '../../src/core/rules.ts';
import { closeStores, ev, freshStore, importEvents, storeWith } from '../helpers/store.ts';

afterEach(closeStores);

const DAY = '2026-10-01T';
const view = (who: string, time: string, url: string) =>
  ev(who, `${DAY}${time}Z`, { url: `https://shop.example${url}` });
const FIXTURE = [
  view('A', '10:00:00', '/'),
  view('A', '10:01:00', '/pricing'),
  ev('A', `${DAY}10:03:00Z`, { name: 'click', url: 'https://shop.example/pricing' }),
  view('A', '10:05:00', '/signup'),
  view('B', '11:00:00', '/'),
  view('B', '11:02:00', '/pricing'),
  view('C', '12:00:00', '/docs'),
  ev('C', `${DAY}12:00:30Z`, { name: 'engagement', url: 'https://shop.example/docs' }),
  view('D', '13:00:00', '/'),
  view('D', '13:10:00', '/pricing'),
  view('D', '13:11:00', '/'),
];
const ALL = parseQueryOptions({});

describe('pages', () => {
  it('counts views, sessions, entries and exits, and times pages up to the next event', async () => {
    const store = await storeWith(FIXTURE);
    expect(await pages(store, ALL)).toEqual([
      // / : A, B, D twice; entered by A, B, D; D leaves on its second /; (60 + 120 + 600) / 3.
      {
        page: '/',
        pageviews: 4,
        sessions: 3,
        entries: 3,
        exits: 1,
        exit_rate: 0.25,
        avg_time_on_page_s: 260,
        timed_pageviews: 3,
      },
      // /pricing: A, B, D; B leaves on it; (120 + 60) / 2, B's is unknown.
      {
        page: '/pricing',
        pageviews: 3,
        sessions: 3,
        entries: 0,
        exits: 1,
        exit_rate: 1 / 3,
        avg_time_on_page_s: 90,
        timed_pageviews: 2,
      },
      {
        page: '/docs',
        pageviews: 1,
        sessions: 1,
        entries: 1,
        exits: 1,
        exit_rate: 1,
        avg_time_on_page_s: 30,
        timed_pageviews: 1,
      },
      {
        page: '/signup',
        pageviews: 1,
        sessions: 1,
        entries: 0,
        exits: 1,
        exit_rate: 1,
        avg_time_on_page_s: null,
        timed_pageviews: 0,
      },
    ]);
  });

  it('a pageview without a URL is page "" with its entries and exits; a session without pageviews enters nowhere', async () => {
    const store = await storeWith([
      ev('P', `${DAY}09:00:00Z`),
      ev('P', `${DAY}09:01:00Z`, { url: '/next' }),
      ev('Q', `${DAY}09:00:00Z`, { name: 'click' }),
    ]);
    const rows = await pages(store, ALL);
    expect(rows.find((p) => p.page === '')).toMatchObject({ pageviews: 1, entries: 1, exits: 0 });
    expect(rows.find((p) => p.page === '/next')).toMatchObject({ entries: 0, exits: 1 });
  });

  it('follows the filters and the limit; nothing for an empty store', async () => {
    const store = await storeWith(FIXTURE);
    const onlyDocs = await pages(store, parseQueryOptions({ filter: ['entry_page=/docs'] }));
    expect(onlyDocs.map((p) => p.page)).toEqual(['/docs']);
    expect((await pages(store, ALL, 2)).map((p) => p.page)).toEqual(['/', '/pricing']);
    expect(await pages(await freshStore(), ALL)).toEqual([]);
  });
});

describe('paths', () => {
  it('top sequences of the first pages, with shares of sessions that viewed a page', async () => {
    const store = await storeWith(FIXTURE);
    expect(await topPaths(store, ALL, 2)).toEqual([
      { pages: ['/', '/pricing'], sessions: 3, share: 0.75 },
      { pages: ['/docs'], sessions: 1, share: 0.25 },
    ]);
    const three = await topPaths(store, ALL, 3);
    expect(three.map((p) => p.pages).sort()).toEqual(
      [['/', '/pricing'], ['/', '/pricing', '/'], ['/', '/pricing', '/signup'], ['/docs']].sort(),
    );
  });

  it('the pages right after and right before one page, with exits and entrances', async () => {
    const store = await storeWith(FIXTURE);
    // / is viewed 4 times: three times first (then /pricing), once last in D (then the exit).
    expect(await around(store, ALL, '/')).toEqual({
      page: '/',
      views: 4,
      next: [
        { page: '/pricing', count: 3, share: 0.75 },
        { page: '(exit)', count: 1, share: 0.25 },
      ],
      previous: [
        { page: '(entrance)', count: 3, share: 0.75 },
        { page: '/pricing', count: 1, share: 0.25 },
      ],
    });
    const pricing = await around(store, ALL, '/pricing');
    expect(pricing.views).toBe(3);
    expect(pricing.previous).toEqual([{ page: '/', count: 3, share: 1 }]);
    expect(pricing.next.map((n) => [n.page, n.count]).sort()).toEqual([
      ['(exit)', 1],
      ['/', 1],
      ['/signup', 1],
    ]);
    expect(await around(store, ALL, '/nowhere')).toEqual({
      page: '/nowhere',
      views: 0,
      next: [],
      previous: [],
    });
  });

  it('Sankey nodes and links for the first steps, rare pages folded into (other), exits per step', async () => {
    const store = await storeWith(FIXTURE);
    const s = await sankey(store, ALL, 3, 8);
    expect(s.nodes).toEqual(
      expect.arrayContaining([
        { id: '1:/', step: 1, page: '/', sessions: 3 },
        { id: '1:/docs', step: 1, page: '/docs', sessions: 1 },
        { id: '2:/pricing', step: 2, page: '/pricing', sessions: 3 },
        { id: '3:/', step: 3, page: '/', sessions: 1 },
        { id: '3:/signup', step: 3, page: '/signup', sessions: 1 },
      ]),
    );
    expect(s.nodes).toHaveLength(5);
    expect(s.links).toEqual(
      expect.arrayContaining([
        { source: '1:/', target: '2:/pricing', sessions: 3 },
        { source: '2:/pricing', target: '3:/', sessions: 1 },
        { source: '2:/pricing', target: '3:/signup', sessions: 1 },
      ]),
    );
    expect(s.links).toHaveLength(3);
    // C ends after step 1, B after step 2; A and D go on past the last step shown.
    expect(s.exits).toEqual([
      { step: 1, sessions: 1 },
      { step: 2, sessions: 1 },
    ]);
    const folded = await sankey(store, ALL, 3, 1);
    expect(folded.nodes.filter((n) => n.step === 1)).toEqual(
      expect.arrayContaining([
        { id: '1:/', step: 1, page: '/', sessions: 3 },
        { id: '1:(other)', step: 1, page: '(other)', sessions: 1 },
      ]),
    );
  });

  it('pages of a session follow time, not input order, and survive a later import', async () => {
    const store = await freshStore();
    const rules = createRules();
    // E's events arrive in two files, the second one with an earlier page (a late row).
    await importEvents(store, [view('E', '09:10:00', '/b'), view('E', '09:20:00', '/c')], rules);
    await importEvents(store, [view('E', '09:00:00', '/a')], rules);
    expect(await topPaths(store, ALL, 5)).toEqual([{ pages: ['/a', '/b', '/c'], sessions: 1, share: 1 }]);
    expect((await pages(store, ALL)).find((p) => p.page === '/a')).toMatchObject({
      entries: 1,
      avg_time_on_page_s: 600,
    });
  });
});
