/**
 * The detectors the watcher runs: the catalogue's `anomalies` and `diagnose` analyses, looked up
 * by name at run time (a server without one skips it, with one log line), run on a site's store
 * for a period, and their results turned into findings with a stable id, so that a finding is
 * sent once: `session:<session_id>`, `day:<YYYY-MM-DD>:<metric>`, `diagnose:<code>`.
 *
 *   findingsOfAnomalies({ sessions: [], days: [{ day: '2026-11-05', metric: 'sessions', … }] })
 *   // [{ id: 'day:2026-11-05:sessions', event: 'anomalous-day', data: { day: '2026-11-05', … } }]
 */
import { type Analysis, API_SPELLING, CATALOG, planAnalysis, runAnalysis } from '../../analysis/catalog.ts';
import type { Anomalies } from '../../analysis/insights/anomalies.ts';
import type { DiagnoseResult as Diagnosis } from '../../analysis/insights/diagnose.ts';
import type { Store } from '../../store/store.ts';
import type { HookEvent } from './types.ts';

/** The result of the `anomalies` analysis, as far as the webhooks read it (tests build it by hand). */
export interface AnomaliesResult {
  readonly sessions: readonly {
    readonly session_id: string;
    readonly identity: string;
    readonly start: string | number;
    readonly score: number;
    readonly reasons: readonly { readonly code: string; readonly text: string }[];
  }[];
  readonly days: readonly {
    readonly day: string;
    readonly metric: string;
    readonly value: number;
    readonly expected: number;
    readonly z: number;
    readonly reason: string;
  }[];
}

/** The result of the `diagnose` analysis, as far as the webhooks read it. */
export interface DiagnoseResult {
  readonly findings: readonly {
    readonly code: string;
    readonly severity: 'error' | 'warning' | 'info';
    readonly title: string;
    readonly evidence: unknown;
    readonly fix: string;
  }[];
}

// The analyses' own results fit these shapes (tsc checks it here).
type Fits<T extends U, U> = T;
export type AnomaliesFit = Fits<Anomalies, AnomaliesResult>;
export type DiagnoseFit = Fits<Diagnosis, DiagnoseResult>;

/** A finding to send: its stable id, the hook event it is, and the delivery's `data`. */
export interface Finding {
  readonly id: string;
  readonly event: HookEvent;
  readonly data: Readonly<Record<string, unknown>>;
}

export function findingsOfAnomalies(result: AnomaliesResult): Finding[] {
  return [
    ...result.sessions.map(
      (s): Finding => ({
        id: `session:${s.session_id}`,
        event: 'anomalous-session',
        data: {
          session_id: s.session_id,
          identity: s.identity,
          start: s.start,
          score: s.score,
          reasons: s.reasons,
          summary: s.reasons.map((r) => r.text).join('; '),
        },
      }),
    ),
    ...result.days.map(
      (d): Finding => ({
        id: `day:${d.day}:${d.metric}`,
        event: 'anomalous-day',
        data: {
          day: d.day,
          metric: d.metric,
          value: d.value,
          expected: d.expected,
          z: d.z,
          reason: d.reason,
        },
      }),
    ),
  ];
}

/** Diagnose's errors and warnings; its `info` findings (a summary, no fault) are not sent. */
export function findingsOfDiagnose(result: DiagnoseResult): Finding[] {
  return result.findings
    .filter((f) => f.severity !== 'info')
    .map((f) => ({
      id: `diagnose:${f.code}`,
      event: 'diagnose-finding',
      data: { code: f.code, severity: f.severity, title: f.title, evidence: f.evidence, fix: f.fix },
    }));
}

/** Which analysis gives which events, and how its result becomes findings. */
export const DETECTORS = [
  {
    analysis: 'anomalies',
    events: ['anomalous-session', 'anomalous-day'] as readonly HookEvent[],
    findings: (r: unknown) => findingsOfAnomalies(r as AnomaliesResult),
  },
  {
    analysis: 'diagnose',
    events: ['diagnose-finding'] as readonly HookEvent[],
    findings: (r: unknown) => findingsOfDiagnose(r as DiagnoseResult),
  },
] as const;

/**
 * Runs the detectors that give one of `events` on `store` for the period, as the query routes
 * run an entry; a detector missing from the catalogue is reported to `missing` and skipped.
 */
export async function runDetectors(
  store: Store,
  period: { readonly fromMs: number; readonly toMs: number },
  events: ReadonlySet<HookEvent>,
  missing: (analysis: string) => void,
  catalog: Record<string, Analysis | undefined> = CATALOG as Record<string, Analysis | undefined>,
): Promise<Finding[]> {
  const found: Finding[] = [];
  for (const d of DETECTORS) {
    if (!d.events.some((e) => events.has(e))) continue;
    const entry = catalog[d.analysis];
    if (entry === undefined) {
      missing(d.analysis);
      continue;
    }
    const raw = { from: new Date(period.fromMs).toISOString(), to: new Date(period.toMs).toISOString() };
    const planned = planAnalysis(entry, raw, API_SPELLING);
    const result = await runAnalysis(entry, store, planned, API_SPELLING);
    found.push(...d.findings(result).filter((f) => events.has(f.event)));
  }
  return found;
}
