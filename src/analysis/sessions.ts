/**
 * Single sessions: a page of them (newest first, filtered like every analysis) and one session
 * with its events in order, its journey. Fields as SESSIONS.md section 4 names them.
 *
 *   await listSessions(store, options, { limit: 50 })   // { sessions: [...], next: 'cursor' | null }
 *   await sessionJourney(store, 'a1b2…')                // { session: {...}, events: [...] } | undefined
 */
import { StintError } from '../core/errors.ts';
import { SESSION_COLUMNS, SESSION_SPECS } from '../schema/sessions.ts';
import { raw, sql } from '../sql/query.ts';
import type { Store } from '../store/store.ts';
import { type Condition, sessionsIn } from './plans.ts';
import type { QueryOptions } from './query-options.ts';

/** The session fields' columns (schema/sessions.ts), times as epoch milliseconds. */
const FIELDS = raw(
  SESSION_COLUMNS.slice(0, SESSION_SPECS.length)
    .map((c) => c.name)
    .join(', '),
);

export type SessionRow = Record<string, unknown> & { session_id: string; start: string; end: string };

export interface SessionPage {
  readonly sessions: SessionRow[];
  /** Pass as `cursor` for the next page; null on the last one. */
  readonly next: string | null;
}

export async function listSessions(
  store: Store,
  options: QueryOptions,
  page: { limit: number; cursor?: string | undefined },
): Promise<SessionPage> {
  const where: Condition[] = [...options.filters];
  if (options.fromMs !== undefined || options.toMs !== undefined) {
    where.push({ kind: 'range', fromMs: options.fromMs ?? -8.64e15, toMs: options.toMs ?? 8.64e15 });
  }
  const after = page.cursor === undefined ? undefined : readCursor(page.cursor);
  const seek =
    after === undefined
      ? sql``
      : sql`WHERE (start_ms < ${BigInt(after.startMs)} OR (start_ms = ${BigInt(after.startMs)} AND session_id < ${after.id}))`;
  const q = store.dialect.compile(
    sql`SELECT ${FIELDS} FROM ${sessionsIn(store.dialect, where)} s ${seek} ORDER BY start_ms DESC, session_id DESC LIMIT ${page.limit + 1}`,
  );
  const rows = (await store.query(q)).map(sessionRow);
  const more = rows.length > page.limit;
  const sessions = rows.slice(0, page.limit);
  const last = sessions.at(-1);
  return {
    sessions,
    next: more && last !== undefined ? writeCursor(Date.parse(last.start), last.session_id) : null,
  };
}

export async function sessionJourney(
  store: Store,
  id: string,
): Promise<{ session: SessionRow; events: Record<string, unknown>[] } | undefined> {
  const [row] = await store.query(
    store.dialect.compile(sql`SELECT ${FIELDS} FROM sessions WHERE session_id = ${id}`),
  );
  if (row === undefined) return undefined;
  const events = await store.query(
    store.dialect.compile(sql`SELECT ts_ms, event, url, path, referrer, value, event_id, properties
          FROM events WHERE session_id = ${id} ORDER BY ts_ms, seq`),
  );
  return {
    session: sessionRow(row),
    events: events.map(({ ts_ms, properties, value, ...rest }) => ({
      timestamp: new Date(Number(ts_ms)).toISOString(),
      ...rest,
      value: Number(value),
      properties: properties === '' || properties === null ? {} : JSON.parse(String(properties)),
    })),
  };
}

function sessionRow({
  start_ms,
  end_ms,
  events,
  pageviews,
  conversions,
  ...rest
}: Record<string, unknown>): SessionRow {
  return {
    ...rest,
    start: new Date(Number(start_ms)).toISOString(),
    end: new Date(Number(end_ms)).toISOString(),
    events: Number(events),
    pageviews: Number(pageviews),
    conversions: Number(conversions),
  } as unknown as SessionRow;
}

const writeCursor = (startMs: number, id: string): string =>
  Buffer.from(`${startMs}:${id}`).toString('base64url');

function readCursor(text: string): { startMs: number; id: string } {
  const m = /^(-?\d{1,16}):([0-9a-f]{1,64})$/.exec(Buffer.from(text, 'base64url').toString());
  if (m === null) {
    throw new StintError(
      'STINT_BAD_FLAG',
      'Cannot read the cursor',
      'Pass the "next" value of the previous page as it was given',
    );
  }
  return { startMs: Number(m[1]), id: m[2]! };
}
