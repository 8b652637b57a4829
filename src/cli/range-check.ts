/**
 * A `--from`/`--to` that misses every stored session says so on stderr, with the stored range
 * and the flags that cover it, rather than leaving an empty report to speak for itself. The
 * report (or --json) still goes to stdout, whole and valid, and the exit code stays 0: an empty
 * period is an answer, as it is for `git log --since` or a SQL query.
 *
 *   stint report --from 2030-01-01
 *   // stint: warning: no session starts in 2030-01-01T00:00:00.000Z – (open); the store's
 *   //   sessions start from 2019-10-01T00:00:00.000Z to 2019-10-01T02:49:58.000Z (--from 2019-10-01 --to 2019-10-01)
 */
import pc from 'picocolors';
import type { QueryOptions } from '../analysis/query-options.ts';
import type { Store } from '../store/store.ts';

/** The first and last stored session starts, or undefined for a store without sessions. */
export async function storedRange(store: Store): Promise<{ firstMs: number; lastMs: number } | undefined> {
  const [row] = await store.query({
    sql: 'SELECT min(start_ms) AS first, max(start_ms) AS last FROM sessions',
    params: [],
  });
  if (row?.first === null || row?.first === undefined) return undefined;
  return { firstMs: Number(row.first), lastMs: Number(row.last) };
}

/** The warning for a period that holds no stored session start, or undefined when it holds some. */
export function outsideDataWarning(
  options: Pick<QueryOptions, 'fromMs' | 'toMs'>,
  stored: { firstMs: number; lastMs: number } | undefined,
): string | undefined {
  const { fromMs, toMs } = options;
  if (stored === undefined || (fromMs === undefined && toMs === undefined)) return undefined;
  const before = toMs !== undefined && toMs <= stored.firstMs;
  const after = fromMs !== undefined && fromMs > stored.lastMs;
  if (!before && !after) return undefined;
  const iso = (ms: number | undefined): string => (ms === undefined ? '(open)' : new Date(ms).toISOString());
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  return (
    `no session starts in ${iso(fromMs)} – ${iso(toMs)}; the store's sessions start from ` +
    `${iso(stored.firstMs)} to ${iso(stored.lastMs)} (--from ${day(stored.firstMs)} --to ${day(stored.lastMs)} covers them, in UTC)`
  );
}

/** Writes the warning to stderr when the asked period misses every stored session. */
export async function warnOutsideData(
  store: Store,
  options: Pick<QueryOptions, 'fromMs' | 'toMs'>,
): Promise<void> {
  if (options.fromMs === undefined && options.toMs === undefined) return;
  const warning = outsideDataWarning(options, await storedRange(store));
  if (warning === undefined) return;
  const c = process.stderr.isTTY === true ? pc : pc.createColors(false);
  process.stderr.write(`${c.yellow('stint: warning:')} ${warning}\n`);
}
