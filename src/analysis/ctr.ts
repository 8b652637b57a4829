/**
 * Click-through rate per element: click events that carry an `element` property (or `link`),
 * divided by the pageviews of the pages where that element was clicked, in the same sessions.
 *
 *   await ctr(store, options) // [{ element: 'signup-button', clicks: 40, pageviews: 800, ctr: 0.05, pages: ['/pricing'] }]
 */
import type { Store } from '../store/store.ts';
import { periodWhere } from './overview.ts';
import { sessionQuery } from './plans.ts';
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
  const q = sessionQuery(
    store.dialect,
    where,
    (bind) => `,
    ev AS (SELECT event, path, properties FROM events WHERE session_id IN (SELECT session_id FROM s)),
    clicks AS (
      SELECT CASE WHEN properties = '' THEN NULL
                  ELSE coalesce(nullif(json_extract_string(properties, '$.element'), ''), json_extract_string(properties, '$.link')) END AS element,
             path
      FROM ev WHERE event = ${bind(clickEvent)}),
    seen AS (SELECT element, count(*) AS clicks, list(DISTINCT path ORDER BY path) AS pages
             FROM clicks WHERE element IS NOT NULL AND element <> '' GROUP BY element),
    views AS (SELECT path, count(*) AS pageviews FROM ev WHERE event = 'pageview' GROUP BY path),
    reach AS (SELECT element, unnest(pages) AS path FROM seen)
    SELECT seen.element, any_value(seen.clicks) AS clicks, coalesce(sum(v.pageviews), 0) AS pageviews,
           any_value(seen.clicks) / nullif(coalesce(sum(v.pageviews), 0), 0) AS ctr, any_value(seen.pages) AS pages
    FROM seen JOIN reach USING (element) LEFT JOIN views v USING (path)
    GROUP BY seen.element ORDER BY clicks DESC, seen.element LIMIT ${bind(limit)}`,
  );
  return (await store.query(q)) as unknown as CtrRow[];
}
