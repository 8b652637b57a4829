/**
 * The words of diagnose's findings: the stable codes, a finding built from them, and numbers as
 * text (shares, counts, set and measured durations).
 *
 *   roughDuration(5_011_872) // '1.4h'
 */
import { formatDuration } from '../../../core/duration.ts';
import type { Finding } from './result.ts';

/** The stable codes, for webhooks and scripts: docs/insights/diagnose.md explains each. */
export const FINDING_CODES = [
  'no_data',
  'timeout_too_short',
  'timeout_too_long',
  'timeout_fits',
  'timeout_no_valley',
  'max_duration_share',
  'absurd_identities',
  'future_timestamps',
  'future_when_stored',
  'past_timestamps',
  'clock_skew',
  'late_events',
  'clamped_timestamps',
  'timezone_suspect',
  'duplicates',
  'rejects',
  'missing_url',
  'missing_user_agent',
  'missing_timezone',
  'missing_country',
  'missing_event_id',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export const pct = (share: number): string => `${(share * 100).toFixed(share < 0.01 ? 2 : 1)} %`;
export const int = (n: number): string => n.toLocaleString('en-US');
export const dur = (ms: number): string =>
  ms < 1000 ? 'under 1s' : formatDuration(Math.round(ms / 1000) * 1000);

/** A duration in two significant figures at most, for measured (not set) values: 17m, 4.4h, 9.2d. */
export function roughDuration(ms: number): string {
  if (ms < 1000) return 'under 1s';
  const s = ms / 1000;
  const two = (x: number, unit: string) => `${x < 10 ? Math.round(x * 10) / 10 : Math.round(x)}${unit}`;
  if (s < 60) return two(s, 's');
  if (s < 3600) return two(s / 60, 'm');
  if (s < 86_400) return two(s / 3600, 'h');
  return two(s / 86_400, 'd');
}
export const iso = (ms: number): string => new Date(ms).toISOString();
export const lag = (ms: number | null): string =>
  ms === null ? '–' : `${ms < 0 ? '−' : ''}${roughDuration(Math.abs(ms))}`;

/** A finding of `code`. */
export const finding = (
  code: FindingCode,
  severity: Finding['severity'],
  title: string,
  evidence: string,
  fix: string,
): Finding => ({
  code,
  severity,
  title,
  evidence,
  fix,
});
