/**
 * Click-through rate per element, and event properties as a dimension, worked out by hand:
 *
 *   A  /pricing view, click signup on /pricing, / view, click signup on /
 *   B  /pricing view twice, click faq on /pricing
 *   C  /docs view, a click with no element (not counted), a click with a link property
 *
 * signup was clicked on / and /pricing: 2 clicks over 1 + 3 pageviews = 0.5.
 * faq on /pricing: 1 click over 3 pageviews. The link "/docs#top" on /docs: 1 over 1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { breakdown } from '../../src/analysis/breakdown.ts';
import { ctr } from '../../src/analysis/ctr.ts';
import { overview } from '../../src/analysis/overview.ts';
import { parseQueryOptions } from '../../src/analysis/query-options.ts';
import { closeStores, ev, freshStore, storeWith } from '../helpers/store.ts';

afterEach(closeStores);

const t = (time: string) => `2026-10-01T${time}Z`;
const view = (who: string, time: string, path: string) => ev(who, t(time), { url: path });
const click = (who: string, time: string, path: string, properties?: Record<string, unknown>) =>
  ev(who, t(time), { name: 'click', url: path, properties });
const FIXTURE = [
  view('A', '10:00:00', '/pricing'),
  click('A', '10:01:00', '/pricing', { element: 'signup' }),
  view('A', '10:02:00', '/'),
  click('A', '10:03:00', '/', { element: 'signup' }),
  view('B', '11:00:00', '/pricing'),
  view('B', '11:00:30', '/pricing'),
  click('B', '11:01:00', '/pricing', { element: 'faq' }),
  view('C', '12:00:00', '/docs'),
  click('C', '12:01:00', '/docs'),
  click('C', '12:02:00', '/docs', { link: '/docs#top', element: '' }),
];
const ALL = parseQueryOptions({});

describe('ctr', () => {
  it('clicks per element over the pageviews of the pages it was clicked on', async () => {
    const store = await storeWith(FIXTURE);
    expect(await ctr(store, ALL)).toEqual([
      { element: 'signup', clicks: 2, pageviews: 4, ctr: 0.5, pages: ['/', '/pricing'] },
      { element: '/docs#top', clicks: 1, pageviews: 1, ctr: 1, pages: ['/docs'] },
      { element: 'faq', clicks: 1, pageviews: 3, ctr: 1 / 3, pages: ['/pricing'] },
    ]);
  });

  it('follows filters, another click event name and the limit; nothing without clicks', async () => {
    const store = await storeWith(FIXTURE);
    expect(
      (await ctr(store, parseQueryOptions({ filter: ['entry_page=/docs'] }))).map((r) => r.element),
    ).toEqual(['/docs#top']);
    expect(await ctr(store, ALL, 20, 'tap')).toEqual([]);
    expect(await ctr(store, ALL, 1)).toHaveLength(1);
    expect(await ctr(await freshStore(), ALL)).toEqual([]);
  });
});

describe('event properties as a dimension', () => {
  it('a breakdown by prop.NAME keys each session by its first non-empty value of it', async () => {
    const store = await storeWith(FIXTURE);
    const rows = await breakdown(store, ALL, { kind: 'property', name: 'element' });
    // A: signup (its first), B: faq, C: '' (its only element is empty; the link is another property).
    expect(rows.map((r) => [r.key, r.sessions])).toEqual([
      ['', 1],
      ['faq', 1],
      ['signup', 1],
    ]);
  });

  it('filters prop.NAME=value, != and ~ keep the sessions with (or without) such an event', async () => {
    const store = await storeWith(FIXTURE);
    const sessions = async (filter: string) =>
      (await overview(store, parseQueryOptions({ filter: [filter] }))).metrics.sessions.value;
    expect(await sessions('prop.element=faq')).toBe(1);
    expect(await sessions('prop.element!=faq')).toBe(2);
    expect(await sessions('prop.link~docs')).toBe(1);
    expect(await sessions('prop.element=nothing')).toBe(0);
    // A name or value that looks like SQL or a JSON path is just text.
    expect(await sessions(`prop.element=signup' OR '1'='1`)).toBe(0);
    expect(() => parseQueryOptions({ filter: ['prop.a"b=1'] })).toThrow(/Cannot read --filter/);
  });
});
