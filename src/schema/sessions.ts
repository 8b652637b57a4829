/**
 * The session fields, each written once (SESSIONS.md section 4): their order, type and value.
 * The CSV/NDJSON/Parquet writers, `toSessionRow`/`toSessionRecord` and the sessions table derive from it.
 *
 *   toSessionRecord(s) // { session_id, identity, user_id, …, start: '2026-03-08T07:04:08.508Z', … }
 */
import { durationSeconds, roundValue, type Session } from '../core/session.ts';
import { formatTimestamp } from '../core/timestamp.ts';
import type { Column, FieldType } from './types.ts';

type Out = string | number | boolean;

interface SessionFieldSpec {
  readonly name: string;
  readonly type: FieldType;
  /** The field's value in an output row (times as ISO text). */
  readonly of: (s: Session) => Out;
}

/** The output fields, in the contract's order, with how a `Session` gives each. */
export const SESSION_SPECS = [
  { name: 'session_id', type: 'text', of: (s) => s.sessionId },
  { name: 'identity', type: 'text', of: (s) => s.identity },
  { name: 'user_id', type: 'text', of: (s) => s.userId },
  { name: 'anonymous_id', type: 'text', of: (s) => s.anonymousId },
  { name: 'start', type: 'time', of: (s) => formatTimestamp(s.startMs) },
  { name: 'end', type: 'time', of: (s) => formatTimestamp(s.endMs) },
  { name: 'duration_s', type: 'double', of: durationSeconds },
  { name: 'events', type: 'count', of: (s) => s.events },
  { name: 'pageviews', type: 'count', of: (s) => s.pageviews },
  { name: 'bounce', type: 'bool', of: (s) => s.bounce },
  { name: 'engaged', type: 'bool', of: (s) => s.engaged },
  { name: 'entry_page', type: 'text', of: (s) => s.entryPage },
  { name: 'exit_page', type: 'text', of: (s) => s.exitPage },
  { name: 'end_reason', type: 'text', of: (s) => s.endReason },
  { name: 'source', type: 'text', of: (s) => s.source },
  { name: 'medium', type: 'text', of: (s) => s.medium },
  { name: 'campaign', type: 'text', of: (s) => s.campaign },
  { name: 'referrer', type: 'text', of: (s) => s.referrer },
  { name: 'channel', type: 'text', of: (s) => s.channel },
  { name: 'country', type: 'text', of: (s) => s.country },
  { name: 'device_type', type: 'text', of: (s) => s.deviceType },
  { name: 'browser', type: 'text', of: (s) => s.browser },
  { name: 'os', type: 'text', of: (s) => s.os },
  { name: 'timezone', type: 'text', of: (s) => s.timezone },
  { name: 'value', type: 'double', of: (s) => roundValue(s.value) },
  { name: 'conversions', type: 'count', of: (s) => s.conversions },
] as const satisfies readonly SessionFieldSpec[];

/** The output fields' names, in the contract's order. */
export const SESSION_FIELDS = SESSION_SPECS.map((f) => f.name) as unknown as Names<typeof SESSION_SPECS>;

type Names<T extends readonly { name: string }[]> = {
  readonly [K in keyof T]: T[K] extends { name: infer N } ? N : never;
};

export type SessionField = (typeof SESSION_FIELDS)[number];
export type SessionRecord = { [K in SessionField]: Out };

/** The values of `SESSION_FIELDS`, in order. */
export function toSessionRow(s: Session): Out[] {
  const row: Out[] = new Array(SESSION_SPECS.length);
  for (let i = 0; i < SESSION_SPECS.length; i++) row[i] = SESSION_SPECS[i]!.of(s);
  return row;
}

export function toSessionRecord(s: Session): SessionRecord {
  const row = toSessionRow(s);
  return Object.fromEntries(SESSION_FIELDS.map((f, i) => [f, row[i]!])) as SessionRecord;
}

/**
 * The sessions table's columns, in order: the output fields (a time as `NAME_ms`, epoch
 * milliseconds), then what the store keeps beside them.
 */
export const SESSION_COLUMNS: readonly Column[] = [
  ...SESSION_SPECS.map((f) => ({ name: f.type === 'time' ? `${f.name}_ms` : f.name, type: f.type })),
  { name: 'rules_version', type: 'int32' },
  { name: 'pages', type: 'text_list' },
  { name: 'identity_no', type: 'int32' },
];
