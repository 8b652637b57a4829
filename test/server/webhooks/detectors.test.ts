/**
 * The detectors' results as findings: literal `anomalies` and `diagnose` results (the shapes
 * the analyses give) become findings with stable ids; diagnose's `info` findings are not sent;
 * a detector missing from the catalogue is skipped and reported, and one present is run on the
 * period given, as the query routes run an entry.
 */
import { describe, expect, it } from 'vitest';
import type { ParamReader } from '../../../src/analysis/catalog/params.ts';
import type { Analysis } from '../../../src/analysis/catalog.ts';
import {
  type AnomaliesResult,
  type DiagnoseResult,
  findingsOfAnomalies,
  findingsOfDiagnose,
  runDetectors,
} from '../../../src/server/webhooks/detectors.ts';
import type { Store } from '../../../src/store/store.ts';

const ANOMALIES: AnomaliesResult = {
  sessions: [
    {
      session_id: 'a'.repeat(32),
      identity: 'u1',
      start: '2026-11-05T10:00:00.000Z',
      score: 7.5,
      reasons: [
        { code: 'burst', text: '37 pageviews in 40 s' },
        { code: 'failures', text: '5 login_failed in 2 min' },
      ],
    },
  ],
  days: [
    {
      day: '2026-11-05',
      metric: 'sessions',
      value: 900,
      expected: 300,
      z: 6.1,
      reason: '3× the usual Thursday',
    },
  ],
};
const DIAGNOSE: DiagnoseResult = {
  findings: [
    {
      code: 'timeout_too_short',
      severity: 'warning',
      title: 'The timeout cuts sessions',
      evidence: { valley: '42m' },
      fix: 'Use 45m',
    },
    { code: 'gap_histogram', severity: 'info', title: 'Gaps between events', evidence: [], fix: '' },
    {
      code: 'future_timestamps',
      severity: 'error',
      title: '3 % of events are in the future',
      evidence: 0.03,
      fix: 'Fix the clocks',
    },
  ],
};

describe('webhook detectors', () => {
  it('make one finding per anomalous session and day, with stable ids and the reasons in words', () => {
    expect(findingsOfAnomalies(ANOMALIES)).toEqual([
      {
        id: `session:${'a'.repeat(32)}`,
        event: 'anomalous-session',
        data: {
          session_id: 'a'.repeat(32),
          identity: 'u1',
          start: '2026-11-05T10:00:00.000Z',
          score: 7.5,
          reasons: ANOMALIES.sessions[0]!.reasons,
          summary: '37 pageviews in 40 s; 5 login_failed in 2 min',
        },
      },
      {
        id: 'day:2026-11-05:sessions',
        event: 'anomalous-day',
        data: {
          day: '2026-11-05',
          metric: 'sessions',
          value: 900,
          expected: 300,
          z: 6.1,
          reason: '3× the usual Thursday',
        },
      },
    ]);
  });

  it('make one finding per diagnose error or warning, not per info', () => {
    expect(
      findingsOfDiagnose(DIAGNOSE).map((f) => [f.id, f.event, (f.data as { severity: string }).severity]),
    ).toEqual([
      ['diagnose:timeout_too_short', 'diagnose-finding', 'warning'],
      ['diagnose:future_timestamps', 'diagnose-finding', 'error'],
    ]);
  });

  it('run the entries found in the catalogue on the period, and skip a missing one', async () => {
    const seen: unknown[] = [];
    const anomalies = {
      name: 'anomalies',
      params: [],
      plan: (read: ParamReader) => ({ query: read.query() }),
      run: async (_store: Store, planned: { query: unknown }) => {
        seen.push(planned.query);
        return ANOMALIES;
      },
    } as unknown as Analysis;
    const missing: string[] = [];
    const found = await runDetectors(
      {} as Store,
      { fromMs: Date.UTC(2026, 10, 5), toMs: Date.UTC(2026, 10, 6) },
      new Set(['anomalous-day', 'diagnose-finding'] as const),
      (a) => missing.push(a),
      { anomalies },
    );
    expect(found.map((f) => f.id)).toEqual(['day:2026-11-05:sessions']);
    expect(missing).toEqual(['diagnose']);
    expect(seen).toEqual([
      { fromMs: Date.UTC(2026, 10, 5), toMs: Date.UTC(2026, 10, 6), tz: 'UTC', filters: [] },
    ]);
  });

  it('run nothing for events no hook wants', async () => {
    const missing: string[] = [];
    expect(
      await runDetectors({} as Store, { fromMs: 0, toMs: 1 }, new Set(), (a) => missing.push(a), {}),
    ).toEqual([]);
    expect(missing).toEqual([]);
  });
});
