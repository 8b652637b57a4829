/**
 * The report's "Anomalies" section as static HTML: the top flagged sessions with their score and
 * reasons, and the anomalous days. Every tracked string (identities, paths and zones in the
 * reasons) is escaped; nothing here is parsed as markup from the data.
 *
 *   anomaliesSection(report.anomalies) // '<section id="anomalies"><h2>Anomalies</h2>…</section>'
 */
import type { Anomalies } from '../../analysis/insights/anomalies.ts';
import { htmlText } from './html-text.ts';

export function anomaliesSection(a: Anomalies | undefined): string {
  if (a === undefined) return '';
  const e = htmlText;
  const rows = a.sessions
    .map(
      (s) =>
        `<tr><td>${e(s.reasons.map((r) => r.text).join('; '))}</td><td>${s.score.toFixed(1)}</td><td>${e(s.start.slice(0, 16).replace('T', ' '))}</td><td>${e(s.device_type || '–')}</td><td>${e(s.user_id || s.identity)}</td></tr>`,
    )
    .join('');
  const sessions =
    a.sessions.length === 0
      ? '<p>No session is flagged.</p>'
      : `<table class="anomalies"><thead><tr><th>reasons</th><th>score</th><th>start (UTC)</th><th>device</th><th>user</th></tr></thead><tbody>${rows}</tbody></table>`;
  const days =
    a.days.length === 0
      ? '<p>No day is far from its weekday baseline.</p>'
      : `<ul class="anomalous-days">${a.days.map((d) => `<li><strong>${e(d.day)}</strong> ${e(d.reason)}</li>`).join('')}</ul>`;
  const counts = Object.entries(a.by_reason)
    .sort((x, y) => y[1] - x[1])
    .map(([code, n]) => `${e(code)} ${n}`)
    .join(', ');
  return `<section id="anomalies"><h2>Anomalies</h2><p>${a.flagged} of ${a.scored} sessions flagged${counts === '' ? '' : ` (${counts})`}; the top ${a.sessions.length}:</p>${sessions}<h3>Days</h3>${days}</section>`;
}
