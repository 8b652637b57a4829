/**
 * The gaps between consecutive events of each identity, measured in SQL: those inside a stored
 * session (the events of each session, next event by `withNext`) and those between two sessions
 * of an identity (each session to the next one's start, with its `end_reason`). Together they are
 * every gap between consecutive events of an identity, whatever the timeout was.
 *
 *   await measureGaps(store, where, SENSITIVITY_TIMEOUTS_MS)
 *   // { within: Map{bin → n}, between: Map{bin → n}, identities: 120, sessions: 480, … }
 */
import { join, type Sql, sql, sqlName } from '../../../sql/query.ts';
import type { QueryRunner } from '../../../store/store.ts';
import { type Condition, sessionsIn } from '../../plans.ts';
import { BINS_PER_DECADE, LAST_BIN } from './valley.ts';

const MINUTE = 60_000;
/** The timeouts of the sensitivity curve: 5 min to 2 h. */
export const SENSITIVITY_TIMEOUTS_MS: readonly number[] = [5, 10, 15, 20, 30, 45, 60, 90, 120].map(
  (m) => m * MINUTE,
);

export interface GapCounts {
  /** Gaps inside stored sessions, by bin (valley.ts). */
  readonly within: Map<number, number>;
  /** Gaps between two sessions of an identity, by bin. */
  readonly between: Map<number, number>;
  readonly identities: number;
  readonly sessions: number;
  /** Boundaries between sessions that another rule than the timeout made (end_event, max_duration …). */
  readonly otherBoundaries: number;
  /** For each timeout asked: gaps longer than it, inside sessions and at timeout boundaries. */
  readonly longer: readonly { timeoutMs: number; within: number; between: number }[];
}

/** The bin of `gap_ms` as SQL (valley.ts binOfGap: -1 under a second, at most LAST_BIN). */
function binSql(): Sql {
  return sql`CASE WHEN gap_ms < 1000 THEN -1
    ELSE least(${LAST_BIN}, floor(log10(greatest(gap_ms, 1000) / 1000.0) * ${BINS_PER_DECADE})) END`;
}

export async function measureGaps(
  store: QueryRunner,
  where: readonly Condition[],
  timeoutsMs: readonly number[],
): Promise<GapCounts> {
  const d = store.dialect;
  const inPeriod = sessionsIn(d, where);
  const withinGaps = sql`(SELECT next_ts_ms - ts_ms AS gap_ms FROM ${d.withNext(
    sql`(SELECT session_id, ts_ms, seq FROM events WHERE session_id IN (SELECT session_id FROM ${inPeriod} s))`,
    {
      columns: ['session_id', 'ts_ms', 'seq'],
      partition: 'session_id',
      order: ['ts_ms', 'seq'],
      of: 'ts_ms',
    },
  )} n WHERE next_ts_ms IS NOT NULL)`;
  const betweenGaps = sql`(SELECT next_start_ms - end_ms AS gap_ms, end_reason FROM ${d.withNext(
    sql`(SELECT identity, session_id, start_ms, end_ms, end_reason FROM ${inPeriod} s)`,
    {
      columns: ['identity', 'session_id', 'start_ms', 'end_ms', 'end_reason'],
      partition: 'identity',
      order: ['start_ms', 'session_id'],
      of: 'start_ms',
    },
  )} n WHERE next_start_ms IS NOT NULL)`;
  const histogram = async (gaps: Sql): Promise<Map<number, number>> => {
    const rows = await store.query(
      d.compile(
        sql`SELECT bin, count(*) AS n FROM (SELECT ${binSql()} AS bin FROM ${gaps} g) b GROUP BY bin`,
      ),
    );
    return new Map(rows.map((r) => [Number(r.bin), Number(r.n)]));
  };
  const longerThan = (extra?: Sql) =>
    timeoutsMs.map(
      (t, i) =>
        sql`${d.countIf(extra === undefined ? sql`gap_ms > ${t}` : sql`${extra} AND gap_ms > ${t}`)} AS ${sqlName(`c${i}`)}`,
    );
  const [withinLonger] = await store.query(
    d.compile(sql`SELECT count(*) AS n, ${join(longerThan())} FROM ${withinGaps} g`),
  );
  const [betweenLonger] = await store.query(
    d.compile(
      sql`SELECT count(*) AS n, ${d.countIf(sql`end_reason <> 'timeout'`)} AS other, ${join(longerThan(sql`end_reason = 'timeout'`))} FROM ${betweenGaps} g`,
    ),
  );
  const [counts] = await store.query(
    d.compile(sql`SELECT count(*) AS sessions, count(DISTINCT identity) AS identities FROM ${inPeriod} s`),
  );
  return {
    within: await histogram(withinGaps),
    between: await histogram(betweenGaps),
    identities: Number(counts?.identities ?? 0),
    sessions: Number(counts?.sessions ?? 0),
    otherBoundaries: Number(betweenLonger?.other ?? 0),
    longer: timeoutsMs.map((timeoutMs, i) => ({
      timeoutMs,
      within: Number(withinLonger?.[`c${i}`] ?? 0),
      between: Number(betweenLonger?.[`c${i}`] ?? 0),
    })),
  };
}

/** Sessions with each timeout, the other rules' splits held as they are now. */
export function sessionsByTimeout(g: GapCounts): { timeout_ms: number; sessions: number }[] {
  return g.longer.map((l) => ({
    timeout_ms: l.timeoutMs,
    sessions: g.identities + g.otherBoundaries + l.between + l.within,
  }));
}
