/**
 * One score per session from its signals: each signal that fires adds its severity, 1 at its
 * threshold up to 3 at three times it (thresholds.ts `severityOf`), so the score counts the
 * signals that fired, weighted by how far past their thresholds. A session is flagged at
 * `minScore` or more; flagged sessions come highest score first (then earliest, then by id).
 *
 *   scoreSessions(rows, events, t) // [{ index: 4, score: 5, reasons: [{ code: 'burst', … }, { code: 'navigation', … }] }]
 */
import { durationReasons } from './duration.ts';
import { failureReason } from './failures.ts';
import { identityReasons } from './identity.ts';
import { navigationReasons, type TransitionModel } from './markov.ts';
import { paceReasons } from './pace.ts';
import type { SessionEvents, SessionRow } from './session-row.ts';
import type { Reason, Thresholds } from './thresholds.ts';

export interface ScoredSession {
  /** Its index in the rows. */
  readonly index: number;
  readonly score: number;
  readonly reasons: readonly Reason[];
}

/**
 * Every flagged session, ordered. `events` holds the events of the sessions that were read;
 * `model` the page transitions of all sessions (by default learned from the rows' pages).
 */
export function scoreSessions(
  rows: readonly SessionRow[],
  events: ReadonlyMap<string, SessionEvents>,
  t: Thresholds,
  model?: TransitionModel,
): ScoredSession[] {
  const reasons: Reason[][] = rows.map(() => []);
  for (const [i, r] of durationReasons(rows, t)) reasons[i]!.push(r);
  for (const [i, r] of navigationReasons(rows, t, model)) reasons[i]!.push(r);
  for (const [i, list] of identityReasons(rows, t)) reasons[i]!.push(...list);
  rows.forEach((row, i) => {
    const e = events.get(row.sessionId);
    if (e === undefined) return;
    reasons[i]!.push(...paceReasons(e, t));
    const failed = failureReason(e.failures, t);
    if (failed !== undefined) reasons[i]!.push(failed);
  });
  const out: ScoredSession[] = [];
  reasons.forEach((list, index) => {
    const score = list.reduce((sum, r) => sum + r.severity, 0);
    if (list.length > 0 && score >= t.minScore) {
      out.push({
        index,
        score: Math.round(score * 100) / 100,
        reasons: list.sort((a, b) => b.severity - a.severity),
      });
    }
  });
  return out.sort(
    (a, b) =>
      b.score - a.score ||
      rows[a.index]!.startMs - rows[b.index]!.startMs ||
      (rows[a.index]!.sessionId < rows[b.index]!.sessionId ? -1 : 1),
  );
}
