/**
 * The demo's traffic: 90 days ending at `endMs` on three sites (demo-sites/), made from a seed
 * alone. Each day a site gets its visits (weekday factor × growth × noise, plus newsletter and
 * Hacker News days), each visit at an hour of its visitor's local day; visitors come back or
 * drift away; crawlers and fraud-like visits come on top. Pure: no clock, no I/O.
 *
 *   const demo = generateDemo({ seed: 7, endMs });
 *   demoEvents(demo, 'shop') // the shop's events in time order, ready for POST /api/v1/events
 */
import { botVisit } from './bots.ts';
import { DAY_MS, instantOf, localDays } from './calendar.ts';
import { isoWeek } from './channels.ts';
import { APP } from './demo-sites/app.ts';
import { BLOG } from './demo-sites/blog.ts';
import { SHOP } from './demo-sites/shop.ts';
import { FRAUD_ON, fraudVisits } from './fraud.ts';
import { createRandom } from './random.ts';
import { releaseMsOf } from './release.ts';
import type { DemoEvent } from './session-events.ts';
import type { SiteModel } from './site-model.ts';
import { siteVisit } from './site-visit.ts';
import { createVisitorPool } from './visitors.ts';

export const DEMO_SITES: readonly SiteModel[] = [SHOP, BLOG, APP];

/** Event names the demo's sites count as conversions. */
export const DEMO_GOALS: readonly string[] = ['signup', 'purchase'];

export interface DemoOptions {
  readonly seed: number;
  /** The end of the period (epoch ms): no event is later. */
  readonly endMs: number;
  /** Days of traffic (default 90). */
  readonly days?: number;
  /** Visits per day as a share of the full demo's (default 1: about 50,000 visits in all). */
  readonly scale?: number;
  /** Only these sites (default: all three); each site's traffic is the same either way. */
  readonly sites?: readonly string[];
}

export interface DemoSession {
  readonly site: string;
  /** A person; a crawler or script (its events are bots to the collector); a fraud-like visit. */
  readonly kind: 'visitor' | 'bot' | 'fraud';
  /** A visitor's arrival kind (channels.ts), a fraud pattern, or `crawler`. */
  readonly label: string;
  /** A visitor's country (ISO alpha-2), that of their address and zone; '' for the others. */
  readonly country: string;
  readonly events: readonly DemoEvent[];
}

export interface Demo {
  readonly startMs: number;
  readonly endMs: number;
  readonly releaseMs: number;
  readonly sites: readonly SiteModel[];
  readonly sessions: readonly DemoSession[];
}

export function generateDemo(options: DemoOptions): Demo {
  const days = options.days ?? 90;
  const scale = options.scale ?? 1;
  const { endMs } = options;
  const startMs = endMs - days * DAY_MS;
  const releaseMs = releaseMsOf(endMs);
  const sessions: DemoSession[] = [];
  DEMO_SITES.forEach((site, i) => {
    if (options.sites !== undefined && !options.sites.includes(site.name)) return;
    const random = createRandom(options.seed).fork(i + 1);
    sessions.push(...siteSessions(site, { days, scale, startMs, endMs, releaseMs }, random));
  });
  return { startMs, endMs, releaseMs, sites: DEMO_SITES, sessions };
}

/** A site's events in time order (every kind of visit: bots too, as a tracker would send them). */
export function demoEvents(demo: Demo, site: string): DemoEvent[] {
  const out: DemoEvent[] = [];
  for (const s of demo.sessions) if (s.site === site) out.push(...s.events);
  return out.sort((a, b) => a.timestamp - b.timestamp || (a.event_id < b.event_id ? -1 : 1));
}

interface Period {
  readonly days: number;
  readonly scale: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly releaseMs: number;
}

function siteSessions(site: SiteModel, p: Period, random: ReturnType<typeof createRandom>): DemoSession[] {
  const out: DemoSession[] = [];
  const pool = createVisitorPool(site, random.fork(11));
  pool.seedBefore(
    Math.round(site.sessionsPerDay * p.scale * site.returning.share * 4),
    site.name === 'app' ? 0.7 : 0,
  );
  const automated = random.fork(13);
  const hours = site.hourly.map((w, h) => [h, w] as const);
  for (const day of localDays(p.endMs, p.days)) {
    const trend = 1 + (site.growth * day.index) / p.days;
    const n = Math.round(
      site.sessionsPerDay * p.scale * site.weekly[day.weekday]! * trend * random.logNormal(1, 0.08),
    );
    const kinds = Array.from({ length: n }, () => random.weighted(site.arrivals));
    for (const [kind, count] of site.extraVisits({ index: day.index, weekday: day.weekday, days: p.days }))
      for (let k = Math.round(count * p.scale * trend); k > 0; k--) kinds.push(kind);
    const week = isoWeek(day.year, day.month, day.day);
    for (let kind of kinds) {
      const paid = kind === 'cpc' || kind === 'paid_social';
      const back = random.chance(site.returning.share * (paid ? 0.4 : 1))
        ? pool.returning(day.index)
        : undefined;
      const visitor = back ?? pool.newVisitor(day.index);
      if (back !== undefined && random.chance(0.05)) kind = 'resumed';
      const minute = random.weighted(hours) * 60 + random.int(60);
      const startMs = instantOf(day, minute, visitor.timezone) + random.int(60_000);
      if (startMs < p.startMs || startMs >= p.endMs) continue;
      const visit = siteVisit(site, visitor, kind, {
        startMs,
        week,
        released: startMs >= p.releaseMs,
        dayIndex: day.index,
        days: p.days,
        random,
      });
      // A visit still going at the end is cut there: it is open, as live ones are.
      const events = visit.events.filter((e) => e.timestamp <= p.endMs);
      if (events.length === 0) continue;
      visitor.userId = visit.userId;
      pool.visited(visitor, day.index);
      out.push({ site: site.name, kind: 'visitor', label: kind, country: visitor.country, events });
    }
    // Crawlers (about 4 % of visits) and the site's fraud patterns, on UTC days.
    const nightMs = p.endMs - (p.days - day.index) * DAY_MS;
    const dayStartMs = Math.floor(nightMs / DAY_MS) * DAY_MS;
    const today = { dayIndex: day.index, days: p.days, released: dayStartMs >= p.releaseMs };
    for (let k = Math.max(1, Math.round(n * 0.04)); k > 0; k--) {
      const at = dayStartMs + automated.int(DAY_MS);
      const events = botVisit(site, at, today, automated).filter(
        (e) => e.timestamp >= p.startMs && e.timestamp <= p.endMs,
      );
      if (events.length > 0)
        out.push({ site: site.name, kind: 'bot', label: 'crawler', country: '', events });
    }
    for (const [pattern, share] of FRAUD_ON[site.name] ?? []) {
      if (!automated.chance(share)) continue;
      for (const visit of fraudVisits(pattern, site, dayStartMs, today, automated)) {
        const events = visit.filter((e) => e.timestamp >= p.startMs && e.timestamp <= p.endMs);
        if (events.length > 0)
          out.push({ site: site.name, kind: 'fraud', label: pattern, country: '', events });
      }
    }
  }
  return out;
}
