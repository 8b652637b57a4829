/**
 * Time series and breakdowns: the overview metrics per time bucket or per value of a
 * dimension. A session counts once, in the bucket of its start (in `--tz`) or under its own
 * value, so rows add up to the overview of the same period.
 *
 *   await timeseries(store, options, 'day')   // [{ key: '2026-10-01', sessions: 120, bounce_rate: 0.4, … }, …]
 *   await breakdown(store, options, { kind: 'dimension', dimension: 'device_type' }, 10)
 */
import { StintError } from '../core/errors.ts';
import { wallTimeToUtcMs, zoneOffsetMs } from '../core/zone.ts';
import type { Store } from '../store/store.ts';
import {
  aggregatesOfRow,
  type Metrics,
  metricsOf,
  NO_METRICS,
  periodWhere,
  resolveRange,
} from './overview.ts';
import { AGGREGATES, type Condition, compile, type GroupKey, type TimeUnit } from './plans.ts';
import type { QueryOptions } from './query-options.ts';

export type Row = { key: string } & Metrics;

export const TIME_UNITS: readonly TimeUnit[] = ['hour', 'day', 'week', 'month'];

/** More buckets than this is a mistake (--interval hour over years): refused with a hint. */
const MAX_BUCKETS = 20_000;

/** One row of metrics per group of the sessions that meet `where`. */
async function rows(
  store: Store,
  where: readonly Condition[],
  groupBy: GroupKey,
  orderBy: 'key' | 'sessions',
  limit?: number,
): Promise<Row[]> {
  const plan = { where, aggregates: AGGREGATES, groupBy, orderBy, limit };
  const found = await store.query(compile(plan, store.dialect));
  return found.map((r) => ({ key: String(r.key ?? ''), ...metricsOf(aggregatesOfRow(r)) }));
}

/** The metrics per bucket of `unit` over the period, empty buckets included (as zeros and nulls). */
export async function timeseries(store: Store, options: QueryOptions, unit: TimeUnit): Promise<Row[]> {
  const range = await resolveRange(store, options);
  if (range === undefined) return [];
  const buckets = bucketBounds(range.fromMs, range.toMs, unit, options.tz);
  const where = [{ kind: 'range' as const, fromMs: range.fromMs, toMs: range.toMs }, ...options.filters];
  const found = await rows(store, where, { kind: 'time', unit, tz: options.tz, buckets }, 'key');
  const byKey = new Map(found.map((r) => [r.key, r]));
  return [...new Set(buckets.labels)].map((key) => byKey.get(key) ?? { key, ...NO_METRICS });
}

/** The metrics per value of a dimension (or local hour, or weekday), most sessions first. */
export async function breakdown(
  store: Store,
  options: QueryOptions,
  by: GroupKey,
  limit = 10,
): Promise<Row[]> {
  const where = await periodWhere(store, options);
  return where === undefined ? [] : rows(store, where, by, 'sessions', limit);
}

const UNIT_MS: Record<TimeUnit, number> = {
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
  month: 2_678_400_000,
};

/**
 * `unit`, or the first coarser one that keeps [fromMs, toMs) within `maxBuckets` buckets (a
 * report over years of data, or with one event from a wrong clock, falls back to weeks or
 * months instead of failing).
 */
export function fitUnit(fromMs: number, toMs: number, unit: TimeUnit, maxBuckets = MAX_BUCKETS): TimeUnit {
  const units = TIME_UNITS.slice(TIME_UNITS.indexOf(unit));
  return units.find((u) => (toMs - fromMs) / UNIT_MS[u] <= maxBuckets - 2) ?? 'month';
}

/**
 * The buckets that [fromMs, toMs) touches, in order: each label with the UTC range it covers.
 * Zone offsets change only on quarter hours, so the ranges are found in 15-minute steps; a label
 * that comes back (an hour repeated when clocks go back) gets a second range. Each bucket's end
 * is first computed from the wall clock and checked (the offset is the same at both ends, and the
 * label changes there and not a step before); only where that fails, around a clock change, is
 * the bucket walked.
 */
export function bucketBounds(
  fromMs: number,
  toMs: number,
  unit: TimeUnit,
  tz: string,
): { labels: string[]; starts: number[]; ends: number[] } {
  const out = { labels: [] as string[], starts: [] as number[], ends: [] as number[] };
  const distinct = new Set<string>();
  const tooMany = () =>
    new StintError(
      'STINT_BAD_FLAG',
      `The period has more than ${MAX_BUCKETS.toLocaleString('en-US')} ${unit}s`,
      'Choose a longer --interval or a shorter period (--from, --to)',
    );
  if ((toMs - fromMs) / UNIT_MS[unit] > MAX_BUCKETS + 2) throw tooMany();
  const step = 15 * 60_000;
  let t = fromMs;
  while (t < toMs) {
    const label = labelOf(t, unit, tz);
    // Where the next label starts if the offset does not change before it; checked, else walked.
    const next = nextLabelStart(t, unit, tz);
    let end: number;
    const steady = zoneOffsetMs(tz, t) === zoneOffsetMs(tz, next - step);
    if (next > t && steady && labelOf(next, unit, tz) !== label && labelOf(next - step, unit, tz) === label) {
      end = Math.min(toMs, next);
    } else {
      end = walkToChange(t, toMs, label, unit, tz);
    }
    out.labels.push(label);
    out.starts.push(t);
    out.ends.push(end);
    distinct.add(label);
    if (distinct.size > MAX_BUCKETS) throw tooMany();
    t = end;
  }
  return out;
}

/**
 * Where the label of `t` changes (or `toMs`), in 15-minute steps where it matters: a day at a
 * time while the offset and the label stay as they were (wall time then only moves forward, so
 * the label cannot change and come back in between), step by step within a day that differs.
 */
function walkToChange(t: number, toMs: number, label: string, unit: TimeUnit, tz: string): number {
  const step = 15 * 60_000;
  let x = t;
  let offset = zoneOffsetMs(tz, x);
  for (;;) {
    const y = Math.min(toMs, Math.floor(x / step) * step + 96 * step);
    if (y < toMs && zoneOffsetMs(tz, y) === offset && labelOf(y, unit, tz) === label) {
      x = y;
      continue;
    }
    let end = Math.min(toMs, Math.floor(x / step) * step + step);
    while (end < y && labelOf(end, unit, tz) === label) end += step;
    if (end < y || y === toMs) return end;
    x = y;
    offset = zoneOffsetMs(tz, x);
    if (labelOf(x, unit, tz) !== label) return x;
  }
}

/** The UTC start of the bucket after the one of `t`, read with the offset in force there. */
function nextLabelStart(t: number, unit: TimeUnit, tz: string): number {
  const wall = new Date(t + zoneOffsetMs(tz, t));
  if (unit === 'hour') wall.setUTCHours(wall.getUTCHours() + 1, 0, 0, 0);
  else if (unit === 'day') wall.setUTCHours(24, 0, 0, 0);
  else if (unit === 'week') wall.setUTCDate(wall.getUTCDate() + 7 - ((wall.getUTCDay() + 6) % 7));
  else wall.setUTCMonth(wall.getUTCMonth() + 1, 1);
  if (unit === 'week' || unit === 'month') wall.setUTCHours(0, 0, 0, 0);
  return wallTimeToUtcMs(wall.getTime(), tz);
}

/** The labels of the buckets that [fromMs, toMs) touches, each once, in order, as `timeseries` keys them. */
export function bucketLabels(fromMs: number, toMs: number, unit: TimeUnit, tz: string): string[] {
  return [...new Set(bucketBounds(fromMs, toMs, unit, tz).labels)];
}

function labelOf(t: number, unit: TimeUnit, tz: string): string {
  const wall = new Date(t + zoneOffsetMs(tz, t));
  if (unit === 'week') wall.setUTCDate(wall.getUTCDate() - ((wall.getUTCDay() + 6) % 7));
  const iso = wall.toISOString();
  if (unit === 'hour') return iso.slice(0, 13);
  if (unit === 'month') return iso.slice(0, 7);
  return iso.slice(0, 10);
}
