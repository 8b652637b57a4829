/**
 * The demo's rhythm, in each visitor's own local time: the app is much quieter at weekends,
 * the blog busier; the app is used in office hours, the shop most in the evening.
 */
import { expect, it } from 'vitest';
import { wallClockOf } from '../../src/sample/calendar.ts';
import { sessionsOf } from './demo-fixture.ts';

/** Visits per weekend day against visits per weekday, by the visitor's local weekday. */
function weekendRatio(site: string, labels: readonly string[]): number {
  let weekend = 0;
  let weekday = 0;
  for (const s of sessionsOf(site)) {
    if (!labels.includes(s.label)) continue;
    const first = s.events[0]!;
    const { weekday: day } = wallClockOf(first.timestamp, first.timezone);
    if (day === 0 || day === 6) weekend++;
    else weekday++;
  }
  return weekend / 2 / (weekday / 5);
}

/** Share of a site's visits that start between `from` and `to` hours, local time. */
function shareInHours(site: string, from: number, to: number): number {
  const visits = sessionsOf(site);
  const inside = visits.filter((s) => {
    const { hour } = wallClockOf(s.events[0]!.timestamp, s.events[0]!.timezone);
    return hour >= from && hour < to;
  });
  return inside.length / visits.length;
}

it('has weekends lower for the app and higher for the blog (organic and direct visits)', () => {
  const steady = ['organic', 'direct'];
  const app = weekendRatio('app', steady);
  const blog = weekendRatio('blog', steady);
  console.log(`weekend / weekday visits: app ${app.toFixed(2)}, blog ${blog.toFixed(2)}`);
  expect(app).toBeLessThan(0.55);
  expect(blog).toBeGreaterThan(1.3);
});

it('follows a daily cycle in the visitors’ local time', () => {
  const appOffice = shareInHours('app', 8, 18);
  const shopEvening = shareInHours('shop', 18, 23);
  const shopNight = shareInHours('shop', 1, 6);
  console.log(
    `app 08–18: ${appOffice.toFixed(2)}, shop 18–23: ${shopEvening.toFixed(2)}, shop 01–06: ${shopNight.toFixed(2)}`,
  );
  expect(appOffice).toBeGreaterThan(0.7);
  // 5 of 24 hours hold about a third of the shop's visits; the night hours very few.
  expect(shopEvening).toBeGreaterThan(0.3);
  expect(shopNight).toBeLessThan(0.05);
});

it('has visitors who come back, so retention means something', () => {
  for (const [site, least] of [
    ['app', 0.3],
    ['blog', 0.15],
    ['shop', 0.15],
  ] as const) {
    const seen = new Set<string>();
    let back = 0;
    const visits = [...sessionsOf(site)].sort((a, b) => a.events[0]!.timestamp - b.events[0]!.timestamp);
    for (const s of visits) {
      const id = s.events[0]!.anonymous_id;
      if (seen.has(id)) back++;
      seen.add(id);
    }
    console.log(`${site}: ${((back / visits.length) * 100).toFixed(1)} % of visits by returning visitors`);
    expect(back / visits.length).toBeGreaterThan(least);
  }
});
