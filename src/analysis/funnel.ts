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
import type { Store } from '../store/store.ts';
import { funnelSql } from './funnel-sql.ts';
import type { Step } from './funnel-steps.ts';
import { periodWhere } from './overview.ts';
import type { SessionDimension } from './plans.ts';
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
  const counts = async (by: SessionDimension | undefined): Promise<Counts[]> => {
    const rows = await store.query(store.dialect.compile(funnelSql(store.dialect, where, { ...spec, by })));
    return rows.map((r) => ({
      key: String(r.key),
      reached: Number(r.reached),
      groups: Number(r.groups),
      median_s: r.median_s === null ? null : Number(r.median_s),
    }));
  };
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
