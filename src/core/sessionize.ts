/**
 * The library entry point: plain objects in, sessions out, with every rejected row and
 * duplicate counted.
 *
 *   const { sessions, rejected, duplicates } = sessionize(
 *     [{ anonymous_id: 'a', timestamp: '2026-03-08T10:00:00Z', url: '/' }],
 *     createRules({ timeoutMs: 30 * 60_000 }),
 *   );
 */
import { type BatchOptions, sessionizeColumns } from './batch.ts';
import { EventColumnsBuilder } from './columns.ts';
import type { EventInput, StintEvent } from './event.ts';
import { createNormalizer, type NormalizeOptions } from './normalize.ts';
import type { EventRejectReason } from './reject-reasons.ts';
import { createRules, type SessionRules } from './rules.ts';
import type { Session } from './session.ts';

export interface SessionizeResult {
  readonly sessions: Session[];
  /** Inputs that could not be used, by their index in the input array. */
  readonly rejected: { index: number; reason: EventRejectReason; detail: string }[];
  /** Events dropped as retries of an earlier `event_id`. */
  readonly duplicates: number;
}

export function sessionize(
  events: Iterable<EventInput>,
  rules: SessionRules = createRules(),
  options: Omit<NormalizeOptions, 'sessionKey'> = {},
): SessionizeResult {
  const normalize = createNormalizer({ ...options, sessionKey: rules.sessionKey });
  const builder = new EventColumnsBuilder();
  const rejected: SessionizeResult['rejected'] = [];
  let index = 0;
  for (const input of events) {
    const result = normalize(input);
    if (result.ok) builder.append(result.event);
    else rejected.push({ index, reason: result.reason, detail: result.detail });
    index++;
  }
  return { sessions: sessionizeColumns(builder.finish(), rules), rejected, duplicates: builder.duplicates };
}

/** Sessions of already validated events, in the given order (ties keep it). */
export function sessionizeEvents(
  events: Iterable<StintEvent>,
  rules: SessionRules,
  options: BatchOptions = {},
): Session[] {
  const builder = new EventColumnsBuilder();
  for (const e of events) builder.append(e);
  return sessionizeColumns(builder.finish(), rules, options);
}
