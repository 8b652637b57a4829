/**
 * Comparing overview metrics in tests: numbers within 1e-9, nulls exactly, metric by metric
 * (each named on failure), and the metrics of no sessions written out.
 */
import { expect } from 'vitest';
import { type Metrics, OVERVIEW_METRICS } from '../../src/analysis/overview.ts';

export function expectMetrics(actual: Metrics, expected: Metrics, label = ''): void {
  for (const m of OVERVIEW_METRICS) {
    const a = actual[m];
    const e = expected[m];
    if (e === null) expect(a, `${label}${m}`).toBeNull();
    else {
      expect(a, `${label}${m}`).not.toBeNull();
      expect(a, `${label}${m}`).toBeCloseTo(e, 9);
    }
  }
}

/** No sessions: counts 0, every rate and mean null. */
export const NO_SESSIONS: Metrics = {
  sessions: 0,
  users: 0,
  pageviews: 0,
  events: 0,
  bounce_rate: null,
  engagement_rate: null,
  avg_duration_s: null,
  median_duration_s: null,
  pages_per_session: null,
  conversion_rate: null,
  avg_value: null,
  total_value: 0,
};
