/**
 * Day-level anomalies: each day's sessions and converted sessions against the same weekdays
 * before it (the `baselineWeeks` preceding ones within the data, at least MIN_BASELINE). The
 * expected value is their median; the spread their scaled MAD, but at least √expected (a count's
 * Poisson noise), so that a flat baseline does not make every small change infinite.
 *
 *   dayAnomalies([{ day: '2026-11-24', sessions: 412, conversions: 9 }, …], ['2026-11-24'], t)
 *   // [{ day: '2026-11-24', metric: 'sessions', value: 412, expected: 128, z: 9.1, reason: '412 sessions, 3.2× the usual 128 for a Tuesday …' }]
 */
import { robustScale } from '../stats/robust.ts';
import type { Thresholds } from './thresholds.ts';

/** At least this many same weekdays before a day make its baseline. */
export const MIN_BASELINE = 3;

export interface DayCounts {
  readonly day: string;
  readonly sessions: number;
  readonly conversions: number;
}

export interface DayAnomaly {
  readonly day: string;
  readonly metric: 'sessions' | 'conversions';
  readonly value: number;
  readonly expected: number;
  readonly z: number;
  readonly reason: string;
  /** The days of the baseline. */
  readonly baseline: readonly string[];
}

const DAY_MS = 86_400_000;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const dayMs = (day: string): number => Date.parse(`${day}T00:00:00Z`);
const dayText = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * The anomalous days among `days` (YYYY-MM-DD), from `counts` of those days and the weeks
 * before (a day missing from `counts` after the first one there had no sessions).
 */
export function dayAnomalies(
  counts: readonly DayCounts[],
  days: readonly string[],
  t: Thresholds,
): DayAnomaly[] {
  if (counts.length === 0) return [];
  const byDay = new Map(counts.map((c) => [c.day, c]));
  const first = counts.map((c) => c.day).sort()[0]!;
  const out: DayAnomaly[] = [];
  for (const day of days) {
    const ms = dayMs(day);
    const baseline: string[] = [];
    for (let k = 1; k <= t.baselineWeeks; k++) {
      const before = dayText(ms - 7 * k * DAY_MS);
      if (before >= first) baseline.push(before);
    }
    if (baseline.length < MIN_BASELINE) continue;
    for (const metric of ['sessions', 'conversions'] as const) {
      const value = byDay.get(day)?.[metric] ?? 0;
      const past = baseline.map((d) => byDay.get(d)?.[metric] ?? 0);
      const scale = robustScale(past);
      const spread = Math.max(scale.spread, Math.sqrt(Math.max(scale.median, 1)));
      const z = (value - scale.median) / spread;
      if (!(Math.abs(z) >= t.dayZ)) continue;
      const weekday = WEEKDAYS[new Date(ms).getUTCDay()]!;
      const times =
        scale.median > 0 ? `${(value / scale.median).toFixed(1)}× the usual` : 'against the usual';
      const noun = metric === 'sessions' ? 'sessions' : 'converted sessions';
      out.push({
        day,
        metric,
        value,
        expected: scale.median,
        z: Math.round(z * 100) / 100,
        reason: `${value} ${noun}, ${times} ${scale.median} for a ${weekday} (z ${z.toFixed(1)} over the ${baseline.length} ${weekday}s before)`,
        baseline,
      });
    }
  }
  return out.sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || (a.day < b.day ? -1 : 1));
}
