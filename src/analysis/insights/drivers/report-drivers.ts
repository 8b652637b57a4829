/**
 * What converts, for the report: the drivers of the store's configured goal (drivers/goal.ts
 * says which and why), its 20 strongest and 20 values apart; undefined when no configured goal
 * occurs.
 *
 *   (await reportDrivers(store, options))?.ranked[0]?.sentence // 'sessions over 10 minutes convert at 3.1× …'
 */
import type { Store } from '../../../store/store.ts';
import type { QueryOptions } from '../../query-options.ts';
import { type Drivers, drivers, MIN_SESSIONS } from '../drivers.ts';

/** At most this many ranked drivers and values apart in the report. */
export const REPORT_DRIVERS = 20;

export interface ReportDrivers extends Drivers {
  readonly goal: string;
  /** Ranked drivers beyond the REPORT_DRIVERS listed (all in `stint drivers`). */
  readonly ranked_left_out: number;
}

export async function reportDrivers(store: Store, options: QueryOptions): Promise<ReportDrivers | undefined> {
  const r = await drivers(store, options, { goal: undefined, minSessions: MIN_SESSIONS });
  if (r.goal === null) return undefined;
  return {
    ...r,
    goal: r.goal,
    ranked: r.ranked.slice(0, REPORT_DRIVERS),
    ranked_left_out: Math.max(0, r.ranked.length - REPORT_DRIVERS),
    apart: r.apart.slice(0, REPORT_DRIVERS),
    apart_left_out: r.apart_left_out + Math.max(0, r.apart.length - REPORT_DRIVERS),
  };
}
