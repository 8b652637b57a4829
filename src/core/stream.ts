/**
 * The streaming driver: events in any order, sessions out as they start, grow, merge and close.
 * The watermark is the latest event time seen minus the allowed lateness (or later, if
 * `advance()` moves it). An event older than the watermark is late: it is reported with its
 * identity, time and the watermark, never dropped silently (the caller stores it and
 * re-sessionizes that identity in batch). Within the lateness an event extends, bridges or
 * merges sessions. A session closes once the watermark passes its last event + timeout.
 *
 * The rules are the batch driver's: each identity's pending events are re-walked by it, so
 * streaming then `flush()` gives exactly the batch sessions of the same (non-late) events.
 *
 *   timeout 5m, lateness 10m: A@10:00 → started; A@10:08 → started (gap 8m > 5m);
 *   A@10:04 (late but within lateness) → merged: one session 10:00–10:08 replaces both.
 */
import { deviceIdentity, type EventInput, type StintEvent } from './event.ts';
import { createNormalizer } from './normalize.ts';
import type { EventRejectReason } from './reject-reasons.ts';
import type { SessionRules } from './rules.ts';
import type { Session } from './session.ts';
import { sessionizeEvents } from './sessionize.ts';

export type StreamUpdate =
  | { kind: 'started'; session: Session }
  /** The session grew or changed; `replaces` lists ids it supersedes (its start moved earlier). */
  | { kind: 'extended'; session: Session; replaces: string[] }
  /** One event bridged several sessions: this one replaces all of `replaces`. */
  | { kind: 'merged'; session: Session; replaces: string[] }
  /** Final: no event within the lateness can change it any more. */
  | { kind: 'closed'; session: Session }
  | { kind: 'late'; identity: string; tsMs: number; watermarkMs: number; event: StintEvent }
  | { kind: 'duplicate'; eventId: string }
  | { kind: 'rejected'; reason: EventRejectReason; detail: string };

export interface StreamOptions {
  /** How far behind the latest event time an event may arrive and still join sessions. */
  readonly latenessMs: number;
}

export interface Sessionizer {
  /** Validates and adds a raw event (canonical field names). */
  push(input: EventInput): StreamUpdate[];
  /** Adds an already validated event. */
  pushEvent(event: StintEvent): StreamUpdate[];
  /** Moves the watermark forward (never back) and closes what it passes. */
  advance(watermarkMs: number): StreamUpdate[];
  /** All events are in: closes every session with its final end reason. */
  flush(): StreamUpdate[];
  readonly watermarkMs: number;
  /** Sessions not yet closed. */
  readonly openSessions: number;
}

interface Pending {
  event: StintEvent;
  seq: number;
  /** Id of the session this event was in after the last walk. */
  sessionId: string;
}

interface IdentityState {
  /** Sorted by time, then arrival. */
  events: Pending[];
  sessions: Session[];
  /** Start and ordinal of the last closed session, so ids stay distinct (see BatchOptions.after). */
  after: { startMs: number; ordinal: number } | undefined;
}

export function createSessionizer(rules: SessionRules, options: StreamOptions): Sessionizer {
  if (!(options.latenessMs >= 0))
    throw new RangeError('latenessMs must be a non-negative number of milliseconds');
  const normalize = createNormalizer({ sessionKey: rules.sessionKey });
  const states = new Map<string, IdentityState>();
  const seenEventIds = new Set<string>();
  /** user mode: anonymous_id → the user it is linked to, with the linking event's time and arrival. */
  const links = new Map<string, { userId: string; tsMs: number; seq: number }>();
  let seq = 0;
  let maxTsMs = Number.NEGATIVE_INFINITY;
  let watermarkMs = Number.NEGATIVE_INFINITY;
  let openSessions = 0;

  const keyOf = (e: StintEvent): string => {
    if (rules.identity === 'user' && e.anonymousId !== '')
      return links.get(e.anonymousId)?.userId ?? e.anonymousId;
    return deviceIdentity(e);
  };

  /** Re-walks one identity's pending events and reports what changed. */
  const rewalk = (key: string, state: IdentityState, updates: StreamUpdate[]): void => {
    const before = new Map(state.sessions.map((s) => [s.sessionId, s]));
    const sessions = sessionizeEvents(
      state.events.map((p) => p.event),
      rules,
      { maxTsMs, identity: key, after: state.after },
    );
    let position = 0;
    for (const s of sessions) {
      const previousIds = new Set<string>();
      for (let k = 0; k < s.events; k++) {
        const p = state.events[position + k]!;
        if (p.sessionId !== '') previousIds.add(p.sessionId);
        p.sessionId = s.sessionId;
      }
      position += s.events;
      const old = before.get(s.sessionId);
      const replaces = [...previousIds].filter(
        (id) => id !== s.sessionId && !sessions.some((n) => n.sessionId === id),
      );
      if (old !== undefined && replaces.length === 0 && sameSession(old, s)) continue;
      if (previousIds.size >= 2) updates.push({ kind: 'merged', session: s, replaces });
      else if (old !== undefined || replaces.length === 1)
        updates.push({ kind: 'extended', session: s, replaces });
      else updates.push({ kind: 'started', session: s });
    }
    openSessions += sessions.length - state.sessions.length;
    state.sessions = sessions;
    if (state.events.length === 0) states.delete(key);
  };

  /** Closes the leading sessions of one identity that the watermark (or a flush) has passed. */
  const close = (key: string, state: IdentityState, all: boolean, updates: StreamUpdate[]): void => {
    let closedEvents = 0;
    let closed = 0;
    for (const s of state.sessions) {
      if (!all && watermarkMs <= s.endMs + rules.timeoutMs) break;
      const final: Session = all || s.endReason !== 'open' ? s : { ...s, endReason: 'timeout' };
      updates.push({ kind: 'closed', session: final });
      state.after = {
        startMs: s.startMs,
        ordinal: state.after?.startMs === s.startMs ? state.after.ordinal + 1 : 0,
      };
      closedEvents += s.events;
      closed++;
    }
    if (closed === 0) return;
    state.events = state.events.slice(closedEvents);
    state.sessions = state.sessions.slice(closed);
    openSessions -= closed;
    if (state.events.length === 0) states.delete(key);
  };

  const insert = (key: string, pending: Pending): IdentityState => {
    let state = states.get(key);
    if (state === undefined) {
      state = { events: [], sessions: [], after: undefined };
      states.set(key, state);
    }
    const list = state.events;
    let i = list.length;
    while (i > 0 && later(list[i - 1]!, pending)) i--;
    list.splice(i, 0, pending);
    return state;
  };

  /** user mode: a new or earlier link moves the device's pending events to its user. */
  const relink = (event: StintEvent, arrival: number, updates: StreamUpdate[]): void => {
    if (rules.identity !== 'user' || event.anonymousId === '' || event.userId === '') return;
    const current = links.get(event.anonymousId);
    if (current !== undefined && current.tsMs <= event.tsMs) return;
    const from = current?.userId ?? event.anonymousId;
    links.set(event.anonymousId, { userId: event.userId, tsMs: event.tsMs, seq: arrival });
    if (from === event.userId) return;
    const source = states.get(from);
    if (source === undefined) return;
    const moving = source.events.filter((p) => p.event.anonymousId === event.anonymousId);
    if (moving.length === 0) return;
    source.events = source.events.filter((p) => p.event.anonymousId !== event.anonymousId);
    rewalk(from, source, updates);
    let target: IdentityState | undefined;
    // Moved events keep their old session ids, so the user's sessions report replacing them.
    for (const p of moving) target = insert(event.userId, p);
    if (target !== undefined) rewalk(event.userId, target, updates);
  };

  const pushEvent = (event: StintEvent): StreamUpdate[] => {
    const updates: StreamUpdate[] = [];
    if (event.eventId !== '') {
      if (seenEventIds.has(event.eventId)) return [{ kind: 'duplicate', eventId: event.eventId }];
      seenEventIds.add(event.eventId);
    }
    if (event.tsMs < watermarkMs) {
      return [{ kind: 'late', identity: keyOf(event), tsMs: event.tsMs, watermarkMs, event }];
    }
    const arrival = seq++;
    relink(event, arrival, updates);
    if (event.tsMs > maxTsMs) {
      maxTsMs = event.tsMs;
      watermarkMs = Math.max(watermarkMs, maxTsMs - options.latenessMs);
    }
    const key = keyOf(event);
    const state = insert(key, { event, seq: arrival, sessionId: '' });
    rewalk(key, state, updates);
    close(key, state, false, updates);
    return updates;
  };

  return {
    push(input) {
      const result = normalize(input);
      return result.ok
        ? pushEvent(result.event)
        : [{ kind: 'rejected', reason: result.reason, detail: result.detail }];
    },
    pushEvent,
    advance(to) {
      const updates: StreamUpdate[] = [];
      if (to <= watermarkMs) return updates;
      watermarkMs = to;
      for (const [key, state] of [...states]) close(key, state, false, updates);
      return updates;
    },
    flush() {
      const updates: StreamUpdate[] = [];
      for (const [key, state] of [...states]) {
        rewalk(key, state, updates);
        close(key, state, true, updates);
      }
      return updates;
    },
    get watermarkMs() {
      return watermarkMs;
    },
    get openSessions() {
      return openSessions;
    },
  };
}

function later(a: Pending, b: Pending): boolean {
  return a.event.tsMs > b.event.tsMs || (a.event.tsMs === b.event.tsMs && a.seq > b.seq);
}

function sameSession(a: Session, b: Session): boolean {
  return (
    a.events === b.events && a.endMs === b.endMs && a.endReason === b.endReason && a.startMs === b.startMs
  );
}
