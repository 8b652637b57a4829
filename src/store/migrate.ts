/**
 * `stint migrate`'s use case: moves a DuckDB store into a new ClickHouse store, every table
 * streamed in batches (never the whole store in memory), then compares counts and sums on both
 * sides (migrate/checks.ts), so the ClickHouse store answers as the DuckDB one did.
 *
 *   const moved = await migrateStore({ from: 'duckdb:stint.duckdb', to: 'clickhouse://127.0.0.1:8123/big' });
 *   moved.checks.every((c) => c.same)
 *
 * Moved as they are: events (with the `ekey` their import would have given them, one `version`
 * for the whole move), sessions (not `identity_no`: ClickHouse computes it), imports, rejects,
 * rules, erasures, and the store's own values: the access-log identity key among them, so a log
 * imported later hashes each visitor as the earlier ones did.
 */
import { StintError } from '../core/errors.ts';
import type { Row } from './clickhouse/node.ts';
import { SESSION_TABLE_COLUMNS } from './clickhouse/schema.ts';
import { nextVersion } from './clickhouse/transaction.ts';
import { type ClickHouseStore, type ClickHouseTable, openClickHouseStore } from './clickhouse-store.ts';
import { EVENT_NAMES } from './duckdb/schema.ts';
import { compareStores, type MigrateCheck } from './migrate/checks.ts';
import { type DuckDBSource, openDuckDBSource } from './migrate/duckdb-source.ts';
import { contentInManyImports, EventKeys } from './migrate/event-keys.ts';

export type { MigrateCheck } from './migrate/checks.ts';

export interface MigrateOptions {
  /** `duckdb:FILE`, or a DuckDB file's path. */
  readonly from: string;
  /** `clickhouse://HOST:PORT/DATABASE…`: a database with no events or sessions yet. */
  readonly to: string;
  /** Rows per insert (50,000 by default). */
  readonly batchRows?: number;
  /** Told after each batch: rows moved so far, of all the rows to move. */
  readonly onProgress?: (moved: number, total: number) => void;
}

export interface MigrateResult {
  /** The source file and the target address (its password hidden). */
  readonly from: string;
  readonly to: string;
  /** Rows moved, by table. */
  readonly rows: Readonly<Record<string, number>>;
  readonly seconds: number;
  readonly checks: readonly MigrateCheck[];
}

/** One table's move: what to read from DuckDB, and what each row gets on the way. */
interface TableMove {
  readonly table: ClickHouseTable;
  readonly select: string;
  /** A unique column the rows must come in the order of. */
  readonly orderBy?: string;
  readonly extra?: (row: Row) => Row;
}

export async function migrateStore(o: MigrateOptions): Promise<MigrateResult> {
  if (!/^clickhouse:\/\//i.test(o.to)) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `--to is not valid: ${o.to} is not a ClickHouse store address`,
      'Give --to clickhouse://HOST:PORT/DATABASE with a new database (it is created)',
    );
  }
  if (/^clickhouse:\/\//i.test(o.from) || (o.from.includes('://') && !o.from.startsWith('duckdb:'))) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `--from is not valid: ${o.from} is not a DuckDB store`,
      'stint migrate moves a DuckDB store: --from duckdb:FILE',
    );
  }
  const started = performance.now();
  const source = await openDuckDBSource(o.from.replace(/^duckdb:/, ''));
  try {
    const target = await openClickHouseStore(o.to);
    try {
      await refuseUnlessEmpty(target);
      const moves = await movesOf(source);
      let total = 0;
      for (const m of moves) total += Number(await source.value(`SELECT count(*) FROM (${m.select})`));
      const rows: Record<string, number> = {};
      let moved = 0;
      o.onProgress?.(0, total);
      for (const m of moves) {
        rows[m.table] = 0;
        // Each batch is inserted while the next is read: the two take about as long.
        let inserting: Promise<void> = Promise.resolve();
        for await (const batch of source.batches(m.select, o.batchRows ?? 50_000, m.orderBy)) {
          const out = m.extra === undefined ? batch : batch.map(m.extra);
          await inserting;
          inserting = target.insertRows(m.table, out).then(() => {
            rows[m.table] = (rows[m.table] ?? 0) + out.length;
            moved += out.length;
            o.onProgress?.(moved, total);
          });
          // Awaited at the next batch or the end; until then its failure is not "unhandled".
          inserting.catch(() => {});
        }
        await inserting;
      }
      const checks = await compareStores(source, target);
      return {
        from: source.path,
        to: target.path,
        rows,
        seconds: (performance.now() - started) / 1000,
        checks,
      };
    } finally {
      target.close();
    }
  } finally {
    source.close();
  }
}

/** A store that holds anything is refused: the moved rows would mix with its own. */
async function refuseUnlessEmpty(target: ClickHouseStore): Promise<void> {
  const [row] = await target.rows(
    `SELECT (SELECT count() FROM events) AS events, (SELECT count() FROM sessions) AS sessions,
       (SELECT count() FROM imports) AS imports, (SELECT count() FROM rules) AS rules`,
  );
  const held = Object.entries(row ?? {}).filter(([, n]) => Number(n) > 0);
  if (held.length > 0) {
    throw new StintError(
      'STINT_BAD_FLAG',
      `--to is not valid: ${target.path} already holds ${held.map(([t, n]) => `${Number(n).toLocaleString('en-US')} ${t}`).join(', ')}`,
      'Name a new database in the address (it is created): clickhouse://HOST:PORT/NEWDB',
    );
  }
}

/** The tables to move, in the order a stint transaction writes them. */
async function movesOf(source: DuckDBSource): Promise<TableMove[]> {
  const version = nextVersion();
  const keys = new EventKeys(await contentInManyImports(source));
  const sessionColumns = SESSION_TABLE_COLUMNS.map((c) => c.name).join(', ');
  const moves: TableMove[] = [
    { table: 'rules', select: 'SELECT version, rules, created_at FROM rules ORDER BY version' },
    {
      table: 'sessions',
      select: `SELECT ${sessionColumns} FROM sessions`,
      extra: (row) => ({ ...row, version, deleted: 0 }),
    },
    {
      table: 'events',
      select: `SELECT seq, import_id, received_at, session_id, ${EVENT_NAMES} FROM events`,
      orderBy: 'seq',
      extra: (row) => ({ ...row, ekey: keys.keyOf(row), version, deleted: 0 }),
    },
    { table: 'rejects', select: 'SELECT import_id, file, line, reason, detail, raw FROM rejects' },
  ];
  if (await source.has('erasures')) {
    moves.push({
      table: 'erasures',
      select: 'SELECT at_ms, kind, actor, what, events, sessions FROM erasures',
    });
  }
  moves.push(
    {
      table: 'imports',
      select: `SELECT id, path, fingerprint, bytes, imported_at, rows, accepted, duplicates, rejected,
        left_out, rules_version FROM imports ORDER BY id`,
    },
    {
      table: 'stint_meta',
      select: `SELECT key, value FROM stint_meta WHERE key <> 'schema_version'`,
      extra: (row) => ({ ...row, version }),
    },
  );
  return moves;
}
