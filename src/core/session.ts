/**
 * A session as SESSIONS.md section 4 defines it, and its output record in contract order.
 *
 *   toSessionRecord(s) // { session_id, identity, user_id, …, start: '2026-03-08T07:04:08.508Z', … }
 */
import { formatTimestamp } from './timestamp.ts';

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
  readonly deviceType: string;
  readonly browser: string;
  readonly os: string;
  readonly timezone: string;
  readonly value: number;
  readonly conversions: number;
}

/** The output fields, in the contract's order. */
export const SESSION_FIELDS = [
  'session_id',
  'identity',
  'user_id',
  'anonymous_id',
  'start',
  'end',
  'duration_s',
  'events',
  'pageviews',
  'bounce',
  'engaged',
  'entry_page',
  'exit_page',
  'end_reason',
  'source',
  'medium',
  'campaign',
  'referrer',
  'device_type',
  'browser',
  'os',
  'timezone',
  'value',
  'conversions',
] as const;

export type SessionField = (typeof SESSION_FIELDS)[number];
export type SessionRecord = { [K in SessionField]: string | number | boolean };

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

/** The values of `SESSION_FIELDS`, in order. */
export function toSessionRow(s: Session): (string | number | boolean)[] {
  return [
    s.sessionId,
    s.identity,
    s.userId,
    s.anonymousId,
    formatTimestamp(s.startMs),
    formatTimestamp(s.endMs),
    durationSeconds(s),
    s.events,
    s.pageviews,
    s.bounce,
    s.engaged,
    s.entryPage,
    s.exitPage,
    s.endReason,
    s.source,
    s.medium,
    s.campaign,
    s.referrer,
    s.deviceType,
    s.browser,
    s.os,
    s.timezone,
    roundValue(s.value),
    s.conversions,
  ];
}

export function toSessionRecord(s: Session): SessionRecord {
  const row = toSessionRow(s);
  return Object.fromEntries(SESSION_FIELDS.map((f, i) => [f, row[i]!])) as SessionRecord;
}
