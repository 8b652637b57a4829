/**
 * Hand-made users for the profile and users tests (see profiles.test.ts for the working).
 *
 *   const store = await storeWith(FIXTURE); // tokyo, power, core, newbie, lapsed, rare
 */
import type { StintEvent } from '../../../src/core/event.ts';
import { ev } from '../../helpers/store.ts';

const page = (path: string) => `https://shop.example${path}`;
/** A session of pageviews 5 minutes apart from `at`. */
const visit = (who: string, at: string, paths: string[], timezone = ''): StintEvent[] =>
  paths.map((p, i) =>
    ev(who, new Date(Date.parse(at) + i * 300_000).toISOString(), { url: page(p), timezone }),
  );

// Local Tokyo start times (date, hh:mm) → UTC is 9 hours before.
const TOKYO: [string, string][] = [
  ['2026-10-05', '08:10'],
  ['2026-10-06', '08:20'],
  ['2026-10-07', '08:40'],
  ['2026-10-08', '08:55'],
  ['2026-10-09', '08:30'],
  ['2026-10-12', '08:50'],
  ['2026-10-13', '08:15'],
  ['2026-10-14', '09:20'],
  ['2026-10-15', '08:45'],
  ['2026-10-16', '08:05'],
];
const tokyo = TOKYO.flatMap(([date, time], i) =>
  visit(
    'tokyo',
    new Date(Date.parse(`${date}T${time}:00Z`) - 9 * 3_600_000).toISOString(),
    i === TOKYO.length - 1 ? ['/', '/docs'] : ['/', '/docs', '/pricing'],
    'Asia/Tokyo',
  ),
);
const days = (who: string, dates: string[], paths = ['/']) =>
  dates.flatMap((d) => visit(who, `${d}T12:00:00Z`, paths));
const power = [
  ...days('power', ['2026-10-01']),
  ...days(
    'power',
    Array.from({ length: 12 }, (_, i) => `2026-10-${String(10 + i)}`),
    ['/', '/docs', '/blog'],
  ),
  ...days('power', ['2026-10-28']),
];
export const FIXTURE = [
  ...tokyo,
  ...power,
  ...days('core', ['2026-09-20', '2026-10-08', '2026-10-15', '2026-10-22', '2026-10-25']),
  ...days('newbie', ['2026-10-29', '2026-10-30']),
  ...days('lapsed', ['2026-09-01', '2026-10-03', '2026-10-05', '2026-10-07', '2026-10-09', '2026-10-12']),
  ...days('rare', ['2026-09-01', '2026-10-20']),
];
