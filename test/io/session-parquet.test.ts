/**
 * The column-wise Parquet writer of `stint sessionize` against the row writer it replaced:
 * same columns, same types, same rows in the same order.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { sessionizeToColumns } from '../../src/core/batch.ts';
import { EventColumnsBuilder } from '../../src/core/columns.ts';
import type { EventInput } from '../../src/core/event.ts';
import { createNormalizer } from '../../src/core/normalize.ts';
import { createRules } from '../../src/core/rules.ts';
import { writeSessionParquet } from '../../src/io/write-session-parquet.ts';
import { writeSessions } from '../../src/io/write-sessions.ts';
import { generateTraffic, TRAFFIC_COLUMNS } from '../../src/sample/traffic.ts';
import { SESSION_FIELDS } from '../../src/schema/sessions.ts';

const dir = mkdtempSync(join(tmpdir(), 'stint-session-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function query(sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowsJS();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function sessionsOf(events: EventInput[]) {
  const normalize = createNormalizer();
  const builder = new EventColumnsBuilder();
  for (const e of events) {
    const r = normalize(e);
    if (r.ok) builder.append(r.event);
  }
  return sessionizeToColumns(builder.finish(), createRules({ goals: ['purchase'] }));
}

const awkward: EventInput[] = [
  // No pageview at all: entry and exit are ''.
  { timestamp: '2026-03-07T10:00:00Z', anonymous_id: 'o\'brien "q"', event: 'click', value: 0.1 },
  { timestamp: '2026-03-07T10:00:05Z', anonymous_id: 'o\'brien "q"', event: 'purchase', value: 0.2 },
  // Value sums with binary noise, a campaign from the URL, an unknown user agent, a zone.
  {
    timestamp: 1772877600000,
    anonymous_id: 'ünï',
    user_id: 'u9',
    url: 'https://x.example/a?utm_source=s&utm_medium=m&utm_campaign=c',
    value: '5651.35',
    user_agent: '-',
    timezone: 'Asia/Kolkata',
  },
  { timestamp: 1772877601000, anonymous_id: 'ünï', url: '/b', value: 0.7, referrer: 'https://r.example/' },
  // A sum too large to round to 9 decimals keeps its value.
  { timestamp: 1772877601000, anonymous_id: 'big', value: 1e300 },
];

describe('writeSessionParquet', () => {
  it('writes what the row writer writes, row for row', async () => {
    const events: EventInput[] = [...awkward];
    for (const row of generateTraffic({ events: 30_000, seed: 5 })) {
      events.push(Object.fromEntries(TRAFFIC_COLUMNS.map((c, i) => [c, row[i]])));
    }
    const sessions = sessionsOf(events);
    expect(sessions.length).toBeGreaterThan(1000);
    const columnar = join(dir, 'columnar.parquet');
    const rows = join(dir, 'rows.parquet');
    await writeSessionParquet(sessions, columnar);
    await writeSessions(sessions.sessions(), { path: rows, format: 'parquet' });
    const schema = (path: string) =>
      query(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${path}'))`);
    expect(await schema(columnar)).toEqual(await schema(rows));
    const numbered = (path: string) => `SELECT * FROM read_parquet('${path}', file_row_number = true)`;
    const differ = await query(
      `SELECT count(*)::INTEGER FROM ((${numbered(columnar)} EXCEPT ALL ${numbered(rows)})
         UNION ALL (${numbered(rows)} EXCEPT ALL ${numbered(columnar)}))`,
    );
    expect(differ).toEqual([[0]]);
    const first = await query(
      `SELECT identity, entry_page, exit_page, value, source, medium, campaign, device_type, timezone
       FROM read_parquet('${columnar}') WHERE identity IN ('ünï', 'o''brien "q"') ORDER BY identity`,
    );
    expect(first).toEqual([
      ['o\'brien "q"', '', '', 0.3, '', '', '', '', ''],
      ['ünï', '/a', '/b', 5652.05, 's', 'm', 'c', '', 'Asia/Kolkata'],
    ]);
  });

  it('writes an empty file with the same columns when there are no sessions', async () => {
    const path = join(dir, 'empty.parquet');
    await writeSessionParquet(sessionsOf([]), path);
    const rows = await query(`SELECT count(*)::INTEGER FROM read_parquet('${path}')`);
    expect(rows).toEqual([[0]]);
    const columns = await query(
      `SELECT count(*)::INTEGER FROM (DESCRIBE SELECT * FROM read_parquet('${path}'))`,
    );
    expect(columns).toEqual([[SESSION_FIELDS.length]]);
  });
});
