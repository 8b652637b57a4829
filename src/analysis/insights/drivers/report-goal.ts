/**
 * What converts, for the report: the drivers of the store's first configured goal (or, when
 * that never occurs, of the commonest configured goal that does), with which one and why;
 * undefined when no configured goal occurs.
 *
 *   await reportDrivers(store, options, ['signup', 'purchase'])
 *   // { goal: 'purchase', goal_from: 'the commonest configured goal (signup never occurs)', ranked: [...] }
 */
import { sql } from '../../../sql/query.ts';
import type { Store } from '../../../store/store.ts';
import type { QueryOptions } from '../../query-options.ts';
import { type Drivers, drivers, MIN_SESSIONS } from '../drivers.ts';

/** At most this many ranked drivers and values apart in the report. */
export const REPORT_DRIVERS = 20;

export interface ReportDrivers extends Drivers {
  /** Why this goal: "the first configured goal", or the commonest one when the first never occurs. */
  readonly goal_from: string;
  /** Ranked drivers beyond the REPORT_DRIVERS listed (all in `stint drivers`). */
  readonly ranked_left_out: number;
}

export async function reportDrivers(
  store: Store,
  options: QueryOptions,
  goals: readonly string[],
): Promise<ReportDrivers | undefined> {
  if (goals.length === 0) return undefined;
  const d = store.dialect;
  const rows = (await store.query(
    d.compile(sql`SELECT event, count(*) AS n FROM events WHERE ${d.isIn(sql`event`, goals)} GROUP BY event`),
  )) as { event: string; n: number | bigint }[];
  const seen = new Map(rows.map((r) => [r.event, Number(r.n)]));
  const first = goals[0]!;
  let goal: string;
  let from: string;
  if ((seen.get(first) ?? 0) > 0) {
    goal = first;
    from = goals.length === 1 ? 'the configured goal' : `the first configured goal (of ${goals.join(', ')})`;
  } else {
    const commonest = [...seen.entries()]
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    if (commonest === undefined) return undefined;
    goal = commonest[0];
    from = `the commonest configured goal (${first} never occurs)`;
  }
  const r = await drivers(store, options, { goal, minSessions: MIN_SESSIONS });
  return {
    ...r,
    goal_from: from,
    ranked: r.ranked.slice(0, REPORT_DRIVERS),
    ranked_left_out: Math.max(0, r.ranked.length - REPORT_DRIVERS),
    apart: r.apart.slice(0, REPORT_DRIVERS),
    apart_left_out: r.apart_left_out + Math.max(0, r.apart.length - REPORT_DRIVERS),
  };
}
