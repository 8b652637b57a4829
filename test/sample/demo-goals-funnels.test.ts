/**
 * Goals and values agree: only goal events carry a value, every purchase has one, and the value
 * of the engine's sessions adds up to the purchases; the conversion rate and the value rise and
 * fall together. The README's funnel (`/` → `/pricing` → `event:purchase`) exists on the app with
 * a plausible drop-off at each step, and the shop's checkout funnel on the shop.
 */
import { expect, it } from 'vitest';
import { createRules, sessionize } from '../../src/index.ts';
import { DEMO_GOALS } from '../../src/sample/demo.ts';
import type { DemoEvent } from '../../src/sample/session-events.ts';
import { engineEvent, pathOfUrl, sessionsOf } from './demo-fixture.ts';

it('gives a value only to goal events, to every purchase, and sessions the same total', () => {
  for (const site of ['shop', 'blog', 'app']) {
    const events = sessionsOf(site).flatMap((s) => s.events);
    const valuedNonGoals = events.filter((e) => e.value !== undefined && !DEMO_GOALS.includes(e.event));
    const unvaluedPurchases = events.filter((e) => e.event === 'purchase' && !((e.value ?? 0) > 0));
    expect(valuedNonGoals).toEqual([]);
    expect(unvaluedPurchases).toEqual([]);
    const purchases = events.filter((e) => e.event === 'purchase').reduce((sum, e) => sum + e.value!, 0);
    const goals = events.filter((e) => DEMO_GOALS.includes(e.event)).length;
    const { sessions } = sessionize(events.map(engineEvent), createRules({ goals: [...DEMO_GOALS] }));
    const value = sessions.reduce((sum, s) => sum + s.value, 0);
    const conversions = sessions.reduce((sum, s) => sum + s.conversions, 0);
    expect(value).toBeCloseTo(purchases, 2);
    expect(conversions).toBe(goals);
    // Every site converts; the shop's and the app's conversions carry their value.
    expect(conversions, site).toBeGreaterThan(0);
    if (site !== 'blog') {
      const converting = sessions.filter((s) => s.conversions > 0);
      const perConversion = value / converting.length;
      console.log(
        `${site}: ${converting.length} converting sessions, ${perConversion.toFixed(2)} value each`,
      );
      expect(perConversion).toBeGreaterThan(10);
      expect(perConversion).toBeLessThan(500);
    }
  }
});

it('goes up and down with the conversion rate, week by week, on the shop', () => {
  const { sessions } = sessionize(
    sessionsOf('shop').flatMap((s) => s.events.map(engineEvent)),
    createRules({ goals: [...DEMO_GOALS] }),
  );
  const weeks = new Map<number, { n: number; converted: number; value: number }>();
  for (const s of sessions) {
    const w = Math.floor(s.startMs / (7 * 86_400_000));
    const row = weeks.get(w) ?? { n: 0, converted: 0, value: 0 };
    row.n++;
    row.converted += s.conversions > 0 ? 1 : 0;
    row.value += s.value;
    weeks.set(w, row);
  }
  const rows = [...weeks.values()].filter((r) => r.n > 300);
  const rates = rows.map((r) => r.converted / r.n);
  const values = rows.map((r) => r.value / r.n);
  expect(correlation(rates, values)).toBeGreaterThan(0.7);
});

/** Visits that hit each step in order, by page path or `event:NAME`. */
function funnel(visits: readonly (readonly DemoEvent[])[], steps: readonly string[]): number[] {
  const counts = steps.map(() => 0);
  for (const events of visits) {
    let step = 0;
    for (const e of events) {
      if (step === steps.length) break;
      const want = steps[step]!;
      const hit = want.startsWith('event:')
        ? e.event === want.slice(6)
        : e.event === 'pageview' &&
          (want.endsWith('*') ? pathOfUrl(e.url).startsWith(want.slice(0, -1)) : pathOfUrl(e.url) === want);
      if (hit) counts[step++]!++;
    }
  }
  return counts;
}

it("has the README's funnel on the app, and the checkout funnel on the shop, with drop-off", () => {
  const app = funnel(
    sessionsOf('app').map((s) => s.events),
    ['/', '/pricing', 'event:purchase'],
  );
  const shop = funnel(
    sessionsOf('shop').map((s) => s.events),
    ['/products/*', '/cart', '/checkout', 'event:purchase'],
  );
  console.log(`app / → /pricing → purchase: ${app.join(' → ')}; shop: ${shop.join(' → ')}`);
  for (const counts of [app, shop]) {
    expect(counts.at(-1)).toBeGreaterThan(20);
    for (let i = 1; i < counts.length; i++) {
      expect(counts[i]!).toBeLessThan(counts[i - 1]!);
      // No step keeps everyone, and none loses (almost) everyone.
      expect(counts[i]! / counts[i - 1]!).toBeGreaterThan(0.05);
    }
  }
});

function correlation(xs: readonly number[], ys: readonly number[]): number {
  const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    const y = ys[i]!;
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}
