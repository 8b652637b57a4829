/**
 * stint as a library: the pure engine (rules, batch and streaming sessionizers, session fields).
 *
 *   import { sessionize, createRules } from 'stint';
 *   const { sessions } = sessionize(events, createRules({ timeoutMs: 30 * 60_000 }));
 */
export { sessionizeColumns } from './core/batch.ts';
export { type EventColumns, EventColumnsBuilder } from './core/columns.ts';
export { formatDuration, parseDuration } from './core/duration.ts';
export { StintError, type StintErrorCode } from './core/errors.ts';
export type { EventInput, StintEvent } from './core/event.ts';
export { createNormalizer, type NormalizeResult } from './core/normalize.ts';
export type { EventRejectReason, RejectReason } from './core/reject-reasons.ts';
export { createRules, DEFAULT_RULES, type IdentityMode, type SessionRules } from './core/rules.ts';
export type { EndReason, Session } from './core/session.ts';
export { sessionId } from './core/session-id.ts';
export { type SessionizeResult, sessionize, sessionizeEvents } from './core/sessionize.ts';
export { createSessionizer, type Sessionizer, type StreamOptions, type StreamUpdate } from './core/stream.ts';
export { formatTimestamp, parseTimestamp } from './core/timestamp.ts';
export { SESSION_FIELDS, type SessionRecord, toSessionRecord, toSessionRow } from './schema/sessions.ts';
