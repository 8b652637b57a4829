/**
 * Generated shop traffic with a known effect, for the tests of `stint compare`: visitors per
 * day from 2026-10-01 (UTC), half on mobile, half on desktop, each one session of one or two
 * pageviews, some with a `purchase`; from `changeDay` on, the purchase rate is multiplied by
 * `lift[device]`. Each visitor has a `variant` property (A or B); B's rate is times `variantLift`.
 *
 *   storeWith(effectTraffic({ lift: { mobile: 2, desktop: 2 } }), EFFECT_RULES)
 */

import { seededRandom } from '../../src/analysis/insights/stats/bootstrap.ts';
import type { StintEvent } from '../../src/core/event.ts';
import { createRules } from '../../src/core/rules.ts';
import { ev } from './store.ts';

export const EFFECT_RULES = createRules({ goals: ['purchase'] });
export const EFFECT_START_MS = Date.UTC(2026, 9, 1);
export const DEVICES = {
  mobile: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148',
  desktop:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
} as const;

export interface EffectOptions {
  readonly days?: number;
  readonly perDay?: number;
  /** The first day (0-based) of the new rate. */
  readonly changeDay?: number;
  readonly baseRate?: number;
  readonly lift?: { readonly mobile: number; readonly desktop: number };
  readonly variantLift?: number;
  readonly seed?: number;
}

export function effectTraffic(o: EffectOptions = {}): StintEvent[] {
  const { days = 40, perDay = 80, changeDay = 20, baseRate = 0.06, seed = 42 } = o;
  const lift = o.lift ?? { mobile: 1, desktop: 1 };
  const random = seededRandom(seed);
  const events: StintEvent[] = [];
  for (let day = 0; day < days; day++) {
    for (let k = 0; k < perDay; k++) {
      const device = k % 2 === 0 ? 'mobile' : 'desktop';
      const variant = random() < 0.5 ? 'A' : 'B';
      const who = `v${day}-${k}`;
      const startMs =
        EFFECT_START_MS + day * 86_400_000 + 6 * 3_600_000 + k * Math.floor(57_600_000 / perDay);
      const at = (minutes: number) => new Date(startMs + minutes * 60_000).toISOString();
      const fields = { userAgent: DEVICES[device] };
      events.push(ev(who, at(0), { ...fields, url: '/', properties: { variant } }));
      if (random() < 0.6) events.push(ev(who, at(1 + random() * 4), { ...fields, url: '/product' }));
      const rate =
        baseRate * (day >= changeDay ? lift[device] : 1) * (variant === 'B' ? (o.variantLift ?? 1) : 1);
      if (random() < rate)
        events.push(ev(who, at(6), { ...fields, name: 'purchase', url: '/checkout', value: 30 }));
    }
  }
  return events;
}
