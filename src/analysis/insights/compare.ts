/**
 * Compare: two samples of sessions, metric by metric, with significance tests. The samples are
 * two periods, the days before and after a change, or the groups of a dimension or an event
 * property (each against a control); optionally per value of a segment. Before/after also gets
 * an interrupted time series per metric, so that a trend is not mistaken for a jump.
 *
 *   await compare(store, options, { kind: 'change', atMs, segment: undefined, limit: 5, seed: 1 })
 *   // { mode: 'change', comparisons: [{ segment: null, a, b, metrics: […], its: {…}, warnings }], … }
 */
import { StintError } from '../../core/errors.ts';
import { localDayNumber, wallTimeToUtcMs } from '../../core/zone.ts';
import { sql } from '../../sql/query.ts';
import type { Store } from '../../store/store.ts';
import { resolveRange } from '../overview.ts';
import { type Condition, compile, type GroupKey, type SessionDimension } from '../plans.ts';
import type { QueryOptions } from '../query-options.ts';
import { type ChangeSeries, changeSeries } from './compare/its.ts';
import { BOOTSTRAP_RESAMPLES, compareSides, type MetricRow } from './compare/metrics.ts';
import { DURATION_CAP, sideSummary } from './compare/sides.ts';

const DAY_MS = 86_400_000;

export interface Range {
  readonly fromMs: number;
  readonly toMs: number;
}

export type CompareSpec = (
  | {
      readonly kind: 'periods';
      readonly a: Range;
      readonly b: Range;
      readonly labels: readonly [string, string];
    }
  | { readonly kind: 'change'; readonly atMs: number; readonly windowMs: number | undefined }
  | {
      readonly kind: 'groups';
      readonly by: Extract<GroupKey, { kind: 'dimension' | 'property' }>;
      readonly control: string | undefined;
    }
) & {
  readonly segment: SessionDimension | undefined;
  /** Segment values (and groups) at most, most sessions first. */
  readonly limit: number;
  readonly seed: number;
};

export interface Side {
  readonly label: string;
  readonly from: string;
  readonly to: string;
  readonly sessions: number;
}

export interface Comparison {
  /** The segment's value, or null for all sessions. */
  readonly segment: string | null;
  readonly a: Side;
  readonly b: Side;
  readonly metrics: MetricRow[];
  /** Before/after a change only: the daily series and its interrupted time-series fit. */
  readonly its: ChangeSeries | null;
  readonly warnings: string[];
}

export interface CompareResult {
  readonly mode: CompareSpec['kind'];
  readonly tz: string;
  /** The dimension or property of groups (`--by`), of segments (`--segment`). */
  readonly by: string | null;
  readonly segment_by: string | null;
  readonly confidence: 0.95;
  readonly adjustment: string;
  readonly bootstrap: { readonly seed: number; readonly resamples: number; readonly cap: number };
  readonly comparisons: Comparison[];
  /** What was not compared, and why. */
  readonly left_out: string[];
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function compare(
  store: Store,
  options: QueryOptions,
  spec: CompareSpec,
): Promise<CompareResult> {
  const left_out: string[] = [];
  const pairs = await pairsOf(store, options, spec, left_out);
  const segments: (string | null)[] = [null];
  if (spec.segment !== undefined) {
    const values = await segmentValues(store, options, spec.segment, pairs, spec.limit);
    segments.push(...values.top);
    if (values.more > 0)
      left_out.push(
        `${values.more} more ${spec.segment} values with fewer sessions (raise --limit to see them)`,
      );
  }
  const comparisons: Comparison[] = [];
  for (const segment of segments) {
    const extra: Condition[] =
      segment === null || spec.segment === undefined
        ? []
        : [{ kind: 'dimension', dimension: spec.segment, op: '=', value: segment }];
    for (const pair of pairs) {
      const where = (side: PairSide) => [...side.where, ...options.filters, ...extra];
      const a = await sideSummary(store, where(pair.a));
      const b = await sideSummary(store, where(pair.b));
      const compared = compareSides(a, b, { seed: spec.seed });
      const its =
        spec.kind === 'change'
          ? await changeSeries(
              store,
              { ...options, filters: [...options.filters, ...extra] },
              pair.a.range,
              spec.atMs,
              pair.b.range,
            )
          : null;
      const side = (s: PairSide, n: number | null): Side => ({
        label: s.label,
        from: iso(s.range.fromMs),
        to: iso(s.range.toMs),
        sessions: n ?? 0,
      });
      comparisons.push({
        segment,
        a: side(pair.a, a.metrics.sessions),
        b: side(pair.b, b.metrics.sessions),
        metrics: compared.metrics,
        its,
        warnings: compared.warnings,
      });
    }
  }
  const several = comparisons.length > 1;
  return {
    mode: spec.kind,
    tz: options.tz,
    by: spec.kind === 'groups' ? groupName(spec.by) : null,
    segment_by: spec.segment ?? null,
    confidence: 0.95,
    adjustment: `Holm across the ${comparisons[0]?.metrics.filter((m) => m.p !== null).length ?? 0} tested metrics of each comparison${several ? '; not across comparisons (groups, segments)' : ''}`,
    bootstrap: { seed: spec.seed, resamples: BOOTSTRAP_RESAMPLES, cap: DURATION_CAP },
    comparisons,
    left_out,
  };
}

interface PairSide {
  readonly label: string;
  readonly range: Range;
  readonly where: Condition[];
}

const groupName = (g: Extract<GroupKey, { kind: 'dimension' | 'property' }>) =>
  g.kind === 'dimension' ? g.dimension : `prop.${g.name}`;

async function pairsOf(
  store: Store,
  options: QueryOptions,
  spec: CompareSpec,
  left_out: string[],
): Promise<{ a: PairSide; b: PairSide }[]> {
  const range = (r: Range): Condition => ({ kind: 'range', fromMs: r.fromMs, toMs: r.toMs });
  if (spec.kind === 'periods') {
    return [
      {
        a: { label: spec.labels[0], range: spec.a, where: [range(spec.a)] },
        b: { label: spec.labels[1], range: spec.b, where: [range(spec.b)] },
      },
    ];
  }
  if (spec.kind === 'change') {
    const length = spec.windowMs ?? (await defaultWindow(store, options, spec.atMs));
    const a = { fromMs: spec.atMs - length, toMs: spec.atMs };
    const b = { fromMs: spec.atMs, toMs: spec.atMs + length };
    return [
      {
        a: { label: 'before', range: a, where: [range(a)] },
        b: { label: 'after', range: b, where: [range(b)] },
      },
    ];
  }
  const period = await resolveRange(store, options);
  if (period === undefined) throw noSessions();
  const found = await store.query(
    compile(
      {
        where: [range(period), ...options.filters],
        aggregates: ['sessions'],
        groupBy: spec.by,
        orderBy: 'sessions',
      },
      store.dialect,
    ),
  );
  const groups = found.map((r) => ({ key: String(r.key ?? ''), n: Number(r.sessions) }));
  const none = groups.find((g) => g.key === '');
  if (none !== undefined) left_out.push(`${none.n} sessions without a value of ${groupName(spec.by)}`);
  const valued = groups.filter((g) => g.key !== '');
  const name = groupName(spec.by);
  if (valued.length < 2) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `--by ${name} has ${valued.length === 0 ? 'no value' : `one value only (${valued[0]!.key})`} in the period: nothing to compare`,
      'Give --by a dimension or event property with two values or more (an A/B test: prop.variant), or widen --from and --to',
    );
  }
  const control = spec.control ?? valued[0]!.key;
  if (!valued.some((g) => g.key === control)) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `--control "${control}" is no value of ${name} in the period`,
      `Use one of: ${valued
        .slice(0, 20)
        .map((g) => g.key)
        .join(', ')}`,
    );
  }
  const others = valued.filter((g) => g.key !== control);
  const shown = others.slice(0, spec.limit);
  if (others.length > shown.length)
    left_out.push(
      `${others.length - shown.length} more groups of ${name} with fewer sessions (raise --limit to see them)`,
    );
  const of = (value: string): Condition =>
    spec.by.kind === 'dimension'
      ? { kind: 'dimension', dimension: spec.by.dimension, op: '=', value }
      : { kind: 'property', name: spec.by.name, op: '=', value };
  const side = (value: string): PairSide => ({
    label: value,
    range: period,
    where: [range(period), of(value)],
  });
  return shown.map((g) => ({ a: side(control), b: side(g.key) }));
}

const noSessions = () =>
  new StintError(
    'STINT_BAD_FLAG',
    'there are no sessions in the period to compare',
    'Import events first, or widen --from and --to',
  );

/**
 * Before/after without --window: as many whole days (or, under one day, as long) as the data
 * allows on the shorter side, the same on both. The data's span is --from/--to where given,
 * else the local days (in --tz) of its first and last session start.
 */
async function defaultWindow(store: Store, options: QueryOptions, atMs: number): Promise<number> {
  // The span of all sessions: the filters choose the sessions of each side, not the span.
  const [row] = await store.query(
    store.dialect.compile(sql`SELECT min(start_ms) AS first, max(start_ms) AS last FROM sessions`),
  );
  const day = (ms: number, after: number) =>
    wallTimeToUtcMs((localDayNumber(ms, options.tz) + after) * DAY_MS, options.tz);
  const known = row?.first !== null && row?.first !== undefined;
  const first = options.fromMs ?? (known ? day(Number(row!.first), 0) : undefined);
  const last = options.toMs ?? (known ? day(Number(row!.last), 1) : undefined);
  if (first === undefined || last === undefined) throw noSessions();
  const length = Math.min(atMs - first, last - atMs);
  if (length <= 0) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `--change ${iso(atMs)} has no sessions ${atMs <= first ? 'before' : 'after'} it (the data runs from ${iso(first)} to ${iso(last)})`,
      'Give --change a time inside the data, or --window 14d',
    );
  }
  return length >= DAY_MS ? Math.floor(length / DAY_MS) * DAY_MS : length;
}

/** The `limit` values of `dimension` with the most sessions on both sides of all pairs together. */
async function segmentValues(
  store: Store,
  options: QueryOptions,
  dimension: SessionDimension,
  pairs: { a: PairSide; b: PairSide }[],
  limit: number,
): Promise<{ top: string[]; more: number }> {
  const counts = new Map<string, number>();
  const sides = pairs.flatMap((p) => [p.a, p.b]);
  const seen = new Set<string>();
  for (const side of sides) {
    const key = JSON.stringify(side.where);
    if (seen.has(key)) continue;
    seen.add(key);
    const rows = await store.query(
      compile(
        {
          where: [...side.where, ...options.filters],
          aggregates: ['sessions'],
          groupBy: { kind: 'dimension', dimension },
          orderBy: 'sessions',
        },
        store.dialect,
      ),
    );
    for (const r of rows)
      counts.set(String(r.key ?? ''), (counts.get(String(r.key ?? '')) ?? 0) + Number(r.sessions));
  }
  const ordered = [...counts.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([k]) => k);
  return { top: ordered.slice(0, limit), more: Math.max(0, ordered.length - limit) };
}

/**
 * The report's comparison: the period against the previous period of equal length (the
 * overview's two), with the same tests. Null when the store has no sessions.
 */
export async function compareWithPrevious(
  store: Store,
  options: QueryOptions,
): Promise<CompareResult | null> {
  const range = await resolveRange(store, options);
  if (range === undefined) return null;
  const length = range.toMs - range.fromMs;
  const previous = { fromMs: range.fromMs - length, toMs: range.fromMs };
  return compare(store, options, {
    kind: 'periods',
    a: previous,
    b: range,
    labels: ['previous', 'current'],
    segment: undefined,
    limit: 1,
    seed: 1,
  });
}
