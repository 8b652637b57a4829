/**
 * Profiles and users on hand-made people, worked by hand. The query runs to 2026-10-31 (now is
 * 2026-11-01T00:00Z; the period is 2026-10-02 to then).
 *
 *   tokyo   10 weekday sessions in Asia/Tokyo (UTC+9), Mon 10-05 to Fri 10-16, starting at
 *           08:10 08:20 08:40 08:55 08:30 | 08:50 08:15 09:20 08:45 08:05 local: nine at 8, one
 *           at 9; arithmetic mean 85.8333 / 10 = 8.5833 h (the circular one within 0.001). Pages / → /docs → /pricing, the last session / → /docs.
 *   power   10-01, then 12 days 10-10 … 10-21 at 12:00Z (/ → /docs → /blog), and 10-28.
 *   core    09-20, then 10-08, 10-15, 10-22, 10-25.       newbie  10-29 and 10-30.
 *   lapsed  09-01, then 10-03, 10-05, 10-07, 10-09, 10-12.   rare    09-01, 10-20.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { segmentOf } from '../../../src/analysis/insights/profile/engagement.ts';
import { nextPages } from '../../../src/analysis/insights/profile/next-page.ts';
import { bestHour } from '../../../src/analysis/insights/profile/schedule.ts';
import { profile } from '../../../src/analysis/insights/profile.ts';
import { circularSummary } from '../../../src/analysis/insights/stats/circular.ts';
import { wilsonInterval } from '../../../src/analysis/insights/stats/wilson.ts';
import { users } from '../../../src/analysis/insights/users.ts';
import { parseQueryOptions } from '../../../src/analysis/query-options.ts';
import { closeStores, storeWith } from '../../helpers/store.ts';
import { FIXTURE } from './profile-fixture.ts';

afterEach(closeStores);

const DAY = 86_400_000;
const options = parseQueryOptions({ to: '2026-10-31', tz: 'Europe/Berlin' });
const optionsUtc = parseQueryOptions({ to: '2026-10-31', tz: 'UTC' });

describe('circular statistics and the Wilson interval', () => {
  it('averages hours round the clock', () => {
    const c = circularSummary([23.5, 0.5]);
    // Angles ±π/24: R = cos(π/24), mean at midnight, spread sqrt(-2 ln R)·24/2π.
    expect(c.resultant).toBeCloseTo(Math.cos(Math.PI / 24), 12);
    expect(Math.min(c.mean!, 24 - c.mean!)).toBeCloseTo(0, 9);
    expect(c.spread).toBeCloseTo((Math.sqrt(-2 * Math.log(Math.cos(Math.PI / 24))) * 24) / (2 * Math.PI), 12);
    expect(circularSummary([6, 18])).toMatchObject({ mean: null, resultant: 0, spread: null });
    expect(circularSummary([])).toMatchObject({ n: 0, mean: null });
  });

  it('gives the textbook Wilson intervals', () => {
    // 8 of 10 at 95 %: 0.4902–0.9433; 1 of 10: 0.0179–0.4042.
    expect(wilsonInterval(8, 10)!.low).toBeCloseTo(0.490165, 5);
    expect(wilsonInterval(8, 10)!.high).toBeCloseTo(0.943318, 5);
    expect(wilsonInterval(1, 10)!.low).toBeCloseTo(0.017875, 5);
    expect(wilsonInterval(1, 10)!.high).toBeCloseTo(0.40415, 5);
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('calls a best hour clear only when its interval is apart from the runner-up’s', () => {
    const hours = (at: Record<number, number>) => Array.from({ length: 24 }, (_, h) => at[h] ?? 0);
    expect(bestHour(hours({ 8: 9, 9: 1 }))).toMatchObject({ hour: 8, share: 0.9, clear: true });
    expect(bestHour(hours({ 8: 8, 9: 2 }))).toMatchObject({ hour: 8, share: 0.8, clear: false });
    expect(bestHour(hours({ 8: 2, 9: 2 }))).toMatchObject({ hour: 8, clear: false });
    expect(bestHour(hours({}))).toBeNull();
  });
});

describe('profile', () => {
  it('reads a known schedule in the user’s own zone, not the query’s', async () => {
    const store = await storeWith(FIXTURE);
    const p = await profile(store, options, 'tokyo');
    expect(p).toMatchObject({
      sessions: 10,
      zone: 'Asia/Tokyo',
      zone_source: 'sessions',
      now: '2026-10-31T23:00:00.000Z',
    });
    expect(p.first_seen).toBe('2026-10-04T23:10:00.000Z');
    expect(p.last_seen).toBe('2026-10-15T23:05:00.000Z');
    // Nine sessions of 10 minutes and one of 5: 95 min.
    expect(p.total_duration_s).toBe(95 * 60);
    expect(p.avg_duration_s).toBe(570);
    const s = p.schedule;
    expect(s.hours[8]).toBe(9);
    expect(s.hours[9]).toBe(1);
    expect(s.weekdays).toEqual([2, 2, 2, 2, 2, 0, 0]);
    expect(s.usual_weekdays).toEqual([1, 2, 3, 4, 5]);
    expect(s.usual_hour!).toBeCloseTo(8.5833, 2);
    expect(s.best_hour).toMatchObject({
      hour: 8,
      sessions: 9,
      share: 0.9,
      runner_up: { hour: 9, sessions: 1 },
      clear: true,
    });
    expect(s.best_hour!.low).toBeCloseTo(0.59585, 4);
    expect(p.top_pages.slice(0, 3)).toEqual([
      { page: '/', views: 10 },
      { page: '/docs', views: 10 },
      { page: '/pricing', views: 9 },
    ]);
    expect(p.top_events).toEqual([{ event: 'pageview', count: 29 }]);
  });

  it('blends the user’s own next pages with everyone’s', async () => {
    const store = await storeWith(FIXTURE);
    const p = await profile(store, options, 'tokyo');
    expect(p.last_page).toBe('/docs');
    // Own: /docs → /pricing 9 times. Everyone in the period: /pricing 9, /blog 12 (G = 21).
    // P(/pricing) = (9 + 5·9/21) / 14, P(/blog) = (5·12/21) / 14.
    expect(p.next_pages.map((n) => n.page)).toEqual(['/pricing', '/blog']);
    expect(p.next_pages[0]!.probability).toBeCloseTo((9 + (5 * 9) / 21) / 14, 12);
    expect(p.next_pages[1]!.probability).toBeCloseTo((5 * 12) / 21 / 14, 12);
  });

  it('uses the query’s zone for a user without one, and says so', async () => {
    const store = await storeWith(FIXTURE);
    const p = await profile(store, optionsUtc, 'core');
    expect(p).toMatchObject({ zone: 'UTC', zone_source: 'query', segment: 'core' });
    expect(p.schedule.best_hour).toMatchObject({ hour: 12, share: 1 });
    expect(await profile(store, options, 'nobody')).toMatchObject({ sessions: 0, segment: null });
  });
});

describe('engagement levels', () => {
  it('follows the documented rules', () => {
    const now = Date.parse('2026-11-01T00:00:00Z');
    const at = (daysBefore: number) => now - daysBefore * DAY;
    expect(segmentOf({ firstMs: at(3), lastMs: at(1), activeDays: 2 }, now)).toBe('new');
    expect(segmentOf({ firstMs: at(40), lastMs: at(2), activeDays: 10 }, now)).toBe('power');
    expect(segmentOf({ firstMs: at(40), lastMs: at(8), activeDays: 10 }, now)).toBe('core');
    expect(segmentOf({ firstMs: at(40), lastMs: at(13), activeDays: 3 }, now)).toBe('core');
    expect(segmentOf({ firstMs: at(40), lastMs: at(15), activeDays: 5 }, now)).toBe('casual');
    expect(segmentOf({ firstMs: at(40), lastMs: at(1), activeDays: 2 }, now)).toBe('casual');
  });

  it('lists the period’s users by level, the same as the rules say', async () => {
    const store = await storeWith(FIXTURE);
    const u = await users(store, optionsUtc, { limit: 10 });
    const levels = Object.fromEntries(u.rows.map((r) => [r.identity, r.segment]));
    // tokyo: 10 active days but last seen 10-15, 16 days before now: casual.
    expect(levels).toEqual({
      tokyo: 'casual',
      power: 'power',
      core: 'core',
      newbie: 'new',
      lapsed: 'casual',
      rare: 'casual',
    });
    expect(u.counts).toEqual({ new: 1, casual: 3, core: 1, power: 1 });
    expect(u.rows.map((r) => r.identity)).toEqual(['power', 'tokyo', 'lapsed', 'core', 'newbie', 'rare']);
    expect(u.rows.find((r) => r.identity === 'power')).toMatchObject({ sessions: 14, active_days_28: 13 });
    const only = await users(store, optionsUtc, { segment: 'casual', limit: 2 });
    expect(only.rows.map((r) => r.identity)).toEqual(['tokyo', 'lapsed']);
    expect(only.counts.casual).toBe(3);
  });
});

describe('next pages', () => {
  it('is everyone’s share without history, mostly the user’s with much', () => {
    const everyone = new Map([
      ['/b', 10],
      ['/c', 30],
    ]);
    expect(nextPages(new Map(), everyone)).toEqual([
      { page: '/c', probability: 0.75, own: 0, everyone: 0.75 },
      { page: '/b', probability: 0.25, own: 0, everyone: 0.25 },
    ]);
    const [b, c] = nextPages(new Map([['/b', 3]]), everyone);
    expect(b).toMatchObject({ page: '/b', probability: 4.25 / 8 });
    expect(c).toMatchObject({ page: '/c', probability: 3.75 / 8 });
    expect(nextPages(new Map([['/x', 2]]), new Map())).toEqual([
      { page: '/x', probability: 1, own: 2, everyone: 0 },
    ]);
  });
});
