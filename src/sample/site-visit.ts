/**
 * One visit of a demo site, as the generated days and the live trickle both make it: how the
 * visitor arrives, the pages and events of the site's journey (with quick exits), and its events.
 *
 *   siteVisit(SHOP, visitor, 'organic', { startMs, week, released: true, dayIndex: 89, days: 90, random })
 */
import { type ArrivalKind, arrive } from './channels.ts';
import type { Random } from './random.ts';
import { type Visit, visitEvents } from './session-events.ts';
import { type SiteModel, type Step, withQuickExits } from './site-model.ts';
import type { Visitor } from './visitors.ts';

export interface SiteVisitOptions {
  readonly startMs: number;
  /** ISO week of the visit's day (campaigns change weekly). */
  readonly week: number;
  /** Whether the visit is after the site's release day. */
  readonly released: boolean;
  readonly dayIndex: number;
  readonly days: number;
  readonly random: Random;
  /** Changes each step before it becomes events (the live trickle's time-lapse). */
  readonly shape?: (step: Step) => Step;
}

export function siteVisit(site: SiteModel, visitor: Visitor, kind: ArrivalKind, o: SiteVisitOptions): Visit {
  const { random } = o;
  const arrival = arrive(
    kind,
    site.campaigns,
    visitor.country,
    o.week,
    site.origin,
    random.pick(site.resumePaths),
    random,
  );
  const steps = withQuickExits(
    site.journey({
      random,
      visitor,
      arrival: kind,
      campaign: arrival.campaign,
      released: o.released,
      dayIndex: o.dayIndex,
      days: o.days,
    }),
    random,
  );
  return visitEvents(o.shape === undefined ? steps : steps.map(o.shape), {
    origin: site.origin,
    startMs: o.startMs,
    arrival,
    who: {
      anonymousId: visitor.anonymousId,
      userId: visitor.userId,
      timezone: visitor.timezone,
      userAgent: visitor.userAgent,
      ip: visitor.ip,
    },
    random,
    singlePage: site.singlePage,
  });
}
