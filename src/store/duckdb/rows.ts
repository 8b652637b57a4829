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
import { DOUBLE, type DuckDBConnection, INTEGER, VARCHAR } from '@duckdb/node-api';
import { campaignParts } from '../../core/campaign.ts';
import type { EventColumns } from '../../core/columns.ts';
import { Dictionary } from '../../core/dictionary.ts';
import type { StintEvent } from '../../core/event.ts';
import { appendColumns, appendRows, appendTexts, dropTables, positions } from '../../io/duckdb-append.ts';
import { ATTR_TEXTS, PAGE_TEXTS, type ParquetRows } from '../../io/parquet/index.ts';
import type { EventColumnName } from '../../schema/events.ts';

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
    country: 'a.country',
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
           ${names.map((n) => `${field[n as EventColumnName]} AS ${n}`).join(', ')}
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

/**
 * Events whose columns the caller has built (`cols`, one per event of `events`, in order) into
 * DuckDB with few texts per event: the dictionary-coded fields go in as typed arrays of codes
 * and each dictionary once; only event_id, url and properties (and utm_term, utm_content as
 * one more small dictionary) are per-event texts. `sql` selects the same rows `stageEvents`
 * stages, with `seq` = `firstSeq` + position.
 */
export async function stageEventColumns(
  c: DuckDBConnection,
  cols: EventColumns,
  events: readonly StintEvent[],
  names: readonly string[],
  firstSeq: number,
): Promise<{ sql: string; drop(): Promise<void> }> {
  const t = (name: string): string => `${PREFIX}${name}`;
  const extras = new Dictionary();
  const extraCode = new Int32Array(cols.length);
  events.forEach((e, i) => {
    extraCode[i] =
      e.utmTerm === '' && e.utmContent === '' ? 0 : extras.code(JSON.stringify([e.utmTerm, e.utmContent]));
  });
  await appendColumns(
    c,
    `CREATE TEMP TABLE ${t('c')}`,
    t('c'),
    [
      { name: 'k', type: INTEGER, values: positions(cols.length) },
      { name: 'ts', type: DOUBLE, values: cols.tsMs },
      { name: 'value', type: DOUBLE, values: cols.value },
      { name: 'anon', type: INTEGER, values: cols.anonCode },
      { name: 'usr', type: INTEGER, values: cols.userCode },
      { name: 'name', type: INTEGER, values: cols.nameCode },
      { name: 'path', type: INTEGER, values: cols.pathCode },
      { name: 'ref', type: INTEGER, values: cols.referrerCode },
      { name: 'camp', type: INTEGER, values: cols.campaignCode },
      { name: 'skey', type: INTEGER, values: cols.sessionKeyCode },
      { name: 'zone', type: INTEGER, values: cols.zoneCode },
      { name: 'agent', type: INTEGER, values: cols.agentCode },
      { name: 'country', type: INTEGER, values: cols.countryCode },
      { name: 'extra', type: INTEGER, values: extraCode },
    ],
    cols.length,
  );
  await c.run(`CREATE TEMP TABLE ${t('t')} (k INTEGER, event_id VARCHAR, url VARCHAR, properties VARCHAR)`);
  appendRows(await c.createAppender(t('t'), 'main', 'temp'), [INTEGER, VARCHAR, VARCHAR, VARCHAR], events, [
    (_, k) => k,
    (e) => e.eventId,
    (e) => e.url,
    (e) => (e.properties === undefined ? '' : JSON.stringify(e.properties)),
  ]);
  const one = (d: Dictionary) => d.values.map((v) => [v]);
  const dicts: [string, readonly string[], readonly (readonly string[])[]][] = [
    ['ids', ['v'], one(cols.ids)],
    ['names', ['v'], one(cols.names)],
    ['paths', ['v'], one(cols.paths)],
    ['refs', ['v'], one(cols.referrers)],
    ['camps', ['s', 'm', 'c'], cols.campaigns.values.map(campaignParts)],
    ['skeys', ['v'], one(cols.sessionKeys)],
    ['zones', ['v'], one(cols.zones)],
    ['agents', ['v'], one(cols.agents)],
    ['countries', ['v'], one(cols.countries)],
    [
      'extras',
      ['term', 'content'],
      extras.values.map((v) => (v === '' ? ['', ''] : (JSON.parse(v) as string[]))),
    ],
  ];
  for (const [name, fields, rows] of dicts)
    await appendTexts(c, `CREATE TEMP TABLE ${t(name)}`, t(name), fields, rows);
  /** Each event column (schema/events.ts) from the staged tables. */
  const field: Record<EventColumnName, string> = {
    event_id: 'x.event_id',
    ts_ms: 'p.ts::BIGINT',
    anonymous_id: 'ia.v',
    user_id: 'iu.v',
    event: 'nm.v',
    url: 'x.url',
    path: 'pa.v',
    referrer: 'rf.v',
    utm_source: 'cp.s',
    utm_medium: 'cp.m',
    utm_campaign: 'cp.c',
    utm_term: 'ex.term',
    utm_content: 'ex.content',
    session_key: 'sk.v',
    timezone: 'zn.v',
    country: 'co.v',
    user_agent: 'ag.v',
    value: 'p.value',
    properties: 'x.properties',
  };
  const sql = `
    SELECT ${firstSeq} + p.k AS seq, ${names.map((n) => `${field[n as EventColumnName]} AS ${n}`).join(', ')}
    FROM ${t('c')} p
    JOIN ${t('t')} x ON x.k = p.k
    JOIN ${t('ids')} ia ON ia.code = p.anon
    JOIN ${t('ids')} iu ON iu.code = p.usr
    JOIN ${t('names')} nm ON nm.code = p.name
    JOIN ${t('paths')} pa ON pa.code = p.path
    JOIN ${t('refs')} rf ON rf.code = p.ref
    JOIN ${t('camps')} cp ON cp.code = p.camp
    JOIN ${t('skeys')} sk ON sk.code = p.skey
    JOIN ${t('zones')} zn ON zn.code = p.zone
    JOIN ${t('agents')} ag ON ag.code = p.agent
    JOIN ${t('countries')} co ON co.code = p.country
    JOIN ${t('extras')} ex ON ex.code = p.extra`;
  return { sql, drop: () => dropTables(c, ['c', 't', ...dicts.map(([name]) => name)].map(t)) };
}
