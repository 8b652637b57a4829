/**
 * Click-through rate per element: click events that carry an `element` property (or `link`),
 * divided by the pageviews of the pages where that element was clicked, in the same sessions.
 *
 *   await ctr(store, options) // [{ element: 'signup-button', clicks: 40, pageviews: 800, ctr: 0.05, pages: ['/pricing'] }]
 */
import { sql } from '../sql/query.ts';
import type { Store } from '../store/store.ts';
import { periodWhere } from './overview.ts';
import { sessionsIn } from './plans.ts';
import type { QueryOptions } from './query-options.ts';

export interface CtrRow {
  readonly element: string;
  readonly clicks: number;
  /** Pageviews of the pages where the element was clicked. */
  readonly pageviews: number;
  readonly ctr: number | null;
  readonly pages: string[];
}

export async function ctr(
  store: Store,
  options: QueryOptions,
  limit = 20,
  clickEvent = 'click',
): Promise<CtrRow[]> {
  const where = await periodWhere(store, options);
  if (where === undefined) return [];
  const d = store.dialect;
  const inPeriod = sql`session_id IN (SELECT session_id FROM ${sessionsIn(d, where)} s)`;
  const property = (name: string) => d.jsonText(sql`properties`, name);
  const element = sql`CASE WHEN properties = '' THEN NULL
    ELSE coalesce(nullif(${property('element')}, ''), ${property('link')}) END`;
  // Clicks per (element, page), then the pageviews of each such page, summed per element.
  const clicks = sql`SELECT element, path, count(*) AS path_clicks
    FROM (SELECT ${element} AS element, path FROM events WHERE ${inPeriod} AND event = ${clickEvent}) c
    WHERE element IS NOT NULL AND element <> '' GROUP BY element, path`;
  const views = sql`SELECT path, count(*) AS path_views FROM events
    WHERE ${inPeriod} AND event = 'pageview' GROUP BY path`;
  const q = d.compile(sql`
    SELECT element, sum(path_clicks) AS clicks, coalesce(sum(path_views), 0) AS pageviews,
           sum(path_clicks) / nullif(coalesce(sum(path_views), 0), 0) AS ctr, ${d.sortedDistinct(sql`path`)} AS pages
    FROM (${clicks}) c LEFT JOIN (${views}) v USING (path)
    GROUP BY element ORDER BY clicks DESC, element LIMIT ${limit}`);
  return (await store.query(q)) as unknown as CtrRow[];
}
