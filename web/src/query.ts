/**
 * What every query of a view asks for, from the route: the site, the period as dates, the time
 * zone and the filters, as the API's query string (`site`, `from`, `to`, `tz`, `filter`).
 *
 *   const q = queryOf(route, Date.now()); useApi('/api/v1/overview', paramsOf(q));
 */
import type { QueryString } from '../../src/api/types.ts';
import { type Range, rangeOf } from './period.ts';
import type { Route } from './router.ts';

export interface Query {
  /** Undefined for a share link (the API takes its own site). */
  readonly site: string | undefined;
  readonly range: Range;
  readonly tz: string;
  readonly filters: readonly string[];
  readonly compare: boolean;
}

export function queryOf(route: Route, site: string | undefined, nowMs: number): Query {
  return {
    site: route.share === undefined ? site : undefined,
    range: rangeOf(route, nowMs),
    tz: route.tz,
    filters: route.filters,
    compare: route.compare === 'previous',
  };
}

export function paramsOf(q: Query, more: Record<string, string> = {}): QueryString {
  return {
    ...(q.site === undefined ? {} : { site: q.site }),
    from: q.range.from,
    to: q.range.to,
    tz: q.tz,
    ...(q.filters.length === 0 ? {} : { filter: q.filters }),
    ...more,
  };
}
