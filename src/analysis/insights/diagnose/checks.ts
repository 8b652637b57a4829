/**
 * The stored data's own checks, measured in SQL: event times against a clock and against when
 * each was stored, the collector's clock skew, fields missing, sessions ended by max_duration and
 * identities with absurd event counts. Plain counts; diagnose/findings.ts judges them.
 *
 *   await measureTimes(store, { nowMs: Date.now() }) // { events: 1200, future: 3, … }
 */
import { join, sql, sqlName } from '../../../sql/query.ts';
import type { QueryRunner } from '../../../store/store.ts';
import { type Condition, sessionsIn } from '../../plans.ts';

/** Later than the clock (or than its own storing) by more than this: from the future. */
export const FUTURE_SLACK_MS = 5 * 60_000;
/** Before this (1990-01-01): from before the web, an epoch-zero or unit mistake. */
export const PAST_FLOOR_MS = Date.UTC(1990, 0, 1);
/** More than this before the median event time: far in the past. */
export const PAST_SPAN_MS = 5 * 365 * 86_400_000;
/** A collector event timed more than this after it was received came from a fast clock. */
export const AHEAD_MS = 60_000;
/** A collector event received more than this after its time was held back (or backfilled). */
export const LATE_MS = 60 * 60_000;

export interface TimeCounts {
  readonly events: number;
  readonly minMs: number | null;
  readonly maxMs: number | null;
  readonly medianMs: number | null;
  /** Later than nowMs + FUTURE_SLACK_MS (null when no clock was given). */
  readonly future: number | null;
  /** Later than their own `received_at` + FUTURE_SLACK_MS: from the future when stored. */
  readonly futureWhenStored: number;
  /** Before pastBeforeMs: PAST_FLOOR_MS, or PAST_SPAN_MS before the median when that is later. */
  readonly past: number;
  readonly pastBeforeMs: number;
  /** Events of the collector (import 0), where `received_at` is when the server got them. */
  readonly collector: number;
  /** Collector events timed more than AHEAD_MS after their receive time. */
  readonly ahead: number;
  /** Collector events received more than LATE_MS after their time. */
  readonly late: number;
  /** The median of received_at - ts_ms over collector events (null: none). */
  readonly medianLagMs: number | null;
  /** Collector events whose time was set to the receive time (property stint_clamped_from). */
  readonly clamped: number;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export async function measureTimes(store: QueryRunner, nowMs: number | undefined): Promise<TimeCounts> {
  const d = store.dialect;
  const [m] = await store.query(
    d.compile(
      sql`SELECT count(*) AS n, min(ts_ms) AS lo, max(ts_ms) AS hi, ${d.median(sql`ts_ms`)} AS mid FROM events`,
    ),
  );
  const medianMs = num(m?.mid);
  const pastBefore = Math.max(PAST_FLOOR_MS, medianMs === null ? PAST_FLOOR_MS : medianMs - PAST_SPAN_MS);
  const [c] = await store.query(
    d.compile(sql`SELECT
      ${d.countIf(sql`ts_ms > ${nowMs ?? 0} + ${FUTURE_SLACK_MS}`)} AS future,
      ${d.countIf(sql`ts_ms > received_at + ${FUTURE_SLACK_MS}`)} AS stored_early,
      ${d.countIf(sql`ts_ms < ${Math.round(pastBefore)}`)} AS past,
      ${d.countIf(sql`import_id = 0`)} AS collector,
      ${d.countIf(sql`import_id = 0 AND ts_ms - received_at > ${AHEAD_MS}`)} AS ahead,
      ${d.countIf(sql`import_id = 0 AND received_at - ts_ms > ${LATE_MS}`)} AS late,
      ${d.countIf(sql`import_id = 0 AND ${d.contains(sql`coalesce(properties, '')`, sql`${'"stint_clamped_from"'}`)}`)} AS clamped
      FROM events`),
  );
  const [lag] = await store.query(
    d.compile(sql`SELECT ${d.median(sql`received_at - ts_ms`)} AS lag FROM events WHERE import_id = 0`),
  );
  return {
    events: Number(m?.n ?? 0),
    minMs: num(m?.lo),
    maxMs: num(m?.hi),
    medianMs,
    future: nowMs === undefined ? null : Number(c?.future ?? 0),
    futureWhenStored: Number(c?.stored_early ?? 0),
    past: Number(c?.past ?? 0),
    pastBeforeMs: Math.round(pastBefore),
    collector: Number(c?.collector ?? 0),
    ahead: Number(c?.ahead ?? 0),
    late: Number(c?.late ?? 0),
    medianLagMs: num(lag?.lag),
    clamped: Number(c?.clamped ?? 0),
  };
}

/** The event fields whose absence costs an analysis something, and what it costs. */
export const CHECKED_FIELDS = {
  url: 'pages, entry and exit pages, paths and funnels by page are empty',
  user_agent: 'device type, browser and OS are unknown, and bots cannot be told apart',
  timezone: "local hours fall back to --tz instead of each visitor's own zone",
  country: 'the country breakdown is empty',
  // Measured, never a finding: only a visit's first event needs one.
  referrer: 'sessions count as direct traffic unless their URL carries utm_ parameters',
  event_id: 'a retried event cannot be told from a new one, so duplicates are counted twice',
} as const;
export type CheckedField = keyof typeof CHECKED_FIELDS;

/** How many events lack each checked field (empty or NULL). */
export async function measureFields(
  store: QueryRunner,
): Promise<{ events: number; missing: Record<CheckedField, number> }> {
  const d = store.dialect;
  const fields = Object.keys(CHECKED_FIELDS) as CheckedField[];
  const [r] = await store.query(
    d.compile(
      sql`SELECT count(*) AS n, ${join(fields.map((f) => sql`${d.countIf(sql`coalesce(${sqlName(f)}, '') = ''`)} AS ${sqlName(`m_${f}`)}`))} FROM events`,
    ),
  );
  return {
    events: Number(r?.n ?? 0),
    missing: Object.fromEntries(fields.map((f) => [f, Number(r?.[`m_${f}`] ?? 0)])) as Record<
      CheckedField,
      number
    >,
  };
}

/** Sessions in the period, and those that max_duration ended. */
export async function measureEndReasons(
  store: QueryRunner,
  where: readonly Condition[],
): Promise<{ sessions: number; maxDuration: number }> {
  const d = store.dialect;
  const [r] = await store.query(
    d.compile(
      sql`SELECT count(*) AS n, ${d.countIf(sql`end_reason = 'max_duration'`)} AS md FROM ${sessionsIn(d, where)} s`,
    ),
  );
  return { sessions: Number(r?.n ?? 0), maxDuration: Number(r?.md ?? 0) };
}

/** An identity has an absurd count with at least this many events … */
export const ABSURD_MIN_EVENTS = 1000;
/** … and this many times the median identity's. */
export const ABSURD_RATIO = 100;
/** How many of them are listed by name. */
export const ABSURD_LISTED = 10;

export interface IdentityCounts {
  readonly identities: number;
  readonly medianEvents: number | null;
  /** The events an identity needs to count as absurd. */
  readonly threshold: number;
  readonly absurdCount: number;
  readonly absurdEvents: number;
  readonly absurd: { identity: string; events: number; sessions: number }[];
}

/** Events per identity (over the period's sessions), and the identities with absurd counts. */
export async function measureIdentities(
  store: QueryRunner,
  where: readonly Condition[],
): Promise<IdentityCounts> {
  const d = store.dialect;
  const perIdentity = sql`(SELECT identity, sum(events) AS n, count(*) AS k FROM ${sessionsIn(d, where)} s GROUP BY identity)`;
  const [m] = await store.query(
    d.compile(sql`SELECT count(*) AS ids, ${d.median(sql`n`)} AS mid FROM ${perIdentity} p`),
  );
  const medianEvents = num(m?.mid);
  const threshold = Math.max(ABSURD_MIN_EVENTS, Math.ceil(ABSURD_RATIO * (medianEvents ?? 0)));
  const [t] = await store.query(
    d.compile(sql`SELECT count(*) AS c, sum(n) AS e FROM ${perIdentity} p WHERE n >= ${threshold}`),
  );
  const top = await store.query(
    d.compile(
      sql`SELECT identity, n, k FROM ${perIdentity} p WHERE n >= ${threshold} ORDER BY n DESC, identity LIMIT ${ABSURD_LISTED}`,
    ),
  );
  return {
    identities: Number(m?.ids ?? 0),
    medianEvents,
    threshold,
    absurdCount: Number(t?.c ?? 0),
    absurdEvents: Number(t?.e ?? 0),
    absurd: top.map((r) => ({ identity: String(r.identity), events: Number(r.n), sessions: Number(r.k) })),
  };
}
