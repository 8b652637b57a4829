/**
 * Retention on a fixture worked out by hand (one-event sessions unless said; 2026-10-01 is a
 * Thursday, its ISO week starts Monday 2026-09-28):
 *
 *   A  10-01 10:00 (utm news)   10-02 10:00   10-08 10:00
 *   B  10-01 12:00 + 12:05 (two pageviews: engaged)   10-03 12:00
 *   C  10-02 09:00
 *   D  10-02 10:00   10-03 10:00
 *   E  10-08 11:00 (first seen on the last day of data)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseQueryOptions } from '../../src/analysis/query-options.ts';
import { retention } from '../../src/analysis/retention.ts';
import { StintError } from '../../src/core/errors.ts';
import { closeStores, ev, freshStore, storeWith } from '../helpers/store.ts';

afterEach(closeStores);

const v = (who: string, day: string, time: string, utm = '') =>
  ev(who, `2026-10-${day}T${time}Z`, { url: 'https://shop.example/', utmSource: utm });
const FIXTURE = [
  v('A', '01', '10:00:00', 'news'),
  v('A', '02', '10:00:00'),
  v('A', '08', '10:00:00'),
  v('B', '01', '12:00:00'),
  v('B', '01', '12:05:00'),
  v('B', '03', '12:00:00'),
  v('C', '02', '09:00:00'),
  v('D', '02', '10:00:00'),
  v('D', '03', '10:00:00'),
  v('E', '08', '11:00:00'),
];
const ALL = parseQueryOptions({});

const rows = (r: Awaited<ReturnType<typeof retention>>) =>
  r.rows.map((c) => [c.cohort, c.size, c.active, c.share]);

describe('retention', () => {
  it('daily cohorts: each visitor in the day of their first session, then active per following day', async () => {
    const store = await storeWith(FIXTURE);
    const r = await retention(store, ALL, { cohort: 'day', periods: 2 });
    expect(r).toMatchObject({ cohort: 'day', period: 'day', periods: 2 });
    expect(rows(r)).toEqual([
      // A back on day 1 (10-02), B on day 2 (10-03).
      ['2026-10-01', 2, [2, 1, 1], [1, 0.5, 0.5]],
      // D back on day 1; nobody on day 2.
      ['2026-10-02', 2, [2, 1, 0], [1, 0.5, 0]],
      // E was first seen on the last day of data: the following days are not over yet.
      ['2026-10-08', 1, [1, null, null], [1, null, null]],
    ]);
  });

  it('weekly cohorts start on Monday; a period after the data is null, not a drop', async () => {
    const store = await storeWith(FIXTURE);
    const r = await retention(store, ALL, { cohort: 'week', periods: 2 });
    expect(rows(r)).toEqual([
      // A, B, C, D first seen in the week of 09-28; A comes back in the week of 10-05.
      ['2026-09-28', 4, [4, 1, null], [1, 0.25, null]],
      ['2026-10-05', 1, [1, null, null], [1, null, null]],
    ]);
  });

  it('cohorts by what the first session says: engagement, source; largest first', async () => {
    const store = await storeWith(FIXTURE);
    const engagement = await retention(store, ALL, { cohort: 'engagement', period: 'day', periods: 1 });
    expect(rows(engagement)).toEqual([
      // A (back the next day), C, D (back the next day), E (its next day is not over).
      ['bounce', 4, [4, 2], [1, 2 / 3]],
      ['engaged', 1, [1, 0], [1, 0]],
    ]);
    const source = await retention(store, ALL, { cohort: 'source', period: 'day', periods: 1 });
    expect(source.rows.map((c) => [c.cohort, c.size])).toEqual([
      ['(direct)', 4],
      ['news', 1],
    ]);
    const channel = await retention(store, ALL, { cohort: 'channel', period: 'day', periods: 1 });
    expect(channel.rows.map((c) => [c.cohort, c.size])).toEqual([
      ['Direct', 4],
      ['Other', 1],
    ]);
  });

  it("country cohorts: the country of each visitor's first session, unknown when it has none", async () => {
    const store = await storeWith([
      ev('A', '2026-10-01T10:00:00Z', { url: '/', country: 'DE' }),
      ev('A', '2026-10-02T10:00:00Z', { url: '/', country: 'FR' }),
      ev('B', '2026-10-01T10:00:00Z', { url: '/', timezone: 'Asia/Tokyo' }),
      ev('C', '2026-10-01T10:00:00Z', { url: '/' }),
    ]);
    const country = await retention(store, ALL, { cohort: 'country', period: 'day', periods: 1 });
    expect(country.rows.map((c) => [c.cohort, c.size, c.active])).toEqual([
      ['DE', 1, [1, 1]],
      ['JP', 1, [1, 0]],
      ['unknown', 1, [1, 0]],
    ]);
  });

  it('the period picks who is first seen; filters apply to the first session', async () => {
    const store = await storeWith(FIXTURE);
    // A is active on 10-02 but was first seen on 10-01: not in this cohort.
    const day2 = await retention(store, parseQueryOptions({ from: '2026-10-02', to: '2026-10-02' }), {
      cohort: 'day',
      periods: 1,
    });
    expect(rows(day2)).toEqual([['2026-10-02', 2, [2, 1], [1, 0.5]]]);
    const news = await retention(store, parseQueryOptions({ filter: ['source=news'] }), {
      cohort: 'day',
      periods: 1,
    });
    expect(rows(news)).toEqual([['2026-10-01', 1, [1, 1], [1, 1]]]);
  });

  it('an empty store has no cohorts; bad period counts are refused', async () => {
    expect((await retention(await freshStore(), ALL, { cohort: 'week' })).rows).toEqual([]);
    const store = await storeWith(FIXTURE);
    await expect(retention(store, ALL, { cohort: 'week', periods: 0 })).rejects.toThrow(StintError);
  });
});
