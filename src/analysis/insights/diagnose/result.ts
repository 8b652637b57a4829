/**
 * The JSON of `stint diagnose` (and `GET /api/v1/diagnose`, the report's `diagnose`): findings
 * first, each with a stable code (words.ts FINDING_CODES), then the measurements behind them.
 *
 *   { findings: [{ code: 'timeout_too_short', severity: 'warning', title, evidence, fix }], gaps: …, … }
 */
import type { CheckedField } from './checks.ts';

export interface Finding {
  /** Stable: one of FINDING_CODES (words.ts). */
  readonly code: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly title: string;
  /** The numbers behind it, in words. */
  readonly evidence: string;
  /** What to do ('' when nothing needs doing). */
  readonly fix: string;
}

export interface DiagnoseResult {
  /** Most severe first. */
  readonly findings: Finding[];
  /** The clock the future check used (null: not checked, as in the report). */
  readonly now_ms: number | null;
  /** What the checks looked at: sessions in the period (and filters), or every stored event. */
  readonly scope: { readonly sessions: 'period'; readonly events: 'store' };
  readonly rules: {
    readonly version: number;
    readonly timeout_ms: number;
    readonly max_duration_ms: number;
    readonly identity: string;
  } | null;
  readonly sessions: number;
  readonly identities: number;
  /** The log-scale histogram of gaps between consecutive events of an identity. */
  readonly gaps: {
    readonly bins_per_decade: number;
    readonly within: number;
    readonly between: number;
    readonly bins: {
      readonly bin: number;
      readonly from_s: number;
      readonly to_s: number | null;
      /** Gaps inside a stored session. */
      readonly within: number;
      /** Gaps between two stored sessions of one identity. */
      readonly between: number;
    }[];
  };
  readonly timeout: {
    readonly current_ms: number | null;
    readonly suggested_ms: number | null;
    readonly valley_s: number | null;
    /** The valley's extent: every timeout in it gives about the same sessions. */
    readonly valley_from_s: number | null;
    readonly valley_to_s: number | null;
    readonly peaks_s: readonly [number, number] | null;
    readonly method: string;
  };
  /** Sessions for each timeout from 5 min to 2 h, the other rules' splits as they are now. */
  readonly sensitivity: { readonly timeout_ms: number; readonly sessions: number }[];
  readonly max_duration: { readonly sessions: number; readonly ended: number; readonly share: number };
  readonly identity_counts: {
    readonly median_events: number | null;
    readonly threshold: number;
    readonly absurd_count: number;
    readonly absurd_events: number;
    readonly absurd: { readonly identity: string; readonly events: number; readonly sessions: number }[];
  };
  readonly times: {
    readonly events: number;
    readonly min_ms: number | null;
    readonly max_ms: number | null;
    readonly median_ms: number | null;
    readonly future: number | null;
    readonly future_when_stored: number;
    readonly past: number;
    readonly past_before_ms: number;
    readonly collector: number;
    /** Collector events timed more than a minute after they were received (a fast clock). */
    readonly ahead: number;
    /** Collector events received more than an hour after their time (a queue, an offline app, a backfill). */
    readonly late: number;
    readonly median_lag_ms: number | null;
    readonly clamped: number;
  };
  /** Sessions by local start hour (each in its own zone, else `tz`). */
  readonly hours: {
    readonly tz: string;
    readonly own_zone_share: number;
    readonly sessions: number[];
    readonly peak_hour: number | null;
  };
  readonly imports: {
    readonly imports: number;
    readonly rows: number;
    readonly duplicates: number;
    readonly rejected: number;
    readonly left_out: number;
    readonly duplicate_rate: number;
    readonly reject_rate: number;
  };
  readonly fields: {
    readonly events: number;
    readonly missing: {
      readonly field: CheckedField;
      readonly missing: number;
      readonly share: number;
      readonly cost: string;
    }[];
  };
}
