/**
 * Pages: per page path, its pageviews, the sessions that viewed it, the sessions that entered
 * and left on it, the exit rate (exits / pageviews) and the average time on page: from the
 * pageview to the next event of the same session. A session's last pageview has a time only
 * when a later event (an engagement or heartbeat event, a click) follows it; otherwise its time
 * is unknown and left out of the average, never counted as 0.
 *
 *   await pages(store, options, 20) // [{ page: '/pricing', pageviews: 120, sessions: 90, entries: 30, exits: 25, … }]
 */
import { identifier, sql } from '../sql/query.ts';
import type { Store } from '../store/store.ts';
import { periodWhere } from './overview.ts';
import { sessionsIn } from './plans.ts';
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
  const d = store.dialect;
  const inPeriod = sessionsIn(d, where);
  // Each event of the period's sessions with the time of the next event of its session.
  const events = d.withNext(
    sql`(SELECT session_id, ts_ms, seq, event, path FROM events
      WHERE session_id IN (SELECT session_id FROM ${inPeriod} s))`,
    {
      columns: ['session_id', 'ts_ms', 'seq', 'event', 'path'],
      partition: 'session_id',
      order: ['ts_ms', 'seq'],
      of: 'ts_ms',
    },
  );
  const viewed = (await store.query(
    d.compile(sql`SELECT path AS page, count(*) AS pageviews, count(DISTINCT session_id) AS sessions,
        coalesce(sum(next_ts_ms - ts_ms), 0) AS timed_ms, count(next_ts_ms) AS timed_pageviews
      FROM ${events} e WHERE event = 'pageview'
      GROUP BY path ORDER BY pageviews DESC, page LIMIT ${limit}`),
  )) as { page: string; pageviews: number; sessions: number; timed_ms: number; timed_pageviews: number }[];
  if (viewed.length === 0) return [];
  const shown = viewed.map((v) => v.page);
  const ends = async (column: 'entry_page' | 'exit_page') => {
    const rows = await store.query(
      d.compile(sql`SELECT ${identifier(column)} AS page, count(*) AS sessions FROM ${inPeriod} s
        WHERE pageviews > 0 AND ${d.isIn(identifier(column), shown)} GROUP BY page`),
    );
    return new Map(rows.map((r) => [String(r.page), Number(r.sessions)]));
  };
  const [entries, exits] = await Promise.all([ends('entry_page'), ends('exit_page')]);
  return viewed.map((v): PageRow => {
    const pageviews = Number(v.pageviews);
    const timed = Number(v.timed_pageviews);
    const out = exits.get(v.page) ?? 0;
    return {
      page: v.page,
      pageviews,
      sessions: Number(v.sessions),
      entries: entries.get(v.page) ?? 0,
      exits: out,
      exit_rate: out / pageviews,
      avg_time_on_page_s: timed === 0 ? null : Number(v.timed_ms) / timed / 1000,
      timed_pageviews: timed,
    };
  });
}
