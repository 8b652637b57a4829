/**
 * Erasing stored data: a visitor (`stint forget`, the GDPR right to erasure), the events a range
 * and filters select (`stint delete`), and what is older than a site's retention. Each runs in
 * one transaction, sessionizes what is left of the identities it touched, and is recorded in the
 * store's `erasures` table (a forgotten id only as its SHA-256).
 *
 *   const sel = identitySelection('u-42');
 *   await countSelection(store, sel);                       // { events, sessions, visitors }
 *   await deleteSelected(store, sel, { kind: 'forget', by: 'cli:ana', atMs, what: sha256('u-42') });
 */
import { createHash } from 'node:crypto';
import { sessionizeToColumns } from '../core/batch.ts';
import { StintError } from '../core/errors.ts';
import type { EventColumnName } from '../schema/events.ts';
import type { Dialect } from '../sql/dialect.ts';
import { duckdb } from '../sql/duckdb.ts';
import { join, raw, type Sql, sql, sqlName } from '../sql/query.ts';
import type { ErasureRecord, Store } from './store.ts';

type Value = string | number | bigint;

/** Which events: a condition on the events table, with its values. */
export interface EventSelection {
  readonly where: string;
  readonly params: readonly Value[];
}

export interface Deleted {
  readonly events: number;
  /** Sessions that are gone (their events were all removed, or they were cut anew). */
  readonly sessions: number;
  /** Sessions of the touched identities after sessionizing what is left. */
  readonly resessionized: number;
  /** The ids (anonymous and user ids) whose sessions were replaced: for a server's memory only. */
  readonly ids: readonly string[];
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * A visitor's events: those whose user_id or anonymous_id is `id`, and, when `id` is a user id,
 * the anonymous events (no user_id) of every device (anonymous_id) seen with it. A device's
 * events signed in as another user stay: they are that user's.
 */
export function identitySelection(id: string): EventSelection {
  if (id === '')
    throw new StintError(
      'STINT_BAD_FLAG',
      '--identity is empty',
      'Give the user_id or anonymous_id to forget',
    );
  return {
    where: `user_id = ? OR anonymous_id = ? OR (user_id = '' AND anonymous_id IN
              (SELECT anonymous_id FROM events WHERE user_id = ? AND anonymous_id <> ''))`,
    params: [id, id, id],
  };
}

/** Event fields `stint delete --filter` takes, with their column. */
export const EVENT_FILTER_FIELDS = [
  'event',
  'path',
  'url',
  'referrer',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'user_agent',
  'anonymous_id',
  'user_id',
  'event_id',
  'timezone',
  'value',
] as const satisfies readonly EventColumnName[];

const FILTER = /^([A-Za-z_][A-Za-z0-9_]*|prop\.[A-Za-z0-9_.-]+)\s*(!=|>=|<=|=|~|>|<)(.*)$/s;

/**
 * `field=value`, `field!=value`, `field~text` (contains), and for `value` also `>`, `>=`, `<`,
 * `<=`; an event property as `prop.NAME`. Events in [fromMs, toMs) that meet every filter.
 */
export function rangeSelection(
  fromMs: number | undefined,
  toMs: number | undefined,
  filters: readonly string[],
  dialect: Dialect = duckdb,
): EventSelection {
  const where: Sql[] = [];
  if (fromMs !== undefined) where.push(sql`ts_ms >= ${BigInt(Math.ceil(fromMs))}`);
  if (toMs !== undefined) where.push(sql`ts_ms < ${BigInt(Math.ceil(toMs))}`);
  for (const text of filters) {
    const m = FILTER.exec(text);
    const field = m?.[1];
    const op = m?.[2];
    const value = m?.[3] ?? '';
    if (field === undefined || op === undefined)
      throw new StintError(
        'STINT_BAD_FLAG',
        `Cannot read --filter "${text}"`,
        'Write field=value, field!=value or field~text, e.g. --filter user_agent~bot or --filter path=/spam',
      );
    const numeric = field === 'value';
    if (!numeric && !field.startsWith('prop.') && !(EVENT_FILTER_FIELDS as readonly string[]).includes(field))
      throw new StintError(
        'STINT_BAD_FLAG',
        `Unknown event field "${field}" in --filter "${text}"`,
        `Use one of: ${EVENT_FILTER_FIELDS.join(', ')}, or an event property as prop.NAME`,
      );
    if (!numeric && /[<>]/.test(op))
      throw new StintError('STINT_BAD_FLAG', `--filter "${text}": ${op} is for value only`, 'Use =, != or ~');
    const column = field.startsWith('prop.')
      ? sql`coalesce(${dialect.jsonText(sql`(CASE WHEN properties = '' THEN '{}' ELSE properties END)`, field.slice(5))}, '')`
      : sqlName(field);
    if (numeric) {
      if (op === '~')
        throw new StintError('STINT_BAD_FLAG', `--filter "${text}": ~ is for text`, 'Use value>N, value=N…');
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n))
        throw new StintError(
          'STINT_BAD_FLAG',
          `--filter "${text}": "${value}" is not a number`,
          'e.g. --filter value>100000',
        );
      where.push(sql`value ${raw(op === '!=' ? '<>' : op)} ${n}`);
    } else if (op === '~') {
      where.push(dialect.contains(column, sql`${value}`));
    } else {
      where.push(sql`${column} ${raw(op === '=' ? '=' : '<>')} ${value}`);
    }
  }
  if (where.length === 0)
    throw new StintError(
      'STINT_BAD_FLAG',
      'stint delete needs --from, --to or --filter: it will not delete every event',
      'Say which events, e.g. --from 2026-11-01 --to 2026-11-02 --filter user_agent~bot',
    );
  const compiled = dialect.compile(
    join(
      where.map((w) => sql`(${w})`),
      raw(' AND '),
    ),
  );
  return { where: compiled.sql, params: compiled.params as Value[] };
}

/** What a selection would remove: events, the sessions they are in, their visitors. */
export async function countSelection(
  store: Pick<Store, 'query'>,
  sel: EventSelection,
): Promise<{ events: number; sessions: number; visitors: number }> {
  const [row] = await store.query({
    sql: `SELECT count(*) AS events, count(DISTINCT session_id) AS sessions,
            count(DISTINCT CASE WHEN anonymous_id <> '' THEN anonymous_id ELSE user_id END) AS visitors
          FROM events WHERE ${sel.where}`,
    params: [...sel.params],
  });
  return {
    events: Number(row?.events ?? 0),
    sessions: Number(row?.sessions ?? 0),
    visitors: Number(row?.visitors ?? 0),
  };
}

/** Deletes the selected events in one transaction, sessionizes what is left of their identities, records it. */
export async function deleteSelected(
  store: Store,
  sel: EventSelection,
  record: Omit<ErasureRecord, 'events' | 'sessions'>,
): Promise<Deleted> {
  const rules = await store.rules();
  if (rules === undefined) return { events: 0, sessions: 0, resessionized: 0, ids: [] };
  return store.transaction(async (tx) => {
    const { removed, keys, events } = await tx.deleteEvents(sel.where, sel.params);
    const sessions = sessionizeToColumns(events.columns, rules.rules, { eventSessions: true });
    if (removed > 0) await tx.replaceSessions(keys, sessions, rules.version, events);
    const gone = await tx.finishDelete();
    await tx.recordErasure({ ...record, events: removed, sessions: gone });
    return { events: removed, sessions: gone, resessionized: removed > 0 ? sessions.length : 0, ids: keys };
  });
}

/** Retention: drops whole sessions that ended before `beforeMs`, with their events, and records it. */
export async function dropBefore(
  store: Store,
  beforeMs: number,
  record: Omit<ErasureRecord, 'events' | 'sessions' | 'what'>,
): Promise<{ events: number; sessions: number }> {
  return store.transaction(async (tx) => {
    const dropped = await tx.dropSessionsBefore(beforeMs);
    if (dropped.sessions > 0)
      await tx.recordErasure({ ...record, what: `before ${new Date(beforeMs).toISOString()}`, ...dropped });
    return dropped;
  });
}
