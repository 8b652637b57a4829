/**
 * The worked tables of docs/sessions.md, examples 1 to 12, run as written: the same events in,
 * the same sessions out. If one of these fails, the page or the engine is wrong.
 */
import { describe, expect, it } from 'vitest';
import { createRules } from '../../src/core/rules.ts';
import { sessionize } from '../../src/core/sessionize.ts';
import { toSessionRecord } from '../../src/schema/sessions.ts';
import { cut, ev, iso, row } from '../helpers/worked.ts';

describe('rule 1: timeout', () => {
  it('example 1a: A@10:00, A@10:20, A@11:00 gives two sessions', () => {
    const events = [ev('A', '10:00'), ev('A', '10:20'), ev('A', '11:00')];
    expect(cut(sessionize(events).sessions)).toEqual([
      row('A', '10:00', '10:20', 2, 2, 'timeout'),
      row('A', '11:00', '11:00', 1, 1, 'open'),
    ]);
  });

  it('example 1a: then A@10:40 arrives and bridges them into one', () => {
    const events = [ev('A', '10:00'), ev('A', '10:20'), ev('A', '11:00'), ev('A', '10:40')];
    expect(cut(sessionize(events).sessions)).toEqual([row('A', '10:00', '11:00', 4, 4, 'open')]);
  });

  it('example 1b: a gap of exactly the timeout continues, one millisecond more splits', () => {
    const events = [ev('A', '10:00'), ev('A', '10:30'), ev('A', '11:00:00.001')];
    const sessions = cut(sessionize(events, createRules({ timeoutMs: 30 * 60_000 })).sessions);
    expect(sessions).toEqual([
      row('A', '10:00', '10:30', 2, 2, 'timeout'),
      row('A', '11:00:00.001', '11:00:00.001', 1, 1, 'open'),
    ]);
    expect(sessions[1]!.start).toBe('2026-03-10T11:00:00.001Z');
  });
});

describe('the last session of an identity', () => {
  it('example 2: end_event, timeout or open, measured against the latest time of the whole input', () => {
    const events = [
      ev('A', '10:00'),
      ev('A', '10:10', { event: 'session_end' }),
      ev('B', '10:00'),
      ev('B', '10:15'),
      ev('C', '10:30'),
      ev('C', '10:50'),
      ev('D', '10:20'),
    ];
    expect(cut(sessionize(events).sessions)).toEqual([
      row('A', '10:00', '10:10', 2, 1, 'end_event'),
      row('B', '10:00', '10:15', 2, 2, 'timeout'),
      row('C', '10:30', '10:50', 2, 2, 'open'),
      row('D', '10:20', '10:20', 1, 1, 'open'),
    ]);
  });
});

describe('rule 2: end events', () => {
  it('example 3: each listed end event closes its session, the last one included', () => {
    const events = [
      ev('A', '10:00', { url: '/' }),
      ev('A', '10:05', { event: 'logout' }),
      ev('A', '10:06', { url: '/' }),
      ev('A', '10:07', { event: 'session_end' }),
    ];
    const rules = createRules({ endEvents: ['session_end', 'logout'] });
    expect(cut(sessionize(events, rules).sessions)).toEqual([
      row('A', '10:00', '10:05', 2, 1, 'end_event'),
      row('A', '10:06', '10:07', 2, 1, 'end_event'),
    ]);
  });
});

describe('rule 3: start events', () => {
  it('example 4: a start event opens a session, and as the first event creates no empty one', () => {
    const events = [
      ev('A', '10:00', { event: 'session_start' }),
      ev('A', '10:01'),
      ev('A', '10:05'),
      ev('A', '10:06', { event: 'session_start' }),
      ev('A', '10:07'),
    ];
    expect(cut(sessionize(events).sessions)).toEqual([
      row('A', '10:00', '10:05', 3, 2, 'start_event'),
      row('A', '10:06', '10:07', 2, 1, 'open'),
    ]);
  });
});

describe('rule 4: max duration', () => {
  const events = ['10:00', '10:25', '10:50', '11:00', '11:15', '11:40'].map((t) => ev('A', t));

  it('example 5: --max-duration 1h splits 75 minutes after the start, not at exactly 60', () => {
    const rules = createRules({ maxDurationMs: 3_600_000 });
    expect(cut(sessionize(events, rules).sessions)).toEqual([
      row('A', '10:00', '11:00', 4, 4, 'max_duration'),
      row('A', '11:15', '11:40', 2, 2, 'open'),
    ]);
  });

  it('example 5: --max-duration none (Infinity) keeps one session', () => {
    const rules = createRules({ maxDurationMs: Number.POSITIVE_INFINITY });
    expect(cut(sessionize(events, rules).sessions)).toEqual([row('A', '10:00', '11:40', 6, 6, 'open')]);
  });
});

describe('rule 5: midnight', () => {
  const events = [ev('A', '22:50'), ev('A', '23:10'), ev('A', '23:30')];

  it('example 6a: in Europe/Berlin, local midnight is 23:00 UTC', () => {
    const rules = createRules({ splitAtMidnight: true, timezone: 'Europe/Berlin' });
    expect(cut(sessionize(events, rules).sessions)).toEqual([
      row('A', '22:50', '22:50', 1, 1, 'midnight'),
      row('A', '23:10', '23:30', 2, 2, 'open'),
    ]);
  });

  it('example 6a: with the default zone UTC the same events stay together', () => {
    const rules = createRules({ splitAtMidnight: true });
    expect(cut(sessionize(events, rules).sessions)).toEqual([row('A', '22:50', '23:30', 3, 3, 'open')]);
  });

  const rules = createRules({ splitAtMidnight: true });
  const NY = 'America/New_York';

  it("example 6b, B: the first event's zone is used, and 19:50/20:10 New York is one date", () => {
    const events = [ev('B', '2026-03-10T23:50Z', { timezone: NY }), ev('B', '2026-03-11T00:10Z')];
    expect(cut(sessionize(events, rules).sessions)).toEqual([
      row('B', '2026-03-10T23:50Z', '2026-03-11T00:10Z', 2, 2, 'open'),
    ]);
  });

  it('example 6b, C: 23:50 and 00:10 New York time split though UTC shows one date', () => {
    const events = [ev('C', '2026-03-11T03:50Z', { timezone: NY }), ev('C', '2026-03-11T04:10Z')];
    expect(cut(sessionize(events, rules).sessions)).toEqual([
      row('C', '2026-03-11T03:50Z', '2026-03-11T03:50Z', 1, 1, 'midnight'),
      row('C', '2026-03-11T04:10Z', '2026-03-11T04:10Z', 1, 1, 'open'),
    ]);
  });

  it("example 6b, D: a zone on a later event does not change the session's zone, only its timezone field", () => {
    const events = [ev('D', '2026-03-11T03:50Z'), ev('D', '2026-03-11T04:10Z', { timezone: NY })];
    const { sessions } = sessionize(events, rules);
    expect(cut(sessions)).toEqual([row('D', '2026-03-11T03:50Z', '2026-03-11T04:10Z', 2, 2, 'open')]);
    expect(sessions[0]!.timezone).toBe(NY);
  });
});

describe('rule 6: campaign', () => {
  it('example 7: splits only when a non-empty campaign differs from the open session’s latest one', () => {
    const google = { utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'spring' };
    const newsletter = { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'march' };
    const events = [
      ev('A', '10:00'),
      ev('A', '10:05', google),
      ev('A', '10:10'),
      ev('A', '10:15', google),
      ev('A', '10:20', newsletter),
      ev('A', '10:25'),
      ev('A', '10:30', google),
    ];
    const { sessions } = sessionize(events, createRules({ splitOnCampaign: true }));
    expect(cut(sessions)).toEqual([
      row('A', '10:00', '10:15', 4, 4, 'campaign'),
      row('A', '10:20', '10:25', 2, 2, 'campaign'),
      row('A', '10:30', '10:30', 1, 1, 'open'),
    ]);
    expect(sessions.map((s) => [s.source, s.medium, s.campaign])).toEqual([
      ['Google', 'cpc', 'spring'],
      ['newsletter', 'email', 'march'],
      ['Google', 'cpc', 'spring'],
    ]);
  });
});

describe('rule 7: session key', () => {
  it('example 8: every change of the key splits, empty included', () => {
    const keys: [string, string][] = [
      ['10:00', 's1'],
      ['10:05', 's1'],
      ['10:10', 's2'],
      ['10:15', ''],
      ['10:20', ''],
      ['10:25', 's2'],
    ];
    const events = keys.map(([t, key]) => ev('A', t, { session_id: key }));
    expect(cut(sessionize(events, createRules({ sessionKey: 'session_id' })).sessions)).toEqual([
      row('A', '10:00', '10:05', 2, 2, 'session_id'),
      row('A', '10:10', '10:10', 1, 1, 'session_id'),
      row('A', '10:15', '10:20', 2, 2, 'session_id'),
      row('A', '10:25', '10:25', 1, 1, 'open'),
    ]);
  });
});

describe('identity', () => {
  const events = [
    ev('d1', '10:00', { url: '/home' }),
    ev('d1', '10:05', { url: '/login', user_id: 'u1' }),
    ev('d2', '10:12', { url: '/app', user_id: 'u1' }),
    { user_id: 'u1', timestamp: iso('10:20'), event: 'purchase' },
    ev('d3', '10:30', { url: '/' }),
  ];
  const who = (s: { userId: string; anonymousId: string }) => [s.userId, s.anonymousId];

  it('example 9: --identity device keeps each device, and a user-only event, apart', () => {
    const { sessions } = sessionize(events, createRules({ identity: 'device' }));
    expect(cut(sessions)).toEqual([
      row('d1', '10:00', '10:05', 2, 2, 'open'),
      row('d2', '10:12', '10:12', 1, 1, 'open'),
      row('d3', '10:30', '10:30', 1, 1, 'open'),
      row('u1', '10:20', '10:20', 1, 0, 'open'),
    ]);
    expect(sessions.map(who)).toEqual([
      ['u1', 'd1'],
      ['u1', 'd2'],
      ['', 'd3'],
      ['u1', ''],
    ]);
  });

  it('example 9: --identity user links both devices, earlier events included, into one session', () => {
    const { sessions } = sessionize(events, createRules({ identity: 'user' }));
    expect(cut(sessions)).toEqual([
      row('d3', '10:30', '10:30', 1, 1, 'open'),
      row('u1', '10:00', '10:20', 4, 3, 'open'),
    ]);
    expect(sessions.map(who)).toEqual([
      ['', 'd3'],
      ['u1', 'd1'],
    ]);
  });
});

describe('duplicates', () => {
  it('example 10: the first occurrence of an event_id is kept; rows without one are never merged', () => {
    const events = [
      ev('A', '10:00', { url: '/a', event_id: 'x1' }),
      ev('A', '10:00', { url: '/b', event_id: 'x1' }),
      ev('A', '10:01', { url: '/c', event_id: 'x2' }),
      ev('A', '10:02', { url: '/d' }),
      ev('A', '10:02', { url: '/d' }),
    ];
    const { sessions, duplicates } = sessionize(events);
    expect(cut(sessions)).toEqual([row('A', '10:00', '10:02', 4, 4, 'open')]);
    expect([sessions[0]!.entryPage, sessions[0]!.exitPage]).toEqual(['/a', '/d']);
    expect(duplicates).toBe(1);
  });
});

describe('session fields', () => {
  it('example 11: bounce, engaged, entry and exit pages, conversions and value', () => {
    const events = [
      ev('A', '10:00', { url: '/' }),
      ev('B', '10:00', { url: '/p' }),
      ev('B', '10:00:05', { event: 'click' }),
      ev('C', '10:00', { event: 'session_start' }),
      ev('C', '10:00:04', { url: '/p' }),
      ev('C', '10:00:10', { event: 'session_end' }),
      ev('D', '10:00', { url: '/a' }),
      ev('D', '10:00:03', { url: '/b' }),
      ev('E', '10:00', { url: '/cart' }),
      ev('E', '10:00:02', { event: 'purchase', value: 49.9 }),
      ev('F', '10:00', { url: 'https://shop.example/Shoes/?size=9#top' }),
      ev('F', '10:00:01', { event: 'click', url: '/ignored' }),
      ev('F', '10:00:02'),
    ];
    const { sessions } = sessionize(events, createRules({ goals: ['purchase'] }));
    const shown = sessions.map((s) => {
      const r = toSessionRecord(s);
      return [
        r.identity,
        r.pageviews,
        r.duration_s,
        r.bounce,
        r.engaged,
        r.entry_page,
        r.exit_page,
        r.conversions,
        r.value,
      ];
    });
    expect(shown).toEqual([
      ['A', 1, 0, true, false, '/', '/', 0, 0],
      ['B', 1, 5, false, false, '/p', '/p', 0, 0],
      ['C', 1, 10, true, true, '/p', '/p', 0, 0],
      ['D', 2, 3, false, true, '/a', '/b', 0, 0],
      ['E', 1, 2, false, true, '/cart', '/cart', 1, 49.9],
      ['F', 2, 2, false, true, '/Shoes/', '', 0, 0],
    ]);
  });

  it('example 12: attribution, referrer and timezone come from the first event that has them', () => {
    const events = [
      ev('A', '10:00', { referrer: 'https://news.example/', url: '/' }),
      ev('A', '10:01', { utm_term: 'shoes', url: '/s', timezone: 'Europe/Berlin' }),
      ev('A', '10:02', {
        referrer: 'https://other.example/',
        url: '/p?utm_source=google&utm_medium=cpc&utm_campaign=spring%20sale',
        timezone: 'Asia/Tokyo',
      }),
      ev('A', '10:03', { utm_source: 'bing', url: '/q' }),
    ];
    const { sessions } = sessionize(events);
    expect(sessions).toHaveLength(1);
    const r = toSessionRecord(sessions[0]!);
    expect([r.referrer, r.source, r.medium, r.campaign, r.timezone]).toEqual([
      'https://news.example/',
      'Google',
      'cpc',
      'spring sale',
      'Europe/Berlin',
    ]);
  });
});
