/**
 * A Parquet file's events into DuckDB with no object per event (the import's fast path). The
 * reader's per-event arrays (file row, time, value, combinations, and the session when known)
 * go in as typed arrays, each combination's texts as a small table, and one SELECT joins them,
 * with the file itself for event_id and properties, into rows of the events table.
 *
 *   const staged = await stageParquetRows(c, rows, cols, eventSessions);
 *   await c.run(`INSERT INTO t SELECT … FROM (${staged.sql}) …`, staged.params);
 *   await staged.drop();
 */
import { DOUBLE, type DuckDBConnection, INTEGER } from '@duckdb/node-api';
import type { EventColumns } from '../core/columns.ts';
import { appendColumns, appendTexts, dropTables, positions } from '../io/duckdb-append.ts';
import { ATTR_TEXTS, PAGE_TEXTS, type ParquetRows } from '../io/parquet-columns.ts';

const UTM = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'] as const;

const PREFIX = 'stint_rows_';

/**
 * Stages the events; `sql` selects them in input order with `seq` = `firstSeq` + position, the
 * event columns (`names`, in order), and `session`, the index of each event's session in
 * `eventSessions` (NULL without).
 */
export async function stageParquetRows(
  c: DuckDBConnection,
  rows: ParquetRows,
  cols: EventColumns,
  names: readonly string[],
  firstSeq: number,
  eventSessions?: Int32Array,
): Promise<{ sql: string; params: string[]; drop(): Promise<void> }> {
  const t = (name: string): string => `${PREFIX}${name}`;
  await appendColumns(
    c,
    `CREATE TEMP TABLE ${t('p')}`,
    t('p'),
    [
      { name: 'k', type: INTEGER, values: positions(cols.length) },
      { name: 'row', type: INTEGER, values: rows.row },
      { name: 'ts', type: DOUBLE, values: cols.tsMs },
      { name: 'value', type: DOUBLE, values: cols.value },
      { name: 'idc', type: INTEGER, values: rows.idCombo },
      { name: 'pgc', type: INTEGER, values: rows.pageCombo },
      { name: 'atc', type: INTEGER, values: rows.attrCombo },
      ...(eventSessions === undefined ? [] : [{ name: 'session', type: INTEGER, values: eventSessions }]),
    ],
    cols.length,
  );
  await appendTexts(c, `CREATE TEMP TABLE ${t('ids')}`, t('ids'), ['anonymous_id', 'user_id'], rows.ids);
  await appendTexts(c, `CREATE TEMP TABLE ${t('pages')}`, t('pages'), PAGE_TEXTS, rows.pages);
  await appendTexts(c, `CREATE TEMP TABLE ${t('attrs')}`, t('attrs'), ATTR_TEXTS, rows.attrs);
  // Fields set per combination; utm_* come from the URL when the row's own are all empty.
  const anyUtm = UTM.map((f) => `a.${f}`).join(' || ');
  const field: Record<string, string> = {
    event_id: 'r.event_id',
    ts_ms: 'p.ts::BIGINT',
    anonymous_id: 'i.anonymous_id',
    user_id: 'i.user_id',
    event: 'g.event',
    url: 'g.url',
    path: 'g.path',
    referrer: 'a.referrer',
    ...Object.fromEntries(UTM.map((f) => [f, `CASE WHEN ${anyUtm} <> '' THEN a.${f} ELSE g.${f} END`])),
    session_key: 'a.session_key',
    timezone: 'a.timezone',
    user_agent: 'a.user_agent',
    value: 'p.value',
    properties: 'r.properties',
  };
  const readsFile = rows.eventIdSql !== "''" || rows.propertiesSql !== "''";
  // Joined in this order (the caller turns off join reordering): the file's 10M rows probe the
  // narrow per-event table, then each small combination table.
  const file = readsFile
    ? `(SELECT file_row_number AS row, ${rows.eventIdSql} AS event_id, ${rows.propertiesSql} AS properties
        FROM read_parquet(?, file_row_number = true)) r JOIN ${t('p')} p ON p.row = r.row`
    : `${t('p')} p CROSS JOIN (SELECT '' AS event_id, '' AS properties) r`;
  const sql = `
    SELECT ${firstSeq} + p.k AS seq, ${eventSessions === undefined ? 'NULL' : 'p.session'} AS session,
           ${names.map((n) => `${field[n]} AS ${n}`).join(', ')}
    FROM ${file}
    JOIN ${t('ids')} i ON i.code = p.idc
    JOIN ${t('pages')} g ON g.code = p.pgc
    JOIN ${t('attrs')} a ON a.code = p.atc`;
  return {
    sql,
    params: readsFile ? [rows.path] : [],
    drop: () => dropTables(c, ['p', 'ids', 'pages', 'attrs'].map(t)),
  };
}
