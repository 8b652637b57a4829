/**
 * Deleting stored events in a DuckDB transaction (erase.ts drives it): the events a condition
 * selects go, and the stored events left of every identity they touched (closed over device ↔
 * user links, as in user mode) are read back to be sessionized again. The ids go into the
 * transaction's keys table, so `replaceSessions` replaces exactly those identities' sessions.
 *
 *   const { removed, keys, events } = await deleteEventsWhere(c, 'user_id = $1', ['u1'], names, 'stint_keys');
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { ReadEvents } from '../store.ts';
import { readEventColumns } from './columns.ts';

const DOOMED = 'stint_doomed';
const OLD_SESSIONS = 'stint_old_sessions';

export async function deleteEventsWhere(
  c: DuckDBConnection,
  where: string,
  params: readonly DuckDBValue[],
  eventNames: string,
  keysTable: string,
): Promise<{ removed: number; keys: string[]; events: ReadEvents }> {
  await c.run(
    `CREATE TEMP TABLE ${DOOMED} AS SELECT seq, session_id, anonymous_id, user_id FROM events WHERE ${where}`,
    [...params],
  );
  await c.run(`CREATE TEMP TABLE ${keysTable} (k VARCHAR PRIMARY KEY, from_ms BIGINT, t0 BIGINT)`);
  // Every id of the doomed events, and the identity of every session they were in.
  await c.run(
    `INSERT INTO ${keysTable} SELECT DISTINCT k, NULL, NULL FROM (
       SELECT anonymous_id AS k FROM ${DOOMED} WHERE anonymous_id <> ''
       UNION SELECT user_id FROM ${DOOMED} WHERE user_id <> ''
       UNION SELECT identity FROM sessions WHERE session_id IN (SELECT session_id FROM ${DOOMED}))`,
  );
  const removed = (await c.run(`DELETE FROM events WHERE seq IN (SELECT seq FROM ${DOOMED})`)).rowsChanged;
  // Closed over links among the events left: a device's user, a user's devices.
  const linked = `anonymous_id IN (SELECT k FROM ${keysTable}) OR user_id IN (SELECT k FROM ${keysTable})`;
  for (;;) {
    const added = await c.run(
      `INSERT INTO ${keysTable} SELECT DISTINCT k, NULL, NULL FROM (
         SELECT anonymous_id AS k FROM events WHERE anonymous_id <> '' AND (${linked})
         UNION SELECT user_id FROM events WHERE user_id <> '' AND (${linked}))
       WHERE k NOT IN (SELECT k FROM ${keysTable})`,
    );
    if (added.rowsChanged === 0) break;
  }
  await c.run(
    `CREATE TEMP TABLE ${OLD_SESSIONS} AS SELECT session_id FROM sessions WHERE identity IN (SELECT k FROM ${keysTable})`,
  );
  const events = await readEventColumns(c, `SELECT seq, ${eventNames} FROM events WHERE ${linked}`);
  const keys = (await c.runAndReadAll(`SELECT k FROM ${keysTable} ORDER BY k`))
    .getRowsJS()
    .map((r) => String(r[0]));
  return { removed, keys, events };
}

/**
 * After `replaceSessions`: how many of the replaced identities' old sessions are gone (their id
 * did not come back), and the identities no session has any more dropped from `identities`.
 */
export async function finishDelete(c: DuckDBConnection, keysTable: string): Promise<number> {
  const gone = await c.runAndReadAll(
    `SELECT count(*) FROM ${OLD_SESSIONS} WHERE session_id NOT IN (SELECT session_id FROM sessions)`,
  );
  await c.run(
    `DELETE FROM identities WHERE identity IN (SELECT k FROM ${keysTable})
       AND identity NOT IN (SELECT identity FROM sessions)`,
  );
  await c.run(`DROP TABLE IF EXISTS ${DOOMED}; DROP TABLE IF EXISTS ${OLD_SESSIONS}`);
  return Number(gone.getRowsJS()[0]?.[0] ?? 0);
}
