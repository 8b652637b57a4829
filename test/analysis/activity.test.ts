/**
 * Activity counts each session in its visitor's own zone, by ISO weekday and local hour of its
 * start; a session without a zone is read in the report's. Worked by hand (2026-10-05 is a
 * Monday; New York is UTC-4 in October, Tokyo UTC+9, Berlin UTC+2):
 *
 *   A  10-05 23:30Z  Asia/Tokyo        → Tue 08:30   (weekday 2, hour 8)
 *   B  10-05 23:30Z  America/New_York  → Mon 19:30   (1, 19)   the same instant as A
 *   C  10-06 03:10Z  America/New_York  → Mon 23:10   (1, 23)   Tue 03 in UTC
 *   D  10-04 22:00Z  (no zone)         → Mon 00:00 in Europe/Berlin (1, 0); Sun 22 in UTC
 *   E  10-12 23:15Z  Asia/Tokyo        → Tue 08:15   (2, 8)
 *   F  10-11 12:00Z  Asia/Tokyo        → Sun 21:00   (7, 21)
 *   G  11-02 13:00Z  America/New_York  → Mon 08:00 (EST, UTC-5 after 11-01)   (1, 8)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { activity } from '../../src/analysis/activity.ts';
import { parseQueryOptions } from '../../src/analysis/query-options.ts';
import { closeStores, ev, freshStore, storeWith } from '../helpers/store.ts';

afterEach(closeStores);

const visit = (who: string, at: string, timezone: string, device = '') =>
  ev(who, at, {
    url: 'https://shop.example/',
    timezone,
    userAgent:
      device === 'mobile' ? 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148' : '',
  });

const FIXTURE = [
  visit('A', '2026-10-05T23:30:00Z', 'Asia/Tokyo'),
  visit('B', '2026-10-05T23:30:00Z', 'America/New_York', 'mobile'),
  visit('C', '2026-10-06T03:10:00Z', 'America/New_York'),
  visit('D', '2026-10-04T22:00:00Z', ''),
  visit('E', '2026-10-12T23:15:00Z', 'Asia/Tokyo'),
  visit('F', '2026-10-11T12:00:00Z', 'Asia/Tokyo'),
  visit('G', '2026-11-02T13:00:00Z', 'America/New_York'),
];

/** The non-empty cells as "weekday hour count". */
const cells = (grid: number[][]): string[] =>
  grid.flatMap((row, i) => row.flatMap((n, h) => (n === 0 ? [] : [`${i + 1} ${h} ${n}`])));

describe('activity', () => {
  it("puts each session at its start's weekday and hour in the visitor's own zone", async () => {
    const store = await storeWith(FIXTURE);
    const a = await activity(store, parseQueryOptions({ tz: 'Europe/Berlin' }));
    expect(a.sessions).toHaveLength(7);
    for (const row of a.sessions) expect(row).toHaveLength(24);
    expect(cells(a.sessions).sort()).toEqual(
      ['1 0 1', '1 19 1', '1 23 1', '1 8 1', '2 8 2', '7 21 1'].sort(),
    );
    expect(a).toMatchObject({ tz: 'Europe/Berlin', total: 7, in_report_zone: 1 });
  });

  it('reads a session without a zone in the report zone', async () => {
    const store = await storeWith(FIXTURE);
    const a = await activity(store, parseQueryOptions({ tz: 'UTC' }));
    // D is Sunday 22:00 in UTC; the others keep their own zones.
    expect(cells(a.sessions).sort()).toEqual(
      ['7 22 1', '1 19 1', '1 23 1', '1 8 1', '2 8 2', '7 21 1'].sort(),
    );
  });

  it('reads every session in the report zone with zone report', async () => {
    const store = await storeWith(FIXTURE);
    const a = await activity(store, parseQueryOptions({ tz: 'Europe/Berlin' }), 'report');
    // In Berlin (UTC+2, UTC+1 from 10-25): A and B Tue 01:30, C Tue 05:10, D Mon 00:00,
    // E Tue 01:15 (UTC+2 until 10-25), F Sun 14:00, G Mon 14:00 (UTC+1).
    expect(cells(a.sessions).sort()).toEqual(['2 1 3', '2 5 1', '1 0 1', '7 14 1', '1 14 1'].sort());
    expect(a).toMatchObject({ zone: 'report', total: 7, in_report_zone: 7 });
  });

  it('counts only the period and the filters', async () => {
    const store = await storeWith(FIXTURE);
    const week = await activity(
      store,
      parseQueryOptions({ from: '2026-10-05', to: '2026-10-11', tz: 'UTC', filter: ['device_type!=mobile'] }),
    );
    // A, C (start 10-05/10-06 UTC) and F (10-11); D starts 10-04 in UTC, B is on a phone.
    expect(cells(week.sessions).sort()).toEqual(['1 23 1', '2 8 1', '7 21 1']);
    expect(week.total).toBe(3);
  });

  it('is 7×24 zeros for an empty store', async () => {
    const a = await activity(await freshStore(), parseQueryOptions({ tz: 'UTC' }));
    expect(a.total).toBe(0);
    expect(a.sessions.flat()).toEqual(Array(168).fill(0));
  });
});
