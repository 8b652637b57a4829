/**
 * The writer's live view asks the core rules whether a visitor's session is open: not once its
 * last event is an end event, nor once the latest event of all is more than the timeout after
 * its last; a late event older than the end event leaves it over.
 */
import { describe, expect, it } from 'vitest';
import { createRules } from '../../src/core/rules.ts';
import { createLiveView } from '../../src/server/writer/live-view.ts';
import { ev } from '../helpers/store.ts';

describe('writer live view', () => {
  it('counts a visitor whose last event is an end event as over, as the store does', () => {
    const live = createLiveView(createRules());
    live.note(ev('a', '2026-11-20T10:00:00Z'));
    live.note(ev('b', '2026-11-20T10:01:00Z'));
    expect(live.openSessions()).toBe(2);
    live.note(ev('a', '2026-11-20T10:02:00Z', { name: 'session_end' }));
    expect(live.openSessions()).toBe(1);
    expect(live.isActive('a')).toBe(false);
    // A late event before the end event: the end event is still the last.
    live.note(ev('a', '2026-11-20T10:01:30Z'));
    expect(live.isActive('a')).toBe(false);
    // A later event starts a new session.
    live.note(ev('a', '2026-11-20T10:05:00Z'));
    expect(live.isActive('a')).toBe(true);
    expect(live.openSessions()).toBe(2);
  });

  it('closes sessions by the timeout of the rules, against the latest event of all', () => {
    const live = createLiveView(createRules({ timeoutMs: 10 * 60_000 }));
    live.note(ev('a', '2026-11-20T10:00:00Z'));
    live.note(ev('b', '2026-11-20T10:10:00Z'));
    expect(live.isActive('a')).toBe(true); // a gap of exactly the timeout continues
    live.note(ev('b', '2026-11-20T10:10:01Z'));
    expect(live.isActive('a')).toBe(false);
    expect(live.openSessions()).toBe(1);
  });

  it('takes the later arrival as the last event when two share a millisecond', () => {
    const live = createLiveView(createRules());
    live.note(ev('a', '2026-11-20T10:00:00Z', { name: 'session_end' }));
    live.note(ev('a', '2026-11-20T10:00:00Z'));
    expect(live.isActive('a')).toBe(true);
  });
});
