/**
 * How an identity's last session stands (SESSIONS.md section 3, "the last session"): over with
 * its end event, over by timeout once the latest event of all is more than the timeout after its
 * last event, else open. The batch driver, the stores and the server's live view agree on it.
 *
 *   lastSessionEnd(rules, { lastTsMs, endEvent: false }, latestTsMs) // 'open' | 'timeout' | 'end_event'
 */
import type { SessionRules } from './rules.ts';

export function lastSessionEnd(
  rules: SessionRules,
  last: { readonly lastTsMs: number; readonly endEvent: boolean },
  latestTsMs: number,
): 'end_event' | 'timeout' | 'open' {
  if (last.endEvent) return 'end_event';
  return latestTsMs - last.lastTsMs > rules.timeoutMs ? 'timeout' : 'open';
}

/** Whether a session whose last event is `last` is still open when the latest event is at `latestTsMs`. */
export const isSessionOpen = (
  rules: SessionRules,
  last: { readonly lastTsMs: number; readonly endEvent: boolean },
  latestTsMs: number,
): boolean => lastSessionEnd(rules, last, latestTsMs) === 'open';

/** Whether an event of this name ends its session (rule 2). */
export const isEndEvent = (rules: SessionRules, name: string): boolean => rules.endEvents.includes(name);
