/**
 * The event and session fields are written once, in src/schema/: the DuckDB tables, the
 * collector's JSON schema, OpenAPI, the session writers, the SQL allow-list and the engine's
 * copy of the canonical names all equal what schema/ says.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/api/openapi.ts';
import { CANONICAL_FIELDS } from '../../src/core/normalize.ts';
import type { Session } from '../../src/core/session.ts';
import { SESSION_FIELDS as PUBLIC_SESSION_FIELDS } from '../../src/index.ts';
import { writeSessions } from '../../src/io/write-sessions.ts';
import {
  CANONICAL_EVENT_FIELDS,
  COLLECTOR_PROPERTIES,
  EVENT_COLUMNS,
  EVENT_SPECS,
  EVENT_STORE_COLUMNS,
} from '../../src/schema/events.ts';
import {
  SESSION_COLUMNS,
  SESSION_FIELDS,
  SESSION_SPECS,
  toSessionRecord,
} from '../../src/schema/sessions.ts';
import { DUCKDB_SQL } from '../../src/schema/types.ts';
import { EVENT_SCHEMA } from '../../src/server/collect.ts';
import { KNOWN_NAMES } from '../../src/sql/query.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'stint-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const session: Session = {
  sessionId: 's1',
  identity: 'a:1',
  userId: '',
  anonymousId: '1',
  startMs: Date.UTC(2026, 2, 8, 7, 4, 8, 508),
  endMs: Date.UTC(2026, 2, 8, 7, 9, 8, 508),
  events: 3,
  pageviews: 2,
  bounce: false,
  engaged: true,
  entryPage: '/',
  exitPage: '/pricing',
  endReason: 'timeout',
  source: 'google',
  medium: 'cpc',
  campaign: 'spring',
  referrer: 'https://www.google.com/',
  channel: 'Paid Search',
  country: 'DE',
  deviceType: 'desktop',
  browser: 'Firefox',
  os: 'Linux',
  timezone: 'Europe/Berlin',
  value: 12.5,
  conversions: 1,
};

async function columnsOf(store: Store, table: string): Promise<[string, string][]> {
  const rows = await store.query({
    sql: `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '${table}' ORDER BY ordinal_position`,
    params: [],
  });
  return rows.map((r) => [String(r.column_name), String(r.data_type)]);
}

describe('the fields written once in src/schema/', () => {
  it("are a fresh DuckDB store's events and sessions columns, in order, with their types", async () => {
    const store = await openStore(`duckdb:${join(dir, 'fresh.duckdb')}`);
    try {
      expect(await columnsOf(store, 'events')).toEqual(
        [...EVENT_STORE_COLUMNS, ...EVENT_COLUMNS].map((c) => [c.name, DUCKDB_SQL[c.type]]),
      );
      expect(await columnsOf(store, 'sessions')).toEqual(
        SESSION_COLUMNS.map((c) => [c.name, DUCKDB_SQL[c.type]]),
      );
    } finally {
      store.close();
    }
    // Every field has its column but the sender's ip and `props` (read into properties).
    const stored = new Set(EVENT_COLUMNS.map((c) => c.name));
    for (const f of EVENT_SPECS)
      expect(stored.has('column' in f ? f.column : ''), f.name).toBe(f.name !== 'ip' && f.name !== 'props');
  });

  it("are the collector's JSON-schema properties, and OpenAPI's event schema is the collector's", () => {
    expect(Object.keys(EVENT_SCHEMA.properties)).toEqual(EVENT_SPECS.map((f) => f.name));
    expect(EVENT_SCHEMA.properties).toEqual(COLLECTOR_PROPERTIES);
    for (const f of EVENT_SPECS) expect(EVENT_SCHEMA.properties[f.name], f.name).toEqual(f.json);
    const doc = openApiDocument(EVENT_SCHEMA) as { components: { schemas: { Event: unknown } } };
    expect(JSON.stringify(doc.components.schemas.Event)).toBe(JSON.stringify(EVENT_SCHEMA));
  });

  it("are the engine's canonical field names (core keeps its own copy, held equal here)", () => {
    expect([...CANONICAL_FIELDS]).toEqual(CANONICAL_EVENT_FIELDS);
  });

  it('are the header of the CSV and the keys of the NDJSON and Parquet session writers', async () => {
    expect([...PUBLIC_SESSION_FIELDS]).toEqual(SESSION_SPECS.map((f) => f.name));
    const csv = join(dir, 'sessions.csv');
    await writeSessions([session], { path: csv, format: 'csv' });
    expect(readFileSync(csv, 'utf8').split(/\r?\n/)[0]!.split(',')).toEqual([...SESSION_FIELDS]);
    const ndjson = join(dir, 'sessions.ndjson');
    await writeSessions([session], { path: ndjson, format: 'ndjson' });
    const record = JSON.parse(readFileSync(ndjson, 'utf8').split('\n')[0]!) as object;
    expect(Object.keys(record)).toEqual([...SESSION_FIELDS]);
    expect(record).toEqual(toSessionRecord(session));
    const parquet = join(dir, 'sessions.parquet');
    await writeSessions([session], { path: parquet, format: 'parquet' });
    const store = await openStore(`duckdb:${join(dir, 'reader.duckdb')}`);
    try {
      const rows = await store.query({
        sql: `DESCRIBE SELECT * FROM read_parquet('${parquet}')`,
        params: [],
      });
      expect(rows.map((r) => r.column_name)).toEqual([...SESSION_FIELDS]);
      // Start and end are Parquet timestamps (TIMESTAMP_MS, which DuckDB reads back as TIMESTAMP).
      expect(rows.map((r) => r.column_type)).toEqual(
        SESSION_SPECS.map((f) => (f.type === 'time' ? 'TIMESTAMP' : DUCKDB_SQL[f.type])),
      );
    } finally {
      store.close();
    }
  });

  it('are the tables and columns an analysis may name', () => {
    const columns = [...SESSION_COLUMNS, ...EVENT_STORE_COLUMNS, ...EVENT_COLUMNS].map((c) => c.name);
    expect([...KNOWN_NAMES].sort()).toEqual(
      [...new Set(['sessions', 'events', 'identities', ...columns])].sort(),
    );
  });
});
