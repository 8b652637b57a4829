/**
 * One side of a comparison, read from the store: the overview's aggregates, the power sums
 * (Σx, Σx², Σx³, raw and of log(1 + x)) of duration, pages and value per session, and the
 * durations in whole seconds as a frequency table, sampled down to DURATION_CAP values.
 *
 *   await sideSummary(store, [{ kind: 'range', fromMs, toMs }]) // SideSummary
 */
import { join, raw, type Sql, sql } from '../../../sql/query.ts';
import type { Store } from '../../../store/store.ts';
import { aggregatesOfRow, metricsOf } from '../../overview.ts';
import { AGGREGATES, type Condition, compile, whereSql } from '../../plans.ts';
import { systematicSampleOfCounts } from '../stats/bootstrap.ts';
import type { PowerSums, RawAndLog, SideSummary } from './metrics.ts';

/** At most this many durations per side go into the bootstrap (a systematic sample above it). */
export const DURATION_CAP = 10_000;

const QUANTITIES = {
  // `/` divides as floating point in both engines.
  duration: sql`(end_ms - start_ms) / 1000`,
  pages: sql`pageviews / 1`,
  value: sql`value / 1`,
} as const;

type Quantity = keyof typeof QUANTITIES;

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export async function sideSummary(store: Store, where: readonly Condition[]): Promise<SideSummary> {
  const d = store.dialect;
  const [row] = await store.query(compile({ where, aggregates: AGGREGATES }, d));
  const aggregates = aggregatesOfRow(row ?? {});
  const sums = (name: string, x: Sql) => [
    sql`sum(${x}) AS ${raw(`${name}1`)}`,
    sql`sum(${x} * ${x}) AS ${raw(`${name}2`)}`,
    sql`sum(${x} * ${x} * ${x}) AS ${raw(`${name}3`)}`,
  ];
  const columns = (Object.keys(QUANTITIES) as Quantity[]).flatMap((q) => [
    ...sums(`${q}_raw`, raw(q)),
    // greatest(): the log is only used when no value is negative (min >= 0), but must not fail.
    ...sums(`${q}_log`, sql`ln(1 + greatest(${raw(q)}, 0))`),
    sql`min(${raw(q)}) AS ${raw(`${q}_min`)}`,
  ]);
  const inner = join((Object.keys(QUANTITIES) as Quantity[]).map((q) => sql`${QUANTITIES[q]} AS ${raw(q)}`));
  const [m] = await store.query(
    d.compile(
      sql`SELECT count(*) AS n, ${join(columns)} FROM (SELECT ${inner} FROM sessions${whereSql(d, where)}) s`,
    ),
  );
  const n = num(m?.n);
  const power = (name: string): PowerSums => ({
    n,
    s1: num(m?.[`${name}1`]),
    s2: num(m?.[`${name}2`]),
    s3: num(m?.[`${name}3`]),
  });
  const quantity = (q: Quantity): RawAndLog => ({
    raw: power(`${q}_raw`),
    log: n > 0 && num(m?.[`${q}_min`]) < 0 ? null : power(`${q}_log`),
  });
  const table = await store.query(
    d.compile(sql`SELECT secs, count(*) AS n
      FROM (SELECT round((end_ms - start_ms) / 1000) AS secs FROM sessions${whereSql(d, where)}) s
      GROUP BY secs ORDER BY secs`),
  );
  return {
    metrics: metricsOf(aggregates),
    counts: {
      bounces: aggregates.bounces ?? 0,
      engaged: aggregates.engaged ?? 0,
      converted: aggregates.converted ?? 0,
    },
    duration: quantity('duration'),
    pages: quantity('pages'),
    value: quantity('value'),
    durations: systematicSampleOfCounts(
      table.map((r) => num(r.secs)),
      table.map((r) => num(r.n)),
      DURATION_CAP,
    ),
    durations_of: table.reduce((sum, r) => sum + num(r.n), 0),
  };
}
