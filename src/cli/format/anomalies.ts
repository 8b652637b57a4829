/**
 * The terminal text of `stint anomalies`: the flagged sessions, highest score first, each with
 * its reasons in words, then the anomalous days.
 *
 *   4.3  2026-11-20 03:12  desktop  f13d2c97…  135 pageviews in 2 min
 *        135 pageviews 0.9 s apart (median); 64 pageviews in 59 s
 */
import type { Anomalies } from '../../analysis/insights/anomalies.ts';
import { label, printable } from '../printable.ts';

export function anomaliesText(a: Anomalies): string {
  const out: string[] = [
    `${a.flagged} of ${a.scored} sessions flagged, ${a.range.from.slice(0, 10)} to ${a.range.to.slice(0, 10)} (exclusive)`,
  ];
  const counts = Object.entries(a.by_reason).sort((x, y) => y[1] - x[1]);
  if (counts.length > 0) out.push(`by reason: ${counts.map(([code, n]) => `${code} ${n}`).join(', ')}`);
  if (a.sessions.length > 0) {
    out.push('', `score  start (UTC)       device   session           identity`);
    for (const s of a.sessions) {
      out.push(
        `${s.score.toFixed(1).padStart(5)}  ${s.start.slice(0, 16).replace('T', ' ')}  ${label(s.device_type || '–', 7).padEnd(7)}  ${label(s.session_id, 16).padEnd(16)}  ${label(s.user_id || s.identity, 24)}`,
        `       ${s.reasons.map((r) => printable(r.text)).join('; ')}`,
      );
    }
    if (a.flagged > a.sessions.length) out.push(`… ${a.flagged - a.sessions.length} more (--limit)`);
  }
  out.push('', a.days.length === 0 ? 'no anomalous days' : 'anomalous days');
  for (const d of a.days) out.push(`  ${d.day}  ${d.metric.padEnd(11)}  ${d.reason}`);
  if (a.incomplete_day !== null)
    out.push(`  (${a.incomplete_day}, the day of the latest session, is left out: it may not be complete)`);
  return out.join('\n');
}
