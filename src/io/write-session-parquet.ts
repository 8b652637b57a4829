/**
 * Sessions → DuckDB straight from `SessionColumns`: the typed arrays go into DuckDB data
 * chunks as they are (no object and no string per session), each string dictionary goes in once
 * as a small table, and one SELECT with joins reads them back as sessions. `writeSessionParquet`
 * COPYs that to a file with the columns and types of `writeSessions`' Parquet (SESSIONS.md
 * section 4, in order, sorted as given); the store INSERTs it.
 *
 *   await writeSessionParquet(sessionizeToColumns(cols, rules), 'sessions.parquet');
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOUBLE, type DuckDBConnection, DuckDBInstance, INTEGER, UBIGINT } from '@duckdb/node-api';
import { END_REASONS, roundValue } from '../core/session.ts';
import type { SessionColumns } from '../core/session-columns.ts';
import { appendColumns, appendTexts, dropTables, positions } from './duckdb-append.ts';

/** How `sessionSelect` gives start and end: Parquet timestamps, or epoch milliseconds (stores). */
export type SessionTimes = 'timestamp' | 'epoch_ms';

/**
 * Loads `sc` into tables of `connection` whose names start with `prefix` (temporary tables
 * when `temp`), and gives the SELECT that reads them back as sessions: the fields of
 * SESSIONS.md section 4 in order, sorted as `sc` is (with 'index', first the position in `sc`
 * as `session_index`); `ids` selects just (session_index, session_id), `identities` the distinct
 * identities. `drop()` removes the tables.
 */
export async function stageSessions(
  connection: DuckDBConnection,
  sc: SessionColumns,
  prefix: string,
  temp: boolean,
): Promise<{
  select(times: SessionTimes, index?: 'index'): string;
  ids: string;
  identities: string;
  drop(): Promise<void>;
}> {
  const n = sc.length;
  const { dicts } = sc;
  // The 128-bit id as two UBIGINTs, each given as its two 32-bit halves, low half first.
  const high = new Uint32Array(n * 2);
  const low = new Uint32Array(n * 2);
  const words = new Uint32Array(4);
  for (let i = 0; i < n; i++) {
    sc.sessionIdWords(i, words, 0);
    high[2 * i] = words[1]!;
    high[2 * i + 1] = words[0]!;
    low[2 * i] = words[3]!;
    low[2 * i + 1] = words[2]!;
  }
  const value = new Float64Array(n);
  for (let i = 0; i < n; i++) value[i] = roundValue(sc.value[i]!);
  // Each distinct (source, channel) once, as a code per session.
  const touch = new Int32Array(n);
  const touches: [string, string][] = [];
  const touchCodes = new Map<object, number>();
  for (let i = 0; i < n; i++) {
    const found = sc.attribution(i);
    let code = touchCodes.get(found);
    if (code === undefined) {
      code = touches.length;
      touches.push([found.source, found.channel]);
      touchCodes.set(found, code);
    }
    touch[i] = code;
  }
  const t = (name: string): string => `${prefix}${name}`;
  const create = temp ? 'CREATE TEMP TABLE' : 'CREATE TABLE';
  const tables: string[] = [];
  const table = (name: string): string => {
    tables.push(t(name));
    return t(name);
  };
  await appendColumns(
    connection,
    `${create} ${table('s')}`,
    t('s'),
    [
      { name: 'k', type: INTEGER, values: positions(n) },
      { name: 'id_high', type: UBIGINT, values: high },
      { name: 'id_low', type: UBIGINT, values: low },
      { name: 'identity', type: INTEGER, values: sc.identity },
      { name: 'user_id', type: INTEGER, values: sc.user },
      { name: 'anon', type: INTEGER, values: sc.anon },
      { name: 'start_ms', type: DOUBLE, values: sc.startMs },
      { name: 'end_ms', type: DOUBLE, values: sc.endMs },
      { name: 'events', type: INTEGER, values: sc.events },
      { name: 'pageviews', type: INTEGER, values: sc.pageviews },
      { name: 'flags', type: INTEGER, values: sc.flags },
      { name: 'entry', type: INTEGER, values: sc.entry },
      { name: 'exit', type: INTEGER, values: sc.exit },
      { name: 'referrer', type: INTEGER, values: sc.referrer },
      { name: 'campaign', type: INTEGER, values: sc.campaign },
      { name: 'agent', type: INTEGER, values: sc.agent },
      { name: 'zone', type: INTEGER, values: sc.zone },
      { name: 'value', type: DOUBLE, values: value },
      { name: 'conversions', type: INTEGER, values: sc.conversions },
      { name: 'touch', type: INTEGER, values: touch },
      { name: 'country', type: INTEGER, values: sc.country },
    ],
    n,
  );
  const plainDictionaries = {
    ids: dicts.ids,
    paths: dicts.paths,
    referrers: dicts.referrers,
    zones: dicts.zones,
    countries: dicts.countries,
  };
  for (const [name, dict] of Object.entries(plainDictionaries)) {
    await appendTexts(
      connection,
      `${create} ${table(name)}`,
      t(name),
      ['v'],
      dict.values.map((v) => [v]),
    );
  }
  await appendTexts(
    connection,
    `${create} ${table('campaigns')}`,
    t('campaigns'),
    ['source', 'medium', 'campaign'],
    dicts.campaigns.values.map((_, code) => sc.campaignParts(code)),
  );
  await appendTexts(
    connection,
    `${create} ${table('touches')}`,
    t('touches'),
    ['source', 'channel'],
    touches,
  );
  await appendTexts(
    connection,
    `${create} ${table('agents')}`,
    t('agents'),
    ['device_type', 'browser', 'os'],
    dicts.agents.values.map((_, code) => {
      const a = sc.agentInfo(code);
      return [a.deviceType, a.browser, a.os];
    }),
  );
  const reasons = `[${END_REASONS.map((r) => `'${r}'`).join(', ')}]`;
  const hex = (column: string): string => `lpad(lower(hex(${column})), 16, '0')`;
  const time = (column: string, times: SessionTimes): string =>
    times === 'timestamp' ? `epoch_ms(${column}::BIGINT)::TIMESTAMP_MS` : `${column}::BIGINT`;
  const sessionId = `${hex('s.id_high')} || ${hex('s.id_low')}`;
  return {
    ids: `SELECT s.k AS session_index, ${sessionId} AS session_id FROM ${t('s')} s`,
    identities: `SELECT DISTINCT i.v AS identity FROM ${t('s')} s JOIN ${t('ids')} i ON i.code = s.identity`,
    select: (times, index) => `
        SELECT ${index === 'index' ? 's.k AS session_index, ' : ''}${sessionId} AS session_id,
               i.v AS identity, u.v AS user_id, a.v AS anonymous_id,
               ${time('s.start_ms', times)} AS ${times === 'timestamp' ? 'start' : 'start_ms'},
               ${time('s.end_ms', times)} AS ${times === 'timestamp' ? '"end"' : 'end_ms'},
               (s.end_ms - s.start_ms) / 1000 AS duration_s,
               s.events::BIGINT AS events, s.pageviews::BIGINT AS pageviews,
               (s.flags & 1) = 1 AS bounce, (s.flags & 2) = 2 AS engaged,
               coalesce(en.v, '') AS entry_page, coalesce(ex.v, '') AS exit_page,
               ${reasons}[(s.flags >> 2) + 1] AS end_reason,
               tc.source, c.medium, c.campaign, r.v AS referrer, tc.channel, co.v AS country,
               g.device_type, g.browser, g.os, z.v AS timezone,
               s.value, s.conversions::BIGINT AS conversions
        FROM ${t('s')} s
        JOIN ${t('ids')} i ON i.code = s.identity
        JOIN ${t('ids')} u ON u.code = s.user_id
        JOIN ${t('ids')} a ON a.code = s.anon
        LEFT JOIN ${t('paths')} en ON en.code = s.entry
        LEFT JOIN ${t('paths')} ex ON ex.code = s.exit
        JOIN ${t('referrers')} r ON r.code = s.referrer
        JOIN ${t('campaigns')} c ON c.code = s.campaign
        JOIN ${t('touches')} tc ON tc.code = s.touch
        JOIN ${t('countries')} co ON co.code = s.country
        JOIN ${t('agents')} g ON g.code = s.agent
        JOIN ${t('zones')} z ON z.code = s.zone
        ORDER BY s.k`,
    drop: () => dropTables(connection, tables),
  };
}

export async function writeSessionParquet(sc: SessionColumns, path: string): Promise<void> {
  const tempDir = await mkdtemp(join(tmpdir(), 'stint-parquet-'));
  const instance = await DuckDBInstance.create(':memory:', {
    temp_directory: tempDir,
    memory_limit: '256MB',
  });
  const connection = await instance.connect();
  try {
    const staged = await stageSessions(connection, sc, '', false);
    await connection.run(`COPY (${staged.select('timestamp')}) TO $1 (FORMAT parquet)`, [path]);
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(tempDir, { recursive: true, force: true });
  }
}
