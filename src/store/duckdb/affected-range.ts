/**
 * The AffectedRange role on DuckDB: the stored (and staged) events of every identity the staged
 * events touch, in input order; in device mode only from each identity's last session that a
 * new event can change (docs/store.md, "How an import stays correct").
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { IdentityMode } from '../../core/rules.ts';
import type { ReadEvents } from '../store.ts';
import { readEventColumns } from './columns.ts';
import { EVENT_NAMES, KEYS, STAGE } from './schema.ts';
import { scalar } from './sql.ts';

export async function affectedEvents(
  c: DuckDBConnection,
  options: { staged?: boolean; identity?: IdentityMode } = {},
): Promise<{ keys: string[]; events: ReadEvents }> {
  // Per key, the start of its first session to redo (NULL: all of them).
  await c.run(`CREATE TEMP TABLE ${KEYS} (k VARCHAR PRIMARY KEY, from_ms BIGINT, t0 BIGINT)`);
  let stored: string;
  if (options.identity === 'device') {
    // A device's sessions depend on its own events only: those before the session that a new
    // event can join (the last one starting at or before the earliest new event) stay as they are.
    const identity = `CASE WHEN anonymous_id <> '' THEN anonymous_id ELSE user_id END`;
    await c.run(
      `INSERT INTO ${KEYS}
       SELECT n.k, (SELECT max(s.start_ms) FROM sessions s WHERE s.identity = n.k AND s.start_ms <= n.t0), n.t0
       FROM (SELECT ${identity} AS k, min(ts_ms) AS t0 FROM ${STAGE} GROUP BY 1) n`,
    );
    // No event to redo is older than that session's start or, for a device with no such
    // session (all its sessions start after its earliest new event), than that event: a time
    // bound that lets DuckDB skip the older row groups of the events table.
    const since = Number(await scalar(c, `SELECT coalesce(min(coalesce(from_ms, t0)), 0) FROM ${KEYS}`));
    stored = `SELECT seq, ${EVENT_NAMES} FROM events
      WHERE ts_ms >= ${Math.trunc(since)} AND (
            session_id IN (SELECT s.session_id FROM sessions s JOIN ${KEYS} k ON s.identity = k.k
                           WHERE s.start_ms >= k.from_ms)
         OR ${identity} IN (SELECT k FROM ${KEYS} WHERE from_ms IS NULL))`;
  } else {
    const idsOf = (table: string, where: string): string =>
      `SELECT anonymous_id AS k FROM ${table} WHERE anonymous_id <> '' ${where}
       UNION SELECT user_id FROM ${table} WHERE user_id <> '' ${where}`;
    await c.run(`INSERT INTO ${KEYS} SELECT k, NULL, NULL FROM (${idsOf(STAGE, '')})`);
    // Close over links: an event of a key can bring another id (a device's user, a user's device).
    const linked = `AND (anonymous_id IN (SELECT k FROM ${KEYS}) OR user_id IN (SELECT k FROM ${KEYS}))`;
    for (;;) {
      const added = await c.run(
        `INSERT INTO ${KEYS} SELECT DISTINCT k, NULL, NULL FROM (${idsOf('events', linked)}) WHERE k NOT IN (SELECT k FROM ${KEYS})`,
      );
      if (added.rowsChanged === 0) break;
    }
    stored = `SELECT seq, ${EVENT_NAMES} FROM events
      WHERE anonymous_id IN (SELECT k FROM ${KEYS}) OR user_id IN (SELECT k FROM ${KEYS})`;
  }
  const events = await readEventColumns(
    c,
    options.staged === false ? stored : `${stored} UNION ALL SELECT seq, ${EVENT_NAMES} FROM ${STAGE}`,
  );
  const keys = await c.runAndReadAll(`SELECT k FROM ${KEYS} ORDER BY k`);
  return { keys: keys.getRowsJS().map((r) => String(r[0])), events };
}
