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
import { compareText } from '../sql/text-order.ts';
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
  // Each event of the period's sessions in order; the time to the next event is found below.
  const events = store.query(
    d.compile(sql`SELECT session_id, ts_ms, event, path FROM events
      WHERE session_id IN (SELECT session_id FROM ${inPeriod} s) ORDER BY session_id, ts_ms, seq`),
  );
  const ends = (column: 'entry_page' | 'exit_page') =>
    store.query(
      d.compile(sql`SELECT ${identifier(column)} AS page, count(*) AS sessions FROM ${inPeriod} s
        WHERE pageviews > 0 GROUP BY page`),
    );
  const [rows, entries, exits] = await Promise.all([events, ends('entry_page'), ends('exit_page')]);
  const counts = (found: Record<string, unknown>[]) =>
    new Map(found.map((r) => [String(r.page), Number(r.sessions)]));
  return pageRows(rows as unknown as SessionEvent[], counts(entries), counts(exits), limit);
}

/** An event of a session, as `pageRows` reads it. */
export interface SessionEvent {
  readonly session_id: string;
  readonly ts_ms: number;
  readonly event: string;
  readonly path: string;
}

/**
 * The page rows from the sessions' events (grouped by session, each session's in time order)
 * and the sessions entering and leaving on each page: most pageviews first, then by page.
 */
export function pageRows(
  events: readonly SessionEvent[],
  entries: ReadonlyMap<string, number>,
  exits: ReadonlyMap<string, number>,
  limit: number,
): PageRow[] {
  const byPage = new Map<string, { views: number; sessions: Set<string>; timedMs: number; timed: number }>();
  events.forEach((e, i) => {
    if (e.event !== 'pageview') return;
    let row = byPage.get(e.path);
    if (row === undefined) {
      row = { views: 0, sessions: new Set(), timedMs: 0, timed: 0 };
      byPage.set(e.path, row);
    }
    row.views += 1;
    row.sessions.add(e.session_id);
    const next = events[i + 1];
    if (next !== undefined && next.session_id === e.session_id) {
      row.timedMs += Number(next.ts_ms) - Number(e.ts_ms);
      row.timed += 1;
    }
  });
  return [...byPage.entries()]
    .map(([page, r]): PageRow => {
      const out = exits.get(page) ?? 0;
      return {
        page,
        pageviews: r.views,
        sessions: r.sessions.size,
        entries: entries.get(page) ?? 0,
        exits: out,
        exit_rate: out / r.views,
        avg_time_on_page_s: r.timed === 0 ? null : r.timedMs / r.timed / 1000,
        timed_pageviews: r.timed,
      };
    })
    .sort((a, b) => b.pageviews - a.pageviews || compareText(a.page, b.page))
    .slice(0, limit);
}
