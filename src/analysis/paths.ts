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
import { join, raw, sql } from '../sql/query.ts';
import { compareText } from '../sql/text-order.ts';
import type { Store } from '../store/store.ts';
import { periodWhere } from './overview.ts';
import { sessionsIn } from './plans.ts';
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
  const d = store.dialect;
  const visits = sql`SELECT ${d.arrayHead(sql`pages`, sql`${steps}`)} AS head
    FROM ${sessionsIn(d, where)} s WHERE ${d.arrayLength(sql`pages`)} > 0`;
  const q = d.compile(sql`
    SELECT head, count(*) AS sessions, count(*) / (SELECT count(*) FROM (${visits}) v) AS share
    FROM (${visits}) h GROUP BY head ORDER BY sessions DESC, head LIMIT ${limit}`);
  const rows = await store.query(q);
  return rows.map(({ head, sessions, share }) => ({ pages: head, sessions, share }) as PathRow);
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
  const d = store.dialect;
  const hits = sql`SELECT pages, i FROM (SELECT pages, ${d.arrayIndexes(sql`pages`)} AS i FROM ${sessionsIn(d, where)} s) x
    WHERE pages[i] = ${page}`;
  const side = async (offset: 1 | -1, none: string): Promise<Neighbour[]> => {
    const at = raw(offset === 1 ? 'i + 1' : 'i - 1');
    const total = sql`(SELECT count(*) FROM (${hits}) t)`;
    const q = d.compile(sql`
      SELECT coalesce(CASE WHEN ${at} BETWEEN 1 AND ${d.arrayLength(sql`pages`)} THEN pages[${at}] END, ${none}) AS neighbour,
             count(*) AS count, count(*) / ${total} AS share, ${total} AS views
      FROM (${hits}) h GROUP BY neighbour ORDER BY count DESC, neighbour LIMIT ${limit}`);
    const rows = (await store.query(q)) as unknown as {
      neighbour: string;
      count: number;
      share: number;
      views: number;
    }[];
    views = rows[0]?.views ?? 0;
    return rows.map(({ neighbour, count, share }) => ({ page: neighbour, count, share }));
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
  // Each session's first `steps` pages: per step, the sessions on each page (and so the ends:
  // those at a step less those at the next). The moves between steps are counted in the engine
  // under the names the sankey keeps (the `perStep` most common pages of each step, the rest as
  // (other)), so few rows come back. A session's page i comes from a join to the numbers up to
  // `steps`, which DuckDB runs faster than unrolling each array.
  const d = store.dialect;
  const cells = sql`SELECT pages, n0 + 1 AS i FROM ${sessionsIn(d, where)} s
    CROSS JOIN (SELECT ${d.numbers(sql`${steps}`)} AS n0) n WHERE n0 < ${d.arrayLength(sql`pages`)}`;
  const nodes = (await store.query(
    d.compile(
      sql`SELECT i AS step, pages[i] AS page, count(*) AS sessions FROM (${cells}) c GROUP BY step, page`,
    ),
  )) as unknown as StepCount[];
  if (nodes.length === 0) return foldSankey([], [], [], new Map());
  const kept = keptPages(nodes, perStep);
  // The moves between pages, then the same under the names kept at each step.
  const moves = sql`SELECT i AS step, pages[i] AS page, pages[i + 1] AS next_page, count(*) AS sessions
    FROM (${cells}) c WHERE i < ${steps} AND i < ${d.arrayLength(sql`pages`)} GROUP BY step, page, next_page`;
  const named = (column: 'page' | 'next_page', offset: 0 | 1) => {
    const name = raw(column);
    const keeps = [...kept].map(([step, pages]) => sql`(step = ${step - offset} AND ${d.isIn(name, pages)})`);
    return sql`CASE WHEN ${join(keeps, raw(' OR '))} THEN ${name} ELSE ${OTHER} END`;
  };
  const links = (await store.query(
    d.compile(sql`SELECT step, ${named('page', 0)} AS kept_page, ${named('next_page', 1)} AS kept_next, sum(sessions) AS moved
      FROM (${moves}) m GROUP BY step, kept_page, kept_next`),
  )) as { step: number; kept_page: string; kept_next: string; moved: number }[];
  const folded = links.map((l) => ({
    step: l.step,
    page: l.kept_page,
    next_page: l.kept_next,
    sessions: Number(l.moved),
  }));
  return foldSankey(nodes, folded, endsOf(nodes, steps), kept);
}

/** The sessions that end at each step before the last: those at the step less those at the next. */
function endsOf(cells: readonly StepCount[], steps: number): StepCount[] {
  const at = new Map<number, number>();
  for (const c of cells) at.set(Number(c.step), (at.get(Number(c.step)) ?? 0) + Number(c.sessions));
  const ends: StepCount[] = [];
  for (let step = 1; step < steps; step++) {
    const sessions = (at.get(step) ?? 0) - (at.get(step + 1) ?? 0);
    if (sessions > 0) ends.push({ step, sessions });
  }
  return ends;
}

/** Per step, the `perStep` pages with most sessions (then by page). */
function keptPages(cells: readonly StepCount[], perStep: number): Map<number, string[]> {
  const byStep = new Map<number, StepCount[]>();
  for (const c of cells) {
    const step = Number(c.step);
    const row = byStep.get(step);
    if (row === undefined) byStep.set(step, [c]);
    else row.push(c);
  }
  const kept = new Map<number, string[]>();
  for (const [step, row] of byStep) {
    row.sort((a, b) => Number(b.sessions) - Number(a.sessions) || compareText(a.page!, b.page!));
    kept.set(
      step,
      row.slice(0, perStep).map((c) => c.page!),
    );
  }
  return kept;
}

/** Sessions per step and page (`next_page`: a move to it at the next step; neither: the ends). */
export interface StepCount {
  readonly step: number;
  readonly page?: string;
  readonly next_page?: string;
  readonly sessions: number;
}

/**
 * The sankey from counts per cell: at each step the pages of `kept` (from `keptPages`) keep
 * their name, the others count as (other); nodes and links are summed under the names, most
 * sessions first.
 */
export function foldSankey(
  cells: readonly StepCount[],
  moves: readonly StepCount[],
  ends: readonly StepCount[],
  kept: ReadonlyMap<number, readonly string[]>,
): Sankey {
  const keep = new Set<string>();
  for (const [step, pages] of kept) for (const page of pages) keep.add(id(step, page));
  const named = (step: number, page: string) => (keep.has(id(step, page)) ? page : OTHER);
  const sum = <T extends { sessions: number }>(into: Map<string, T>, key: string, row: T) => {
    const had = into.get(key);
    into.set(key, had === undefined ? row : { ...had, sessions: had.sessions + row.sessions });
  };
  const nodes = new Map<string, Sankey['nodes'][number]>();
  for (const c of cells) {
    const page = named(c.step, c.page!);
    sum(nodes, id(c.step, page), { id: id(c.step, page), step: c.step, page, sessions: Number(c.sessions) });
  }
  const links = new Map<string, Sankey['links'][number] & { step: number; page: string; next: string }>();
  for (const m of moves) {
    const page = named(m.step, m.page!);
    const next = named(m.step + 1, m.next_page!);
    const link = { source: id(m.step, page), target: id(m.step + 1, next), sessions: Number(m.sessions) };
    sum(links, JSON.stringify([m.step, page, next]), { ...link, step: m.step, page, next });
  }
  return {
    nodes: [...nodes.values()].sort(
      (a, b) => a.step - b.step || b.sessions - a.sessions || compareText(a.page, b.page),
    ),
    links: [...links.values()]
      .sort(
        (a, b) =>
          a.step - b.step ||
          b.sessions - a.sessions ||
          compareText(a.page, b.page) ||
          compareText(a.next, b.next),
      )
      .map(({ source, target, sessions }) => ({ source, target, sessions })),
    exits: [...ends]
      .sort((a, b) => a.step - b.step)
      .map((e) => ({ step: Number(e.step), sessions: Number(e.sessions) })),
  };
}

/** The sankey of sessions' pages, in plain TypeScript (the reference for `sankey`). */
export function sankeyOfPages(sessions: readonly (readonly string[])[], steps = 4, perStep = 8): Sankey {
  const cells = new Map<string, StepCount>();
  const moves = new Map<string, StepCount>();
  const ends = new Map<number, number>();
  const count = (into: Map<string, StepCount>, row: Omit<StepCount, 'sessions'>) => {
    const key = JSON.stringify([row.step, row.page, row.next_page]);
    into.set(key, { ...row, sessions: (into.get(key)?.sessions ?? 0) + 1 });
  };
  for (const pages of sessions) {
    const head = pages.slice(0, steps);
    if (head.length === 0) continue;
    head.forEach((page, i) => {
      count(cells, { step: i + 1, page });
      if (i + 1 < head.length) count(moves, { step: i + 1, page, next_page: head[i + 1]! });
    });
    if (head.length < steps) ends.set(head.length, (ends.get(head.length) ?? 0) + 1);
  }
  return foldSankey(
    [...cells.values()],
    [...moves.values()],
    [...ends.entries()].map(([step, sessions]) => ({ step, sessions })),
    keptPages([...cells.values()], perStep),
  );
}

const id = (step: number, page: string): string => `${step}:${page}`;
