/**
 * Shorthand for the worked tables of docs/sessions.md: `ev('A', '10:05')` is an event of A at
 * 10:05 UTC on 2026-03-10, and `cut()` reduces sessions to the columns the tables show.
 *
 *   cut(sessionize([ev('A', '10:00'), ev('A', '11:00')]).sessions)
 *   // [{ identity: 'A', start: '2026-03-10T10:00:00.000Z', …, end_reason: 'timeout' }, …]
 */
import type { EventInput } from '../../src/core/event.ts';
import type { Session } from '../../src/core/session.ts';
import { toSessionRecord } from '../../src/schema/sessions.ts';

/** The date of every table unless an example says otherwise. */
export const DAY = '2026-03-10';

/** `10:05`, `10:05:30` or `10:05:30.250` on DAY; a full ISO string passes through unchanged. */
export function iso(time: string): string {
  if (time.includes('T')) return new Date(time).toISOString();
  const [hm, fraction = '000'] = time.split('.');
  const withSeconds = hm!.length === 5 ? `${hm}:00` : hm!;
  return `${DAY}T${withSeconds}.${fraction.padEnd(3, '0')}Z`;
}

export function ms(time: string): number {
  return Date.parse(iso(time));
}

/** An event of device `who` at `time` (a pageview unless `fields.event` says otherwise). */
export function ev(who: string, time: string, fields: EventInput = {}): EventInput {
  return { anonymous_id: who, timestamp: iso(time), ...fields };
}

export interface Cut {
  identity: string;
  start: string;
  end: string;
  events: number;
  pageviews: number;
  end_reason: string;
}

/** The columns every worked table shows. */
export function cut(sessions: readonly Session[]): Cut[] {
  return sessions.map((s) => {
    const r = toSessionRecord(s);
    return {
      identity: r.identity as string,
      start: r.start as string,
      end: r.end as string,
      events: r.events as number,
      pageviews: r.pageviews as number,
      end_reason: r.end_reason as string,
    };
  });
}

/** One expected row of a worked table, times written as in the table. */
export function row(
  identity: string,
  start: string,
  end: string,
  events: number,
  pageviews: number,
  endReason: string,
): Cut {
  return { identity, start: iso(start), end: iso(end), events, pageviews, end_reason: endReason };
}
