/**
 * The funnel's one query: per breakdown key and step, how many groups (sessions, or visitors
 * within a window) reached it, and the median seconds from the step before. No window
 * functions (ClickHouse 18.16 has none): in order, each step is a join of the groups at the
 * step before with their later hits of this step; in any order, one pass per group.
 */
import type { Dialect } from '../sql/dialect.ts';
import { join, raw, type Sql, sql } from '../sql/query.ts';
import type { FunnelSpec } from './funnel.ts';
import { matches } from './funnel-steps.ts';
import { type Condition, dimensionSql, sessionsIn } from './plans.ts';

/** Column m1, m2 …: 1 where the event matches step i. */
const m = (i: number): Sql => raw(`m${i + 1}`);
/** The columns m1 … mN of a funnel's steps. */
const flagColumns = (spec: FunnelSpec): Sql[] => spec.steps.map((_, i) => m(i));

/**
 * Rows (key, reached, groups, median_s). In order, `groups` reached step `reached` (so each
 * step's row counts the groups of the next row too); in any order, exactly `reached` steps.
 *
 * In order, a group enters at its first hit of step 1 in the period, and each step is its first
 * hit after the previous step's (time, then input order), within `windowMs` of the entry when
 * given. In any order, step i is reached when steps 1…i all occur: within the session, or
 * within the window that opens at the group's first hit of any step in the period.
 */
export function funnelSql(d: Dialect, where: readonly Condition[], spec: FunnelSpec): Sql {
  const steps = spec.steps;
  const within = spec.windowMs === undefined;
  const s = sessionsIn(d, where);
  const key = spec.by === undefined ? sql`''` : sql`coalesce(${dimensionSql(d, spec.by)}, '')`;
  // The sessions whose events count, with the breakdown key worked out on the sessions alone.
  // `here`: the session is in the period (across sessions, the first step must be, later ones not).
  const sessions = within
    ? sql`SELECT session_id, session_id AS grp, ${key} AS key, 1 AS here FROM ${s} s`
    : sql`SELECT session_id, identity AS grp, ${key} AS key,
          CASE WHEN session_id IN (SELECT session_id FROM ${s} s1) THEN 1 ELSE 0 END AS here
        FROM sessions WHERE identity IN (SELECT identity FROM ${s} s2)
          AND end_ms >= (SELECT min(start_ms) FROM ${s} s3)
          AND start_ms <= (SELECT max(end_ms) FROM ${s} s4) + ${spec.windowMs!}`;
  const flags = join(steps.map((step, i) => sql`CASE WHEN ${matches(step, d)} THEN 1 ELSE 0 END AS ${m(i)}`));
  // The events that match a step, with their group, time, input order (ties), key and `here`.
  const hitsSql = sql`SELECT grp, ts_ms AS ts, seq AS sq, key, here, ${join(flagColumns(spec))}
    FROM (SELECT session_id, ts_ms, seq, ${flags} FROM events) e
    JOIN (${sessions}) k USING (session_id)
    WHERE ${join(flagColumns(spec), raw(' + '))} > 0`;
  return d.tables((define) => {
    const hits = define('hits', hitsSql);
    return spec.anyOrder === true ? anyOrderSql(d, hits, spec) : inOrderSql(d, hits, spec, define);
  });
}

function inOrderSql(d: Dialect, hits: Sql, spec: FunnelSpec, define: (name: string, q: Sql) => Sql): Sql {
  const window = spec.windowMs === undefined ? sql`` : sql` AND h_ts <= p_t0 + ${spec.windowMs}`;
  const reached: Sql[] = [];
  let before: Sql | undefined;
  spec.steps.forEach((_, i) => {
    // Step 1: the group's first hit of it in the period. Step i: its first hit after step i-1's.
    const q =
      before === undefined
        ? sql`SELECT grp, ${d.argMin(sql`key`, [sql`ts`, sql`sq`])} AS key, min(ts) AS t,
              ${d.argMin(sql`sq`, [sql`ts`, sql`sq`])} AS q, min(ts) AS t0, 0 AS dt
            FROM ${hits} h WHERE m1 = 1 AND here = 1 GROUP BY grp`
        : sql`SELECT grp, min(p_key) AS key, min(h_ts) AS t, ${d.argMin(sql`h_sq`, [sql`h_ts`, sql`h_sq`])} AS q,
              min(p_t0) AS t0, min(h_ts) - min(p_t) AS dt
            FROM (SELECT grp, key AS p_key, t AS p_t, q AS p_q, t0 AS p_t0 FROM ${before} f) f
            JOIN (SELECT grp, ts AS h_ts, sq AS h_sq FROM ${hits} h WHERE ${m(i)} = 1) n USING (grp)
            WHERE (h_ts > p_t OR (h_ts = p_t AND h_sq > p_q))${window} GROUP BY grp`;
    before = define(`f${i + 1}`, q);
    reached.push(
      sql`SELECT ${raw(String(i + 1))} AS step, key, dt / 1000.0 AS dt_s FROM ${before} f${raw(String(i + 1))}`,
    );
  });
  return sql`SELECT key, step AS reached, count(*) AS groups, ${d.median(sql`dt_s`)} AS median_s
    FROM (${join(reached, raw(' UNION ALL '))}) r GROUP BY key, step ORDER BY key, step`;
}

function anyOrderSql(d: Dialect, hits: Sql, spec: FunnelSpec): Sql {
  const steps = spec.steps;
  // Across sessions the window opens at the group's first hit in the period; nothing before counts.
  const opened =
    spec.windowMs === undefined
      ? hits
      : sql`(SELECT grp, ts, sq, key, here, ${join(flagColumns(spec))}, t0 FROM ${hits} h
          JOIN (SELECT grp, min(ts) AS t0 FROM ${hits} h0 WHERE here = 1 GROUP BY grp) o USING (grp))`;
  const inWindow = spec.windowMs === undefined ? sql`` : sql` AND ts >= t0 AND ts <= t0 + ${spec.windowMs}`;
  const r = (i: number): Sql => raw(`r${i + 1}`);
  const occurs = join(
    steps.map(
      (_, i) => sql`CASE WHEN ${d.countIf(sql`${m(i)} = 1${inWindow}`)} > 0 THEN 1 ELSE 0 END AS ${r(i)}`,
    ),
  );
  // The key of the session of the group's first hit of step 1 in the period ('' if none).
  const first = sql`m1 = 1 AND here = 1`;
  const keyOfFirst = sql`CASE WHEN ${d.countIf(first)} > 0
    THEN ${d.argMin(sql`key`, [sql`CASE WHEN ${first} THEN 0 ELSE 1 END`, sql`ts`, sql`sq`])} ELSE '' END`;
  // Steps 1…i all occur: r1 * … * ri is 1.
  const reached = join(
    steps.map((_, i) =>
      join(
        steps.slice(0, i + 1).map((__, j) => r(j)),
        raw(' * '),
      ),
    ),
    raw(' + '),
  );
  return sql`SELECT key, ${reached} AS reached, count(*) AS groups, NULL AS median_s
    FROM (SELECT grp, ${keyOfFirst} AS key, ${occurs} FROM ${opened} h GROUP BY grp) g
    WHERE r1 = 1 GROUP BY key, reached ORDER BY key, reached`;
}
