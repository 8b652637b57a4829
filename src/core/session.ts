/**
 * A session as SESSIONS.md section 4 defines it, its end reasons, and the rounding of its value
 * and duration. Its output fields, in contract order, are schema/sessions.ts's.
 */
export type EndReason =
  | 'timeout'
  | 'end_event'
  | 'start_event'
  | 'max_duration'
  | 'midnight'
  | 'campaign'
  | 'session_id'
  | 'open';

export const END_REASONS: readonly EndReason[] = [
  'timeout',
  'end_event',
  'start_event',
  'max_duration',
  'midnight',
  'campaign',
  'session_id',
  'open',
];

export interface Session {
  readonly sessionId: string;
  readonly identity: string;
  readonly userId: string;
  readonly anonymousId: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly events: number;
  readonly pageviews: number;
  readonly bounce: boolean;
  readonly engaged: boolean;
  readonly entryPage: string;
  readonly exitPage: string;
  readonly endReason: EndReason;
  readonly source: string;
  readonly medium: string;
  readonly campaign: string;
  readonly referrer: string;
  /** One of attribute.ts CHANNELS. */
  readonly channel: string;
  /** ISO 3166-1 alpha-2; '' when unknown. */
  readonly country: string;
  readonly deviceType: string;
  readonly browser: string;
  readonly os: string;
  readonly timezone: string;
  readonly value: number;
  readonly conversions: number;
}

/**
 * Sums of decimal prices pick up binary noise (5651.3499999999985): 9 decimals at most. A sum
 * too large to scale keeps its value.
 */
export function roundValue(v: number): number {
  const r = Math.round(v * 1e9) / 1e9;
  return Number.isFinite(r) ? r : v;
}

export function durationSeconds(s: Pick<Session, 'startMs' | 'endMs'>): number {
  return (s.endMs - s.startMs) / 1000;
}
