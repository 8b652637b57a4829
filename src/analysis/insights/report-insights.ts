/**
 * The insights a report carries beside its analyses (docs/store.md, "Report JSON"): the period
 * tested against the previous one, fraud-like sessions and days, users by level, trends, the
 * diagnosis of the settings and what converts to the store's goal. Each with its defaults, in
 * this order; `stint report --brief` (`brief=1`) leaves them out, for speed on big stores.
 *
 *   const insights = await reportInsights(store, pinnedOptions, 10);
 */
import type { Store } from '../../store/store.ts';
import type { QueryOptions } from '../query-options.ts';
import { anomalies, DEFAULT_THRESHOLDS } from './anomalies.ts';
import { compareWithPrevious } from './compare.ts';
import { diagnose } from './diagnose.ts';
import { reportDrivers } from './drivers/report-drivers.ts';
import { trends } from './trends.ts';
import { users } from './users.ts';

/** `options` must have its period pinned (`pinPeriod`), as the report's analyses do. */
export async function reportInsights(store: Store, options: QueryOptions, top: number) {
  const drivers = await reportDrivers(store, options);
  return {
    compare: await compareWithPrevious(store, options),
    anomalies: await anomalies(store, options, DEFAULT_THRESHOLDS, top),
    users: await users(store, options, { limit: top }),
    trends: await trends(store, options, { interval: 'week', compare: 'previous', limit: 5 }),
    // No clock here: future times show through received_at (docs/insights/diagnose.md).
    diagnose: await diagnose(store, options, undefined),
    ...(drivers === undefined ? {} : { drivers }),
  };
}

export type ReportInsights = Awaited<ReturnType<typeof reportInsights>>;
