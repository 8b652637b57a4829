/**
 * The report's Anomalies section: the flagged sessions with score and reasons and the days, as
 * static HTML in which every tracked string is escaped.
 */
import { describe, expect, it } from 'vitest';
import { type Anomalies, DEFAULT_THRESHOLDS } from '../../src/analysis/insights/anomalies.ts';
import { anomaliesSection } from '../../src/report/sections/anomalies.ts';

const result: Anomalies = {
  range: { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' },
  scored: 120,
  flagged: 1,
  by_reason: { failures: 1 },
  sessions: [
    {
      session_id: 's1',
      identity: '<img src=x onerror=alert(1)>',
      user_id: '',
      start: '2026-11-05T02:00:00.000Z',
      duration_s: 120,
      pageviews: 5,
      events: 10,
      device_type: 'desktop',
      timezone: 'UTC',
      score: 2,
      reasons: [{ code: 'failures', text: '10 login_failed in 2 min', severity: 2 }],
    },
  ],
  days: [
    {
      day: '2026-11-12',
      metric: 'sessions',
      value: 150,
      expected: 100,
      z: 5,
      reason: '150 sessions, 1.5× the usual 100 for a Thursday (z 5.0 over the 4 Thursdays before)',
      baseline: [],
    },
  ],
  incomplete_day: null,
  thresholds: DEFAULT_THRESHOLDS,
};

describe('anomaliesSection', () => {
  it('lists the sessions with their reasons and the days, escaped', () => {
    const html = anomaliesSection(result);
    expect(html).toContain('<h2>Anomalies</h2><p>1 of 120 sessions flagged (failures 1); the top 1:</p>');
    expect(html).toContain(
      '<td>10 login_failed in 2 min</td><td>2.0</td><td>2026-11-05 02:00</td><td>desktop</td>',
    );
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    expect(html).toContain('<li><strong>2026-11-12</strong> 150 sessions, 1.5× the usual 100');
  });

  it('says when nothing is flagged, and is absent without the field', () => {
    const html = anomaliesSection({ ...result, sessions: [], days: [], flagged: 0, by_reason: {} });
    expect(html).toContain('No session is flagged.');
    expect(html).toContain('No day is far from its weekday baseline.');
    expect(anomaliesSection(undefined)).toBe('');
  });
});
