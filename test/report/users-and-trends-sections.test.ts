/**
 * The HTML report's Users and Trends sections: static HTML in which every tracked string is
 * escaped text, the level counts shown, and a significant change marked.
 */
import { describe, expect, it } from 'vitest';
import type { Trends } from '../../src/analysis/insights/trends.ts';
import type { Users } from '../../src/analysis/insights/users.ts';
import { trendsSection } from '../../src/report/sections/trends.ts';
import { usersSection } from '../../src/report/sections/users.ts';

const HOSTILE = '<img src=x onerror="alert(1)">&';

describe('the users and trends sections', () => {
  it('escape tracked strings and show the levels', () => {
    const users: Users = {
      now: '2026-11-01T00:00:00.000Z',
      total: 4,
      counts: { new: 1, casual: 2, core: 1, power: 0 },
      segment: null,
      rows: [
        {
          identity: HOSTILE,
          segment: 'core',
          sessions: 5,
          first_seen: '2026-09-20T12:00:00.000Z',
          last_seen: '2026-10-25T12:00:00.000Z',
          total_duration_s: 0,
          active_days_28: 4,
        },
      ],
    };
    const html = usersSection(users);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;');
    expect(html).toContain('<td>2 (50.0 %)</td>');
    expect(usersSection(undefined)).toBe('');
  });

  it('marks the significant change', () => {
    const change = (significant: boolean) => ({
      from: '2026-10-05',
      to: '2026-10-12',
      from_share: 0.4,
      to_share: 0.6,
      difference: 0.2,
      low: 0.06,
      high: 0.34,
      p: 0.0047,
      p_adjusted: significant ? 0.0094 : 0.2,
      significant,
    });
    const trends: Trends = {
      interval: 'week',
      compare: 'previous',
      buckets: ['2026-10-05', '2026-10-12'],
      totals: [100, 100],
      dimensions: [
        {
          dimension: 'country',
          values: [
            { value: HOSTILE, total: 100, sessions: [40, 60], shares: [0.4, 0.6], change: change(true) },
            { value: 'DE', total: 100, sessions: [60, 40], shares: [0.6, 0.4], change: change(false) },
          ],
        },
      ],
    };
    const html = trendsSection(trends);
    expect(html).not.toContain('<img');
    expect(html.match(/★<\/strong>/g)).toHaveLength(1);
    expect(html).toContain('+20.0 pts');
    expect(html).toContain('<td>0.009</td>');
  });
});
