/**
 * The streaming driver as docs/sessions.md describes it (examples 13 and 14): the watermark,
 * late events reported rather than dropped, merges, and user-mode re-keying of open sessions only.
 */
import { describe, expect, it } from 'vitest';
import { createRules } from '../../src/core/rules.ts';
import type { Session } from '../../src/core/session.ts';
import { sessionId } from '../../src/core/session-id.ts';
import { sessionize } from '../../src/core/sessionize.ts';
import { createSessionizer, type StreamUpdate } from '../../src/core/stream.ts';
import { cut, ev, ms, row } from '../helpers/worked.ts';

const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);

/** One line per update, in the words of example 13. */
function say(u: StreamUpdate): string {
  switch (u.kind) {
    case 'late':
      return `late ${u.identity} ${hhmm(u.tsMs)} watermark ${hhmm(u.watermarkMs)}`;
    case 'duplicate':
      return `duplicate ${u.eventId}`;
    case 'rejected':
      return `rejected ${u.reason}`;
    default: {
      const s = u.session;
      return `${u.kind} ${s.identity} ${hhmm(s.startMs)}–${hhmm(s.endMs)} ${s.events} ${s.endReason}`;
    }
  }
}

function sessionOf(u: StreamUpdate): Session | undefined {
  return 'session' in u ? u.session : undefined;
}

describe('example 13: timeout 5m, lateness 10m', () => {
  it('reports starts, a merge, a late event and closes, with the watermark at each step', () => {
    const stream = createSessionizer(createRules({ timeoutMs: 5 * 60_000 }), { latenessMs: 10 * 60_000 });
    const step = (who: string, time: string) => {
      const updates = stream.push(ev(who, time));
      return { updates, said: updates.map(say), watermark: hhmm(stream.watermarkMs) };
    };

    const a1 = step('A', '10:00');
    expect([a1.watermark, a1.said]).toEqual(['09:50', ['started A 10:00–10:00 1 open']]);

    const a2 = step('A', '10:08');
    expect([a2.watermark, a2.said]).toEqual([
      '09:58',
      ['extended A 10:00–10:00 1 timeout', 'started A 10:08–10:08 1 open'],
    ]);
    const tenOhEight = sessionOf(a2.updates[1]!)!.sessionId;

    const a3 = step('A', '10:04');
    expect([a3.watermark, a3.said]).toEqual(['09:58', ['merged A 10:00–10:08 3 open']]);
    expect(a3.updates[0]).toMatchObject({ kind: 'merged', replaces: [tenOhEight] });

    const b = step('B', '10:30');
    expect([b.watermark, b.said]).toEqual(['10:20', ['started B 10:30–10:30 1 open']]);

    const late = step('A', '10:15');
    expect([late.watermark, late.said]).toEqual(['10:20', ['late A 10:15 watermark 10:20']]);
    // Reported with the event itself, so the caller can store it and re-run batch.
    expect(late.updates[0]).toMatchObject({ kind: 'late', event: { anonymousId: 'A', tsMs: ms('10:15') } });

    const a4 = step('A', '10:21');
    expect([a4.watermark, a4.said]).toEqual([
      '10:20',
      [
        'extended A 10:00–10:08 3 timeout',
        'started A 10:21–10:21 1 timeout',
        'closed A 10:00–10:08 3 timeout',
      ],
    ]);

    expect(stream.flush().map(say)).toEqual([
      'closed A 10:21–10:21 1 timeout',
      'closed B 10:30–10:30 1 open',
    ]);
  });

  it('an event exactly at the watermark is not late', () => {
    const stream = createSessionizer(createRules(), { latenessMs: 10 * 60_000 });
    stream.push(ev('B', '10:30'));
    expect(stream.push(ev('A', '10:20')).map(say)).toEqual(['started A 10:20–10:20 1 open']);
    expect(stream.push(ev('A', '10:19:59.999')).map(say)).toEqual(['late A 10:19 watermark 10:20']);
  });
});

describe('example 1a, streamed', () => {
  it('A@10:00, A@10:20, A@11:00 then A@10:40: the late arrival merges two sessions', () => {
    const stream = createSessionizer(createRules(), { latenessMs: 60 * 60_000 });
    const updates = ['10:00', '10:20', '11:00'].flatMap((t) => stream.push(ev('A', t)));
    expect(updates.map(say).at(-1)).toBe('started A 11:00–11:00 1 open');
    const merge = stream.push(ev('A', '10:40'));
    expect(merge.map(say)).toEqual(['merged A 10:00–11:00 4 open']);
    expect(merge[0]).toMatchObject({ replaces: [sessionId('A', ms('11:00'))] });
    expect(cut(stream.flush().map((u) => sessionOf(u)!))).toEqual([row('A', '10:00', '11:00', 4, 4, 'open')]);
  });
});

describe('other stream reports', () => {
  it('retries and bad rows are reported, not silently dropped', () => {
    const stream = createSessionizer(createRules(), { latenessMs: 0 });
    stream.push(ev('A', '10:00', { event_id: 'e1' }));
    expect(stream.push(ev('A', '10:01', { event_id: 'e1' })).map(say)).toEqual(['duplicate e1']);
    expect(stream.push({ anonymous_id: 'A', timestamp: 'never' }).map(say)).toEqual([
      'rejected bad_timestamp',
    ]);
    expect(stream.push({ timestamp: '2026-03-10T10:02:00Z' }).map(say)).toEqual(['rejected no_identity']);
  });

  it('the watermark never moves back', () => {
    const stream = createSessionizer(createRules(), { latenessMs: 0 });
    stream.push(ev('A', '10:30'));
    expect(stream.advance(ms('10:00'))).toEqual([]);
    expect(hhmm(stream.watermarkMs)).toBe('10:30');
    stream.advance(ms('11:00'));
    expect(hhmm(stream.watermarkMs)).toBe('11:00');
  });

  it('advance() closes sessions the watermark has passed (last event + timeout)', () => {
    const stream = createSessionizer(createRules(), { latenessMs: 0 });
    stream.push(ev('A', '10:00'));
    expect(stream.advance(ms('10:30'))).toEqual([]);
    expect(stream.advance(ms('10:30:00.001')).map(say)).toEqual(['closed A 10:00–10:00 1 timeout']);
    expect(stream.openSessions).toBe(0);
  });
});

describe('example 14: user mode re-keys only sessions that are still open', () => {
  const rules = createRules({ identity: 'user' });
  const events = [ev('d1', '10:00'), ev('d1', '10:45'), ev('d1', '10:50', { user_id: 'u1' })];

  it('stream then flush: the closed device session keeps the device; the open one moves to the user', () => {
    const stream = createSessionizer(rules, { latenessMs: 0 });
    const updates = [...events.flatMap((e) => stream.push(e)), ...stream.flush()];
    const closed = updates.filter((u) => u.kind === 'closed').map((u) => sessionOf(u)!);
    expect(cut(closed)).toEqual([
      row('d1', '10:00', '10:00', 1, 1, 'timeout'),
      row('u1', '10:45', '10:50', 2, 2, 'open'),
    ]);
  });

  it('batch moves both to the user', () => {
    expect(cut(sessionize(events, rules).sessions)).toEqual([
      row('u1', '10:00', '10:00', 1, 1, 'timeout'),
      row('u1', '10:45', '10:50', 2, 2, 'open'),
    ]);
  });

  it("a link replaces the device's open session: the user's session lists its id in replaces", () => {
    const stream = createSessionizer(rules, { latenessMs: 0 });
    const deviceSession = sessionOf(stream.push(ev('d1', '10:00'))[0]!)!.sessionId;
    const updates = stream.push(ev('d1', '10:05', { user_id: 'u1' }));
    const replacing = updates.filter((u) => 'replaces' in u && u.replaces.includes(deviceSession));
    expect(replacing.map((u) => sessionOf(u)!.identity)).toEqual(['u1']);
    expect(cut([sessionOf(updates.at(-1)!)!])).toEqual([row('u1', '10:00', '10:05', 2, 2, 'open')]);
  });
});

describe('stream and batch agree once all events are in', () => {
  // Two sessions of A start in the same millisecond (the first is a lone end event), so batch
  // gives the second one ordinal 1. The stream closes the first one early (the watermark has
  // passed it), re-walks the rest on its own, and hands the second session ordinal 0: the
  // very id of the closed first session. A consumer keyed by session id loses a session.
  it('a second session that starts in the same millisecond keeps ordinal 1 after the first closes', () => {
    const events = [
      ev('A', '10:00', { event: 'session_end' }),
      ev('A', '10:00', { url: '/a' }),
      ev('A', '10:20', { url: '/b' }),
      ev('B', '10:50', { url: '/x' }),
      ev('A', '10:41', { url: '/c' }),
    ];
    const batchIds = sessionize(events).sessions.map((s) => s.sessionId);
    expect(batchIds).toEqual([
      sessionId('A', ms('10:00'), 0),
      sessionId('A', ms('10:00'), 1),
      sessionId('B', ms('10:50'), 0),
    ]);
    const stream = createSessionizer(createRules(), { latenessMs: 10 * 60_000 });
    const updates = [...events.flatMap((e) => stream.push(e)), ...stream.flush()];
    const closedIds = updates.filter((u) => u.kind === 'closed').map((u) => sessionOf(u)!.sessionId);
    expect(closedIds.sort()).toEqual([...batchIds].sort());
  });
});
