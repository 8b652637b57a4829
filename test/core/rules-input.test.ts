/**
 * What goes into the rules: timestamps (SESSIONS.md section 1), rejected rows with their
 * reasons, and column mapping, checked through `sessionize()` as a library user calls it.
 */
import { describe, expect, it } from 'vitest';
import { createRules } from '../../src/core/rules.ts';
import { sessionize } from '../../src/core/sessionize.ts';
import { toSessionRecord } from '../../src/schema/sessions.ts';

const startOf = (timestamp: unknown, inputTz?: string): string => {
  const { sessions, rejected } = sessionize(
    [{ anonymous_id: 'A', timestamp }],
    createRules(),
    inputTz === undefined ? {} : { inputTz },
  );
  expect(rejected).toEqual([]);
  return new Date(sessions[0]!.startMs).toISOString();
};

describe('timestamps', () => {
  it('ISO-8601 with Z or an offset is exact', () => {
    expect(startOf('2026-03-08T02:04:08.508-05:00')).toBe('2026-03-08T07:04:08.508Z');
    expect(startOf('2026-03-10T10:00:00+05:45')).toBe('2026-03-10T04:15:00.000Z');
    expect(startOf('2026-03-10T10:00:00+0530')).toBe('2026-03-10T04:30:00.000Z');
    expect(startOf('2026-03-10T10:00:00Z')).toBe('2026-03-10T10:00:00.000Z');
  });

  it('an offset wins over inputTz', () => {
    expect(startOf('2026-03-10T10:00:00+01:00', 'America/New_York')).toBe('2026-03-10T09:00:00.000Z');
  });

  it('ISO without offset is UTC by default, and a space may replace T', () => {
    expect(startOf('2026-03-10T10:00:00')).toBe('2026-03-10T10:00:00.000Z');
    expect(startOf('2026-03-10 10:00:00')).toBe('2026-03-10T10:00:00.000Z');
  });

  it("ISO without offset is read in inputTz 'America/New_York', on both sides of DST", () => {
    expect(startOf('2026-03-08 01:30:00', 'America/New_York')).toBe('2026-03-08T06:30:00.000Z');
    expect(startOf('2026-03-08T03:30:00', 'America/New_York')).toBe('2026-03-08T07:30:00.000Z');
    expect(startOf('2026-07-01T12:00:00.250', 'America/New_York')).toBe('2026-07-01T16:00:00.250Z');
  });

  it('wall times in a DST gap take the offset before it; in an overlap, the earlier instant', () => {
    expect(startOf('2026-03-08T02:30:00', 'America/New_York')).toBe('2026-03-08T07:30:00.000Z');
    expect(startOf('2026-11-01T01:30:00', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z');
  });

  it('a trailing UTC or GMT is read as UTC, whatever inputTz says', () => {
    expect(startOf('2026-03-10 10:00:00 UTC', 'America/New_York')).toBe('2026-03-10T10:00:00.000Z');
    expect(startOf('2026-03-10 10:00:00UTC', 'America/New_York')).toBe('2026-03-10T10:00:00.000Z');
    expect(startOf('2026-03-10T10:00:00 GMT', 'Asia/Kolkata')).toBe('2026-03-10T10:00:00.000Z');
  });

  it('epoch numbers: below 1e11 in absolute value are seconds, from 1e11 on milliseconds', () => {
    expect(startOf(1773136800)).toBe('2026-03-10T10:00:00.000Z');
    expect(startOf(1773136800000)).toBe('2026-03-10T10:00:00.000Z');
    expect(startOf(99_999_999_999)).toBe('5138-11-16T09:46:39.000Z');
    expect(startOf(100_000_000_000)).toBe('1973-03-03T09:46:40.000Z');
    expect(startOf('1773136800')).toBe('2026-03-10T10:00:00.000Z');
    expect(startOf(-5)).toBe('1969-12-31T23:59:55.000Z');
  });

  it('ISO years 0001–0099 are those years, not 1901–1999', () => {
    expect(startOf('0001-01-01T00:00:00Z')).toBe('0001-01-01T00:00:00.000Z');
    expect(startOf('0004-02-29T12:00:00+02:00')).toBe('0004-02-29T10:00:00.000Z');
    expect(startOf('0099-12-31T24:00:00Z')).toBe('0100-01-01T00:00:00.000Z');
  });

  it('epoch numbers ignore inputTz', () => {
    expect(startOf(1773136800, 'Asia/Kathmandu')).toBe('2026-03-10T10:00:00.000Z');
  });

  it('fractional seconds: epoch fractions, and ISO digits past milliseconds truncated', () => {
    expect(startOf(1773136800.25)).toBe('2026-03-10T10:00:00.250Z');
    expect(startOf('1773136800.5')).toBe('2026-03-10T10:00:00.500Z');
    expect(startOf('2026-03-10T10:00:00.123456Z')).toBe('2026-03-10T10:00:00.123Z');
    expect(startOf('2026-03-10T10:00:00.9999Z')).toBe('2026-03-10T10:00:00.999Z');
    expect(startOf('2026-03-10T10:00:00.5Z')).toBe('2026-03-10T10:00:00.500Z');
    expect(startOf('2026-03-10T10:00:00,5Z')).toBe('2026-03-10T10:00:00.500Z');
  });

  it('a Date object is taken as is', () => {
    expect(startOf(new Date('2026-03-10T10:00:00.007Z'))).toBe('2026-03-10T10:00:00.007Z');
  });

  it('start and end are written as ISO-8601 UTC with milliseconds', () => {
    const { sessions } = sessionize([
      { anonymous_id: 'A', timestamp: '2026-03-08T02:04:08.508-05:00' },
      { anonymous_id: 'A', timestamp: 1772953449 },
    ]);
    const r = toSessionRecord(sessions[0]!);
    expect([r.start, r.end, r.duration_s]).toEqual([
      '2026-03-08T07:04:08.508Z',
      '2026-03-08T07:04:09.000Z',
      0.492,
    ]);
  });
});

describe('rejected rows', () => {
  it('each bad row is reported with its input index and reason, and the rest are still sessionized', () => {
    const { sessions, rejected } = sessionize([
      { anonymous_id: 'A', timestamp: '2026-03-10T10:00:00Z' },
      { anonymous_id: 'A', timestamp: 'yesterday' },
      { anonymous_id: 'A', timestamp: '' },
      { anonymous_id: 'A' },
      { anonymous_id: 'A', timestamp: '2026-02-30T10:00:00Z' },
      { timestamp: '2026-03-10T10:00:00Z' },
      { anonymous_id: '  ', user_id: '', timestamp: '2026-03-10T10:00:00Z' },
      { anonymous_id: 'A', timestamp: '2026-03-10T10:00:00Z', value: 'twelve' },
      { anonymous_id: 'A', timestamp: '2026-03-10T10:00:00Z', timezone: 'Mars/Olympus_Mons' },
      { anonymous_id: 'A', timestamp: '2026-03-10T10:01:00Z', value: '12', timezone: 'Asia/Kathmandu' },
    ]);
    expect(rejected.map((r) => [r.index, r.reason])).toEqual([
      [1, 'bad_timestamp'],
      [2, 'bad_timestamp'],
      [3, 'bad_timestamp'],
      [4, 'bad_timestamp'],
      [5, 'no_identity'],
      [6, 'no_identity'],
      [7, 'bad_value'],
      [8, 'bad_timezone'],
    ]);
    for (const r of rejected) expect(r.detail).not.toBe('');
    expect(sessions).toHaveLength(1);
    expect([sessions[0]!.events, sessions[0]!.value, sessions[0]!.timezone]).toEqual([
      2,
      12,
      'Asia/Kathmandu',
    ]);
  });

  it('a rejected row never counts as a duplicate of anything', () => {
    const { sessions, rejected, duplicates } = sessionize([
      { anonymous_id: 'A', timestamp: 'soon', event_id: 'e1' },
      { anonymous_id: 'A', timestamp: '2026-03-10T10:00:00Z', event_id: 'e1' },
    ]);
    expect([sessions.length, rejected.length, duplicates]).toEqual([1, 1, 0]);
  });
});

describe('column names', () => {
  it('canonical fields match case-insensitively', () => {
    const { sessions } = sessionize([{ Anonymous_ID: 'A', TimeStamp: '2026-03-10T10:00:00Z', URL: '/x' }]);
    expect([sessions[0]!.identity, sessions[0]!.entryPage]).toEqual(['A', '/x']);
  });

  it('map renames foreign columns', () => {
    const { sessions } = sessionize([{ uid: 'u1', at: 1773136800 }], createRules(), {
      map: { user_id: 'uid', timestamp: 'at' },
    });
    expect([sessions[0]!.identity, new Date(sessions[0]!.startMs).toISOString()]).toEqual([
      'u1',
      '2026-03-10T10:00:00.000Z',
    ]);
  });

  // After `--map session_id=sid` the column sid *is* session_id (SESSIONS.md section 1), so
  // `--session-key session_id` should compare it. The normalizer looks the key column up by its
  // raw name only, finds no `session_id` column, and rule 7 silently never fires.
  it('--session-key session_id sees a session_id column renamed by --map', () => {
    const events = [
      { anonymous_id: 'A', timestamp: '2026-03-10T10:00:00Z', sid: 's1' },
      { anonymous_id: 'A', timestamp: '2026-03-10T10:05:00Z', sid: 's2' },
    ];
    const { sessions } = sessionize(events, createRules({ sessionKey: 'session_id' }), {
      map: { session_id: 'sid' },
    });
    expect(sessions.map((s) => s.endReason)).toEqual(['session_id', 'open']);
  });
});
