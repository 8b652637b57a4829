/**
 * The AffectedRange role on ClickHouse: the stored events of every identity that staged events
 * touch, as full rows (a rewritten event keeps its key), read in input order. In device mode
 * only from each identity's last session that a new event can change, as on DuckDB
 * (docs/store.md, "How an import stays correct"); in user mode closed over device ↔ user links.
 * Stored events with no session yet (a collector's, waiting for their shard's worker) are left
 * out: the worker sessionizes them with what is stored by then.
 */
import type { StintEvent } from '../../core/event.ts';
import { deviceIdentity } from '../../core/event.ts';
import type { IdentityMode } from '../../core/rules.ts';
import { literal } from '../../sql/clickhouse.ts';
import type { Row } from './node.ts';
import { EVENT_IDENTITY } from './schema.ts';

/** Per identity, the start of its first session to redo (null: all of them). */
export type RedoFrom = Map<string, number | null>;

/** How the transaction reads: a SELECT's rows, and the stored events (with `ekey`) as a subquery. */
export interface Reader {
  rows(sql: string): Promise<Row[]>;
  /** The stored events' latest versions, not deleted, every column and `ekey`. */
  readonly storedEvents: string;
  /** The stored sessions' latest versions, not deleted: the `sessions` view, or a shard's own. */
  readonly sessions: string;
}

const MIN_MS = '-9223372036854775807';
const list = (values: Iterable<string>): string => `(${[...values].map(literal).join(', ')})`;
/**
 * Numbers as an Array(Int64): a bare list of positive numbers would be UInt64, and 18.16 takes
 * seconds to analyse thousands of toInt64() calls, so they go as texts cast once.
 */
export const int64s = (values: readonly number[]): string =>
  `CAST([${values.map((v) => `'${Math.trunc(v)}'`).join(', ')}] AS Array(Int64))`;

/** `seeds`: ids to start from beside the staged events' (user mode). */
export async function affectedRows(
  read: Reader,
  staged: readonly StintEvent[],
  identity: IdentityMode | undefined,
  seeds: readonly string[] = [],
): Promise<{ keys: string[]; from: RedoFrom; rows: Row[] }> {
  if (identity === 'device') return deviceRange(read, staged);
  const keys = new Set<string>(seeds);
  for (const e of staged) {
    if (e.anonymousId !== '') keys.add(e.anonymousId);
    if (e.userId !== '') keys.add(e.userId);
  }
  const linked = () => `(anonymous_id IN ${list(keys)} OR user_id IN ${list(keys)})`;
  // Close over links: an event of a key can bring another id (a device's user, a user's device).
  for (;;) {
    if (keys.size === 0) break;
    const found = await read.rows(
      `SELECT DISTINCT anonymous_id, user_id FROM ${read.storedEvents} WHERE ${linked()}`,
    );
    const before = keys.size;
    for (const r of found) {
      if (r.anonymous_id !== '') keys.add(String(r.anonymous_id));
      if (r.user_id !== '') keys.add(String(r.user_id));
    }
    if (keys.size === before) break;
  }
  const rows = keys.size === 0 ? [] : await read.rows(`SELECT * FROM ${read.storedEvents} WHERE ${linked()}`);
  const sorted = [...keys].sort();
  return { keys: sorted, from: new Map(sorted.map((k) => [k, null])), rows };
}

async function deviceRange(
  read: Reader,
  staged: readonly StintEvent[],
): Promise<{ keys: string[]; from: RedoFrom; rows: Row[] }> {
  // Each staged identity's earliest new event.
  const t0 = new Map<string, number>();
  for (const e of staged) {
    const k = deviceIdentity(e);
    const t = t0.get(k);
    if (t === undefined || e.tsMs < t) t0.set(k, e.tsMs);
  }
  const keys = [...t0.keys()].sort();
  const from: RedoFrom = new Map(keys.map((k) => [k, null]));
  if (keys.length === 0) return { keys, from, rows: [] };
  const ks = `[${keys.map(literal).join(', ')}]`;
  const firsts = int64s(keys.map((k) => t0.get(k)!));
  // The last session starting at or before each identity's earliest new event: it and every
  // later one can change; those before it cannot.
  const earliest = `transform(identity, ${ks}, ${firsts}, toInt64(${MIN_MS}))`;
  const starts = await read.rows(
    `SELECT identity, max(start_ms) AS from_ms FROM ${read.sessions}
     WHERE identity IN ${list(keys)} AND start_ms <= ${earliest} GROUP BY identity`,
  );
  for (const r of starts) from.set(String(r.identity), Number(r.from_ms));
  const whole = keys.filter((k) => from.get(k) === null);
  const bounded = keys.filter((k) => from.get(k) !== null);
  const conditions: string[] = [];
  if (whole.length > 0) conditions.push(`(session_id != '' AND ${EVENT_IDENTITY} IN ${list(whole)})`);
  if (bounded.length > 0) {
    const bs = `[${bounded.map(literal).join(', ')}]`;
    const fs = int64s(bounded.map((k) => from.get(k)!));
    conditions.push(
      `session_id IN (SELECT session_id FROM ${read.sessions} WHERE identity IN ${list(bounded)}
                      AND start_ms >= transform(identity, ${bs}, ${fs}, toInt64(0)))`,
    );
  }
  // No event to redo is older than its identity's bound: lets ClickHouse skip old parts.
  const since = Math.min(...keys.map((k) => from.get(k) ?? t0.get(k)!));
  const rows = await read.rows(
    `SELECT * FROM ${read.storedEvents}
     WHERE ts_ms >= ${literal(since)} AND ${EVENT_IDENTITY} IN ${list(keys)} AND (${conditions.join(' OR ')})`,
  );
  return { keys, from, rows };
}
