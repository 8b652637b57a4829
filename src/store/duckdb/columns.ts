/**
 * Stored events back out of DuckDB as event columns, with no object and no string per event:
 * each text field's distinct values become a dictionary in SQL (read once), and the events
 * come out as numbers (their codes, time, value and seq) straight from DuckDB's vectors.
 * Gives what `EventColumnsBuilder` would give for the same events, but for the numbering of
 * codes, which no result depends on.
 *
 *   const { columns, seqs } = await readEventColumns(c, 'SELECT * FROM events WHERE …');
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { AUTHORITY_PATTERN, CLICK_ID_PATTERN, HOST_TRIMS } from '../../core/attribution/url-facts.ts';
import type { EventColumns } from '../../core/columns.ts';
import { Dictionary } from '../../core/dictionary.ts';
import { dropTables, items } from '../../io/duckdb-append.ts';
import type { ReadEvents } from '../store.ts';

const READ = 'stint_read';

/** A campaign part as `campaignCode` escapes it: \u0002 as \u0002b, then \u0001 as \u0002a. */
function escapedPart(column: string): string {
  return `replace(replace(${column}, chr(2), chr(2) || 'b'), chr(1), chr(2) || 'a')`;
}

/** A pattern as a SQL string literal. */
const literal = (pattern: string): string => `'${pattern.replaceAll("'", "''")}'`;

/** url-facts.ts `siteHostOf` of the column `url`, in SQL: the same patterns, in the same order. */
export const HOST_SQL = HOST_TRIMS.reduce(
  (sql, trim) => `regexp_replace(${sql}, ${literal(trim)}, '')`,
  `lower(regexp_extract(url, ${literal(AUTHORITY_PATTERN)}, 1))`,
);
/** url-facts.ts `clickIdOf` of the column `url`, in SQL. */
export const CLICK_SQL = `CASE WHEN contains(url, '?') THEN regexp_extract(url, ${literal(CLICK_ID_PATTERN)}, 1) ELSE '' END`;

/** Each dictionary of `EventColumns`, as the SQL of one value per event ('' for code 0). */
const TEXTS = {
  ids: ['anonymous_id', 'user_id'],
  names: ['event'],
  paths: ['path'],
  referrers: ['referrer'],
  // As `campaignCode`: the three escaped and joined, '' when all three are empty.
  campaigns: [
    `CASE WHEN utm_source = '' AND utm_medium = '' AND utm_campaign = '' THEN ''
          ELSE ${['utm_source', 'utm_medium', 'utm_campaign'].map(escapedPart).join(' || chr(1) || ')} END`,
  ],
  sessionKeys: ['session_key'],
  zones: ['timezone'],
  agents: ['user_agent'],
  hosts: ['host'],
  clicks: ['click'],
  countries: ['country'],
} as const;

type DictionaryName = keyof typeof TEXTS;

/** The events table's columns that event columns are made of (host and click id from the url). */
const SOURCE = [
  'seq',
  'ts_ms',
  'value',
  'anonymous_id',
  'user_id',
  'event',
  'path',
  'referrer',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'session_key',
  'timezone',
  'user_agent',
  'country',
  `${HOST_SQL} AS host`,
  `${CLICK_SQL} AS click`,
];

/** The code columns of `EventColumns`, each with its dictionary and the text it codes. */
const CODES: readonly { column: keyof EventColumns; dictionary: DictionaryName; text: string }[] = [
  { column: 'anonCode', dictionary: 'ids', text: 'anonymous_id' },
  { column: 'userCode', dictionary: 'ids', text: 'user_id' },
  { column: 'nameCode', dictionary: 'names', text: 'event' },
  { column: 'pathCode', dictionary: 'paths', text: 'path' },
  { column: 'referrerCode', dictionary: 'referrers', text: 'referrer' },
  { column: 'campaignCode', dictionary: 'campaigns', text: TEXTS.campaigns[0] },
  { column: 'sessionKeyCode', dictionary: 'sessionKeys', text: 'session_key' },
  { column: 'zoneCode', dictionary: 'zones', text: 'timezone' },
  { column: 'agentCode', dictionary: 'agents', text: 'user_agent' },
  { column: 'hostCode', dictionary: 'hosts', text: 'host' },
  { column: 'clickCode', dictionary: 'clicks', text: 'click' },
  { column: 'countryCode', dictionary: 'countries', text: 'country' },
];

/**
 * The events `sql` selects (with at least the SOURCE columns of
 * the events table), in `seq` order.
 */
export async function readEventColumns(c: DuckDBConnection, sql: string): Promise<ReadEvents> {
  // Only what event columns hold: not event_id, url, properties and the other texts.
  await c.run(`CREATE OR REPLACE TEMP TABLE ${READ} AS SELECT ${SOURCE.join(', ')} FROM (${sql})`);
  const table = (name: DictionaryName): string => `stint_dict_${name}`;
  try {
    const dicts = {} as Record<DictionaryName, Dictionary>;
    for (const [name, texts] of Object.entries(TEXTS) as [DictionaryName, readonly string[]][]) {
      const values = texts.map((t) => `SELECT ${t} AS v FROM ${READ}`).join(' UNION ');
      await c.run(
        `CREATE OR REPLACE TEMP TABLE ${table(name)} AS
         SELECT v, row_number() OVER (ORDER BY v)::INTEGER AS code FROM (SELECT DISTINCT v FROM (${values}) WHERE v <> '')`,
      );
      const read = await c.runAndReadAll(`SELECT v FROM ${table(name)} ORDER BY code`);
      dicts[name] = Dictionary.of(['', ...(read.getColumnsJS()[0] ?? []).map(String)]);
    }
    const codes = CODES.map((k, i) => `coalesce(d${i}.code, 0) AS "${k.column}"`);
    const joins = CODES.map((k, i) => `LEFT JOIN ${table(k.dictionary)} d${i} ON d${i}.v = (${k.text})`);
    const count = Number((await c.runAndReadAll(`SELECT count(*) FROM ${READ}`)).getColumnsJS()[0]![0]);
    const seqs = new Float64Array(count);
    const tsMs = new Float64Array(count);
    const value = new Float64Array(count);
    const ints = CODES.map(() => new Int32Array(count));
    const stream = await c.stream(
      `SELECT r.seq::DOUBLE, r.ts_ms::DOUBLE, r.value::DOUBLE, ${codes.join(', ')}
       FROM ${READ} r ${joins.join(' ')} ORDER BY r.seq`,
    );
    let n = 0;
    for (;;) {
      const chunk = await stream.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      seqs.set(items<Float64Array>(chunk.getColumnVector(0)).subarray(0, chunk.rowCount), n);
      tsMs.set(items<Float64Array>(chunk.getColumnVector(1)).subarray(0, chunk.rowCount), n);
      value.set(items<Float64Array>(chunk.getColumnVector(2)).subarray(0, chunk.rowCount), n);
      ints.forEach((column, i) => {
        column.set(items<Int32Array>(chunk.getColumnVector(i + 3)).subarray(0, chunk.rowCount), n);
      });
      n += chunk.rowCount;
    }
    const byName = Object.fromEntries(CODES.map((k, i) => [k.column, ints[i]!]));
    const columns = { length: n, tsMs, value, ...byName, ...dicts } as unknown as EventColumns;
    return { columns, seqs };
  } finally {
    await dropTables(c, [...(Object.keys(TEXTS) as DictionaryName[]).map(table), READ]);
  }
}
