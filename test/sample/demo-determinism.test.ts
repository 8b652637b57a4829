/**
 * The demo generator is deterministic for a seed and spans exactly the 90 days before the end
 * it is given: nothing later than the end, nothing earlier than 90 days before it, and traffic
 * on every day in between.
 */
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { DAY_MS } from '../../src/sample/calendar.ts';
import { demoEvents, generateDemo } from '../../src/sample/demo.ts';
import { END_MS } from './demo-fixture.ts';

const digest = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');

it('makes the same events for the same seed and end, and others for another seed', () => {
  const a = generateDemo({ seed: 3, endMs: END_MS, scale: 0.05 });
  const b = generateDemo({ seed: 3, endMs: END_MS, scale: 0.05 });
  const c = generateDemo({ seed: 4, endMs: END_MS, scale: 0.05 });
  for (const site of ['shop', 'blog', 'app']) {
    expect(digest(demoEvents(a, site))).toBe(digest(demoEvents(b, site)));
    expect(digest(demoEvents(a, site))).not.toBe(digest(demoEvents(c, site)));
  }
});

it('spans the 90 days that end at the given end, each day with visits on each site', () => {
  const demo = generateDemo({ seed: 7, endMs: END_MS, scale: 0.3 });
  expect(demo.startMs).toBe(END_MS - 90 * DAY_MS);
  for (const site of ['shop', 'blog', 'app']) {
    const events = demoEvents(demo, site);
    const times = events.map((e) => e.timestamp);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(END_MS - 90 * DAY_MS);
    expect(Math.max(...times)).toBeLessThanOrEqual(END_MS);
    // Up to the end (a small demo on a quiet Saturday afternoon: within hours).
    expect(Math.max(...times), site).toBeGreaterThan(END_MS - 6 * 3_600_000);
    const days = new Set(times.map((t) => Math.floor((END_MS - t) / DAY_MS)));
    expect([...days].sort((x, y) => x - y)).toEqual(Array.from({ length: 90 }, (_, i) => i));
    // In time order, with unique ids (a retry of the load counts once).
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(new Set(events.map((e) => e.event_id)).size).toBe(events.length);
  }
});

it('makes 40,000 to 80,000 visits at full size', () => {
  const demo = generateDemo({ seed: 7, endMs: END_MS });
  const visits = demo.sessions.filter((s) => s.kind === 'visitor').length;
  const events = demo.sessions.reduce((n, s) => n + s.events.length, 0);
  console.log(`full demo: ${visits} visits, ${events} events`);
  expect(visits).toBeGreaterThan(40_000);
  expect(visits).toBeLessThan(80_000);
});
