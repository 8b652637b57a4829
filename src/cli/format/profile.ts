/**
 * The terminal text of `stint profile` and `stint users`: a user's profile as labelled lines
 * (hours as 08:24, weekdays by name, a 24-hour sparkline), and the users as a table.
 *
 *   profileText(await profile(store, options, 'alice'))
 */
import type { Profile } from '../../analysis/insights/profile.ts';
import type { Users } from '../../analysis/insights/users.ts';
import { label, printable } from '../printable.ts';
import { sparkline } from './sparkline.ts';

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** A fractional hour as hh:mm (8.4 → 08:24). */
export function clock(hour: number): string {
  const minutes = Math.round(hour * 60) % (24 * 60);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
const seconds = (s: number | null) => (s === null ? '–' : `${Math.round(s).toLocaleString('en-US')} s`);

export function profileText(p: Profile): string {
  if (p.sessions === 0)
    return `no sessions of ${printable(p.identity)}${p.now === null ? '' : ` before ${p.now}`} (list identities with: stint users)`;
  const s = p.schedule;
  const zoneNote = p.zone_source === 'sessions' ? '' : ' (no zone of their own: the query’s)';
  const best = s.best_hour;
  const lines = [
    `profile of ${printable(p.identity)} as of ${p.now}`,
    `level           ${p.segment} (${p.active_days_28} active days in the last 28)`,
    `sessions        ${p.sessions.toLocaleString('en-US')}, first ${p.first_seen}, last ${p.last_seen}`,
    `duration        ${seconds(p.total_duration_s)} in all, ${seconds(p.avg_duration_s)} on average`,
    `zone            ${p.zone}${zoneNote}`,
    `usual hour      ${s.usual_hour === null ? '–' : `${clock(s.usual_hour)} ± ${s.hour_spread === null ? '–' : `${s.hour_spread.toFixed(1)} h`}`} (concentration ${s.hour_concentration.toFixed(2)})`,
    `hours 0-23      ${sparkline(s.hours)}`,
    `usual weekdays  ${s.usual_weekdays.map((d) => WEEKDAYS[d - 1]).join(', ') || '–'}  (${s.weekdays.map((n, i) => `${WEEKDAYS[i]} ${n}`).join(', ')})`,
    best === null
      ? 'best hour       –'
      : `best hour       ${clock(best.hour)}-${clock(best.hour + 1)}: ${pct(best.share)} of starts (95 % ${pct(best.low)}–${pct(best.high)})${best.runner_up === null ? '' : `, next ${clock(best.runner_up.hour)} at ${pct(best.runner_up.share)}`}; ${best.clear ? 'clear' : 'not clear'}`,
    `device          ${p.devices.map((d) => `${d.device} ${pct(d.share)}`).join(', ') || '–'}`,
    `top pages       ${p.top_pages.map((x) => `${label(x.page)} (${x.views})`).join(', ') || '–'}`,
    `top events      ${p.top_events.map((x) => `${label(x.event)} (${x.count})`).join(', ') || '–'}`,
    `last page       ${p.last_page === null ? '–' : label(p.last_page)}`,
    ...p.next_pages.map(
      (n) =>
        `  next ${pct(n.probability).padStart(5)}  ${label(n.page)}  (own ${n.own}, everyone ${pct(n.everyone)})`,
    ),
  ];
  if (p.sessions_read < p.sessions)
    lines.push(
      `(hours, devices, pages and next pages from the latest ${p.sessions_read.toLocaleString('en-US')} sessions)`,
    );
  return lines.join('\n');
}

export function usersText(u: Users): string {
  const head = `users as of ${u.now ?? '–'}: ${u.total.toLocaleString('en-US')} (${Object.entries(u.counts)
    .map(([k, n]) => `${k} ${n.toLocaleString('en-US')}`)
    .join(', ')})`;
  const width = Math.max(8, ...u.rows.map((r) => label(r.identity).length));
  return [
    head,
    `${'identity'.padEnd(width)}  level   sessions  days28  last seen                 total s`,
    ...u.rows.map(
      (r) =>
        `${label(r.identity).padEnd(width)}  ${r.segment.padEnd(6)}  ${String(r.sessions).padStart(8)}  ${String(r.active_days_28).padStart(6)}  ${r.last_seen.padEnd(24)}  ${Math.round(r.total_duration_s).toLocaleString('en-US').padStart(7)}`,
    ),
  ].join('\n');
}
