/**
 * What a demo site is, as data plus one function: its host, its audience (countries, devices),
 * its rhythm (sessions a day, weekday factors, hours in the visitor's local time), how visits
 * arrive, how often visitors come back, and `journey`, which walks one visit's pages and events.
 * The three sites are in demo-sites/; the generator (demo.ts) treats them all alike.
 */
import type { Device } from './agents.ts';
import type { ArrivalKind, Campaigns } from './channels.ts';
import type { CountryCode } from './geo.ts';
import type { Random } from './random.ts';

/** One thing a visit does: open a page, or send an event while on the current page. */
export type Step =
  /** `stayMs`: how long the page stays open before the next page or the end of the visit. */
  | { readonly kind: 'page'; readonly path: string; readonly stayMs: number }
  /** `afterMs`: from the page's opening; `value` only for goals that carry one. */
  | {
      readonly kind: 'event';
      readonly name: string;
      readonly afterMs: number;
      readonly value?: number;
      readonly props?: Readonly<Record<string, string | number | boolean>>;
      /** From this event on, the visit is logged in as this user. */
      readonly login?: string;
    };

/** The visitor as a journey sees them. */
export interface JourneyVisitor {
  /** Visits before this one. */
  readonly visits: number;
  /** '' until they sign up or log in. */
  readonly userId: string;
  readonly device: Device;
  /** A whole number for this visitor, to pick their favourite pages and user id. */
  readonly seed: number;
}

export interface JourneyContext {
  readonly random: Random;
  readonly visitor: JourneyVisitor;
  readonly arrival: ArrivalKind;
  readonly campaign: string;
  /** True from the release day on (release.ts). */
  readonly released: boolean;
  /** 0 for the oldest day of the period. */
  readonly dayIndex: number;
  readonly days: number;
}

export interface SiteModel {
  readonly name: string;
  /** The site's origin, its one host: internal referrers are pages of it. */
  readonly origin: string;
  /** What the site is, in a line (for docs and the banner). */
  readonly about: string;
  /** A single-page app: engagement is sent when the tab is hidden or closed, not at each route. */
  readonly singlePage: boolean;
  /** Sessions on a plain weekday at the start of the period, at scale 1. */
  readonly sessionsPerDay: number;
  /** Growth over the whole period (0.2: 20 % more sessions at the end than at the start). */
  readonly growth: number;
  /** Factor per local weekday, Sunday first. */
  readonly weekly: readonly number[];
  /** Weight per local hour 0–23. */
  readonly hourly: readonly number[];
  readonly devices: readonly (readonly [Device, number])[];
  readonly countries: readonly (readonly [CountryCode, number])[];
  /** How new visits arrive. */
  readonly arrivals: readonly (readonly [ArrivalKind, number])[];
  readonly campaigns: Campaigns;
  /** Extra visits of a day (newsletter days, a post on Hacker News), by arrival kind. */
  extraVisits(day: {
    readonly index: number;
    readonly weekday: number;
    readonly days: number;
  }): readonly (readonly [ArrivalKind, number])[];
  readonly returning: {
    /** Share of a day's visits by a visitor who came before (when there are such visitors). */
    readonly share: number;
    /** Share of new visitors who may come back at all. */
    readonly loyal: number;
    /** Mean days a loyal visitor keeps coming back. */
    readonly lifetimeDays: number;
  };
  /** The pages an open tab shows when the visitor comes back to it (for `resumed` visits). */
  readonly resumePaths: readonly string[];
  journey(ctx: JourneyContext): Step[];
}

/** The day a visit happens on, as a journey needs it. */
export interface SiteDay {
  readonly dayIndex: number;
  readonly days: number;
  readonly released: boolean;
}

/** The pages of an ordinary new visitor's visit: what crawlers and scrapers walk. */
export function visitPaths(site: SiteModel, day: SiteDay, arrival: ArrivalKind, random: Random): string[] {
  const steps = site.journey({
    random,
    visitor: { visits: 0, userId: '', device: 'desktop', seed: random.int(1e6) },
    arrival,
    campaign: '',
    ...day,
  });
  const paths: string[] = [];
  for (const s of steps) if (s.kind === 'page') paths.push(s.path);
  return paths;
}

/**
 * Half of one-page visits are over within seconds (the wrong page, a mistaken click): their
 * stay is cut to 2–9 s, so the engagement rate is what analytics tools usually see (65–77 % here).
 */
export function withQuickExits(steps: Step[], random: Random): Step[] {
  const pages = steps.filter((s) => s.kind === 'page');
  if (pages.length !== 1 || !random.chance(0.5)) return steps;
  return steps.map((s) => (s.kind === 'page' ? { ...s, stayMs: random.between(2000, 9000) } : s));
}

/** A page step with a stay drawn around `medianMs`. */
export function page(path: string, medianMs: number, random: Random): Step {
  return { kind: 'page', path, stayMs: Math.round(Math.max(2000, random.logNormal(medianMs, 0.8))) };
}

/** The ranks 0..n-1 by a Zipf law (s = 1.1), for popular products and posts. */
export function zipfRank(n: number, random: Random): number {
  let cdf = ZIPF.get(n);
  if (cdf === undefined) {
    cdf = new Float64Array(n);
    let total = 0;
    for (let k = 1; k <= n; k++) cdf[k - 1] = total += 1 / k ** 1.1;
    ZIPF.set(n, cdf);
  }
  const u = random.next() * cdf[n - 1]!;
  for (let k = 0; k < n; k++) if (u < cdf[k]!) return k;
  return n - 1;
}

/** Cumulative Zipf weights by n (a handful of lengths: products, posts out so far). */
const ZIPF = new Map<number, Float64Array>();
