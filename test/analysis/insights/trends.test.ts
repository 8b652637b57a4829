/**
 * Trends: shares per bucket and the significance of the last change, worked by hand.
 *
 *   A → B: mobile 40 of 100 → 60 of 100, desktop 60 → 40. Pooled rate 0.5, se = sqrt(0.25 · 2/100),
 *   z = 0.2 / 0.070711 = 2√2, two-sided p = erfc(2) = 0.004677734981047; Holm over the two
 *   values: both 2p = 0.009355469962094.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { twoProportionTest } from '../../../src/analysis/insights/stats/tests.ts';
import { shareSeries } from '../../../src/analysis/insights/trends/shares.ts';
import { trends } from '../../../src/analysis/insights/trends.ts';
import { parseQueryOptions } from '../../../src/analysis/query-options.ts';
import { closeStores, ev, storeWith } from '../../helpers/store.ts';

afterEach(closeStores);

const P = 0.004677734981047266;

describe('share series', () => {
  const counts = [
    { key: 'A', value: 'mobile', n: 40 },
    { key: 'A', value: 'desktop', n: 60 },
    { key: 'B', value: 'mobile', n: 60 },
    { key: 'B', value: 'desktop', n: 40 },
  ];

  it('tests each value’s last share against the one before, Holm across values', () => {
    const { totals, values } = shareSeries(['A', 'B'], counts, 'previous', 5);
    expect(totals).toEqual([100, 100]);
    const mobile = values.find((v) => v.value === 'mobile')!;
    expect(mobile.shares).toEqual([0.4, 0.6]);
    expect(mobile.change).toMatchObject({
      from: 'A',
      to: 'B',
      from_share: 0.4,
      to_share: 0.6,
      significant: true,
    });
    expect(mobile.change!.difference).toBeCloseTo(0.2, 12);
    expect(mobile.change!.p).toBeCloseTo(P, 9);
    expect(mobile.change!.p_adjusted).toBeCloseTo(2 * P, 9);
    expect(values.find((v) => v.value === 'desktop')!.change!.p_adjusted).toBeCloseTo(2 * P, 9);
  });

  it('sums values past the limit as (other), and compares with the first bucket on request', () => {
    const more = [...counts, { key: 'C', value: 'mobile', n: 51 }, { key: 'C', value: 'desktop', n: 49 }];
    const { values } = shareSeries(['A', 'B', 'C'], more, 'first', 1);
    expect(values.map((v) => v.value)).toEqual(['mobile', '(other)']);
    expect(values[1]!.sessions).toEqual([60, 40, 49]);
    expect(values[0]!.change).toMatchObject({ from: 'A', to: 'C', from_share: 0.4, to_share: 0.51 });
    const expected = twoProportionTest({ x: 40, n: 100 }, { x: 51, n: 100 })!;
    expect(values[0]!.change!.p).toBeCloseTo(expected.p!, 12);
  });

  it('makes no test with one bucket or an empty end', () => {
    expect(shareSeries(['A'], counts, 'previous', 5).values[0]!.change).toBeNull();
    const { values } = shareSeries(['A', 'B', 'C'], counts, 'previous', 5);
    expect(values[0]!.change).toBeNull();
    expect(values[0]!.shares[2]).toBeNull();
  });
});

describe('trends on a store', () => {
  const MOBILE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148';
  const visit = (who: string, at: string, mobile: boolean) =>
    ev(who, at, { url: 'https://shop.example/', userAgent: mobile ? MOBILE : '' });

  it('gives device shares per week with the change tested', async () => {
    // Week of 10-05: 3 desktop, 1 mobile; week of 10-12: 1 desktop, 3 mobile.
    const store = await storeWith([
      visit('a', '2026-10-05T10:00:00Z', false),
      visit('b', '2026-10-06T10:00:00Z', false),
      visit('c', '2026-10-07T10:00:00Z', false),
      visit('d', '2026-10-08T10:00:00Z', true),
      visit('e', '2026-10-12T10:00:00Z', false),
      visit('f', '2026-10-13T10:00:00Z', true),
      visit('g', '2026-10-14T10:00:00Z', true),
      visit('h', '2026-10-15T10:00:00Z', true),
    ]);
    const t = await trends(store, parseQueryOptions({ from: '2026-10-05', to: '2026-10-18', tz: 'UTC' }), {
      interval: 'week',
      compare: 'previous',
      limit: 5,
    });
    expect(t.buckets).toEqual(['2026-10-05', '2026-10-12']);
    expect(t.totals).toEqual([4, 4]);
    expect(t.dimensions.map((d) => d.dimension)).toEqual(['device_type', 'channel', 'country']);
    const devices = t.dimensions[0]!.values;
    const mobile = devices.find((v) => v.value === 'mobile')!;
    expect(mobile.shares).toEqual([0.25, 0.75]);
    const expected = twoProportionTest({ x: 1, n: 4 }, { x: 3, n: 4 })!;
    expect(mobile.change!.p).toBeCloseTo(expected.p!, 12);
    expect(mobile.change!.significant).toBe(false);
  });
});
