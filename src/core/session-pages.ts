/**
 * Each session's pages: the paths of its pageviews in time order (input order among equal
 * times), as a store keeps them beside the session. Computed from the events' columns and the
 * session each event went to (`SessionColumns.eventSessions`), with no object per event.
 *
 *   const pages = sessionPages(cols, sc.eventSessions!, sc.length);
 *   pages.paths.subarray(pages.start[s], pages.start[s + 1]) // session s's path codes (cols.paths)
 */
import type { EventColumns } from './columns.ts';
import { PAGEVIEW } from './event.ts';

export interface SessionPages {
  /** Session s's pages are paths[start[s]] … paths[start[s + 1] - 1]. */
  readonly start: Int32Array;
  /** Path codes of `cols.paths`. */
  readonly paths: Int32Array;
}

export function sessionPages(cols: EventColumns, eventSessions: Int32Array, sessions: number): SessionPages {
  const pageview = cols.names.find(PAGEVIEW);
  const start = new Int32Array(sessions + 1);
  for (let e = 0; e < cols.length; e++) if (cols.nameCode[e] === pageview) start[eventSessions[e]! + 1]!++;
  for (let s = 0; s < sessions; s++) start[s + 1]! += start[s]!;
  // Events by session, in input order within one (a stable counting sort).
  const events = new Int32Array(start[sessions]!);
  const next = start.slice(0, sessions);
  for (let e = 0; e < cols.length; e++) {
    if (cols.nameCode[e] === pageview) events[next[eventSessions[e]!]!++] = e;
  }
  const { tsMs } = cols;
  for (let s = 0; s < sessions; s++) {
    const from = start[s]!;
    const to = start[s + 1]!;
    let sorted = true;
    for (let k = from + 1; k < to && sorted; k++) sorted = tsMs[events[k - 1]!]! <= tsMs[events[k]!]!;
    if (!sorted) events.subarray(from, to).sort((a, b) => tsMs[a]! - tsMs[b]! || a - b);
  }
  const paths = events.map((e) => cols.pathCode[e]!);
  return { start, paths };
}
