/**
 * HAProxy HTTP logs (`haproxy`, `option httplog`), with or without the syslog prefix:
 * `4.3.2.1:55008 [25/Sep/2018:06:05:27.584] front back/srv 0/0/0/72/72 200 7456 - - ---- 5/4/0/1/0 0/0 "GET / HTTP/1.1"`.
 * The accept date has no offset: it is read as UTC. Status -1 (aborted) becomes 0.
 */
import { type ClfLayout, END, entryFromMatch, QUOTED, TIME } from './clf-parts.ts';
import type { AccessLogEntry } from './entry.ts';

const HAPROXY = new RegExp(
  String.raw`^(?:[^\[]*\[\d+\]: )?(\S+):\d+ ${TIME} \S+ \S+ \S+ (-?\d+) (\d+) \S+ \S+ \S+ \S+ \S+(?: \{[^}]*\})* ${QUOTED}${END}`,
);
const LAYOUT: ClfLayout = { ip: 1, time: 2, status: 3, bytes: 4, request: 5 };

export function parseHaproxy(line: string): AccessLogEntry | undefined {
  return entryFromMatch(HAPROXY.exec(line), LAYOUT);
}
