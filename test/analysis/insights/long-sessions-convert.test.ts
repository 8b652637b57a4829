/**
 * What converts, on a site where long sessions are known to convert at three times the rate
 * (test/helpers/long-sessions-convert.ts): 150 of 500 sessions over 10 minutes buy, 50 of 500
 * shorter ones. By hand, the lift is 0.3 / 0.1 = 3; the Katz interval's log-scale error is
 * √(1/150 − 1/500 + 1/50 − 1/500) = 0.150555, so the interval is 3·e^(∓1.959964·0.150555) =
 * 2.2334–4.0298; z = 0.2/√(0.2·0.8·(2/500)) = 7.9057, p = 2.66e-15.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { drivers } from '../../../src/analysis/insights/drivers.ts';
import { parseQueryOptions } from '../../../src/analysis/query-options.ts';
import { StintError } from '../../../src/core/errors.ts';
import { longSessionsConvert } from '../../helpers/long-sessions-convert.ts';
import { closeStores, storeWith } from '../../helpers/store.ts';

afterEach(closeStores);

const all = parseQueryOptions({ from: '2026-09-01', to: '2026-11-30', tz: 'UTC' });

describe('drivers on a site where long sessions convert at three times the rate', () => {
  it('gives a lift near 3 for sessions over 10 minutes, with its interval and sentence', async () => {
    const store = await storeWith(longSessionsConvert());
    const r = await drivers(store, all, { goal: 'purchase', minSessions: 30 });
    expect(r).toMatchObject({ goal: 'purchase', sessions: 1000, conversions: 200, rate: 0.2 });
    const over = r.ranked.find((d) => d.trait === 'length' && d.kind === 'over');
    expect(over).toMatchObject({
      label: 'over 10 minutes',
      value: '10-30m',
      sessions: 500,
      conversions: 150,
      others_sessions: 500,
      others_conversions: 50,
      significant: true,
    });
    expect(over?.lift).toBeCloseTo(3, 9);
    expect(over?.low).toBeCloseTo(2.2334, 3);
    expect(over?.high).toBeCloseTo(4.0298, 3);
    expect(over!.low < 3 && over!.high > 3).toBe(true);
    expect(over?.p).toBeLessThan(1e-14);
    expect(over?.sentence).toBe(
      'sessions over 10 minutes convert at 3.0× the rate of shorter ones (2.2–4.0×)',
    );
    // Nothing else in the data goes with buying as strongly: it ranks first.
    expect(r.ranked[0]).toBe(over);
  });

  it('finds no effect of the device after Holm', async () => {
    const store = await storeWith(longSessionsConvert());
    const r = await drivers(store, all, { goal: 'purchase', minSessions: 30 });
    const device = r.ranked.filter((d) => d.trait === 'device');
    expect(device.map((d) => [d.label, d.sessions, d.conversions]).sort()).toEqual([
      ['desktop', 500, 100],
      ['mobile', 500, 100],
    ]);
    for (const d of device) {
      expect(d.lift).toBeCloseTo(1, 12);
      expect(d.p_adjusted).toBe(1);
      expect(d.significant).toBe(false);
    }
  });

  it('lists values with too few sessions apart, unranked', async () => {
    const store = await storeWith(longSessionsConvert());
    const r = await drivers(store, all, { goal: 'purchase', minSessions: 30 });
    const entry = r.apart.filter((a) => a.trait === 'entry_page');
    // /rare has 10 sessions; / has 990 but only 10 beside it: neither side reaches 30.
    expect(entry).toEqual([
      {
        trait: 'entry_page',
        kind: 'value',
        value: '/',
        label: '/',
        sessions: 990,
        conversions: 199,
        reason: 'few_sessions',
      },
      {
        trait: 'entry_page',
        kind: 'value',
        value: '/rare',
        label: '/rare',
        sessions: 10,
        conversions: 1,
        reason: 'few_sessions',
      },
    ]);
    expect(r.ranked.some((d) => d.trait === 'entry_page')).toBe(false);
    // With a lower bar /rare is tested (and, with one buyer in ten, is no driver).
    const lower = await drivers(store, all, { goal: 'purchase', minSessions: 10 });
    expect(lower.ranked.find((d) => d.value === '/rare')).toMatchObject({ sessions: 10, significant: false });
  });

  it('refuses a goal no event is named, listing the commonest names', async () => {
    const store = await storeWith(longSessionsConvert());
    const err = await drivers(store, all, { goal: 'signup', minSessions: 30 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StintError);
    expect((err as StintError).message).toBe('No event is named "signup", so no session converts to it');
    expect((err as StintError).hint).toBe('Give --goal one of the commonest event names: pageview, purchase');
  });
});
