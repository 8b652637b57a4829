/**
 * The "now" of users and profiles, so that no clock is read in an analysis: the end of the
 * period asked for (`--to`), or else the end of the local day of the store's latest session
 * start (as `resolveRange` gives it); and the period's start, for what is "in the period".
 *
 *   await asOf(store, options) // { nowMs: 1_793_836_800_000, fromMs: 1_791_244_800_000 }
 */
import type { Store } from '../../../store/store.ts';
import { resolveRange } from '../../overview.ts';
import type { QueryOptions } from '../../query-options.ts';

export async function asOf(
  store: Store,
  options: QueryOptions,
): Promise<{ nowMs: number; fromMs: number } | undefined> {
  const range = await resolveRange(store, options);
  return range === undefined ? undefined : { nowMs: range.toMs, fromMs: range.fromMs };
}
