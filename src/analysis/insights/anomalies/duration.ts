/**
 * Duration far outside the site's distribution for its device type: the robust z-score (median
 * and MAD, stats/robust.ts) of log(1 + duration in seconds) among the sessions of the same
 * device type; a device type with fewer than MIN_PEERS sessions is measured against all sessions.
 * Only sessions of a measured length (over 0 s) are measured, and make the baselines: a visit
 * with no later event has no length, and where most are such (access logs) a baseline of zeros
 * would make any length odd. Too short counts only for sessions of two pageviews or more.
 *
 *   durationReasons(rows, t) // Map { 12 => { code: 'duration', text: '3 h 10 min, z 4.2 for desktop (median 1 min)' } }
 */
import { robustScale, robustZ } from '../stats/robust.ts';
import type { SessionRow } from './session-row.ts';
import { spanText } from './session-row.ts';
import { type Reason, severityOf, type Thresholds } from './thresholds.ts';

/** Fewer sessions of a device type than this are too few to be its own baseline. */
export const MIN_PEERS = 30;

const logDuration = (r: SessionRow): number => Math.log1p(Math.max(0, r.endMs - r.startMs) / 1000);

export function durationReasons(rows: readonly SessionRow[], t: Thresholds): Map<number, Reason> {
  const out = new Map<number, Reason>();
  const measured = rows.filter((r) => r.endMs > r.startMs);
  if (measured.length < MIN_PEERS) return out;
  const byDevice = new Map<string, number[]>();
  rows.forEach((r, i) => {
    if (r.endMs <= r.startMs) return;
    const list = byDevice.get(r.deviceType) ?? [];
    list.push(i);
    byDevice.set(r.deviceType, list);
  });
  const all = robustScale(measured.map(logDuration));
  for (const [device, members] of byDevice) {
    const own = members.length >= MIN_PEERS;
    const scale = own ? robustScale(members.map((i) => logDuration(rows[i]!))) : all;
    const peers = own ? device || '(no device type)' : 'all devices';
    const typical = spanText(Math.expm1(scale.median) * 1000);
    for (const i of members) {
      const z = robustZ(logDuration(rows[i]!), scale);
      if (!(Math.abs(z) >= t.durationZ) || !Number.isFinite(z)) continue;
      const r = rows[i]!;
      if (z < 0 && r.pageviews < 2) continue;
      out.set(i, {
        code: 'duration',
        text: `${z > 0 ? 'long' : 'short'}: ${spanText(r.endMs - r.startMs)}, z ${z.toFixed(1)} for ${peers} (median ${typical})`,
        severity: severityOf(Math.abs(z), t.durationZ),
      });
    }
  }
  return out;
}
