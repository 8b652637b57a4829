/**
 * Erasure on ClickHouse: what a delete or a retention run removes, read before the transaction
 * writes its tombstones (rows with `deleted = 1`, which hide the removed at once), and the
 * mutations that then remove the removed rows from disk on every shard (`ALTER TABLE … DELETE`,
 * which ClickHouse runs in the background): a forgotten visitor's events do not stay in old
 * versions of the rows.
 */
import { literal } from '../../sql/clickhouse.ts';
import { affectedRows, type Reader } from './affected.ts';
import type { Row } from './node.ts';

/** A condition with `?` placeholders, their values inlined as ClickHouse literals (18.16 has no parameters). */
export function inlineParams(where: string, params: readonly unknown[]): string {
  let i = 0;
  let out = '';
  let quoted = false;
  for (const ch of where) {
    if (ch === "'") quoted = !quoted;
    if (ch === '?' && !quoted) {
      if (i >= params.length) throw new Error(`more ? than values in: ${where}`);
      out += literal(params[i++] as never);
    } else out += ch;
  }
  if (i !== params.length) throw new Error(`${params.length} values for ${i} ? in: ${where}`);
  return out;
}

/**
 * The events `where` selects (full rows), every id they touch closed over device ↔ user links
 * (and the identities of the sessions they were in), the events left of those ids, and those
 * ids' sessions now (to count the gone ones once replaced).
 */
export async function selectDoomed(
  read: Reader,
  where: string,
): Promise<{ doomed: Row[]; keys: string[]; left: Row[]; oldSessions: string[] }> {
  const doomed = await read.rows(`SELECT * FROM ${read.storedEvents} WHERE ${where}`);
  if (doomed.length === 0) return { doomed, keys: [], left: [], oldSessions: [] };
  const sessionIds = [...new Set(doomed.map((r) => String(r.session_id)).filter((s) => s !== ''))];
  const owners =
    sessionIds.length === 0
      ? []
      : await read.rows(
          `SELECT DISTINCT identity FROM ${read.sessions} WHERE session_id IN (${sessionIds.map(literal).join(', ')})`,
        );
  const seeds = [
    ...doomed.flatMap((r) => [String(r.anonymous_id), String(r.user_id)]),
    ...owners.map((r) => String(r.identity)),
  ].filter((k) => k !== '');
  const gone = new Set(doomed.map((r) => Number(r.seq)));
  const { keys, rows } = await affectedRows(read, [], 'user', seeds);
  const left = rows.filter((r) => !gone.has(Number(r.seq)));
  const old = await read.rows(
    `SELECT session_id FROM ${read.sessions} WHERE identity IN (${keys.map(literal).join(', ')})`,
  );
  return { doomed, keys, left, oldSessions: old.map((r) => String(r.session_id)) };
}

/**
 * The mutations that remove erased rows from disk, as two steps for every shard's node: first
 * the rows the tombstones hide (`deleted = 0`), then, once those mutations are done, the
 * tombstones. Not both at once: ClickHouse mutates part by part, and a tombstone removed before
 * the row it hides would show that row again.
 */
export function purgeStatements(
  table: 'events_local' | 'sessions_local',
  column: string,
  values: readonly string[],
): { hidden: string[]; tombstones: string[] } {
  const hidden: string[] = [];
  const tombstones: string[] = [];
  for (let i = 0; i < values.length; i += 10_000) {
    const these = `${column} IN (${values
      .slice(i, i + 10_000)
      .map(literal)
      .join(', ')})`;
    hidden.push(`ALTER TABLE ${table} DELETE WHERE deleted = 0 AND ${these}`);
    tombstones.push(`ALTER TABLE ${table} DELETE WHERE deleted = 1 AND ${these}`);
  }
  return { hidden, tombstones };
}
