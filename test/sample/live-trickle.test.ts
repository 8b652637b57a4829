/**
 * The live trickle keeps a few visits in progress on each site and hands out their events as
 * they fall due: over a simulated minute of two-second ticks, every site gets events, none from
 * the future, each once, and the same seed and clock give the same trickle.
 */
import { expect, it } from 'vitest';
import { createLiveTrickle } from '../../src/sample/live.ts';

const START_MS = Date.UTC(2026, 10, 21, 15, 30);

function run(
  seed: number,
): { site: string; event_id: string; timestamp: number; now: number; url: string }[] {
  const live = createLiveTrickle(seed, START_MS);
  const out: { site: string; event_id: string; timestamp: number; now: number; url: string }[] = [];
  for (let now = START_MS + 2000; now <= START_MS + 120_000; now += 2000)
    for (const { site, events } of live.tick(now))
      for (const e of events)
        out.push({ site, event_id: e.event_id, timestamp: e.timestamp, now, url: e.url });
  return out;
}

it('sends events on every site, every few seconds, never from the future, each once', () => {
  const sent = run(7);
  for (const site of ['shop', 'blog', 'app']) {
    const mine = sent.filter((e) => e.site === site);
    expect(mine.length, site).toBeGreaterThan(10);
    expect(mine.every((e) => e.url.startsWith(`https://${site}.example/`))).toBe(true);
  }
  expect(sent.filter((e) => e.timestamp > e.now || e.timestamp < START_MS)).toEqual([]);
  expect(new Set(sent.map((e) => e.event_id)).size).toBe(sent.length);
  // Something on most ticks: at least one site sends in 3 ticks of 4.
  const ticks = new Set(sent.map((e) => e.now));
  expect(ticks.size).toBeGreaterThan(60 * 0.75);
});

it('is the same for the same seed and clock', () => {
  expect(run(3)).toEqual(run(3));
});
