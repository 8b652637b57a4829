/**
 * The dashboard's state lives in its address: every route written by `hrefOf` reads back as
 * the same route, share links keep their secret in the path, and the presets count whole local
 * days ending today in the chosen zone (a clock is passed in: no test depends on today's date).
 */
import { describe, expect, it } from 'vitest';
import { addDays, intervalFor, rangeOf } from '../../web/src/period.ts';
import { hrefOf, parseRoute, type Route } from '../../web/src/router.ts';

const roundTrip = (r: Route): Route => {
  const href = hrefOf(r);
  const at = href.indexOf('?');
  return parseRoute(at < 0 ? href : href.slice(0, at), at < 0 ? '' : href.slice(at));
};

describe('the address holds the view', () => {
  it('reads back every route it writes', () => {
    const base = parseRoute('/overview', '');
    const routes: Route[] = [
      base,
      { ...base, site: 'shop', period: '7d', compare: 'none', tz: 'Asia/Kolkata' },
      { ...base, period: 'custom', from: '2026-10-01', to: '2026-10-31', tz: 'Europe/Berlin' },
      { ...base, view: 'live', filters: ['device_type=mobile', 'entry_page~/blog', 'source!=Google & co'] },
      { ...base, view: 'sessions', rest: ['0123456789abcdef0123456789abcdef'], extra: { metric: 'users' } },
      { ...base, share: 'sh_abc123', view: 'live', period: '90d' },
      { ...base, site: 'a b/c', filters: ['prop.plan=pro=max', 'traffic_source=<img src=x>'] },
    ];
    for (const r of routes) expect(roundTrip(r)).toEqual(r);
  });

  it('reads a share link, its view and the controls from the address', () => {
    const r = parseRoute('/share/sh_xyz/live', '?period=7d&tz=UTC&filter=os%3DiOS&filter=browser%3DFirefox');
    expect(r).toMatchObject({ share: 'sh_xyz', view: 'live', period: '7d', tz: 'UTC' });
    expect(r.filters).toEqual(['os=iOS', 'browser=Firefox']);
    // A share link's site is its own: it is never written into its address.
    expect(hrefOf({ ...r, site: 'other' })).not.toContain('site=');
  });

  it('falls back to the overview and the default period on what it does not know', () => {
    const r = parseRoute('/nope', '?period=forever&compare=maybe');
    expect(r).toMatchObject({ view: 'overview', period: '30d', compare: 'previous' });
  });
});

describe('date ranges', () => {
  const now = Date.UTC(2026, 9, 10, 22, 30); // 2026-10-10 22:30 UTC: already the 11th in Tokyo
  it('counts whole local days ending today in the zone', () => {
    expect(rangeOf({ period: 'today', tz: 'UTC' }, now)).toEqual({ from: '2026-10-10', to: '2026-10-10' });
    expect(rangeOf({ period: 'today', tz: 'Asia/Tokyo' }, now)).toEqual({
      from: '2026-10-11',
      to: '2026-10-11',
    });
    expect(rangeOf({ period: '7d', tz: 'UTC' }, now)).toEqual({ from: '2026-10-04', to: '2026-10-10' });
    expect(rangeOf({ period: '90d', tz: 'UTC' }, now)).toEqual({ from: '2026-07-13', to: '2026-10-10' });
    expect(rangeOf({ period: 'custom', from: '2026-10-31', to: '2026-10-01', tz: 'UTC' }, now)).toEqual({
      from: '2026-10-01',
      to: '2026-10-31',
    });
  });

  it('moves dates by calendar days and picks the time series bucket', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(intervalFor({ from: '2026-10-10', to: '2026-10-10' })).toBe('hour');
    expect(intervalFor({ from: '2026-08-01', to: '2026-10-30' })).toBe('day');
    expect(intervalFor({ from: '2025-01-01', to: '2026-10-30' })).toBe('week');
  });
});
