/**
 * Edges of the seven rules, identity, duplicates and session fields (SESSIONS.md sections 2–4
 * and the decisions listed in docs/sessions.md), each pinned by a small example.
 */
import { describe, expect, it } from 'vitest';
import { createRules } from '../../src/core/rules.ts';
import { sessionId } from '../../src/core/session-id.ts';
import { sessionize } from '../../src/core/sessionize.ts';
import { toSessionRecord } from '../../src/schema/sessions.ts';
import { cut, ev, iso, ms, row } from '../helpers/worked.ts';

const reasons = (events: Parameters<typeof sessionize>[0], rules = createRules()) =>
  sessionize(events, rules).sessions.map((s) => s.endReason);

describe('rule 1 edges', () => {
  it('a gap of exactly a custom timeout (90s) continues; 1 ms more splits', () => {
    const rules = createRules({ timeoutMs: 90_000 });
    expect(cut(sessionize([ev('A', '10:00'), ev('A', '10:01:30')], rules).sessions)).toEqual([
      row('A', '10:00', '10:01:30', 2, 2, 'open'),
    ]);
    expect(cut(sessionize([ev('A', '10:00'), ev('A', '10:01:30.001')], rules).sessions)).toEqual([
      row('A', '10:00', '10:00', 1, 1, 'timeout'),
      row('A', '10:01:30.001', '10:01:30.001', 1, 1, 'open'),
    ]);
  });

  it('the timeout is measured from the previous event, not from the session start', () => {
    const events = ['10:00', '10:29', '10:58', '11:27'].map((t) => ev('A', t));
    expect(cut(sessionize(events).sessions)).toEqual([row('A', '10:00', '11:27', 4, 4, 'open')]);
  });

  it('the last session ends with timeout when another identity’s later event is more than the timeout after it', () => {
    expect(reasons([ev('A', '10:00'), ev('B', '10:30:00.001')])).toEqual(['timeout', 'open']);
    expect(reasons([ev('A', '10:00'), ev('B', '10:30')])).toEqual(['open', 'open']);
  });
});

describe('rules 2 and 3 edges', () => {
  it('an end event as the last event gives end_event even when the input goes on for hours', () => {
    const events = [ev('A', '10:00'), ev('A', '10:01', { event: 'session_end' }), ev('B', '15:00')];
    expect(cut(sessionize(events).sessions)).toEqual([
      row('A', '10:00', '10:01', 2, 1, 'end_event'),
      row('B', '15:00', '15:00', 1, 1, 'open'),
    ]);
  });

  it('a start event as the first event opens the first session and nothing before it', () => {
    const events = [ev('A', '10:00', { event: 'session_start' }), ev('A', '10:00:20', { url: '/' })];
    const { sessions } = sessionize(events);
    expect(cut(sessions)).toEqual([row('A', '10:00', '10:00:20', 2, 1, 'open')]);
    expect(sessions[0]!.bounce).toBe(true);
  });

  it('a lone end event is a session of its own', () => {
    const events = [ev('A', '10:00', { event: 'session_end' }), ev('A', '10:05')];
    expect(cut(sessionize(events).sessions)).toEqual([
      row('A', '10:00', '10:00', 1, 0, 'end_event'),
      row('A', '10:05', '10:05', 1, 1, 'open'),
    ]);
  });

  it('custom names replace the defaults: session_end is then an ordinary event', () => {
    const rules = createRules({ endEvents: ['bye'], startEvents: ['hello'] });
    const events = [
      ev('A', '10:00'),
      ev('A', '10:01', { event: 'session_end' }),
      ev('A', '10:02', { event: 'hello' }),
      ev('A', '10:03', { event: 'bye' }),
      ev('A', '10:04'),
    ];
    expect(reasons(events, rules)).toEqual(['start_event', 'end_event', 'open']);
  });
});

describe('rule precedence: the first rule that holds names the reason', () => {
  it('timeout before end_event', () => {
    expect(reasons([ev('A', '10:00', { event: 'session_end' }), ev('A', '10:45')])).toEqual([
      'timeout',
      'open',
    ]);
  });

  it('end_event before start_event', () => {
    const events = [ev('A', '10:00', { event: 'session_end' }), ev('A', '10:01', { event: 'session_start' })];
    expect(reasons(events)).toEqual(['end_event', 'open']);
  });

  it('start_event before max_duration, max_duration before midnight', () => {
    const rules = createRules({ maxDurationMs: 60_000, splitAtMidnight: true });
    expect(reasons([ev('A', '10:00'), ev('A', '10:02', { event: 'session_start' })], rules)).toEqual([
      'start_event',
      'open',
    ]);
    expect(reasons([ev('A', '23:59:50'), ev('A', '2026-03-11T00:00:10Z')], rules)).toEqual([
      'midnight',
      'open',
    ]);
    expect(reasons([ev('A', '23:58'), ev('A', '23:59'), ev('A', '2026-03-11T00:00:30Z')], rules)).toEqual([
      'max_duration',
      'open',
    ]);
  });

  it('campaign before session key', () => {
    const rules = createRules({ splitOnCampaign: true, sessionKey: 'session_id' });
    const events = [
      ev('A', '10:00', { utm_source: 'a', session_id: 's1' }),
      ev('A', '10:01', { utm_source: 'b', session_id: 's2' }),
    ];
    expect(reasons(events, rules)).toEqual(['campaign', 'open']);
  });
});

describe('rule 4 edges', () => {
  const every20m = (hours: number) => {
    const events = [];
    for (let m = 0; m <= hours * 60; m += 20)
      events.push({ anonymous_id: 'A', timestamp: ms('00:00') + m * 60_000 });
    return events;
  };

  it('the default 24h keeps an event exactly 24h after the start and splits the next', () => {
    const sessions = cut(sessionize(every20m(25)).sessions);
    expect(sessions).toEqual([
      row('A', '00:00', '2026-03-11T00:00Z', 73, 73, 'max_duration'),
      row('A', '2026-03-11T00:20Z', '2026-03-11T01:00Z', 3, 3, 'open'),
    ]);
  });

  it('maxDurationMs Infinity (--max-duration none) never splits', () => {
    const rules = createRules({ maxDurationMs: Number.POSITIVE_INFINITY });
    expect(cut(sessionize(every20m(72), rules).sessions)).toEqual([
      row('A', '00:00', '2026-03-13T00:00Z', 217, 217, 'open'),
    ]);
  });

  it('a zero or negative max duration is refused when the rules are built', () => {
    expect(() => createRules({ maxDurationMs: 0 })).toThrow(/max duration/);
    expect(() => createRules({ timeoutMs: 0 })).toThrow(/timeout/);
  });
});

describe('rule 6 edges: split only when both campaigns are non-empty and differ', () => {
  const rules = createRules({ splitOnCampaign: true });

  it('an event without campaign never splits, a session without one adopts the first', () => {
    const events = [ev('A', '10:00'), ev('A', '10:01', { utm_source: 'a' }), ev('A', '10:02')];
    expect(reasons(events, rules)).toEqual(['open']);
  });

  it('the same triple with a different utm_term or utm_content does not split', () => {
    const c = { utm_source: 'g', utm_medium: 'cpc', utm_campaign: 'x' };
    const events = [
      ev('A', '10:00', { ...c, utm_term: 'one' }),
      ev('A', '10:01', { ...c, utm_term: 'two', utm_content: 'banner' }),
    ];
    expect(reasons(events, rules)).toEqual(['open']);
  });

  it('parts holding the separator characters stay apart: ("a\\u0001b", "c") is not ("a", "b\\u0001c")', () => {
    const events = [
      ev('A', '10:00', { utm_source: 'a\u0001b', utm_medium: 'c' }),
      ev('A', '10:01', { utm_source: 'a', utm_medium: 'b\u0001c' }),
      ev('A', '10:02', { utm_source: 'x\u0002a', utm_medium: '\u0002' }),
    ];
    const { sessions } = sessionize(events, rules);
    expect(sessions.map((s) => [s.endReason, s.source, s.medium])).toEqual([
      ['campaign', 'a\u0001b', 'c'],
      ['campaign', 'a', 'b\u0001c'],
      ['open', 'x\u0002a', '\u0002'],
    ]);
  });

  it('a triple that differs in one part only splits', () => {
    const events = [
      ev('A', '10:00', { utm_source: 'g', utm_medium: 'cpc', utm_campaign: 'x' }),
      ev('A', '10:01', { utm_source: 'g', utm_medium: 'cpc' }),
    ];
    expect(reasons(events, rules)).toEqual(['campaign', 'open']);
  });

  it('a campaign read from the URL counts like one given in fields', () => {
    const events = [
      ev('A', '10:00', { utm_source: 'g' }),
      ev('A', '10:01', { url: '/?utm_source=h' }),
      ev('A', '10:02', { url: '/?utm_source=h&utm_medium=' }),
    ];
    expect(reasons(events, rules)).toEqual(['campaign', 'open']);
  });

  it('utm_term alone is not a campaign', () => {
    const events = [ev('A', '10:00', { utm_source: 'g' }), ev('A', '10:01', { utm_term: 'shoes' })];
    expect(reasons(events, rules)).toEqual(['open']);
  });
});

describe('rule 7 edges', () => {
  const rules = createRules({ sessionKey: 'session_id' });

  it('all-empty keys, or no key column at all, never split', () => {
    expect(
      reasons([ev('A', '10:00', { session_id: '' }), ev('A', '10:05', { session_id: '' })], rules),
    ).toEqual(['open']);
    expect(reasons([ev('A', '10:00'), ev('A', '10:05')], rules)).toEqual(['open']);
  });

  it('a change from empty to a value, and back, splits both times', () => {
    const events = [ev('A', '10:00'), ev('A', '10:01', { session_id: 'k' }), ev('A', '10:02')];
    expect(reasons(events, rules)).toEqual(['session_id', 'session_id', 'open']);
  });

  it('the key column is matched case-insensitively and can be any column', () => {
    const events = [ev('A', '10:00', { Tab: 't1' }), ev('A', '10:01', { Tab: 't2' })];
    expect(reasons(events, createRules({ sessionKey: 'tab' }))).toEqual(['session_id', 'open']);
  });

  it('the rule is off without --session-key, whatever session_id says', () => {
    expect(reasons([ev('A', '10:00', { session_id: 'a' }), ev('A', '10:01', { session_id: 'b' })])).toEqual([
      'open',
    ]);
  });
});

describe('identity', () => {
  const user = createRules({ identity: 'user' });

  it("user mode: a device's events before its first login move to the user", () => {
    const events = [ev('d1', '09:40'), ev('d1', '09:50'), ev('d1', '10:00', { user_id: 'u1' })];
    const { sessions } = sessionize(events, user);
    expect(cut(sessions)).toEqual([row('u1', '09:40', '10:00', 3, 3, 'open')]);
    expect([sessions[0]!.userId, sessions[0]!.anonymousId]).toEqual(['u1', 'd1']);
  });

  it('user mode: two devices of one user within the timeout form one session', () => {
    const events = [
      ev('laptop', '10:00', { user_id: 'u1' }),
      ev('phone', '10:20', { user_id: 'u1' }),
      ev('laptop', '10:45'),
    ];
    expect(cut(sessionize(events, user).sessions)).toEqual([row('u1', '10:00', '10:45', 3, 3, 'open')]);
    // Per device, the laptop alone has a 45-minute gap.
    expect(cut(sessionize(events).sessions).map((s) => s.identity)).toEqual(['laptop', 'laptop', 'phone']);
  });

  it('user mode: a device follows the user of its earliest event by time, not by input order', () => {
    const events = [ev('d1', '10:20', { user_id: 'u7' }), ev('d1', '10:05', { user_id: 'u8' })];
    expect(cut(sessionize(events, user).sessions).map((s) => s.identity)).toEqual(['u8']);
  });

  it('user mode: among links at the same time, the first in input order wins', () => {
    const events = [ev('d1', '10:05', { user_id: 'u7' }), ev('d1', '10:05', { user_id: 'u8' })];
    expect(cut(sessionize(events, user).sessions).map((s) => s.identity)).toEqual(['u7']);
  });

  it('user mode: devices never seen with a user_id stay per device', () => {
    const events = [ev('d1', '10:00'), ev('d2', '10:01', { user_id: 'u1' })];
    expect(cut(sessionize(events, user).sessions).map((s) => s.identity)).toEqual(['d1', 'u1']);
  });

  it('device mode: the user_id is the identity only when there is no anonymous_id', () => {
    const events = [ev('d1', '10:00', { user_id: 'u1' }), { user_id: 'u1', timestamp: iso('10:01') }];
    expect(cut(sessionize(events).sessions).map((s) => s.identity)).toEqual(['d1', 'u1']);
  });

  it('an anonymous_id equal to a user_id string is the same identity', () => {
    const events = [ev('x', '10:00'), { user_id: 'x', timestamp: iso('10:01') }];
    const { sessions } = sessionize(events);
    expect(cut(sessions)).toEqual([row('x', '10:00', '10:01', 2, 2, 'open')]);
    expect([sessions[0]!.userId, sessions[0]!.anonymousId]).toEqual(['x', 'x']);
  });

  it('ids are trimmed, otherwise exact and case-sensitive', () => {
    const events = [ev(' A ', '10:00'), ev('A', '10:01'), ev('a', '10:02')];
    expect(cut(sessionize(events).sessions).map((s) => [s.identity, s.events])).toEqual([
      ['A', 2],
      ['a', 1],
    ]);
  });

  it('user_id and anonymous_id come from the first event where each is non-empty', () => {
    const events = [
      ev('d1', '10:00'),
      ev('d2', '10:01', { user_id: 'u1' }),
      ev('d1', '10:02', { user_id: 'u1' }),
    ];
    const { sessions } = sessionize(events, user);
    expect(sessions.map((s) => [s.identity, s.userId, s.anonymousId])).toEqual([['u1', 'u1', 'd1']]);
  });
});

describe('duplicates by event_id', () => {
  it('keeps the first occurrence in input order, even when a retry has an earlier time', () => {
    const events = [
      ev('A', '10:05', { url: '/first', event_id: 'e1' }),
      ev('A', '10:00', { url: '/retry', event_id: 'e1' }),
      ev('A', '10:06', { url: '/next', event_id: 'e2' }),
      ev('A', '10:07', { url: '/again', event_id: 'e1' }),
    ];
    const { sessions, duplicates } = sessionize(events);
    expect(cut(sessions)).toEqual([row('A', '10:05', '10:06', 2, 2, 'open')]);
    expect(sessions[0]!.entryPage).toBe('/first');
    expect(duplicates).toBe(2);
  });

  it('event ids are global: the same id on another identity is still a retry', () => {
    const { sessions, duplicates } = sessionize([
      ev('A', '10:00', { event_id: 'e1' }),
      ev('B', '10:00', { event_id: 'e1' }),
    ]);
    expect(cut(sessions).map((s) => s.identity)).toEqual(['A']);
    expect(duplicates).toBe(1);
  });
});

describe('bounce and engaged', () => {
  const one = (events: Parameters<typeof sessionize>[0], goals: string[] = []) => {
    const { sessions } = sessionize(events, createRules({ goals }));
    expect(sessions).toHaveLength(1);
    const r = toSessionRecord(sessions[0]!);
    return { bounce: r.bounce, engaged: r.engaged, duration_s: r.duration_s, conversions: r.conversions };
  };

  it('one pageview and a click is not a bounce', () => {
    expect(one([ev('A', '10:00'), ev('A', '10:00:01', { event: 'click' })]).bounce).toBe(false);
  });

  it('one pageview with start and end events is a bounce', () => {
    const events = [
      ev('A', '10:00', { event: 'session_start' }),
      ev('A', '10:00:01'),
      ev('A', '10:00:02', { event: 'session_end' }),
    ];
    expect(one(events).bounce).toBe(true);
  });

  it('no pageview and only a start event is a bounce; a lone click is not', () => {
    expect(one([ev('A', '10:00', { event: 'session_start' })]).bounce).toBe(true);
    expect(one([ev('A', '10:00', { event: 'click' })]).bounce).toBe(false);
  });

  it('exactly 10 s is engaged, 9.999 s is not', () => {
    expect(one([ev('A', '10:00'), ev('A', '10:00:10', { event: 'session_end' })])).toEqual({
      bounce: true,
      engaged: true,
      duration_s: 10,
      conversions: 0,
    });
    expect(one([ev('A', '10:00'), ev('A', '10:00:09.999', { event: 'session_end' })])).toEqual({
      bounce: true,
      engaged: false,
      duration_s: 9.999,
      conversions: 0,
    });
  });

  it('a conversion alone makes a zero-length session engaged', () => {
    expect(one([ev('A', '10:00', { event: 'signup' })], ['purchase', 'signup'])).toEqual({
      bounce: false,
      engaged: true,
      duration_s: 0,
      conversions: 1,
    });
  });

  it('two pageviews in the same millisecond are engaged and not a bounce', () => {
    expect(one([ev('A', '10:00'), ev('A', '10:00')])).toMatchObject({ bounce: false, engaged: true });
  });
});

describe('entry and exit pages', () => {
  const pathOf = (url: string) => sessionize([ev('A', '10:00', { url })]).sessions[0]!.entryPage;

  it.each([
    ['https://h/x?y#z', '/x'],
    ['https://h', '/'],
    ['https://h?a=1', '/'],
    ['https://h#top', '/'],
    ['HTTP://Shop.Example/Cart/', '/Cart/'],
    ['/a%20b/?q=1', '/a%20b/'],
    ['/x#frag?not-query', '/x'],
    ['?utm_source=x', '/'],
    ['/products//shoes/', '/products//shoes/'],
  ])('%s → %s', (url, path) => {
    expect(pathOf(url)).toBe(path);
  });

  it('a pageview without URL has an empty path, unlike an empty path in a URL', () => {
    const { sessions } = sessionize([
      ev('A', '10:00'),
      ev('A', '10:01', { url: 'https://h' }),
      ev('A', '10:02'),
    ]);
    expect([sessions[0]!.entryPage, sessions[0]!.exitPage]).toEqual(['', '']);
    const second = sessionize([ev('A', '10:00', { url: 'https://h' })]).sessions[0]!;
    expect([second.entryPage, second.exitPage]).toEqual(['/', '/']);
  });

  it('only pageviews count; a session without any has empty entry and exit', () => {
    const { sessions } = sessionize([
      ev('A', '10:00', { event: 'click', url: '/c' }),
      ev('A', '10:01', { url: '/p' }),
      ev('A', '10:02', { event: 'click', url: '/d' }),
      ev('B', '10:00', { event: 'click', url: '/c' }),
    ]);
    expect(sessions.map((s) => [s.entryPage, s.exitPage])).toEqual([
      ['/p', '/p'],
      ['', ''],
    ]);
  });
});

describe('attribution from the URL', () => {
  const first = (fields: Record<string, unknown>) => {
    const s = sessionize([ev('A', '10:00', fields)]).sessions[0]!;
    return [s.source, s.medium, s.campaign];
  };

  it('utm_* are read from the query string when the fields are absent, decoded', () => {
    expect(
      first({
        url: 'https://h/p?utm_source=news%20letter&utm_medium=e+mail&utm_campaign=m%C3%A4rz#utm_source=no',
      }),
    ).toEqual(['news letter', 'e mail', 'märz']);
  });

  it('empty fields count as absent', () => {
    expect(first({ url: '/p?utm_source=g', utm_source: '', utm_medium: '' })).toEqual(['g', '', '']);
  });

  it('any utm_* field present means the URL is not read', () => {
    expect(first({ url: '/p?utm_source=g&utm_medium=cpc', utm_content: 'banner' })).toEqual(['', '', '']);
    expect(first({ url: '/p?utm_source=g&utm_medium=cpc', utm_medium: 'email' })).toEqual(['', 'email', '']);
  });

  it('source, medium and campaign come together from the first event with a non-empty triple', () => {
    const { sessions } = sessionize([
      ev('A', '10:00', { utm_term: 't' }),
      ev('A', '10:01', { utm_medium: 'cpc' }),
      ev('A', '10:02', { utm_source: 'g', utm_campaign: 'c' }),
    ]);
    expect([sessions[0]!.source, sessions[0]!.medium, sessions[0]!.campaign]).toEqual(['', 'cpc', '']);
  });
});

describe('other fields', () => {
  it('value sums numbers and numeric strings; empty is 0', () => {
    const { sessions } = sessionize([
      ev('A', '10:00', { value: 10 }),
      ev('A', '10:01', { value: ' 2.5 ' }),
      ev('A', '10:02', { value: '' }),
      ev('A', '10:03', { value: null }),
    ]);
    expect(sessions[0]!.value).toBe(12.5);
  });

  it('referrer and timezone come from the first event that has one', () => {
    const { sessions } = sessionize([
      ev('A', '10:00'),
      ev('A', '10:01', { referrer: 'https://r.example/', timezone: 'Asia/Kathmandu' }),
      ev('A', '10:02', { referrer: 'https://s.example/', timezone: 'Asia/Kolkata' }),
    ]);
    expect([sessions[0]!.referrer, sessions[0]!.timezone]).toEqual(['https://r.example/', 'Asia/Kathmandu']);
  });

  it('device type, browser and OS come from the user agent', () => {
    const iphone =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
    const { sessions } = sessionize([ev('A', '10:00'), ev('A', '10:01', { user_agent: iphone })]);
    const r = toSessionRecord(sessions[0]!);
    expect([r.device_type, r.browser, r.os]).toEqual(['mobile', 'Mobile Safari', 'iOS']);
  });

  // SESSIONS.md section 4: device_type, browser and os come "from the first event that has them".
  // A user agent that parses to nothing (curl, '-') gives the event none of them, yet the engine
  // takes the first non-empty user agent string, so a later browser's details are lost.
  it('an unparseable user agent does not hide a later one that has device details', () => {
    const iphone =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
    const { sessions } = sessionize([
      ev('A', '10:00', { user_agent: '-' }),
      ev('A', '10:01', { user_agent: iphone }),
    ]);
    const r = toSessionRecord(sessions[0]!);
    expect([r.device_type, r.browser, r.os]).toEqual(['mobile', 'Mobile Safari', 'iOS']);
  });
});

describe('ordering, ties and ids', () => {
  it('ties keep input order: end event then pageview gives two sessions, the reverse one', () => {
    const end = ev('A', '10:00', { event: 'session_end' });
    const page = ev('A', '10:00', { url: '/x' });
    expect(reasons([end, page])).toEqual(['end_event', 'open']);
    expect(cut(sessionize([page, end]).sessions)).toEqual([row('A', '10:00', '10:00', 2, 1, 'end_event')]);
  });

  it('ties keep input order for entry and exit pages', () => {
    const { sessions } = sessionize([ev('A', '10:00', { url: '/one' }), ev('A', '10:00', { url: '/two' })]);
    expect([sessions[0]!.entryPage, sessions[0]!.exitPage]).toEqual(['/one', '/two']);
  });

  it('events are sorted by time whatever the input order', () => {
    const { sessions } = sessionize([ev('A', '10:02', { url: '/c' }), ev('A', '10:00', { url: '/a' })]);
    expect([sessions[0]!.entryPage, sessions[0]!.exitPage]).toEqual(['/a', '/c']);
  });

  it('sessions are sorted by identity in JS string order, then start', () => {
    const events = ['b', 'é', 'a9', 'B', 'a10', 'z'].map((who) => ev(who, '10:00'));
    events.push(ev('B', '09:00'));
    expect(cut(sessionize(events).sessions).map((s) => [s.identity, s.start.slice(11, 16)])).toEqual([
      ['B', '09:00'],
      ['B', '10:00'],
      ['a10', '10:00'],
      ['a9', '10:00'],
      ['b', '10:00'],
      ['z', '10:00'],
      ['é', '10:00'],
    ]);
  });

  it('session ids are 32 hex digits from identity and start, the same on every run', () => {
    const events = [ev('A', '10:00'), ev('A', '11:00'), ev('B', '10:00')];
    const ids = sessionize(events).sessions.map((s) => s.sessionId);
    expect(ids).toEqual([
      sessionId('A', ms('10:00')),
      sessionId('A', ms('11:00')),
      sessionId('B', ms('10:00')),
    ]);
    expect(sessionize([...events].reverse()).sessions.map((s) => s.sessionId)).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(3);
  });

  it('a second session starting in the same millisecond gets ordinal 1', () => {
    const events = [
      ev('A', '10:00', { event: 'session_end' }),
      ev('A', '10:00', { event: 'session_end' }),
      ev('A', '10:00'),
    ];
    const ids = sessionize(events).sessions.map((s) => s.sessionId);
    expect(ids).toEqual([0, 1, 2].map((n) => sessionId('A', ms('10:00'), n)));
    expect(new Set(ids).size).toBe(3);
  });

  it('in user mode the id is the user’s: identity u1 and its start', () => {
    const { sessions } = sessionize(
      [ev('d1', '10:00'), ev('d1', '10:01', { user_id: 'u1' })],
      createRules({ identity: 'user' }),
    );
    expect(sessions[0]!.sessionId).toBe(sessionId('u1', ms('10:00')));
  });
});
