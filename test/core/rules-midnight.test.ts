/**
 * Rule 5 on awkward calendars: example 15 of docs/sessions.md (DST days in New York, 45- and
 * 30-minute offsets, Lord Howe's 30-minute DST, Samoa's skipped day), plus the zone fallback.
 */
import { describe, expect, it } from 'vitest';
import { createRules } from '../../src/core/rules.ts';
import { sessionize } from '../../src/core/sessionize.ts';
import { cut, ev, row } from '../helpers/worked.ts';

const rules = createRules({ splitAtMidnight: true });

/** [identity, zone, first event, second event, split?] as in example 15. */
const EXAMPLE_15: [string, string, string, string, boolean][] = [
  ['NY1', 'America/New_York', '2026-03-08T04:50Z', '2026-03-08T05:10Z', true],
  ['NY2', 'America/New_York', '2026-03-08T06:50Z', '2026-03-08T07:10Z', false],
  ['NY3', 'America/New_York', '2026-03-09T03:50Z', '2026-03-09T04:10Z', true],
  ['NY4', 'America/New_York', '2026-11-01T05:50Z', '2026-11-01T06:10Z', false],
  ['KTM', 'Asia/Kathmandu', '2026-03-10T18:10Z', '2026-03-10T18:20Z', true],
  ['KTM2', 'Asia/Kathmandu', '2026-03-10T18:20Z', '2026-03-10T18:40Z', false],
  ['KOL', 'Asia/Kolkata', '2026-03-10T18:20Z', '2026-03-10T18:40Z', true],
  ['LHI1', 'Australia/Lord_Howe', '2026-01-15T12:50Z', '2026-01-15T13:10Z', true],
  ['LHI2', 'Australia/Lord_Howe', '2026-06-15T13:10Z', '2026-06-15T13:20Z', false],
  ['LHI3', 'Australia/Lord_Howe', '2026-06-15T13:20Z', '2026-06-15T13:40Z', true],
  ['APIA', 'Pacific/Apia', '2011-12-30T09:50Z', '2011-12-30T10:10Z', true],
];

describe('example 15: midnight in the session zone', () => {
  it.each(EXAMPLE_15)('%s (%s): %s then %s, split: %s', (who, zone, first, second, split) => {
    const events = [ev(who, first, { timezone: zone }), ev(who, second, { timezone: zone })];
    const expected = split
      ? [row(who, first, first, 1, 1, 'midnight'), row(who, second, second, 1, 1, 'open')]
      : [row(who, first, second, 2, 2, 'open')];
    expect(cut(sessionize(events, rules).sessions)).toEqual(expected);
  });
});

describe('midnight edges', () => {
  it('New York across the spring-forward day: midnights at 05:00 UTC, then 04:00 UTC', () => {
    // One identity over the whole 23-hour day, an event every 20 minutes, none split by timeout.
    const start = Date.parse('2026-03-08T04:20:00Z');
    const events = [];
    for (let t = start; t <= Date.parse('2026-03-09T04:20:00Z'); t += 20 * 60_000) {
      events.push({ anonymous_id: 'A', timestamp: t, timezone: 'America/New_York' });
    }
    const sessions = cut(sessionize(events, rules).sessions);
    expect(sessions.map((s) => [s.start, s.end, s.end_reason])).toEqual([
      ['2026-03-08T04:20:00.000Z', '2026-03-08T04:40:00.000Z', 'midnight'],
      ['2026-03-08T05:00:00.000Z', '2026-03-09T03:40:00.000Z', 'midnight'],
      ['2026-03-09T04:00:00.000Z', '2026-03-09T04:20:00.000Z', 'open'],
    ]);
    // The local day of 2026-03-08 lasted 23 hours: 69 events at 20-minute steps.
    expect(sessions[1]!.events).toBe(69);
  });

  it('Asia/Kathmandu via --timezone when events carry no zone (+05:45: midnight at 18:15 UTC)', () => {
    const r = createRules({ splitAtMidnight: true, timezone: 'Asia/Kathmandu' });
    const events = [ev('K', '18:14:59.999'), ev('K', '18:15'), ev('K', '18:40')];
    expect(cut(sessionize(events, r).sessions)).toEqual([
      row('K', '18:14:59.999', '18:14:59.999', 1, 1, 'midnight'),
      row('K', '18:15', '18:40', 2, 2, 'open'),
    ]);
  });

  it("the first event's timezone overrides --timezone", () => {
    const r = createRules({ splitAtMidnight: true, timezone: 'Asia/Kathmandu' });
    // In Kathmandu these would split at 18:15 UTC; in Kolkata (the first event's zone) at 18:30.
    const events = [ev('K', '18:10', { timezone: 'Asia/Kolkata' }), ev('K', '18:20'), ev('K', '18:35')];
    expect(cut(sessionize(events, r).sessions)).toEqual([
      row('K', '18:10', '18:20', 2, 2, 'midnight'),
      row('K', '18:35', '18:35', 1, 1, 'open'),
    ]);
  });

  it("after a split, the new session's zone is its own first event's", () => {
    const r = createRules({ splitAtMidnight: true });
    // Session 1 is in UTC (no zone) and splits at 00:00 UTC; session 2 starts with a Kolkata event.
    const events = [
      ev('A', '2026-03-10T23:50Z'),
      ev('A', '2026-03-11T00:10Z', { timezone: 'Asia/Kolkata' }),
      ev('A', '2026-03-11T00:30Z'),
    ];
    const { sessions } = sessionize(events, r);
    expect(cut(sessions)).toEqual([
      row('A', '2026-03-10T23:50Z', '2026-03-10T23:50Z', 1, 1, 'midnight'),
      row('A', '2026-03-11T00:10Z', '2026-03-11T00:30Z', 2, 2, 'open'),
    ]);
    expect(sessions.map((s) => s.timezone)).toEqual(['', 'Asia/Kolkata']);
  });

  it('an event exactly at local midnight belongs to the new date', () => {
    const r = createRules({ splitAtMidnight: true, timezone: 'Europe/Berlin' });
    const events = [ev('A', '22:59:59.999'), ev('A', '23:00')];
    expect(cut(sessionize(events, r).sessions).map((s) => s.end_reason)).toEqual(['midnight', 'open']);
  });

  it('the rule is off by default', () => {
    const events = [ev('A', '23:50'), ev('A', '2026-03-11T00:10Z')];
    expect(cut(sessionize(events).sessions)).toEqual([row('A', '23:50', '2026-03-11T00:10Z', 2, 2, 'open')]);
  });
});
