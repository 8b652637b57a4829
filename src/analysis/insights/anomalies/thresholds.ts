/**
 * The thresholds of `stint anomalies`, each a parameter with a documented default
 * (docs/insights/anomalies.md). One frozen object is read at the edge and passed to every signal.
 *
 *   const t = { ...DEFAULT_THRESHOLDS, failureEvents: ['login_failed'] };
 */

export interface Thresholds {
  /** |robust z| of log(1 + duration in s) within the session's device type, at or past which it is odd. */
  readonly durationZ: number;
  /** A burst: this many events or more … */
  readonly burstEvents: number;
  /** … within this many seconds. */
  readonly burstSeconds: number;
  /** Too fast for a person: a median gap between pageviews under this many seconds … */
  readonly fastIntervalS: number;
  /** … over at least this many pageviews. */
  readonly fastMinPageviews: number;
  /** Robust z of the mean surprisal of a session's page transitions, at or past which it is odd. */
  readonly markovZ: number;
  /** Sessions with fewer page transitions than this get no navigation score. */
  readonly markovMinTransitions: number;
  /** The failure events, by name. */
  readonly failureEvents: readonly string[];
  /** Repeated failures: this many failure events or more … */
  readonly failureCount: number;
  /** … within this many minutes. */
  readonly failureMinutes: number;
  /** One user on this many devices (type, browser and OS) or more within an hour. */
  readonly devicesPerHour: number;
  /** One user in this many time zones or more within an hour. */
  readonly zonesPerHour: number;
  /** A user's usual zone needs this many sessions with a zone … */
  readonly usualZoneSessions: number;
  /** … and this share of them in that zone. */
  readonly usualZoneShare: number;
  /** A flagged session has a score of at least this (each signal that fires adds 1 to 3). */
  readonly minScore: number;
  /** |robust z| of a day's sessions or conversions against the same weekdays before, at or past which it is listed. */
  readonly dayZ: number;
  /** How many preceding same weekdays make a day's baseline (at least 3 of them must have data). */
  readonly baselineWeeks: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = Object.freeze({
  durationZ: 3.5,
  burstEvents: 30,
  burstSeconds: 60,
  fastIntervalS: 2,
  fastMinPageviews: 8,
  markovZ: 3.5,
  markovMinTransitions: 5,
  failureEvents: Object.freeze(['login_failed', 'payment_failed', 'error']),
  failureCount: 5,
  failureMinutes: 10,
  devicesPerHour: 3,
  zonesPerHour: 2,
  usualZoneSessions: 5,
  usualZoneShare: 0.8,
  minScore: 1,
  dayZ: 3.5,
  baselineWeeks: 4,
});

/** A signal's reason: a stable code, the words, and how strongly it fired (1 at the threshold, up to 3). */
export interface Reason {
  readonly code: ReasonCode;
  readonly text: string;
  readonly severity: number;
}

export type ReasonCode =
  | 'duration'
  | 'burst'
  | 'fast_pageviews'
  | 'navigation'
  | 'failures'
  | 'many_devices'
  | 'many_zones'
  | 'unusual_zone';

/** How far past its threshold a measure is, as a severity from 1 (at it) to 3 (three times it or more). */
export function severityOf(measure: number, threshold: number): number {
  if (!(threshold > 0)) return 1;
  const ratio = measure / threshold;
  return Math.min(3, Math.max(1, Number.isFinite(ratio) ? ratio : 3));
}
