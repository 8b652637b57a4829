/**
 * The release day (30 days before the end) makes a visible change: the shop's checkout becomes
 * one page, and the conversion rate of its sessions (sessionized by the engine, with the demo's
 * goals) rises; the app greets new accounts on a page that did not exist before.
 */
import { expect, it } from 'vitest';
import { createRules, sessionize } from '../../src/index.ts';
import { DEMO_GOALS } from '../../src/sample/demo.ts';
import { demo, engineEvent, pathOfUrl, sessionsOf } from './demo-fixture.ts';

it('is 30 days before the end, at midnight UTC', () => {
  const { releaseMs, endMs } = demo();
  expect(new Date(releaseMs).toISOString()).toBe('2026-10-22T00:00:00.000Z');
  expect(endMs - releaseMs).toBeGreaterThan(30 * 86_400_000);
  expect(endMs - releaseMs).toBeLessThan(31 * 86_400_000);
});

it("raises the shop's conversion rate in its sessions, as the engine sessionizes them", () => {
  const { releaseMs } = demo();
  const events = sessionsOf('shop').flatMap((s) => s.events.map(engineEvent));
  const { sessions, rejected } = sessionize(events, createRules({ goals: [...DEMO_GOALS] }));
  expect(rejected).toEqual([]);
  const rate = (xs: typeof sessions): number => xs.filter((s) => s.conversions > 0).length / xs.length;
  const before = rate(sessions.filter((s) => s.startMs < releaseMs));
  const after = rate(sessions.filter((s) => s.startMs >= releaseMs));
  console.log(
    `shop conversion: ${(before * 100).toFixed(2)} % before, ${(after * 100).toFixed(2)} % after the release`,
  );
  expect(before).toBeGreaterThan(0.015);
  expect(after).toBeGreaterThan(before * 1.4);
});

it('has three checkout pages before the release and one after; a new onboarding page on the app', () => {
  const { releaseMs } = demo();
  const pagesOf = (site: string, when: (t: number) => boolean): Set<string> =>
    new Set(
      sessionsOf(site)
        .flatMap((s) => s.events)
        .filter((e) => e.event === 'pageview' && when(e.timestamp))
        .map((e) => pathOfUrl(e.url)),
    );
  const shopBefore = pagesOf('shop', (t) => t < releaseMs);
  const shopAfter = pagesOf('shop', (t) => t >= releaseMs + 86_400_000);
  expect(shopBefore.has('/checkout/shipping')).toBe(true);
  expect(shopBefore.has('/checkout/payment')).toBe(true);
  expect(shopAfter.has('/checkout')).toBe(true);
  expect(shopAfter.has('/checkout/shipping')).toBe(false);
  expect(pagesOf('app', (t) => t < releaseMs).has('/app/onboarding')).toBe(false);
  expect(pagesOf('app', (t) => t >= releaseMs).has('/app/onboarding')).toBe(true);
});
