/**
 * `compare` on stores with a known effect: conversion doubled after a date is found (by the
 * two-proportion test and by the interrupted time series), no effect gives no significant
 * metric after Holm, a lift on mobile alone shows in the mobile segment only, and an A/B test
 * by an event property finds its better variant.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type CompareSpec, compare } from '../../../src/analysis/insights/compare.ts';
import { parseQueryOptions } from '../../../src/analysis/query-options.ts';
import { EFFECT_RULES, effectTraffic } from '../../helpers/effect-traffic.ts';
import { closeStores, storeWith } from '../../helpers/store.ts';

afterEach(closeStores);

const CHANGE_MS = Date.UTC(2026, 9, 21);
const change = (extra: Partial<CompareSpec> = {}): CompareSpec =>
  ({
    kind: 'change',
    atMs: CHANGE_MS,
    windowMs: undefined,
    segment: undefined,
    limit: 5,
    seed: 1,
    ...extra,
  }) as CompareSpec;
const options = parseQueryOptions({});

describe('compare before and after a change', () => {
  it('finds conversion doubled, as a jump in the time series too', async () => {
    const store = await storeWith(
      effectTraffic({ perDay: 200, lift: { mobile: 2, desktop: 2 } }),
      EFFECT_RULES,
    );
    const r = await compare(store, options, change());
    expect(r.mode).toBe('change');
    const [c] = r.comparisons;
    expect(c!.a).toMatchObject({
      label: 'before',
      from: '2026-10-01T00:00:00.000Z',
      to: '2026-10-21T00:00:00.000Z',
      sessions: 4000,
    });
    expect(c!.b).toMatchObject({ label: 'after', to: '2026-11-10T00:00:00.000Z', sessions: 4000 });
    const conv = c!.metrics.find((m) => m.metric === 'conversion_rate')!;
    expect(conv.test).toBe('two-proportion');
    expect(conv.b! / conv.a!).toBeGreaterThan(1.5);
    expect(conv.significant).toBe(true);
    expect(conv.p_adjusted!).toBeLessThan(0.001);
    expect(conv.interval!.low).toBeGreaterThan(0);
    const sessions = c!.metrics.find((m) => m.metric === 'sessions')!;
    expect(sessions).toMatchObject({ a: 4000, b: 4000, difference: 0, test: null, p: null });
    expect(r.adjustment).toContain('Holm');
    const its = c!.its!;
    expect(its.days).toHaveLength(40);
    expect(its.change_index).toBe(20);
    const jump = its.metrics.find((m) => m.metric === 'conversion_rate')!.fit!;
    expect(jump.level_change.low).toBeGreaterThan(0);
    expect(r.comparisons.flatMap((x) => x.warnings)).toEqual([]);
  });

  it('with no effect, no metric is significant after Holm', async () => {
    const store = await storeWith(effectTraffic({ seed: 7 }), EFFECT_RULES);
    const r = await compare(store, options, change());
    const [c] = r.comparisons;
    expect(c!.metrics.filter((m) => m.significant)).toEqual([]);
    expect(c!.metrics.filter((m) => m.p !== null)).toHaveLength(7);
  });

  it('per device_type: only mobile improved', async () => {
    const store = await storeWith(effectTraffic({ lift: { mobile: 2.5, desktop: 1 } }), EFFECT_RULES);
    const r = await compare(store, options, change({ segment: 'device_type' }));
    expect(r.comparisons.map((c) => c.segment).sort((x, y) => String(x).localeCompare(String(y)))).toEqual([
      'desktop',
      'mobile',
      null,
    ]);
    const conv = (segment: string) =>
      r.comparisons.find((c) => c.segment === segment)!.metrics.find((m) => m.metric === 'conversion_rate')!;
    expect(conv('mobile').significant).toBe(true);
    expect(conv('desktop').significant).toBe(false);
    expect(r.comparisons.find((c) => c.segment === 'mobile')!.a.sessions).toBe(800);
    expect(r.segment_by).toBe('device_type');
  });

  it('a window of 7 days takes 7 days on each side', async () => {
    const store = await storeWith(effectTraffic({ days: 30 }), EFFECT_RULES);
    const r = await compare(store, options, change({ windowMs: 7 * 86_400_000 }));
    expect(r.comparisons[0]!.a).toMatchObject({ from: '2026-10-14T00:00:00.000Z', sessions: 560 });
    expect(r.comparisons[0]!.its!.days).toHaveLength(14);
  });

  it('small samples are warned about and still shown', async () => {
    const store = await storeWith(effectTraffic({ days: 4, perDay: 10, changeDay: 2 }), EFFECT_RULES);
    const r = await compare(store, parseQueryOptions({}), change({ atMs: Date.UTC(2026, 9, 3) }));
    const [c] = r.comparisons;
    expect(c!.warnings.some((w) => w.startsWith('avg_duration_s: fewer than 30 sessions'))).toBe(true);
    expect(c!.warnings.some((w) => w.startsWith('conversion_rate: fewer than 10 expected'))).toBe(true);
    expect(c!.metrics.find((m) => m.metric === 'avg_duration_s')).toMatchObject({ small_sample: true });
    expect(c!.metrics.find((m) => m.metric === 'avg_duration_s')!.p).not.toBeNull();
    expect(c!.its!.metrics[0]!.fit).toBeNull();
    expect(c!.its!.metrics[0]!.note).toContain('too few days');
  });
});

describe('compare groups (an A/B test)', () => {
  it('by a bare property name: B converts better than the control A', async () => {
    const store = await storeWith(effectTraffic({ variantLift: 2.5 }), EFFECT_RULES);
    const spec = {
      kind: 'groups',
      by: { kind: 'property', name: 'variant' },
      control: 'A',
      segment: undefined,
      limit: 5,
      seed: 1,
    } as const;
    const r = await compare(store, parseQueryOptions({ from: '2026-10-01', to: '2026-11-09' }), spec);
    expect(r.by).toBe('prop.variant');
    expect(r.comparisons).toHaveLength(1);
    const [c] = r.comparisons;
    expect([c!.a.label, c!.b.label]).toEqual(['A', 'B']);
    expect(c!.a.sessions + c!.b.sessions).toBe(3200);
    expect(c!.metrics.find((m) => m.metric === 'conversion_rate')!.significant).toBe(true);
  });
});
