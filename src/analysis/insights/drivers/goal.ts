/**
 * Which goal what converts is about: the one given, else the store's first configured goal, or
 * the commonest configured goal when the first never occurs (saying which); and the commonest
 * event names, for a picker and for the hint of a goal no event is named.
 *
 *   await chooseGoal(store, undefined, async () => ['signup', 'purchase'])
 *   // { goal: 'purchase', from: 'the commonest configured goal (signup never occurs)', events: [{ name: 'pageview', count: 18758 }, …] }
 */
import { StintError } from '../../../core/errors.ts';
import { sql } from '../../../sql/query.ts';
import type { Store } from '../../../store/store.ts';

/** The commonest event names listed at most. */
export const MAX_EVENT_NAMES = 20;

export interface EventCount {
  readonly name: string;
  readonly count: number;
}

export interface ChosenGoal {
  /** Null when none was given and no configured goal occurs. */
  readonly goal: string | null;
  /** Why this goal: "given", "the first configured goal", … */
  readonly from: string;
  /** The store's commonest event names, most first. */
  readonly events: EventCount[];
}

export async function chooseGoal(
  store: Pick<Store, 'dialect' | 'query'>,
  given: string | undefined,
  configuredGoals: () => Promise<readonly string[]>,
): Promise<ChosenGoal> {
  const d = store.dialect;
  const rows = (await store.query(
    d.compile(
      sql`SELECT event, count(*) AS n FROM events GROUP BY event ORDER BY n DESC, event LIMIT ${MAX_EVENT_NAMES}`,
    ),
  )) as { event: string; n: number | bigint }[];
  const events = rows.map((r) => ({ name: r.event, count: Number(r.n) }));
  if (given !== undefined) {
    if (events.length > 0 && (await occurrences(store, [given])).size === 0) {
      throw new StintError(
        'STINT_BAD_FLAG',
        `No event is named "${given}", so no session converts to it`,
        `Give --goal one of the commonest event names: ${events
          .slice(0, 8)
          .map((e) => e.name)
          .join(', ')}`,
      );
    }
    return { goal: given, from: 'given', events };
  }
  const configured = await configuredGoals();
  const none = {
    goal: null,
    from:
      configured.length === 0
        ? 'no goal is configured'
        : `no configured goal occurs (${configured.join(', ')})`,
    events,
  };
  if (configured.length === 0) return none;
  const seen = await occurrences(store, configured);
  const first = configured[0]!;
  if (seen.has(first)) {
    return {
      goal: first,
      from:
        configured.length === 1
          ? 'the configured goal'
          : `the first configured goal (of ${configured.join(', ')})`,
      events,
    };
  }
  const commonest = [...seen.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
  if (commonest === undefined) return none;
  return { goal: commonest[0], from: `the commonest configured goal (${first} never occurs)`, events };
}

/** How many events bear each of `names` (those with none are left out). */
async function occurrences(
  store: Pick<Store, 'dialect' | 'query'>,
  names: readonly string[],
): Promise<Map<string, number>> {
  const d = store.dialect;
  const rows = (await store.query(
    d.compile(sql`SELECT event, count(*) AS n FROM events WHERE ${d.isIn(sql`event`, names)} GROUP BY event`),
  )) as { event: string; n: number | bigint }[];
  return new Map(rows.filter((r) => Number(r.n) > 0).map((r) => [r.event, Number(r.n)]));
}
