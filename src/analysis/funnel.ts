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
import { StintError } from '../core/errors.ts';
import type { Store } from '../store/store.ts';
import { periodWhere } from './overview.ts';
import { type Bind, SESSION_DIMENSIONS, type SessionDimension, sessionQuery } from './plans.ts';
import type { QueryOptions } from './query-options.ts';

export type Step =
  | { readonly kind: 'page'; readonly path: string; readonly text: string }
  | { readonly kind: 'pattern'; readonly pattern: string; readonly text: string }
  | { readonly kind: 'event'; readonly name: string; readonly text: string };

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

export function parseSteps(texts: readonly string[]): Step[] {
  const steps = texts.map((raw) => raw.trim()).filter((t) => t !== '');
  if (steps.length === 0) {
    throw new StintError(
      'STINT_BAD_FLAG',
      'A funnel needs at least one step',
      'Give steps in order, e.g. --step / --step /pricing --step event:purchase',
    );
  }
  if (steps.length > 20) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `A funnel has at most 20 steps, got ${steps.length}`,
      'Leave out steps',
    );
  }
  return steps.map((text): Step => {
    if (text.startsWith('event:')) {
      const name = text.slice(6).trim();
      if (name === '') {
        throw new StintError(
          'STINT_BAD_FLAG',
          `Funnel step "${text}" names no event`,
          'Write event:NAME, e.g. event:purchase',
        );
      }
      return { kind: 'event', name, text };
    }
    if (!text.startsWith('/')) {
      throw new StintError(
        'STINT_BAD_FLAG',
        `Cannot read funnel step "${text}"`,
        'A step is a page path (/pricing), a pattern (/docs/*) or an event (event:purchase)',
      );
    }
    return text.includes('*') ? { kind: 'pattern', pattern: text, text } : { kind: 'page', path: text, text };
  });
}

/** SQL that is true when an event (columns event, path) matches the step. */
function matches(step: Step, bind: Bind): string {
  if (step.kind === 'event') return `event = ${bind(step.name)}`;
  if (step.kind === 'page') return `(event = 'pageview' AND path = ${bind(step.path)})`;
  const like = step.pattern.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%');
  return `(event = 'pageview' AND path LIKE ${bind(like)} ESCAPE '\\')`;
}

const MAX_BREAKDOWN = 20;

/** Groups (of one breakdown key) that reached `reached` steps, and their median step time. */
interface Counts {
  readonly key: string;
  readonly reached: number;
  readonly groups: number;
  readonly median_s: number | null;
}

export async function funnel(store: Store, options: QueryOptions, spec: FunnelSpec): Promise<FunnelResult> {
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
  const where = await periodWhere(store, options);
  if (where === undefined)
    return result(stepRows(steps, [], !anyOrder), spec.by === undefined ? undefined : []);
  const counts = async (by: SessionDimension | undefined) =>
    (await store.query(
      sessionQuery(store.dialect, where, (bind) => funnelSql(steps, { ...spec, by }, anyOrder, bind)),
    )) as unknown as Counts[];
  const all = stepRows(steps, await counts(undefined), !anyOrder);
  if (spec.by === undefined) return result(all);
  const byKey = new Map<string, Counts[]>();
  for (const r of await counts(spec.by)) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  const breakdown = [...byKey.entries()]
    .map(([key, rows]) => {
      const r = stepRows(steps, rows, !anyOrder);
      return { key, conversion_rate: rate(r), rows: r };
    })
    .sort((a, b) => b.rows[0]!.entered - a.rows[0]!.entered || (a.key < b.key ? -1 : 1))
    .slice(0, MAX_BREAKDOWN);
  return result(all, breakdown);
}

/**
 * One row per (key, steps reached): how many groups (sessions or visitors) reached exactly that
 * many steps, and the median seconds of their last step from the one before.
 */
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
