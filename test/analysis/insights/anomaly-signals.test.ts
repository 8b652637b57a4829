/**
 * The anomaly signals, each on a hand-computed case: pace (bursts, gaps), repeated failures,
 * the Markov surprisal, the duration z-score, identity oddities, the combined score and the
 * day-level baseline.
 */
import { describe, expect, it } from 'vitest';
import { type DayCounts, dayAnomalies } from '../../../src/analysis/insights/anomalies/days.ts';
import { durationReasons } from '../../../src/analysis/insights/anomalies/duration.ts';
import { failureReason } from '../../../src/analysis/insights/anomalies/failures.ts';
import { identityReasons } from '../../../src/analysis/insights/anomalies/identity.ts';
import { learnTransitions, meanSurprisal } from '../../../src/analysis/insights/anomalies/markov.ts';
import { densestWindow, medianGapMs, paceReasons } from '../../../src/analysis/insights/anomalies/pace.ts';
import { scoreSessions } from '../../../src/analysis/insights/anomalies/score.ts';
import type { SessionRow } from '../../../src/analysis/insights/anomalies/session-row.ts';
import { DEFAULT_THRESHOLDS as T } from '../../../src/analysis/insights/anomalies/thresholds.ts';

const T0 = Date.UTC(2026, 10, 2, 12);
const row = (id: string, fields: Partial<SessionRow> = {}): SessionRow => ({
  sessionId: id,
  identity: id,
  user: id,
  startMs: T0,
  endMs: T0 + 60_000,
  deviceType: 'desktop',
  browser: 'Chrome',
  os: 'Windows',
  timezone: 'Europe/Berlin',
  pageviews: 1,
  events: 1,
  pages: ['/'],
  ...fields,
});

describe('pace', () => {
  it('finds the densest window and the median gap', () => {
    expect(densestWindow([0, 1000, 2000, 61_000], 60_000)).toEqual({ count: 3, spanMs: 2000 });
    expect(medianGapMs([0, 1000, 4000, 5000])).toBe(1000);
  });

  it('tells 37 pageviews 1.1 s apart as a burst and as too fast', () => {
    const times = Array.from({ length: 37 }, (_, i) => i * 1100);
    const reasons = paceReasons({ times, pageviewTimes: times, failures: [] }, T);
    expect(reasons.map((r) => [r.code, r.text])).toEqual([
      ['burst', '37 pageviews in 40 s'],
      ['fast_pageviews', '37 pageviews 1.1 s apart (median)'],
    ]);
    expect(reasons[0]!.severity).toBeCloseTo(37 / 30, 9);
    expect(reasons[1]!.severity).toBeCloseTo(2 / 1.1, 9);
  });

  it('leaves a person reading a page a minute alone', () => {
    const times = Array.from({ length: 12 }, (_, i) => i * 60_000);
    expect(paceReasons({ times, pageviewTimes: times, failures: [] }, T)).toEqual([]);
  });
});

describe('failures', () => {
  it('counts failures within the window, per name', () => {
    const failures = [0, 30, 60, 90, 120].map((s) => ({ tsMs: T0 + s * 1000, name: 'login_failed' }));
    expect(failureReason(failures, T)).toEqual({
      code: 'failures',
      text: '5 login_failed in 2 min',
      severity: 1,
    });
    // Spread over more than 10 minutes, no window holds 5.
    const slow = [0, 4, 8, 12, 16].map((m) => ({ tsMs: T0 + m * 60_000, name: 'login_failed' }));
    expect(failureReason(slow, T)).toBeUndefined();
  });
});

describe('navigation', () => {
  it('gives the mean surprisal in bits under the model backed off to popularity, without the session itself', () => {
    const model = learnTransitions([
      ['a', 'b'],
      ['a', 'b'],
      ['a', 'c'],
    ]);
    // β = 10. a→c without itself: c(a→c) = 0, c(a) = 2, u(c) = (0 + 1) / (2 + 3) = 0.2,
    // P = (0 + 10 · 0.2) / (2 + 10) = 1/6 → log2(6) bits.
    expect(meanSurprisal(model, ['a', 'c'])).toBeCloseTo(2.584962500721156, 12);
    // a→b: c(a→b) = 1, u(b) = (1 + 1) / 5 = 0.4, P = (1 + 4) / 12 → log2(12 / 5) bits.
    expect(meanSurprisal(model, ['a', 'b'])).toBeCloseTo(1.2630344058337937, 12);
    expect(meanSurprisal(model, ['a'])).toBeUndefined();
  });
});

describe('duration', () => {
  it('gives the robust z of log duration within the device type', () => {
    // log(1 + s) is 2.5, 3 or 3.5 for 30 sessions (median 3, MAD 0.5 → spread 0.7413), 8 for one.
    const rows = Array.from({ length: 30 }, (_, i) =>
      row(`s${i}`, { endMs: T0 + Math.expm1(2.5 + 0.5 * (i % 3)) * 1000 }),
    );
    rows.push(row('long', { endMs: T0 + Math.expm1(8) * 1000 }));
    const reasons = durationReasons(rows, T);
    expect([...reasons.keys()]).toEqual([30]);
    expect(reasons.get(30)!.text).toBe('long: 50 min, z 6.7 for desktop (median 19 s)');
    expect(reasons.get(30)!.severity).toBeCloseTo(Math.min(3, 6.7449075947659525 / 3.5), 3);
  });
});

describe('identity', () => {
  it('flags one user on three devices within an hour, and in two zones', () => {
    const rows = [
      row('a', { user: 'u1', startMs: T0 }),
      row('b', { user: 'u1', startMs: T0 + 10 * 60_000, deviceType: 'mobile', os: 'iOS' }),
      row('c', { user: 'u1', startMs: T0 + 20 * 60_000, browser: 'Firefox', timezone: 'Asia/Tokyo' }),
      row('d', { user: 'u1', startMs: T0 + 5 * 3_600_000 }),
    ];
    const reasons = identityReasons(rows, T);
    expect([...reasons.keys()].sort()).toEqual([0, 1, 2]);
    expect(reasons.get(0)!.map((r) => r.text)).toEqual([
      'user u1 on 3 devices within 20 min',
      'user u1 in 2 time zones within 20 min (Asia/Tokyo, Europe/Berlin)',
    ]);
  });

  it("flags a session away from the user's usual zone", () => {
    const days = [0, 1, 2, 3, 4, 5].map((d) => T0 + d * 86_400_000);
    const rows = days.map((startMs, i) =>
      row(`s${i}`, { user: 'u2', startMs, timezone: i === 5 ? 'Asia/Tokyo' : 'Europe/Berlin' }),
    );
    const reasons = identityReasons(rows, T);
    expect([...reasons.keys()]).toEqual([5]);
    expect(reasons.get(5)![0]!.text).toBe(
      'time zone Asia/Tokyo; this user is usually in Europe/Berlin (5 of 6 sessions)',
    );
  });
});

describe('score', () => {
  it('adds the severities and orders the flagged sessions', () => {
    const rows = [row('calm'), row('bot'), row('stuffer')];
    const burst = Array.from({ length: 90 }, (_, i) => T0 + i * 500);
    const events = new Map([
      ['bot', { times: burst, pageviewTimes: burst, failures: [] }],
      [
        'stuffer',
        {
          times: [T0],
          pageviewTimes: [T0],
          failures: Array.from({ length: 10 }, (_, i) => ({ tsMs: T0 + i * 1000, name: 'login_failed' })),
        },
      ],
    ]);
    const scored = scoreSessions(rows, events, T);
    // bot: burst 90/30 → 3, too fast 2 / 0.5 → 3; stuffer: 10/5 → 2.
    expect(scored.map((s) => [rows[s.index]!.sessionId, s.score])).toEqual([
      ['bot', 6],
      ['stuffer', 2],
    ]);
  });
});

describe('days', () => {
  const counts = (values: [string, number, number][]): DayCounts[] =>
    values.map(([day, sessions, conversions]) => ({ day, sessions, conversions }));

  it('sets a day against the median of the same weekdays before it, with a Poisson floor on the spread', () => {
    const c = counts([
      ['2026-10-05', 100, 2],
      ['2026-10-12', 104, 2],
      ['2026-10-19', 96, 2],
      ['2026-10-26', 100, 2],
      ['2026-11-02', 150, 3],
    ]);
    // Median 100, MAD 1.4826 · 2 = 2.97 is under √100 = 10: z = (150 − 100) / 10 = 5.
    expect(dayAnomalies(c, ['2026-11-02'], T)).toEqual([
      {
        day: '2026-11-02',
        metric: 'sessions',
        value: 150,
        expected: 100,
        z: 5,
        reason: '150 sessions, 1.5× the usual 100 for a Monday (z 5.0 over the 4 Mondays before)',
        baseline: ['2026-10-26', '2026-10-19', '2026-10-12', '2026-10-05'],
      },
    ]);
  });

  it('needs three same weekdays of data before a day', () => {
    const c = counts([
      ['2026-10-19', 100, 2],
      ['2026-10-26', 100, 2],
      ['2026-11-02', 900, 3],
    ]);
    expect(dayAnomalies(c, ['2026-11-02'], T)).toEqual([]);
  });
});

describe('duration, short side', () => {
  it('flags a short session of several pages, never a one-page visit of 0 s', () => {
    const rows = Array.from({ length: 30 }, (_, i) =>
      row(`s${i}`, { pageviews: 3, endMs: T0 + Math.expm1(4.5 + 0.5 * (i % 3)) * 1000 }),
    );
    rows.push(row('bounce', { pageviews: 1, endMs: T0 }));
    rows.push(row('rushed', { pageviews: 6, endMs: T0 + 1000 }));
    // Median 5 and MAD 0.5 (spread 0.7413) with the two short ones in; log(1 + 1) = 0.69: z = (0.69 − 5) / 0.7413 = −5.8.
    const reasons = durationReasons(rows, T);
    expect([...reasons.keys()]).toEqual([31]);
    expect(reasons.get(31)!.text).toBe('short: 1 s, z -5.8 for desktop (median 2 min)');
  });
});
