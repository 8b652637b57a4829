/**
 * Paths through the site, from each session's ordered pageviews (`sessions.pages`):
 * - `topPaths`: the most common sequences of a session's first K pages;
 * - `around`: for one page, the pages viewed right after it and right before it, with counts
 *   and shares (`(exit)` after the last page, `(entrance)` before the first);
 * - `sankey`: nodes (step, page) and links between consecutive steps for the first K steps, the
 *   less common pages of a step grouped as `(other)`, plus the sessions that end at each step.
 *
 *   await topPaths(store, options, 3, 10) // [{ pages: ['/', '/pricing', '/signup'], sessions: 42, share: 0.05 }]
 */
import type { Store } from '../store/store.ts';
import { periodWhere } from './overview.ts';
import { sessionQuery } from './plans.ts';
import type { QueryOptions } from './query-options.ts';

export const EXIT = '(exit)';
export const ENTRANCE = '(entrance)';
export const OTHER = '(other)';

export interface PathRow {
  readonly pages: string[];
  readonly sessions: number;
  /** Of the sessions with at least one pageview. */
  readonly share: number;
}

export async function topPaths(
  store: Store,
  options: QueryOptions,
  steps = 3,
  limit = 10,
): Promise<PathRow[]> {
  const where = await periodWhere(store, options);
  if (where === undefined) return [];
  const q = sessionQuery(
    store.dialect,
    where,
    (bind) => `
    SELECT pages[1:${bind(steps)}] AS pages, count(*) AS sessions,
           count(*) / sum(count(*)) OVER () AS share
    FROM s WHERE len(pages) > 0 GROUP BY 1 ORDER BY sessions DESC, pages LIMIT ${bind(limit)}`,
  );
  return (await store.query(q)) as unknown as PathRow[];
}

export interface Neighbour {
  readonly page: string;
  readonly count: number;
  readonly share: number;
}

export async function around(
  store: Store,
  options: QueryOptions,
  page: string,
  limit = 10,
): Promise<{ page: string; views: number; next: Neighbour[]; previous: Neighbour[] }> {
  const where = await periodWhere(store, options);
  if (where === undefined) return { page, views: 0, next: [], previous: [] };
  let views = 0;
  const side = async (offset: 1 | -1, none: string): Promise<Neighbour[]> => {
    const q = sessionQuery(
      store.dialect,
      where,
      (bind) => `,
      hits AS (SELECT pages, i FROM (SELECT pages, generate_subscripts(pages, 1) AS i FROM s) WHERE pages[i] = ${bind(page)})
      SELECT coalesce(CASE WHEN i + (${offset}) BETWEEN 1 AND len(pages) THEN pages[i + (${offset})] END, ${bind(none)}) AS page,
             count(*) AS count, count(*) / sum(count(*)) OVER () AS share, sum(count(*)) OVER () AS views
      FROM hits GROUP BY 1 ORDER BY count DESC, page LIMIT ${bind(limit)}`,
    );
    const rows = (await store.query(q)) as unknown as (Neighbour & { views: number })[];
    views = rows[0]?.views ?? 0;
    return rows.map(({ page: p, count, share }) => ({ page: p, count, share }));
  };
  const next = await side(1, EXIT);
  const previous = await side(-1, ENTRANCE);
  return { page, views, next, previous };
}

export interface Sankey {
  /** `id` is `step:page`, steps from 1. */
  readonly nodes: { id: string; step: number; page: string; sessions: number }[];
  readonly links: { source: string; target: string; sessions: number }[];
  /** Sessions whose last pageview is at this step. */
  readonly exits: { step: number; sessions: number }[];
}

export async function sankey(store: Store, options: QueryOptions, steps = 4, perStep = 8): Promise<Sankey> {
  const where = await periodWhere(store, options);
  if (where === undefined) return { nodes: [], links: [], exits: [] };
  // Each session's first `steps` pages, a step's less common pages folded into (other).
  const q = sessionQuery(
    store.dialect,
    where,
    (bind) => `,
    visits AS (SELECT row_number() OVER () AS sid, pages[1:${bind(steps)}] AS pages FROM s WHERE len(pages) > 0),
    cells AS (SELECT sid, i AS step, pages[i] AS page, len(pages) AS n
              FROM (SELECT sid, pages, generate_subscripts(pages, 1) AS i FROM visits)),
    ranked AS (SELECT step, page, row_number() OVER (PARTITION BY step ORDER BY count(*) DESC, page) AS r
               FROM cells GROUP BY step, page),
    named AS (SELECT c.sid, c.step, c.n, CASE WHEN r.r <= ${bind(perStep)} THEN c.page ELSE ${bind(OTHER)} END AS page
              FROM cells c JOIN ranked r USING (step, page))
    SELECT 'node' AS kind, step, page, NULL AS next_page, count(*) AS sessions FROM named GROUP BY step, page
    UNION ALL
    SELECT 'link', a.step, a.page, b.page, count(*) FROM named a JOIN named b ON a.sid = b.sid AND b.step = a.step + 1
    GROUP BY a.step, a.page, b.page
    UNION ALL
    SELECT 'exit', n, NULL, NULL, count(DISTINCT sid) FROM named WHERE n = step AND n < ${bind(steps)} GROUP BY n
    ORDER BY kind, step, sessions DESC, page, next_page`,
  );
  const rows = (await store.query(q)) as {
    kind: string;
    step: number;
    page: string;
    next_page: string;
    sessions: number;
  }[];
  const id = (step: number, page: string): string => `${step}:${page}`;
  return {
    nodes: rows
      .filter((r) => r.kind === 'node')
      .map((r) => ({ id: id(r.step, r.page), step: r.step, page: r.page, sessions: r.sessions })),
    links: rows
      .filter((r) => r.kind === 'link')
      .map((r) => ({
        source: id(r.step, r.page),
        target: id(r.step + 1, r.next_page),
        sessions: r.sessions,
      })),
    exits: rows.filter((r) => r.kind === 'exit').map((r) => ({ step: r.step, sessions: r.sessions })),
  };
}
