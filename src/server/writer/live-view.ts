/**
 * The writer's small picture of what is going on, for `/live` and `/metrics`: the latest event
 * time, each visitor's last event (by device identity), and the last few events. Whether a
 * visitor's session is open is the core's answer (core/last-session.ts): not after an end
 * event, nor once the latest event of all is more than the timeout after the visitor's last.
 */
import { deviceIdentity, type StintEvent } from '../../core/event.ts';
import { isEndEvent, isSessionOpen } from '../../core/last-session.ts';
import type { SessionRules } from '../../core/rules.ts';
import { pathOf } from '../../core/url.ts';

export interface LiveEvent {
  readonly ts: string;
  readonly event: string;
  readonly path: string;
  readonly visitor: string;
}

export interface LiveView {
  /** Takes an accepted event (in arrival order) into the picture. */
  note(e: StintEvent): void;
  /** Takes a commit's accepted events as the latest few. */
  noteRecent(events: readonly StintEvent[]): void;
  /** Takes a visitor whose session the store holds as open, at its last event time. */
  noteOpen(identity: string, lastTsMs: number): void;
  /** Takes the latest event time the store holds. */
  noteLatest(tsMs: number): void;
  /** Visitors whose session is open. */
  openSessions(): number;
  /** Whether this visitor's session is open. */
  isActive(identity: string): boolean;
  recentEvents(): readonly LiveEvent[];
  forgetVisitors(ids: readonly string[]): void;
  readonly latestTsMs: number;
  /** Once a second: forgets visitors whose sessions are over, `perTick` of them looked at wherever they are. */
  tick(perTick: number): void;
}

const RECENT = 50;

/** A walk over the active visitors, a slice a second: where it is, and how many it has left. */
interface Sweep {
  readonly entries: Iterator<[string, number]>;
  left: number;
}

export function createLiveView(rules: SessionRules): LiveView {
  /**
   * Each visitor's last event time, of those whose last event is not an end event, in the order
   * they were last active: so counting the open ones drops the over ones from the front and
   * stops at the first still open, instead of walking a million visitors each second a live
   * view asks.
   */
  const active = new Map<string, number>();
  /** Visitors whose last event is an end event (their session is over), with its time. */
  const ended = new Map<string, number>();
  let latestTsMs = Number.NEGATIVE_INFINITY;
  const recent: StintEvent[] = [];
  let sweep: Sweep | undefined;

  const open = (lastTsMs: number): boolean => isSessionOpen(rules, { lastTsMs, endEvent: false }, latestTsMs);

  function pruneActive(): void {
    for (const [id, ts] of active) {
      if (open(ts)) break;
      active.delete(id);
    }
    // An ended visitor is kept only while a late event could still be older than its end event
    // and yet within the timeout of the latest.
    for (const [id, ts] of ended) {
      if (open(ts)) break;
      ended.delete(id);
    }
  }

  /**
   * Forgets the over visitors among the sweep's next `count`; false once it has looked at as many
   * as there were when it began. Visitors active since then are at the end, and still open: a
   * sweep ends even while new ones keep coming, and the next one begins at the front.
   */
  function sweepActive(sweep: Sweep, count: number): boolean {
    for (let i = 0; i < count; i++) {
      if (sweep.left-- <= 0) return false;
      const next = sweep.entries.next();
      if (next.done) return false;
      if (!open(next.value[1])) active.delete(next.value[0]);
    }
    return true;
  }

  return {
    note(e) {
      latestTsMs = Math.max(latestTsMs, e.tsMs);
      const id = deviceIdentity(e);
      const last = active.get(id) ?? ended.get(id);
      // Not the visitor's last event: an earlier one came late. At the same time, the later
      // arrival is the last (ties in input order).
      if (last !== undefined && last > e.tsMs) return;
      // To the end: the map stays in the order of the visitors' latest activity.
      if (last !== undefined) {
        active.delete(id);
        ended.delete(id);
      }
      if (isEndEvent(rules, e.name)) ended.set(id, e.tsMs);
      else active.set(id, e.tsMs);
    },
    noteRecent(events) {
      recent.push(...events.slice(-RECENT));
      if (recent.length > RECENT) recent.splice(0, recent.length - RECENT);
    },
    noteOpen(identity, lastTsMs) {
      active.set(identity, lastTsMs);
    },
    noteLatest(tsMs) {
      latestTsMs = Math.max(latestTsMs, tsMs);
    },
    openSessions() {
      pruneActive();
      return active.size;
    },
    isActive(identity) {
      const ts = active.get(identity);
      return ts !== undefined && open(ts);
    },
    recentEvents: () =>
      recent.map((e) => ({
        ts: new Date(e.tsMs).toISOString(),
        event: e.name,
        path: e.url === '' ? '' : pathOf(e.url),
        visitor: deviceIdentity(e),
      })),
    forgetVisitors(list) {
      const gone = new Set(list);
      for (const id of gone) {
        active.delete(id);
        ended.delete(id);
      }
      const kept = recent.filter((e) => !gone.has(e.anonymousId) && !gone.has(e.userId));
      recent.splice(0, recent.length, ...kept);
    },
    get latestTsMs() {
      return latestTsMs;
    },
    tick(perTick) {
      pruneActive();
      sweep ??= { entries: active.entries(), left: active.size };
      if (!sweepActive(sweep, perTick)) sweep = undefined;
    },
  };
}
