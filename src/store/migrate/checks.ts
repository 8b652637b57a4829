/**
 * What `stint migrate` compares once the rows are moved: each table's count, and cheap sums
 * that a lost, doubled or altered event or session would change, read on ClickHouse through
 * the views every analysis reads (`events`, `sessions`: latest version, not deleted).
 * Each value is text, so a sum is compared exactly whatever its size.
 */
import type { ClickHouseStore } from '../clickhouse-store.ts';
import type { DuckDBSource } from './duckdb-source.ts';

export interface MigrateCheck {
  readonly name: string;
  readonly source: string;
  readonly target: string;
  readonly same: boolean;
}

interface CheckSpec {
  readonly name: string;
  /** A table the source may lack (then the check is left out). */
  readonly table?: string;
  readonly duckdb: string;
  readonly clickhouse: string;
  /** The ClickHouse value as the DuckDB one reads. */
  readonly read?: (value: string) => string;
}

const CHECKS: readonly CheckSpec[] = [
  { name: 'events', duckdb: 'SELECT count(*) FROM events', clickhouse: 'SELECT count() FROM events' },
  { name: 'sessions', duckdb: 'SELECT count(*) FROM sessions', clickhouse: 'SELECT count() FROM sessions' },
  { name: 'imports', duckdb: 'SELECT count(*) FROM imports', clickhouse: 'SELECT count() FROM imports' },
  { name: 'rejects', duckdb: 'SELECT count(*) FROM rejects', clickhouse: 'SELECT count() FROM rejects' },
  { name: 'rules', duckdb: 'SELECT count(*) FROM rules', clickhouse: 'SELECT count() FROM rules' },
  {
    name: 'erasures',
    table: 'erasures',
    duckdb: 'SELECT count(*) FROM erasures',
    clickhouse: 'SELECT count() FROM erasures',
  },
  {
    name: 'store values',
    duckdb: `SELECT count(*) FROM stint_meta WHERE key <> 'schema_version'`,
    clickhouse: `SELECT count() FROM stint_meta FINAL WHERE key != 'schema_version'`,
  },
  {
    name: 'sum of event times (ms)',
    duckdb: 'SELECT coalesce(sum(ts_ms), 0) FROM events',
    // Seconds and milliseconds apart, added exactly here: ClickHouse's Int64 sum of epoch
    // milliseconds would overflow at about 5 M events.
    clickhouse: `SELECT concat(toString(sum(intDiv(ts_ms, 1000))), ' ', toString(sum(ts_ms % 1000))) FROM events`,
    read: (v) => {
      const [seconds = '0', ms = '0'] = v.split(' ');
      return String(BigInt(seconds) * 1000n + BigInt(ms));
    },
  },
  {
    name: 'sessions of events',
    duckdb: 'SELECT count(DISTINCT session_id) FROM events',
    clickhouse: 'SELECT uniqExact(session_id) FROM events',
  },
  {
    name: 'events of sessions',
    duckdb: 'SELECT coalesce(sum(events), 0) FROM sessions',
    clickhouse: 'SELECT sum(events) FROM sessions',
  },
  {
    name: 'identities',
    duckdb: 'SELECT count(DISTINCT identity) FROM sessions',
    clickhouse: 'SELECT uniqExact(identity) FROM sessions',
  },
];

/** Each check's value on both sides. */
export async function compareStores(source: DuckDBSource, target: ClickHouseStore): Promise<MigrateCheck[]> {
  const checks: MigrateCheck[] = [];
  for (const spec of CHECKS) {
    if (spec.table !== undefined && !(await source.has(spec.table))) continue;
    const from = await source.value(spec.duckdb);
    const [row] = await target.rows(`SELECT toString((${spec.clickhouse})) AS v`);
    const to = (spec.read ?? String)(String(row?.v ?? ''));
    checks.push({ name: spec.name, source: from, target: to, same: from === to });
  }
  return checks;
}
