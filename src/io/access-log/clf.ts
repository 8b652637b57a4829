/**
 * Apache/NCSA logs: Common Log Format (`clf`), Combined (`combined`, CLF + "referrer" "agent"),
 * and NCSA extended (`ncsa`: referrer and agent optional, extra trailing fields allowed, as in
 * Icecast's session time or an appended `%D`).
 */
import { type ClfLayout, END, entryFromMatch, QUOTED, STATUS_BYTES, TIME } from './clf-parts.ts';
import type { AccessLogEntry } from './entry.ts';

const HEAD = String.raw`^(\S+) \S+ (\S+) ${TIME} ${QUOTED} ${STATUS_BYTES}`;
const CLF = new RegExp(`${HEAD}${END}`);
const COMBINED = new RegExp(`${HEAD} ${QUOTED} ${QUOTED}${END}`);
const NCSA = new RegExp(`${HEAD}(?: ${QUOTED}(?: ${QUOTED})?)?(?:\\s.*)?$`);
const LAYOUT: ClfLayout = { ip: 1, user: 2, time: 3, request: 4, status: 5, bytes: 6, referrer: 7, agent: 8 };

/** `1.2.3.4 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326` */
export function parseClf(line: string): AccessLogEntry | undefined {
  return entryFromMatch(CLF.exec(line), LAYOUT);
}

/** CLF + ` "http://ref.example/" "Mozilla/5.0 …"` */
export function parseCombined(line: string): AccessLogEntry | undefined {
  return entryFromMatch(COMBINED.exec(line), LAYOUT);
}

/** CLF, optionally + ` "referrer"`, ` "agent"` and any further fields. */
export function parseNcsa(line: string): AccessLogEntry | undefined {
  return entryFromMatch(NCSA.exec(line), LAYOUT);
}
