/**
 * The demo's live trickle: on each site a few visits in progress at any moment, each sending its
 * events as they fall due, with stays shortened so that something happens every couple of
 * seconds. Pure: the caller passes the time to each `tick` (the server's clock).
 *
 *   const live = createLiveTrickle(7, Date.now());
 *   setInterval(() => { for (const { site, events } of live.tick(Date.now())) post(site, events); }, 2000);
 */
import { DAY_MS } from './calendar.ts';
import { isoWeek } from './channels.ts';
import { DEMO_SITES } from './demo.ts';
import { createRandom } from './random.ts';
import type { DemoEvent } from './session-events.ts';
import type { SiteModel, Step } from './site-model.ts';
import { siteVisit } from './site-visit.ts';
import { createVisitorPool, type VisitorPool } from './visitors.ts';

export interface LiveTrickle {
  /** The events due by `nowMs`, by site (sites with none are left out). */
  tick(nowMs: number): { site: string; events: DemoEvent[] }[];
}

/** Visits in progress per site: at least this many, and up to two more. */
const OPEN_VISITS = 2;
/** Stays on a page are this share of real ones: the trickle is a time-lapse. */
const TIME_LAPSE = 0.2;

interface SiteState {
  readonly site: SiteModel;
  readonly pool: VisitorPool;
  /** Pending events of the visits in progress, each list in time order. */
  readonly open: DemoEvent[][];
  target: number;
}

export function createLiveTrickle(seed: number, startMs: number): LiveTrickle {
  const random = createRandom(seed).fork(97);
  const states: SiteState[] = DEMO_SITES.map((site) => ({
    site,
    pool: createVisitorPool(site, random.fork(site.name.length * 31)),
    open: [],
    target: OPEN_VISITS + random.int(3),
  }));
  const startVisit = (s: SiteState, atMs: number): void => {
    const { site, pool } = s;
    // Visitors of this run come back on a later day (as in the generated days, never twice a day).
    const day = Math.floor((atMs - startMs) / DAY_MS);
    const back = random.chance(site.returning.share) ? pool.returning(day) : undefined;
    const visitor = back ?? pool.newVisitor(day);
    const kind = random.weighted(site.arrivals);
    const date = new Date(atMs);
    const visit = siteVisit(site, visitor, kind, {
      startMs: atMs,
      week: isoWeek(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()),
      released: true,
      dayIndex: 90,
      days: 90,
      random,
      shape: lapse,
    });
    visitor.userId = visit.userId;
    pool.visited(visitor, day);
    s.open.push(visit.events);
  };
  let lastMs = startMs;
  return {
    tick(nowMs) {
      const out: { site: string; events: DemoEvent[] }[] = [];
      for (const s of states) {
        // A visit starts somewhere between the last tick and this one.
        while (s.open.length < s.target) startVisit(s, lastMs + random.int(Math.max(1, nowMs - lastMs)));
        const due: DemoEvent[] = [];
        for (const pending of s.open) {
          while (pending.length > 0 && pending[0]!.timestamp <= nowMs) due.push(pending.shift()!);
        }
        for (let i = s.open.length - 1; i >= 0; i--) {
          if (s.open[i]!.length === 0) {
            s.open.splice(i, 1);
            s.target = OPEN_VISITS + random.int(3);
          }
        }
        if (due.length > 0)
          out.push({ site: s.site.name, events: due.sort((a, b) => a.timestamp - b.timestamp) });
      }
      lastMs = nowMs;
      return out;
    },
  };
}

function lapse(step: Step): Step {
  return step.kind === 'page'
    ? { ...step, stayMs: Math.max(1500, Math.round(step.stayMs * TIME_LAPSE)) }
    : { ...step, afterMs: Math.round(step.afterMs * TIME_LAPSE) };
}
