/**
 * `stint diagnose`: does the sessionization fit the data? It measures the stored events and
 * sessions (gaps between an identity's events, sessions per timeout, end reasons, event counts per
 * identity, event times, local hours, the import log, missing fields) and judges them into
 * findings, each with a severity, evidence and a fix (diagnose/findings.ts).
 *
 *   await diagnose(store, parseQueryOptions({}), Date.now()) // { findings: [{ code: 'timeout_too_short', … }], gaps, … }
 */
import type { ImportRecord, QueryRunner, Store, StoredRules } from '../../store/store.ts';
import { activity } from '../activity.ts';
import { periodWhere } from '../overview.ts';
import type { QueryOptions } from '../query-options.ts';
import {
  CHECKED_FIELDS,
  type CheckedField,
  measureEndReasons,
  measureFields,
  measureIdentities,
  measureTimes,
} from './diagnose/checks.ts';
import { findingsOf } from './diagnose/findings.ts';
import { measureGaps, SENSITIVITY_TIMEOUTS_MS, sessionsByTimeout } from './diagnose/gaps.ts';
import type { DiagnoseResult } from './diagnose/result.ts';
import {
  BINS_PER_DECADE,
  fullBins,
  MIN_SIDE_SHARE,
  NICE_TIMEOUTS_MS,
  suggestTimeout,
  VALLEY_DEPTH,
} from './diagnose/valley.ts';

export type { DiagnoseResult, Finding } from './diagnose/result.ts';

export const METHOD = `gaps between consecutive events of an identity in log-scale bins (${BINS_PER_DECADE} a decade), smoothed with [1, 2, 1] / 4; the valley is the bin lowest against the lower of the two peaks around it (each side holding at least ${MIN_SIDE_SHARE * 100} % of the gaps, at most ${VALLEY_DEPTH} of that peak; the widest run of equal bins between equals); the centre of its run of equal bins, rounded to a usual timeout, is the suggestion`;

/** What diagnose reads beside SQL: the rules in force and the import log. */
export interface DiagnoseContext {
  /** The clock for the future check; undefined skips it (received_at still shows events stored early). */
  readonly nowMs: number | undefined;
  readonly rules: StoredRules | undefined;
  readonly imports: readonly ImportRecord[];
}

export async function diagnose(
  store: Store,
  options: QueryOptions,
  nowMs: number | undefined,
): Promise<DiagnoseResult> {
  return diagnoseWith(store, options, { nowMs, rules: await store.rules(), imports: await store.imports() });
}

export async function diagnoseWith(
  runner: QueryRunner,
  options: QueryOptions,
  context: DiagnoseContext,
): Promise<DiagnoseResult> {
  // The period's lookups only query: a runner is all they use.
  const store = runner as Store;
  const rules = context.rules?.rules;
  const currentMs = rules?.timeoutMs ?? null;
  // Every timeout a suggestion can be, counted in the same pass; the curve shows 5 min to 2 h
  // and the timeouts in force and suggested.
  const counted = [
    ...new Set([...SENSITIVITY_TIMEOUTS_MS, ...NICE_TIMEOUTS_MS, ...(currentMs === null ? [] : [currentMs])]),
  ];
  const where = (await periodWhere(store, options)) ?? [{ kind: 'range' as const, fromMs: 0, toMs: 0 }];
  const g = await measureGaps(
    runner,
    where,
    counted.sort((a, b) => a - b),
  );
  const total = new Map<number, number>();
  for (const m of [g.within, g.between]) for (const [b, n] of m) total.set(b, (total.get(b) ?? 0) + n);
  const bins = fullBins(total);
  const suggestion = suggestTimeout(bins);
  const shown = new Set([...SENSITIVITY_TIMEOUTS_MS, currentMs, suggestion?.suggested_ms]);
  const curve = sessionsByTimeout(g).filter((p) => shown.has(p.timeout_ms));
  const ends = await measureEndReasons(runner, where);
  const ids = await measureIdentities(runner, where);
  const times = await measureTimes(runner, context.nowMs);
  const fields = await measureFields(runner);
  const act = await activity(store, options);
  const hourly = Array.from({ length: 24 }, (_, h) =>
    act.sessions.reduce((sum, day) => sum + (day[h] ?? 0), 0),
  );
  const peak = act.total === 0 ? null : hourly.indexOf(Math.max(...hourly));
  const sum = (pick: (r: ImportRecord) => number) => context.imports.reduce((s, r) => s + pick(r), 0);
  const rows = sum((r) => r.rows);
  const measured: Omit<DiagnoseResult, 'findings'> = {
    now_ms: context.nowMs ?? null,
    scope: { sessions: 'period', events: 'store' },
    rules:
      context.rules === undefined
        ? null
        : {
            version: context.rules.version,
            timeout_ms: context.rules.rules.timeoutMs,
            max_duration_ms: context.rules.rules.maxDurationMs,
            identity: context.rules.rules.identity,
          },
    sessions: g.sessions,
    identities: g.identities,
    gaps: {
      bins_per_decade: BINS_PER_DECADE,
      within: [...g.within.values()].reduce((a, b) => a + b, 0),
      between: [...g.between.values()].reduce((a, b) => a + b, 0),
      bins: bins.map((b) => ({
        bin: b.bin,
        from_s: b.from_s,
        to_s: b.to_s,
        within: g.within.get(b.bin) ?? 0,
        between: g.between.get(b.bin) ?? 0,
      })),
    },
    timeout: {
      current_ms: currentMs,
      suggested_ms: suggestion?.suggested_ms ?? null,
      valley_s: suggestion?.valley_s ?? null,
      valley_from_s: suggestion?.valley_from_s ?? null,
      valley_to_s: suggestion?.valley_to_s ?? null,
      peaks_s: suggestion?.peaks_s ?? null,
      method: METHOD,
    },
    sensitivity: curve,
    max_duration: {
      sessions: ends.sessions,
      ended: ends.maxDuration,
      share: ends.sessions === 0 ? 0 : ends.maxDuration / ends.sessions,
    },
    identity_counts: {
      median_events: ids.medianEvents,
      threshold: ids.threshold,
      absurd_count: ids.absurdCount,
      absurd_events: ids.absurdEvents,
      absurd: ids.absurd,
    },
    times: {
      events: times.events,
      min_ms: times.minMs,
      max_ms: times.maxMs,
      median_ms: times.medianMs,
      future: times.future,
      future_when_stored: times.futureWhenStored,
      past: times.past,
      past_before_ms: times.pastBeforeMs,
      collector: times.collector,
      ahead: times.ahead,
      late: times.late,
      median_lag_ms: times.medianLagMs,
      clamped: times.clamped,
    },
    hours: {
      tz: act.tz,
      own_zone_share: act.total === 0 ? 0 : (act.total - act.in_report_zone) / act.total,
      sessions: hourly,
      peak_hour: peak,
    },
    imports: {
      imports: context.imports.length,
      rows,
      duplicates: sum((r) => r.duplicates),
      rejected: sum((r) => r.rejected),
      left_out: sum((r) => r.leftOut),
      duplicate_rate: rows === 0 ? 0 : sum((r) => r.duplicates) / rows,
      reject_rate: rows === 0 ? 0 : sum((r) => r.rejected) / rows,
    },
    fields: {
      events: fields.events,
      missing: (Object.keys(CHECKED_FIELDS) as CheckedField[]).map((field) => ({
        field,
        missing: fields.missing[field],
        share: fields.events === 0 ? 0 : fields.missing[field] / fields.events,
        cost: CHECKED_FIELDS[field],
      })),
    },
  };
  return { findings: findingsOf(measured), ...measured };
}
