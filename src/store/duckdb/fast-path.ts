/**
 * DuckDB's Parquet fast path (the ParquetFastPath capability, store/capabilities.ts): a Parquet
 * file's rows staged or stored by SQL that reads the file itself, and whether they touch
 * anything stored. DuckDBTransaction delegates its capability methods here.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { EventColumns } from '../../core/columns.ts';
import type { SessionColumns } from '../../core/session-columns.ts';
import { appendTexts, dropTables } from '../../io/duckdb-append.ts';
import type { ParquetRows } from '../../io/parquet/index.ts';
import { stageSessions } from '../../io/write-session-parquet.ts';
import { stageParquetRows } from './rows.ts';
import { EVENT_COLUMNS, EVENT_NAME_LIST, EVENT_NAMES, STAGE } from './schema.ts';
import { insertSessions, pagesJson } from './sessions.ts';
import { scalar } from './sql.ts';

export async function stageRows(
  c: DuckDBConnection,
  rows: ParquetRows,
  cols: EventColumns,
  seq0: number,
): Promise<void> {
  const staged = await stageParquetRows(c, rows, cols, EVENT_NAME_LIST, seq0);
  try {
    await c.run(
      `INSERT INTO ${STAGE} (seq, ${EVENT_NAMES}) SELECT seq, ${EVENT_NAMES} FROM (${staged.sql})`,
      staged.params,
    );
  } finally {
    await staged.drop();
  }
}

export async function touchesStored(
  c: DuckDBConnection,
  rows: ParquetRows,
  ids: readonly string[],
): Promise<boolean> {
  if ((await scalar(c, 'SELECT seq FROM events LIMIT 1')) === undefined) return false;
  const table = 'stint_ids';
  await appendTexts(
    c,
    `CREATE TEMP TABLE ${table}`,
    table,
    ['k'],
    ids.filter((k) => k !== '').map((k) => [k]),
  );
  try {
    const linked = await scalar(
      c,
      `SELECT 1 FROM events WHERE anonymous_id IN (SELECT k FROM ${table}) OR user_id IN (SELECT k FROM ${table}) LIMIT 1`,
    );
    if (linked !== undefined || rows.eventIdSql === "''") return linked !== undefined;
  } finally {
    await dropTables(c, [table]);
  }
  const retry = await scalar(
    c,
    `SELECT 1 FROM events WHERE event_id <> ''
       AND event_id IN (SELECT ${rows.eventIdSql} FROM read_parquet(?)) LIMIT 1`,
    [rows.path],
  );
  return retry !== undefined;
}

export async function addSessionized(
  c: DuckDBConnection,
  rows: ParquetRows,
  cols: EventColumns,
  sessions: SessionColumns,
  rulesVersion: number,
  importId: number,
): Promise<void> {
  const of = sessions.eventSessions;
  if (of === undefined) throw new Error('addSessionized needs eventSessions');
  const seq0 = Number(await scalar(c, 'SELECT coalesce(max(seq), 0) + 1 FROM events'));
  const staged = await stageSessions(c, sessions, 'stint_stage_', true);
  try {
    const events = await stageParquetRows(c, rows, cols, EVENT_NAME_LIST, seq0, of);
    // The joins in the order written: the file's rows probe, the narrow tables are built.
    await c.run(`SET disabled_optimizers = 'join_order'`);
    let pages: string[][];
    try {
      const inserted = c.run(
        `INSERT INTO events (seq, import_id, received_at, session_id, ${EVENT_NAMES})
         SELECT e.seq, ${importId}, ${Date.now()}, n.session_id, ${EVENT_COLUMNS.map((col) => `e.${col.name}`).join(', ')}
         FROM (${events.sql}) e JOIN (${staged.ids}) n ON n.session_index = e.session`,
        events.params,
      );
      try {
        pages = pagesJson(cols, sessions); // while DuckDB inserts the events
      } finally {
        await inserted;
      }
    } finally {
      // In a failed transaction this fails too; transaction() resets it after the rollback.
      await c.run('RESET disabled_optimizers').catch(() => undefined);
      await events.drop();
    }
    await insertSessions(c, staged, pages, rulesVersion);
  } finally {
    await staged.drop();
  }
}
