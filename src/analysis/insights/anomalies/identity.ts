/**
 * Identity oddities of one user (user_id, else identity): many devices (device type, browser and
 * OS) or many time zones among the sessions that start within one hour, and a session whose zone
 * is unlike the user's usual one (held by `usualZoneShare` of at least `usualZoneSessions`).
 *
 *   identityReasons(rows, t) // Map { 3 => [{ code: 'many_devices', text: 'user u1 on 4 devices within 38 min' }] }
 */
import type { SessionRow } from './session-row.ts';
import { spanText } from './session-row.ts';
import { type Reason, severityOf, type Thresholds } from './thresholds.ts';

const HOUR_MS = 3_600_000;

const deviceOf = (r: SessionRow): string => `${r.deviceType}/${r.browser}/${r.os}`;

export function identityReasons(rows: readonly SessionRow[], t: Thresholds): Map<number, Reason[]> {
  const out = new Map<number, Reason[]>();
  const add = (i: number, reason: Reason): void => {
    const list = out.get(i) ?? [];
    const same = list.findIndex((x) => x.code === reason.code);
    if (same < 0) list.push(reason);
    else if (reason.severity > list[same]!.severity) list[same] = reason;
    out.set(i, list);
  };
  const byUser = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const list = byUser.get(r.user) ?? [];
    list.push(i);
    byUser.set(r.user, list);
  });
  for (const [user, members] of byUser) {
    if (members.length < 2) continue;
    members.sort((a, b) => rows[a]!.startMs - rows[b]!.startMs);
    crowdedHours(user, members, rows, t, add);
    unusualZones(members, rows, t, add);
  }
  return out;
}

/** Each run of sessions starting within an hour with too many devices or zones: every session of it. */
function crowdedHours(
  user: string,
  members: readonly number[],
  rows: readonly SessionRow[],
  t: Thresholds,
  add: (i: number, reason: Reason) => void,
): void {
  let lo = 0;
  for (let hi = 0; hi < members.length; hi++) {
    while (rows[members[hi]!]!.startMs - rows[members[lo]!]!.startMs > HOUR_MS) lo++;
    const window = members.slice(lo, hi + 1);
    const devices = new Set(window.map((i) => deviceOf(rows[i]!)));
    const zones = new Set(window.map((i) => rows[i]!.timezone).filter((z) => z !== ''));
    const span = spanText(rows[members[hi]!]!.startMs - rows[members[lo]!]!.startMs);
    if (devices.size >= t.devicesPerHour) {
      const reason: Reason = {
        code: 'many_devices',
        text: `user ${user} on ${devices.size} devices within ${span}`,
        severity: severityOf(devices.size, t.devicesPerHour),
      };
      for (const i of window) add(i, reason);
    }
    if (zones.size >= t.zonesPerHour) {
      const reason: Reason = {
        code: 'many_zones',
        text: `user ${user} in ${zones.size} time zones within ${span} (${[...zones].sort().join(', ')})`,
        severity: severityOf(zones.size, t.zonesPerHour),
      };
      for (const i of window) add(i, reason);
    }
  }
}

function unusualZones(
  members: readonly number[],
  rows: readonly SessionRow[],
  t: Thresholds,
  add: (i: number, reason: Reason) => void,
): void {
  const zoned = members.filter((i) => rows[i]!.timezone !== '');
  if (zoned.length < t.usualZoneSessions) return;
  const counts = new Map<string, number>();
  for (const i of zoned) counts.set(rows[i]!.timezone, (counts.get(rows[i]!.timezone) ?? 0) + 1);
  const [usual, n] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
  if (n / zoned.length < t.usualZoneShare) return;
  for (const i of zoned) {
    const zone = rows[i]!.timezone;
    if (zone === usual) continue;
    add(i, {
      code: 'unusual_zone',
      text: `time zone ${zone}; this user is usually in ${usual} (${n} of ${zoned.length} sessions)`,
      severity: 1,
    });
  }
}
