/**
 * Funnels: how many sessions (or visitors, within a time window across their sessions) go
 * through ordered steps, where they drop off, and how long each step takes.
 *
 * A step is a page (`/pricing`: a pageview of that path), a page pattern (`/docs/*`: `*` is any
 * text) or an event name (`event:purchase`). In order (the default) a step counts only after the
 * previous one, other events between are fine; with `anyOrder` a step counts wherever it is.
 * Within a session (the default) each session goes through on its own; with `windowMs` a
 * visitor's events from the first step on, for that long, count, across sessions.
 *
 *   await funnel(store, options, { steps: parseSteps(['/', '/pricing', 'event:purchase']) })
 */
import type { Dialect } from '../sql/dialect.ts';
import { join, raw, type Sql, sql } from '../sql/query.ts';
import { compareText } from '../sql/text-order.ts';
import type { Store } from '../store/store.ts';
import { matches, type Step } from './funnel-steps.ts';
import { periodWhere } from './overview.ts';
import { type Condition, dimensionSql, type SessionDimension, sessionsIn } from './plans.ts';
import type { QueryOptions } from './query-options.ts';

export { parseSteps, type Step } from './funnel-steps.ts';

export interface FunnelSpec {
  readonly steps: readonly Step[];
  readonly anyOrder?: boolean;
  /** Across sessions: steps must follow the first within this many ms. Undefined: within a session. */
  readonly windowMs?: number | undefined;
  /** One row set per value of this session dimension (of the session of the first step). */
  readonly by?: SessionDimension | undefined;
}

export interface FunnelStepRow {
  readonly step: number;
  readonly name: string;
  /** Sessions (or visitors) that reached this step. */
  readonly entered: number;
  /** Of those, how many reached the next step; for the last step, all that entered it. */
  readonly converted: number;
  readonly drop_off: number;
  readonly drop_off_share: number | null;
  /** Median seconds from the previous step (in order only); null for the first step. */
  readonly median_time_from_previous_s: number | null;
}

export interface FunnelResult {
  readonly steps: readonly string[];
  readonly unit: 'sessions' | 'visitors';
  readonly any_order: boolean;
  readonly window_s: number | null;
  /** Of those that entered the first step, the share that reached the last. */
  readonly conversion_rate: number | null;
  readonly rows: FunnelStepRow[];
  /** With `by`: the same per value, most entrants first (at most 20 values). */
  readonly breakdown?: { key: string; conversion_rate: number | null; rows: FunnelStepRow[] }[];
}

const MAX_BREAKDOWN = 20;

/** Groups (of one breakdown key) that reached `reached` steps, and their median step time. */
export interface Counts {
  readonly key: string;
  readonly reached: number;
  readonly groups: number;
  readonly median_s: number | null;
}

export async function funnel(store: Store, options: QueryOptions, spec: FunnelSpec): Promise<FunnelResult> {
  const where = await periodWhere(store, options);
  if (where === undefined) return funnelResult(spec, [], spec.by === undefined ? undefined : []);
  const counts = async (by: SessionDimension | undefined) =>
    funnelCounts(
      (await store.query(
        store.dialect.compile(hitsSql(store.dialect, where, spec.steps, { ...spec, by })),
      )) as never,
      spec.steps.length,
      spec.anyOrder === true,
      spec.windowMs,
    );
  return funnelResult(
    spec,
    await counts(undefined),
    spec.by === undefined ? undefined : await counts(spec.by),
  );
}

/** The funnel from its counts: of all groups, and (with `by`) per breakdown key. */
export function funnelResult(
  spec: FunnelSpec,
  all: readonly Counts[],
  byCounts: readonly Counts[] | undefined,
): FunnelResult {
  const steps = spec.steps;
  const anyOrder = spec.anyOrder === true;
  const result = (rows: FunnelStepRow[], breakdown?: FunnelResult['breakdown']): FunnelResult => ({
    steps: steps.map((s) => s.text),
    unit: spec.windowMs === undefined ? 'sessions' : 'visitors',
    any_order: anyOrder,
    window_s: spec.windowMs === undefined ? null : spec.windowMs / 1000,
    conversion_rate: rate(rows),
    rows,
    ...(breakdown === undefined ? {} : { breakdown }),
  });
  const rows = stepRows(steps, all, !anyOrder);
  if (byCounts === undefined) return result(rows);
  const byKey = new Map<string, Counts[]>();
  for (const r of byCounts) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  const breakdown = [...byKey.entries()]
    .map(([key, rows]) => {
      const r = stepRows(steps, rows, !anyOrder);
      return { key, conversion_rate: rate(r), rows: r };
    })
    .sort((a, b) => b.rows[0]!.entered - a.rows[0]!.entered || (a.key < b.key ? -1 : 1))
    .slice(0, MAX_BREAKDOWN);
  return result(rows, breakdown);
}

/**
 * The events that match a step, of the groups that count: each with its group (the session, or
 * across sessions the visitor), time, input order, breakdown key, whether its session is in the
 * period (`here`) and the steps it matches (bit i-1 for step i). Window functions are what a
 * funnel would want in SQL; ClickHouse 18.16 has none, so `funnelCounts` walks these instead.
 */
function hitsSql(d: Dialect, where: readonly Condition[], steps: readonly Step[], spec: FunnelSpec): Sql {
  const within = spec.windowMs === undefined;
  const s = sessionsIn(d, where);
  const key = spec.by === undefined ? sql`''` : sql`coalesce(${dimensionSql(d, spec.by)}, '')`;
  // The sessions whose events count, with the breakdown key worked out on the sessions alone.
  // `here`: the session is in the period (across sessions, the first step must be, later ones not).
  const sessions = within
    ? sql`SELECT session_id, session_id AS grp, ${key} AS key, 1 AS here FROM ${s} s`
    : sql`SELECT session_id, identity AS grp, ${key} AS key,
          CASE WHEN session_id IN (SELECT session_id FROM ${s} s1) THEN 1 ELSE 0 END AS here
        FROM sessions WHERE identity IN (SELECT identity FROM ${s} s2)
          AND end_ms >= (SELECT min(start_ms) FROM ${s} s3)
          AND start_ms <= (SELECT max(end_ms) FROM ${s} s4) + ${spec.windowMs!}`;
  const mask = join(
    steps.map((step, i) => sql`CASE WHEN ${matches(step, d)} THEN ${raw(String(2 ** i))} ELSE 0 END`),
    raw(' + '),
  );
  return sql`SELECT grp, ts_ms AS ts, seq AS sq, key, here, mask
    FROM (SELECT session_id, ts_ms, seq, ${mask} AS mask FROM events
          WHERE session_id IN (SELECT session_id FROM (${sessions}) g)) e
    JOIN (${sessions}) k USING (session_id)
    WHERE mask > 0 ORDER BY grp, ts, sq`;
}

/** An event that matches a step (see hitsSql). */
export interface Hit {
  readonly grp: string;
  readonly ts: number;
  readonly sq: number;
  readonly key: string;
  readonly here: boolean | number;
  readonly mask: number;
}

/**
 * One row per (key, steps reached): how many groups (sessions or visitors) reached exactly that
 * many steps, and the median seconds of their last step from the one before (in order only).
 *
 * In order, a group enters at its first hit of step 1 in the period, and each step is its first
 * hit after the previous step's, within `windowMs` of the entry (when given). In any order, step
 * i is reached when steps 1…i all occur: within the session, or within the window that opens at
 * the group's first hit of any step in the period.
 */
export function funnelCounts(
  hits: readonly Hit[],
  steps: number,
  anyOrder: boolean,
  windowMs: number | undefined,
): Counts[] {
  const groups = new Map<string, Hit[]>();
  for (const h of hits) {
    const g = groups.get(h.grp);
    if (g === undefined) groups.set(h.grp, [h]);
    else g.push(h);
  }
  const tally = new Map<string, { key: string; reached: number; groups: number; dts: number[] }>();
  const count = (key: string, reached: number, dt?: number) => {
    const id = JSON.stringify([key, reached]);
    let row = tally.get(id);
    if (row === undefined) {
      row = { key, reached, groups: 0, dts: [] };
      tally.set(id, row);
    }
    row.groups += 1;
    if (dt !== undefined) row.dts.push(dt);
  };
  const is = (h: Hit, step: number) => (Number(h.mask) & (1 << step)) !== 0;
  const here = (h: Hit) => h.here === true || Number(h.here) === 1;
  for (const group of groups.values()) {
    const hs = [...group].sort((a, b) => Number(a.ts) - Number(b.ts) || Number(a.sq) - Number(b.sq));
    const first = hs.find((h) => is(h, 0) && here(h));
    if (anyOrder) {
      const opened = hs.find(here);
      if (opened === undefined) continue;
      const t0 = Number(opened.ts);
      const inWindow = (h: Hit) =>
        windowMs === undefined || (Number(h.ts) >= t0 && Number(h.ts) <= t0 + windowMs);
      let reached = 0;
      while (reached < steps && hs.some((h) => is(h, reached) && inWindow(h))) reached += 1;
      if (reached > 0) count(first?.key ?? '', reached);
      continue;
    }
    if (first === undefined) continue;
    const t0 = Number(first.ts);
    count(first.key, 1);
    let at = hs.indexOf(first);
    for (let step = 1; step < steps; step++) {
      const from = at;
      const next = hs.findIndex(
        (h, i) => i > from && is(h, step) && (windowMs === undefined || Number(h.ts) <= t0 + windowMs),
      );
      if (next < 0) break;
      count(first.key, step + 1, (Number(hs[next]!.ts) - Number(hs[at]!.ts)) / 1000);
      at = next;
    }
  }
  return [...tally.values()]
    .sort((a, b) => compareText(a.key, b.key) || a.reached - b.reached)
    .map(({ key, reached, groups, dts }) => ({
      key,
      reached,
      groups,
      median_s: anyOrder || reached === 1 ? null : median(dts),
    }));
}

/** The median as DuckDB's gives it: the middle value, or between the two middle ones. */
function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  const lo = sorted[Math.floor(mid)]!;
  const hi = sorted[Math.ceil(mid)]!;
  return lo + (hi - lo) * (mid - Math.floor(mid));
}

/**
 * The step rows from counts. In order, each row counts the groups that reached that step
 * (`reached` = step, cumulative by construction); in any order, groups that reached exactly
 * `reached` steps, so step i's entrants are those with reached ≥ i.
 */
function stepRows(steps: readonly Step[], rows: readonly Counts[], inOrder: boolean): FunnelStepRow[] {
  const entered = steps.map((_, i) =>
    rows.filter((r) => r.reached === i + 1).reduce((a, r) => a + r.groups, 0),
  );
  const cumulative = inOrder ? entered : entered.map((_, i) => entered.slice(i).reduce((a, n) => a + n, 0));
  return steps.map((step, i) => {
    const here = cumulative[i]!;
    const next = i + 1 < steps.length ? cumulative[i + 1]! : here;
    const median = rows.find((r) => r.reached === i + 1)?.median_s ?? null;
    return {
      step: i + 1,
      name: step.text,
      entered: here,
      converted: next,
      drop_off: here - next,
      drop_off_share: here === 0 ? null : (here - next) / here,
      median_time_from_previous_s: i === 0 || median === null ? null : Number(median),
    };
  });
}

function rate(rows: readonly FunnelStepRow[]): number | null {
  const first = rows[0]?.entered ?? 0;
  return first === 0 ? null : rows[rows.length - 1]!.entered / first;
}
