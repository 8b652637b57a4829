/**
 * The DuckDB SQL that funnel, pages and sankey ran before they moved off window functions,
 * kept word for word as the reference the property tests hold the portable versions to.
 */
import type { Counts, FunnelSpec, Step } from '../../src/analysis/funnel.ts';
import type { PageRow } from '../../src/analysis/pages.ts';
import { OTHER, type Sankey } from '../../src/analysis/paths.ts';
import type { Store } from '../../src/store/store.ts';
import { SESSION_DIMENSIONS_DUCKDB } from './duckdb-dimensions.ts';

type Bind = (v: unknown) => string;

/** `body` over the sessions `s` that start in [fromMs, toMs), as the old sessionQuery wrote it. */
async function run(store: Store, fromMs: number, toMs: number, body: (bind: Bind) => string) {
  const params: unknown[] = [BigInt(fromMs), BigInt(toMs)];
  const bind: Bind = (v) => {
    params.push(v);
    return `$${params.length}`;
  };
  const text = body(bind);
  return store.query({
    sql: `WITH s AS (SELECT * FROM sessions WHERE start_ms >= $1 AND start_ms < $2) ${text}`,
    params: params as never,
  });
}

export async function referenceFunnelCounts(
  store: Store,
  fromMs: number,
  toMs: number,
  spec: FunnelSpec,
): Promise<Counts[]> {
  const rows = await run(store, fromMs, toMs, (bind) =>
    funnelSql(spec.steps, spec, spec.anyOrder === true, bind),
  );
  return rows.map((r) => ({
    key: String(r.key),
    reached: Number(r.reached),
    groups: Number(r.groups),
    median_s: r.median_s === null ? null : Number(r.median_s),
  }));
}

export async function referencePages(
  store: Store,
  fromMs: number,
  toMs: number,
  limit: number,
): Promise<PageRow[]> {
  return (await run(store, fromMs, toMs, (bind) => PAGES(bind, limit))) as unknown as PageRow[];
}

const PAGES = (bind: Bind, limit: number) => `,
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
    ORDER BY v.pageviews DESC, v.page LIMIT ${bind(limit)}`;

export async function referenceSankey(
  store: Store,
  fromMs: number,
  toMs: number,
  steps: number,
  perStep: number,
): Promise<Sankey> {
  const rows = (await run(
    store,
    fromMs,
    toMs,
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
  )) as {
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

const SESSION_DIMENSIONS = SESSION_DIMENSIONS_DUCKDB;

function matches(step: Step, bind: Bind): string {
  if (step.kind === 'event') return `event = ${bind(step.name)}`;
  if (step.kind === 'page') return `(event = 'pageview' AND path = ${bind(step.path)})`;
  const like = step.pattern.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%');
  return `(event = 'pageview' AND path LIKE ${bind(like)} ESCAPE '\\')`;
}

function funnelSql(steps: readonly Step[], spec: FunnelSpec, anyOrder: boolean, bind: Bind): string {
  const within = spec.windowMs === undefined;
  const key = spec.by === undefined ? `''` : `coalesce(${SESSION_DIMENSIONS[spec.by]}, '')`;
  // The sessions whose events count, with the breakdown key worked out on the sessions alone.
  // `here`: the session is in the period (across sessions, the first step must be, later ones not).
  const sessions = within
    ? `(SELECT session_id, identity, ${key} AS key, true AS here FROM s)`
    : `(SELECT session_id, identity, ${key} AS key, session_id IN (SELECT session_id FROM s) AS here
        FROM sessions WHERE identity IN (SELECT identity FROM s)
          AND end_ms >= (SELECT min(start_ms) FROM s)
          AND start_ms <= (SELECT max(end_ms) FROM s) + ${bind(spec.windowMs!)})`;
  const flags = steps.map((step, i) => `${matches(step, bind)} AS m${i + 1}`).join(', ');
  const any = steps.map((_, i) => `m${i + 1}`).join(' OR ');
  // Matching events with their group (session or visitor), time and input order (ties).
  const base = `,
    m AS (
      SELECT ${within ? 'e.session_id' : 's.identity'} AS grp, e.ts_ms AS ts,
             e.seq AS sq,
             s.key, s.here, ${flags}
      FROM events e JOIN ${sessions} s ON s.session_id = e.session_id),
    hits AS (SELECT * FROM m WHERE ${any})`;
  // The window opens at the group's first hit of the funnel in the period: its first step 1 in
  // order; in any order, its first hit of any step. Nothing before that counts.
  const windowFrom = within ? '' : `, min(ts) FILTER (WHERE here) AS t0`;
  if (anyOrder) {
    // Step i is reached when steps 1..i all occur: within the session, or within the window.
    const inWindow = within ? 'true' : `ts >= t0 AND ts <= t0 + ${bind(spec.windowMs!)}`;
    const firsts = steps.map((_, i) => `bool_or(m${i + 1} AND ${inWindow}) AS r${i + 1}`).join(', ');
    const reached = steps
      .map(
        (_, i) =>
          `CASE WHEN ${steps
            .slice(0, i + 1)
            .map((__, j) => `r${j + 1}`)
            .join(' AND ')} THEN 1 ELSE 0 END`,
      )
      .join(' + ');
    const opened = within
      ? 'hits'
      : `(SELECT h.*, o.t0 FROM hits h JOIN (SELECT grp${windowFrom} FROM hits GROUP BY grp) o USING (grp))`;
    return `${base},
    g AS (SELECT grp, coalesce(arg_min(key, (ts, sq)) FILTER (WHERE m1 AND here), '') AS key, ${firsts} FROM ${opened} GROUP BY grp),
    r AS (SELECT key, ${reached} AS reached FROM g WHERE r1)
    SELECT key, reached, count(*) AS groups, NULL::DOUBLE AS median_s FROM r GROUP BY key, reached ORDER BY key, reached`;
  }
  // In order: step i's first hit after step i-1's, chained; the window bounds every step after the first.
  const chain = steps
    .map((_, i) => {
      const n = i + 1;
      if (n === 1)
        return `f1 AS (SELECT grp, arg_min(key, (ts, sq)) AS key, min((ts, sq)) AS p, min(ts) AS t, min(ts) AS t0 FROM hits WHERE m1 AND here GROUP BY grp)`;
      const window = within ? '' : ` AND h.ts <= f.t0 + ${bind(spec.windowMs!)}`;
      return `f${n} AS (SELECT f.grp, any_value(f.key) AS key, min((h.ts, h.sq)) AS p, min(h.ts) AS t, any_value(f.t0) AS t0,
                    min(h.ts) - any_value(f.t) AS dt
             FROM f${n - 1} f JOIN hits h ON h.grp = f.grp AND (h.ts, h.sq) > f.p AND h.m${n}${window} GROUP BY f.grp)`;
    })
    .join(',\n    ');
  const union = steps
    .map(
      (_, i) =>
        `SELECT ${i + 1} AS step, key, ${i === 0 ? 'NULL::DOUBLE' : 'dt / 1000.0'} AS dt FROM f${i + 1}`,
    )
    .join(' UNION ALL ');
  return `${base},
    ${chain},
    reached AS (${union})
    SELECT key, step AS reached, count(*) AS groups, median(dt) AS median_s FROM reached GROUP BY key, step ORDER BY key, step`;
}
