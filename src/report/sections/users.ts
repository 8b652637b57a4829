/**
 * The HTML report's Users section: how many users of the period are new, casual, core and power
 * (docs/insights/profiles.md), and the users with the most sessions. Static, escaped HTML.
 *
 *   usersSection(report.users) // '<section><h2>Users</h2>…</section>'
 */
import type { Users } from '../../analysis/insights/users.ts';
import { htmlText } from './html-text.ts';

export function usersSection(users: Users | undefined): string {
  if (users === undefined) return '';
  if (users.total === 0)
    return '<section><h2>Users</h2><p class="note">No users in the period.</p></section>';
  const levels = Object.entries(users.counts);
  const counts = `<table class="levels"><thead><tr><th>Level</th>${levels.map(([s]) => `<th>${htmlText(s)}</th>`).join('')}<th>All</th></tr></thead><tbody><tr><td>Users</td>${levels
    .map(([, n]) => `<td>${n.toLocaleString('en-US')} (${((n / users.total) * 100).toFixed(1)} %)</td>`)
    .join('')}<td>${users.total.toLocaleString('en-US')}</td></tr></tbody></table>`;
  const rows = users.rows
    .map(
      (r) =>
        `<tr><td>${htmlText(r.identity)}</td><td>${htmlText(r.segment)}</td><td>${r.sessions}</td><td>${r.active_days_28}</td><td>${htmlText(r.last_seen.slice(0, 16).replace('T', ' '))}</td><td>${Math.round(r.total_duration_s).toLocaleString('en-US')}</td></tr>`,
    )
    .join('');
  return `<section id="users-section"><h2>Users by engagement level</h2>
${counts}
<p class="note">As of ${htmlText(users.now ?? '')}. new: first seen in the last 7 days; power: active on 10+ of the last 28 days and seen in the last 7; core: 3+ of 28 and seen in the last 14; casual: the rest.</p>
<table><thead><tr><th>User</th><th>Level</th><th>Sessions</th><th>Active days (28)</th><th>Last seen (UTC)</th><th>Time (s)</th></tr></thead><tbody>${rows}</tbody></table>
</section>`;
}
