/**
 * A site's visitors: new ones (a country, a zone and an address of that country, a device and
 * its browser, an anonymous id as `data-storage="local"` keeps it), and the loyal ones who come
 * back until they drift away, so that retention cohorts decay as real ones do.
 *
 *   const pool = createVisitorPool(site, random);
 *   const v = pool.returning(dayIndex) ?? pool.newVisitor(dayIndex);
 */
import { type Device, pickAgent } from './agents.ts';
import { addressIn, COUNTRIES, type CountryCode } from './geo.ts';
import type { Random } from './random.ts';
import type { SiteModel } from './site-model.ts';

export interface Visitor {
  readonly anonymousId: string;
  readonly country: CountryCode;
  readonly timezone: string;
  /** Changes now and then (a phone on another network), always within the country. */
  ip: string;
  readonly device: Device;
  readonly userAgent: string;
  readonly seed: number;
  userId: string;
  visits: number;
  /** The last day (index) of a visit; -1 before the first. */
  lastDay: number;
  /** The day after which they come no more. */
  readonly leavesAfterDay: number;
  readonly loyal: boolean;
}

export interface VisitorPool {
  newVisitor(dayIndex: number): Visitor;
  /** A loyal visitor who has not come today and has not drifted away yet; undefined when none. */
  returning(dayIndex: number): Visitor | undefined;
  /**
   * Loyal visitors who came before the period (the site did not start on its first day); a
   * share of them have an account and stay logged in.
   */
  seedBefore(count: number, customerShare: number): void;
  /** Files a visitor after a visit (loyal ones may be picked again). */
  visited(v: Visitor, dayIndex: number): void;
}

export function createVisitorPool(site: SiteModel, random: Random): VisitorPool {
  const loyal: Visitor[] = [];
  const pooled = new WeakSet<Visitor>();
  const pool = (v: Visitor): void => {
    if (pooled.has(v)) return;
    pooled.add(v);
    loyal.push(v);
  };
  let made = 0;
  const make = (dayIndex: number, isLoyal: boolean): Visitor => {
    const country = random.weighted(site.countries);
    const c = COUNTRIES[country];
    const device = random.weighted(site.devices);
    made++;
    return {
      anonymousId: random.hex(16),
      country,
      timezone: random.weighted(c.zones),
      ip: addressIn(random.pick(c.blocks), random),
      device,
      userAgent: pickAgent(device, random),
      seed: made * 7919 + random.int(7919),
      userId: '',
      visits: 0,
      lastDay: -1,
      leavesAfterDay: dayIndex + Math.ceil(random.exp(site.returning.lifetimeDays)),
      loyal: isLoyal,
    };
  };
  return {
    newVisitor: (dayIndex) => make(dayIndex, random.chance(site.returning.loyal)),
    returning(dayIndex) {
      for (let tries = 0; tries < 4 && loyal.length > 0; tries++) {
        const i = random.int(loyal.length);
        const v = loyal[i]!;
        if (v.leavesAfterDay < dayIndex) {
          // Drifted away: out of the pool for good.
          loyal[i] = loyal[loyal.length - 1]!;
          loyal.pop();
          continue;
        }
        if (v.lastDay === dayIndex) continue;
        return v;
      }
      return undefined;
    },
    seedBefore(count, customerShare) {
      for (let i = 0; i < count; i++) {
        const v = make(-1 - random.int(30), true);
        v.visits = 1 + random.int(10);
        // Account holders stay logged in (the app identifies them from their first event).
        if (random.chance(customerShare)) v.userId = `u${v.seed.toString(36)}`;
        pool(v);
      }
    },
    visited(v, dayIndex) {
      v.visits++;
      v.lastDay = dayIndex;
      if (random.chance(0.08)) v.ip = addressIn(random.pick(COUNTRIES[v.country].blocks), random);
      if (v.loyal) pool(v);
    },
  };
}
