/**
 * What the anomaly signals read of one session: its row of the sessions table (with the user it
 * belongs to and its ordered pages) and, where read, its events' times.
 *
 *   { sessionId: 's1', identity: 'a', user: 'u1', startMs, endMs, deviceType: 'mobile', pages: ['/', '/cart'], … }
 */
export interface SessionRow {
  readonly sessionId: string;
  readonly identity: string;
  /** The person: the session's user_id, else its identity. */
  readonly user: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly deviceType: string;
  readonly browser: string;
  readonly os: string;
  readonly timezone: string;
  readonly pageviews: number;
  readonly events: number;
  /** Its pageviews' paths in time order. */
  readonly pages: readonly string[];
}

/**
 * A session's events in time order: each one's time, whether a pageview, and the failure events;
 * `gaps`, where SQL measured them, the pageviews and their median gap (else taken from the times).
 */
export interface SessionEvents {
  readonly times: readonly number[];
  readonly pageviewTimes: readonly number[];
  readonly failures: readonly { readonly tsMs: number; readonly name: string }[];
  readonly gaps?: { readonly pageviews: number; readonly medianGapMs: number };
}

/** "40 s", "2 min", "1 h 5 min": a span in words. */
export function spanText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 120) return `${min} min`;
  const h = Math.floor(min / 60);
  return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
}
