/**
 * The `ekey` of each moved event: the key its import would have given it on ClickHouse
 * (`eventKey` over its fields, counting identical events within its import), so a later import
 * drops retries of moved events as it drops its own.
 *
 * One difference needs care: DuckDB keeps an event without an event_id that is identical, to the
 * millisecond, to one of an earlier import; a ClickHouse import would have taken it for a retry.
 * Counted per import, both copies would get `#hash:0` and count once. So the events of such
 * content (DuckDB finds them) are counted across the whole store instead: the first import's
 * keep the keys it gave them, and the later copies get the next places.
 *
 *   seq 1, import 1, content A → #A:0     seq 3, import 2, content A → #A:1 (not #A:0)
 *   seq 2, import 1, content B → #B:0     seq 4, import 2, content C → #C:0
 */
import type { Row } from '../clickhouse/node.ts';
import { eventKey, storedFields } from '../clickhouse/rows.ts';
import { EVENT_NAMES } from '../duckdb/schema.ts';
import type { DuckDBSource } from './duckdb-source.ts';

/** The seqs of events without an event_id whose exact content is in more than one import. */
export async function contentInManyImports(source: DuckDBSource): Promise<Set<number>> {
  const seqs = new Set<number>();
  const sql = `SELECT seq FROM (
      SELECT seq, min(import_id) OVER w <> max(import_id) OVER w AS many
      FROM events WHERE event_id = ''
      WINDOW w AS (PARTITION BY ${EVENT_NAMES})
    ) WHERE many`;
  for await (const rows of source.batches(sql, 50_000)) for (const r of rows) seqs.add(Number(r.seq));
  return seqs;
}

/** Gives each event, in seq order, its key. */
export class EventKeys {
  #importId: unknown;
  #seen = new Map<string, number>();
  readonly #acrossImports = new Map<string, number>();

  constructor(private readonly shared: ReadonlySet<number>) {}

  keyOf(row: Row): string {
    // An import's events have consecutive seqs: a new import id starts a new count.
    if (row.import_id !== this.#importId) {
      this.#importId = row.import_id;
      this.#seen = new Map();
    }
    const seen = this.shared.has(Number(row.seq)) ? this.#acrossImports : this.#seen;
    return eventKey(storedFields(row), seen);
  }
}
