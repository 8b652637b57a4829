/**
 * Building blocks shared by the Common Log Format family (CLF, combined, vhost, S3, HAProxy…):
 * regex fragments, and one builder that turns a match into an entry through a group layout.
 *
 *   entryFromMatch(CLF.exec(line), { ip: 1, user: 2, time: 3, request: 4, status: 5, bytes: 6 })
 */

import type { AccessLogEntry } from './entry.ts';
import { countOf, orEmpty, splitRequest, withoutPort } from './fields.ts';
import { clfTimeToMs } from './log-time.ts';

/** `[01/Aug/1995:00:00:01 -0400]`, captured without brackets. */
export const TIME = String.raw`\[([^\]]+)\]`;
/** A double-quoted field; lazy, so unescaped quotes inside still work when the rest of the line pins the end. */
export const QUOTED = '"(.*?)"';
export const STATUS_BYTES = String.raw`(\d{3}|-) (\d+|-)`;
export const END = String.raw`\s*$`;

/** Capture group of each field in a format's regex; a missing field is not logged by that format. */
export interface ClfLayout {
  ip: number;
  time: number;
  request: number;
  status: number;
  bytes?: number;
  user?: number;
  referrer?: number;
  agent?: number;
  host?: number;
}

function group(m: RegExpExecArray, index: number | undefined): string | undefined {
  return index === undefined ? undefined : m[index];
}

/** The entry a match describes, or undefined when the time is not a valid date. */
export function entryFromMatch(m: RegExpExecArray | null, layout: ClfLayout): AccessLogEntry | undefined {
  if (m === null) return undefined;
  const tsMs = clfTimeToMs(m[layout.time] ?? '');
  const clientIp = m[layout.ip] ?? '';
  if (tsMs === undefined || clientIp === '') return undefined;
  const entry: AccessLogEntry = {
    tsMs,
    clientIp,
    method: '',
    path: '',
    protocol: '',
    status: countOf(m[layout.status]),
    bytes: countOf(group(m, layout.bytes)),
    referrer: orEmpty(group(m, layout.referrer)),
    userAgent: orEmpty(group(m, layout.agent)),
    host: withoutPort(orEmpty(group(m, layout.host))),
    user: orEmpty(group(m, layout.user)),
  };
  splitRequest(entry, m[layout.request] ?? '');
  return entry;
}
