/**
 * Pages: per page path, its pageviews, the sessions that viewed it, the sessions that entered
 * and left on it, the exit rate (exits / pageviews) and the average time on page: from the
 * pageview to the next event of the same session. A session's last pageview has a time only
 * when a later event (an engagement or heartbeat event, a click) follows it; otherwise its time
 * is unknown and left out of the average, never counted as 0.
 *
 *   await pages(store, options, 20) // [{ page: '/pricing', pageviews: 120, sessions: 90, entries: 30, exits: 25, … }]
 */
import type { Store } from '../store/store.ts';
import { periodWhere } from './overview.ts';
import { sessionQuery } from './plans.ts';
import type { QueryOptions } from './query-options.ts';

export interface PageRow {
  readonly page: string;
  readonly pageviews: number;
  readonly sessions: number;
  readonly entries: number;
  readonly exits: number;
  /** exits / pageviews. */
  readonly exit_rate: number | null;
  /** Mean seconds to the next event of the session, over pageviews that have one; null if none has. */
  readonly avg_time_on_page_s: number | null;
  /** How many pageviews the average is over (the rest have no later event). */
  readonly timed_pageviews: number;
}

export async function pages(store: Store, options: QueryOptions, limit = 20): Promise<PageRow[]> {
  const where = await periodWhere(store, options);
  if (where === undefined) return [];
  const q = sessionQuery(
    store.dialect,
    where,
    (bind) => `,
    ev AS (
      SELECT e.path, e.event, e.ts_ms, e.session_id,
             lead(e.ts_ms) OVER (PARTITION BY e.session_id ORDER BY e.ts_ms, e.seq) AS next_ts
      FROM events e WHERE e.session_id IN (SELECT session_id FROM s)),
    viewed AS (
      SELECT path AS page, count(*) AS pageviews,
             count(DISTINCT session_id) AS sessions,
             avg(next_ts - ts_ms) / 1000.0 AS avg_time_on_page_s, count(next_ts) AS timed_pageviews
      FROM ev WHERE event = 'pageview' GROUP BY 1),
    entries AS (SELECT entry_page AS page, count(*) AS entries FROM s WHERE pageviews > 0 GROUP BY 1),
    exits AS (SELECT exit_page AS page, count(*) AS exits FROM s WHERE pageviews > 0 GROUP BY 1)
    SELECT v.page, v.pageviews, v.sessions, coalesce(en.entries, 0) AS entries, coalesce(ex.exits, 0) AS exits,
           coalesce(ex.exits, 0) / v.pageviews AS exit_rate, v.avg_time_on_page_s, v.timed_pageviews
    FROM viewed v LEFT JOIN entries en USING (page) LEFT JOIN exits ex USING (page)
    ORDER BY v.pageviews DESC, v.page LIMIT ${bind(limit)}`,
  );
  return (await store.query(q)) as unknown as PageRow[];
}
