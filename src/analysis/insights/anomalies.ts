/**
 * Fraud-like and anomalous sessions, and anomalous days: each session of the period is read
 * (its row and ordered pages; the events of those long enough to burst or run too fast, and the
 * failure events of all) and scored by the signals of anomalies/ (score.ts says how), and each
 * day's sessions and conversions are set against the same weekdays before it (days.ts).
 *
 *   await anomalies(store, options, { ...DEFAULT_THRESHOLDS, failureEvents: ['login_failed'] }, 20)
 *   // { sessions: [{ session_id, identity, start, score: 4, reasons: [{ code: 'burst', text: '37 pageviews in 40 s' }] }], days: [...] }
 */
import { localDayNumber, wallTimeToUtcMs } from '../../core/zone.ts';
import { sql } from '../../sql/query.ts';
import type { Store } from '../../store/store.ts';
import { periodWhere, resolveRange } from '../overview.ts';
import { sessionsIn, whereSql } from '../plans.ts';
import type { QueryOptions } from '../query-options.ts';
import { type DayAnomaly, type DayCounts, dayAnomalies } from './anomalies/days.ts';
import { modelOf, type TransitionModel } from './anomalies/markov.ts';
import { scoreSessions } from './anomalies/score.ts';
import type { SessionEvents, SessionRow } from './anomalies/session-row.ts';
import type { ReasonCode, Thresholds } from './anomalies/thresholds.ts';

export { DEFAULT_THRESHOLDS, type Thresholds } from './anomalies/thresholds.ts';

export interface AnomalousSession {
  readonly session_id: string;
  readonly identity: string;
  /** The user_id, '' when the session had none. */
  readonly user_id: string;
  /** ISO time of its start. */
  readonly start: string;
  readonly duration_s: number;
  readonly pageviews: number;
  readonly events: number;
  readonly device_type: string;
  readonly timezone: string;
  /** The sum of its reasons' severities (each 1 to 3). */
  readonly score: number;
  readonly reasons: readonly {
    readonly code: ReasonCode;
    readonly text: string;
    readonly severity: number;
  }[];
}

export interface Anomalies {
  readonly range: { readonly from: string; readonly to: string };
  /** Sessions of the period scored. */
  readonly scored: number;
  /** Sessions flagged (all of them, of which `sessions` lists `limit`). */
  readonly flagged: number;
  /** Flagged sessions per reason code. */
  readonly by_reason: Readonly<Record<string, number>>;
  /** The flagged sessions, highest score first. */
  readonly sessions: readonly AnomalousSession[];
  /** Anomalous days of the period, furthest from their baseline first. */
  readonly days: readonly DayAnomaly[];
  /**
   * The day of the store's latest session, left out of the day-level check: its data may still
   * be arriving (or the file was cut), and a day half told would always look low. Null when the
   * period ends before it.
   */
  readonly incomplete_day: string | null;
  readonly thresholds: Thresholds;
}

const DAY_MS = 86_400_000;

export async function anomalies(
  store: Store,
  options: QueryOptions,
  t: Thresholds,
  limit: number,
): Promise<Anomalies> {
  const range = await resolveRange(store, options);
  const where = await periodWhere(store, options);
  const iso = (ms: number): string => new Date(ms).toISOString();
  if (range === undefined || where === undefined) {
    const r = { from: iso(options.fromMs ?? 0), to: iso(options.toMs ?? 0) };
    const none = { scored: 0, flagged: 0, by_reason: {}, sessions: [], days: [], incomplete_day: null };
    return { range: r, ...none, thresholds: t };
  }
  const rows = await readSessions(store, where, t);
  const events = await readEvents(store, where, t);
  const scored = scoreSessions(rows, events, t, await readTransitions(store, where));
  const byReason: Record<string, number> = {};
  for (const s of scored) for (const r of s.reasons) byReason[r.code] = (byReason[r.code] ?? 0) + 1;
  const sessions = scored.slice(0, limit).map(({ index, score, reasons }): AnomalousSession => {
    const r = rows[index]!;
    return {
      session_id: r.sessionId,
      identity: r.identity,
      user_id: r.user === r.identity ? '' : r.user,
      start: iso(r.startMs),
      duration_s: (r.endMs - r.startMs) / 1000,
      pageviews: r.pageviews,
      events: r.events,
      device_type: r.deviceType,
      timezone: r.timezone,
      score,
      reasons: reasons.map((x) => ({
        code: x.code,
        text: x.text,
        severity: Math.round(x.severity * 100) / 100,
      })),
    };
  });
  const { days, incomplete } = await anomalousDays(store, options, range, t);
  return {
    range: { from: iso(range.fromMs), to: iso(range.toMs) },
    scored: rows.length,
    flagged: scored.length,
    by_reason: byReason,
    sessions,
    days,
    incomplete_day: incomplete,
    thresholds: t,
  };
}

type Where = NonNullable<Awaited<ReturnType<typeof periodWhere>>>;

/**
 * The period's sessions; the pages only of those long enough for a navigation score (the model
 * of all sessions' transitions is read as aggregates, readTransitions).
 */
async function readSessions(store: Store, where: Where, t: Thresholds): Promise<SessionRow[]> {
  const d = store.dialect;
  const inPeriod = sessionsIn(d, where);
  const rows = await store.query(
    d.compile(sql`SELECT session_id, identity, user_id, start_ms, end_ms, device_type, browser, os, timezone,
        pageviews, events
      FROM ${inPeriod} s ORDER BY start_ms, session_id`),
  );
  const long = await store.query(
    d.compile(sql`SELECT session_id, pages FROM ${inPeriod} s
      WHERE ${d.arrayLength(sql`pages`)} > ${t.markovMinTransitions}`),
  );
  const pages = new Map(
    long.map((r) => [String(r.session_id), Array.isArray(r.pages) ? r.pages.map(String) : []]),
  );
  return rows.map((r) => ({
    sessionId: String(r.session_id),
    identity: String(r.identity),
    user: r.user_id === '' || r.user_id === null ? String(r.identity) : String(r.user_id),
    startMs: Number(r.start_ms),
    endMs: Number(r.end_ms),
    deviceType: String(r.device_type ?? ''),
    browser: String(r.browser ?? ''),
    os: String(r.os ?? ''),
    timezone: String(r.timezone ?? ''),
    pageviews: Number(r.pageviews),
    events: Number(r.events),
    pages: pages.get(String(r.session_id)) ?? [],
  }));
}

/** The page transitions of all the period's sessions, each session weighing 1 (markov.ts). */
async function readTransitions(store: Store, where: Where): Promise<TransitionModel> {
  const d = store.dialect;
  const steps = sql`SELECT pages, ${d.arrayLength(sql`pages`)} AS n, ${d.arrayIndexes(sql`pages`)} AS i
    FROM ${sessionsIn(d, where)} s`;
  const transitions = await store.query(
    d.compile(sql`SELECT a, b, sum(w) AS w
      FROM (SELECT pages[i] AS a, pages[i + 1] AS b, 1.0 / (n - 1) AS w FROM (${steps}) x WHERE i < n) y
      GROUP BY a, b`),
  );
  const [count] = await store.query(
    d.compile(sql`SELECT count(DISTINCT p) AS pages FROM (SELECT pages[i] AS p FROM (${steps}) x) y`),
  );
  return modelOf(
    transitions.map((r) => ({ a: String(r.a), b: String(r.b), w: Number(r.w) })),
    Number(count?.pages ?? 0),
  );
}

/**
 * What the pace and failure signals need, read so that few events leave the store: the median
 * gap between pageviews of each session with `fastMinPageviews` or more, measured in SQL (only
 * those under `fastIntervalS` come back); the events of the sessions that could burst (at least
 * `burstEvents` events, half of them in one fixed `burstSeconds` bucket, as any window of that
 * length spans at most two); and the failure events of every session.
 */
async function readEvents(store: Store, where: Where, t: Thresholds): Promise<Map<string, SessionEvents>> {
  const d = store.dialect;
  const inPeriod = sessionsIn(d, where);
  const gaps = d.withNext(
    sql`(SELECT session_id, ts_ms, seq FROM events WHERE event = 'pageview'
      AND session_id IN (SELECT session_id FROM ${inPeriod} s WHERE pageviews >= ${t.fastMinPageviews}))`,
    {
      columns: ['session_id', 'ts_ms', 'seq'],
      partition: 'session_id',
      order: ['ts_ms', 'seq'],
      of: 'ts_ms',
    },
  );
  const fast = await store.query(
    d.compile(sql`SELECT session_id, n, gap FROM (
        SELECT session_id, count(*) + 1 AS n, ${d.median(sql`next_ts_ms - ts_ms`)} AS gap
        FROM ${gaps} g WHERE next_ts_ms IS NOT NULL GROUP BY session_id) x
      WHERE gap < ${t.fastIntervalS * 1000}`),
  );
  const bucketMs = Math.max(1, Math.round(t.burstSeconds * 1000));
  const bursting = sql`session_id IN (SELECT session_id FROM (
      SELECT session_id, floor(ts_ms / ${bucketMs}) AS bucket, count(*) AS n FROM events
      WHERE session_id IN (SELECT session_id FROM ${inPeriod} s WHERE events >= ${t.burstEvents})
      GROUP BY session_id, bucket) b
    WHERE n >= ${Math.ceil(t.burstEvents / 2)} GROUP BY session_id)`;
  const failing =
    t.failureEvents.length === 0
      ? sql`1 = 0`
      : sql`(${d.isIn(sql`event`, t.failureEvents)} AND session_id IN (SELECT session_id FROM ${inPeriod} f))`;
  const rows = await store.query(
    d.compile(sql`SELECT session_id, ts_ms, event FROM events
      WHERE ${bursting} OR ${failing} ORDER BY session_id, ts_ms, seq`),
  );
  const failures = new Set(t.failureEvents);
  type Mutable = {
    times: number[];
    pageviewTimes: number[];
    failures: { tsMs: number; name: string }[];
    gaps?: { pageviews: number; medianGapMs: number };
  };
  const out = new Map<string, Mutable>();
  const entry = (id: string): Mutable => {
    let e = out.get(id);
    if (e === undefined) {
      e = { times: [], pageviewTimes: [], failures: [] };
      out.set(id, e);
    }
    return e;
  };
  for (const r of rows) {
    const e = entry(String(r.session_id));
    const ts = Number(r.ts_ms);
    const name = String(r.event);
    e.times.push(ts);
    if (name === 'pageview') e.pageviewTimes.push(ts);
    if (failures.has(name)) e.failures.push({ tsMs: ts, name });
  }
  for (const r of fast)
    entry(String(r.session_id)).gaps = { pageviews: Number(r.n), medianGapMs: Number(r.gap) };
  // A session read for its failures alone has only some of its pageviews: its gaps are SQL's or none.
  for (const e of out.values()) if (e.gaps === undefined) e.gaps = { pageviews: 0, medianGapMs: Number.NaN };
  return out;
}

/** The period's local days, and their counts with those of the baseline weeks before. */
async function anomalousDays(
  store: Store,
  options: QueryOptions,
  range: { fromMs: number; toMs: number },
  t: Thresholds,
): Promise<{ days: DayAnomaly[]; incomplete: string | null }> {
  const d = store.dialect;
  const first = localDayNumber(range.fromMs, options.tz);
  const [latest] = await store.query(d.compile(sql`SELECT max(start_ms) AS ms FROM sessions`));
  const lastOfData = localDayNumber(Number(latest?.ms ?? range.toMs - 1), options.tz);
  const last = Math.min(localDayNumber(range.toMs - 1, options.tz), lastOfData - 1);
  const incomplete = lastOfData <= localDayNumber(range.toMs - 1, options.tz) ? dayText(lastOfData) : null;
  const days: string[] = [];
  for (let n = first; n <= last; n++) days.push(dayText(n));
  const where = [
    {
      kind: 'range' as const,
      fromMs: wallTimeToUtcMs((first - t.baselineWeeks * 7) * DAY_MS, options.tz),
      toMs: range.toMs,
    },
    ...options.filters,
  ];
  const rows = await store.query(
    d.compile(sql`SELECT day, count(*) AS sessions, ${d.countIf(sql`conversions > 0`)} AS conversions
      FROM (SELECT ${d.localBucketText(sql`start_ms`, 'day', options.tz)} AS day, conversions
            FROM sessions${whereSql(d, where)}) x
      GROUP BY day ORDER BY day`),
  );
  const counts: DayCounts[] = rows.map((r) => ({
    day: String(r.day),
    sessions: Number(r.sessions),
    conversions: Number(r.conversions),
  }));
  return { days: dayAnomalies(counts, days, t), incomplete };
}

const dayText = (dayNumber: number): string => new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
