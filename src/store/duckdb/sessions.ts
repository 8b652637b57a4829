/**
 * Sessions into the DuckDB store: staged sessions inserted with their pages (each session's
 * paths as one JSON array) and their identity numbers.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { EventColumns } from '../../core/columns.ts';
import type { SessionColumns } from '../../core/session-columns.ts';
import { sessionPages } from '../../core/session-pages.ts';
import { appendTexts, dropTables } from '../../io/duckdb-append.ts';
import type { stageSessions } from '../../io/write-session-parquet.ts';

/** Inserts staged sessions with their pages (`pagesJson`). */
export async function insertSessions(
  c: DuckDBConnection,
  staged: Awaited<ReturnType<typeof stageSessions>>,
  json: string[][],
  rulesVersion: number,
): Promise<void> {
  const PAGES = 'stint_pages';
  await appendTexts(c, `CREATE TEMP TABLE ${PAGES}`, PAGES, ['pages'], json);
  try {
    // New identities are numbered after the stored ones (counting numbers beats counting text).
    await c.run(
      `INSERT INTO identities
       SELECT identity, (SELECT coalesce(max(no), 0) FROM identities) + row_number() OVER (ORDER BY identity)
       FROM (${staged.identities}) WHERE identity NOT IN (SELECT identity FROM identities)`,
    );
    await c.run(
      `INSERT INTO sessions
       SELECT n.* EXCLUDE (session_index), ?, p.pages::JSON::VARCHAR[], d.no
       FROM (${staged.select('epoch_ms', 'index')}) n JOIN ${PAGES} p ON p.code = n.session_index
       JOIN identities d ON d.identity = n.identity`,
      [rulesVersion],
    );
  } finally {
    await dropTables(c, [PAGES]);
  }
}

/**
 * Each session's pages as one JSON array of texts (a row for `appendTexts`), from the events
 * it was sessionized from (with eventSessions); each path is quoted once.
 */
export function pagesJson(cols: EventColumns, sessions: SessionColumns): string[][] {
  const pages = sessionPages(cols, sessions.eventSessions!, sessions.length);
  const quoted = cols.paths.values.map((v) => JSON.stringify(v));
  const out: string[][] = new Array(pages.start.length - 1);
  for (let s = 0; s < out.length; s++) {
    let text = '[';
    for (let k = pages.start[s]!; k < pages.start[s + 1]!; k++) {
      text += (k === pages.start[s] ? '' : ',') + quoted[pages.paths[k]!];
    }
    out[s] = [`${text}]`];
  }
  return out;
}
