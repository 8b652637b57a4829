/**
 * What a share link may see. By default a link sees aggregates only: no per-visitor route
 * (the session list, a session's journey), no breakdown or filter by identity or by an event
 * property (their values can be a person's id or e-mail), and /live without visitor ids.
 * A link made with `stint share create --visitors`, and every token, sees them all.
 *
 *   const why = visitorRefusal(who, '/api/v1/sessions', req.query); // a message, or undefined
 */

import type { Principal } from './registry.ts';
import type { LiveEvent } from './writer/index.ts';

/** Whether this principal may see per-visitor data. */
export function seesVisitors(who: Principal): boolean {
  return who.kind !== 'share' || who.visitors;
}

const PER_VISITOR_ROUTE = /^\/api\/v1\/sessions(?:\/|$)/;

/** Why this read would show a share link per-visitor data it was not given; undefined when it may. */
export function visitorRefusal(who: Principal, path: string, query: unknown): string | undefined {
  if (seesVisitors(who)) return undefined;
  const because = (what: string): string =>
    `This share link sees aggregates only, not ${what}; ask for a link made with stint share create --visitors`;
  if (PER_VISITOR_ROUTE.test(path)) return because('sessions and journeys of single visitors');
  const q = (query ?? {}) as Record<string, unknown>;
  const values = (name: string): string[] => {
    const v = q[name];
    return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);
  };
  if (values('by').some(perVisitorDimension)) return because('breakdowns by identity or by event property');
  if (values('filter').some((f) => perVisitorDimension(f.trim())))
    return because('filters on identity or on event properties');
  return undefined;
}

/** `identity` (a visitor's id) or `prop.NAME` (a value a site may fill with anything), at the text's start. */
function perVisitorDimension(text: string): boolean {
  return /^(?:identity(?![A-Za-z0-9_])|prop\.)/.test(text);
}

/** /live's latest events as this principal may see them: without the visitor for a plain share link. */
export function liveEventsFor(who: Principal, events: readonly LiveEvent[]): readonly object[] {
  return seesVisitors(who) ? events : events.map(({ visitor: _, ...rest }) => rest);
}
