/**
 * Events and sessions as the rows ClickHouse takes and gives (JSON objects, one per row), and
 * stored events back as the event columns the batch driver reads.
 */
import { createHash } from 'node:crypto';
import { EventColumnsBuilder } from '../../core/columns.ts';
import type { StintEvent } from '../../core/event.ts';
import type { SessionColumns } from '../../core/session-columns.ts';
import { sessionPages } from '../../core/session-pages.ts';
import { pathOf } from '../../core/url.ts';
import { EVENT_COLUMN_NAMES } from '../../schema/events.ts';
import { SESSION_SPECS } from '../../schema/sessions.ts';
import type { ReadEvents } from '../store.ts';
import type { Row } from './node.ts';

/** An event's fields as the events table's columns. */
export function eventFields(e: StintEvent): Row {
  return {
    event_id: e.eventId,
    ts_ms: e.tsMs,
    anonymous_id: e.anonymousId,
    user_id: e.userId,
    event: e.name,
    url: e.url,
    path: e.url === '' ? '' : pathOf(e.url),
    referrer: e.referrer,
    utm_source: e.utmSource,
    utm_medium: e.utmMedium,
    utm_campaign: e.utmCampaign,
    utm_term: e.utmTerm,
    utm_content: e.utmContent,
    session_key: e.sessionKey,
    timezone: e.timezone,
    country: e.country,
    user_agent: e.userAgent,
    value: e.value,
    properties: e.properties === undefined ? '' : JSON.stringify(e.properties),
  };
}

/**
 * A stored event row's event columns, as stored (its properties' text kept), in the order
 * `eventFields` gives them: the content `eventKey` hashes, so a moved event (stint migrate)
 * gets the key its import gave it.
 */
export function storedFields(r: Row): Row {
  return Object.fromEntries(EVENT_COLUMN_NAMES.map((name) => [name, r[name]]));
}

/** A stored event row as the event it was (its properties left as text: the driver reads none). */
export function eventOf(r: Row): StintEvent {
  return {
    tsMs: Number(r.ts_ms),
    anonymousId: String(r.anonymous_id),
    userId: String(r.user_id),
    name: String(r.event),
    url: String(r.url),
    referrer: String(r.referrer),
    utmSource: String(r.utm_source),
    utmMedium: String(r.utm_medium),
    utmCampaign: String(r.utm_campaign),
    utmTerm: String(r.utm_term),
    utmContent: String(r.utm_content),
    sessionKey: String(r.session_key),
    timezone: String(r.timezone),
    country: String(r.country),
    userAgent: String(r.user_agent),
    value: Number(r.value),
    eventId: String(r.event_id),
    properties: undefined,
  };
}

/** Events (with their seqs) as the batch driver's columns, in the order given. */
export function readEvents(events: readonly StintEvent[], seqs: readonly number[]): ReadEvents {
  const builder = new EventColumnsBuilder(events.length, { dedupe: false });
  for (const e of events) builder.append(e);
  return { columns: builder.finish(), seqs: Float64Array.from(seqs) };
}

/**
 * The key a retry of an event shares with it: `=event_id`; for an event without one, `#` and a
 * hash of its content, then its place among identical events of the same batch (`seen` counts
 * them), so importing the same file again gives the same keys.
 */
export function eventKey(fields: Row, seen: Map<string, number>): string {
  const id = String(fields.event_id);
  if (id !== '') return `=${id}`;
  const hash = createHash('sha256').update(JSON.stringify(fields)).digest('base64url').slice(0, 22);
  const place = seen.get(hash) ?? 0;
  seen.set(hash, place + 1);
  return `#${hash}:${place}`;
}

/** Sessions as rows of the sessions table, with their pages (from the events they were made of). */
export function sessionRows(
  sessions: SessionColumns,
  events: ReadEvents,
  rulesVersion: number,
  version: number,
): Row[] {
  const pages = sessionPages(events.columns, sessions.eventSessions!, sessions.length);
  const paths = events.columns.paths.values;
  const out: Row[] = new Array(sessions.length);
  for (let i = 0; i < sessions.length; i++) {
    const s = sessions.sessionAt(i);
    const row: Row = {};
    for (const spec of SESSION_SPECS) {
      if (spec.type === 'time') row[`${spec.name}_ms`] = spec.name === 'start' ? s.startMs : s.endMs;
      else {
        const v = spec.of(s);
        row[spec.name] = typeof v === 'boolean' ? Number(v) : v;
      }
    }
    row.rules_version = rulesVersion;
    row.pages = Array.from(pages.paths.subarray(pages.start[i]!, pages.start[i + 1]!), (p) => paths[p]!);
    row.version = version;
    row.deleted = 0;
    out[i] = row;
  }
  return out;
}
