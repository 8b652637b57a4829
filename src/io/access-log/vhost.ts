/**
 * CLF variants that also log the virtual host: `vhost` (Apache `vhost_combined`: `host[:port]`
 * before the CLF fields, referrer and agent optional), `gandi` (vhost + `(0 s)` serve time) and
 * `ovh` (the host in place of the ident field).
 */
import { type ClfLayout, END, entryFromMatch, QUOTED, STATUS_BYTES, TIME } from './clf-parts.ts';
import type { AccessLogEntry } from './entry.ts';

const VHOST = new RegExp(
  String.raw`^(\S+) (\S+) \S+ (\S+) ${TIME} ${QUOTED} ${STATUS_BYTES}(?: ${QUOTED} ${QUOTED})?${END}`,
);
const GANDI = new RegExp(
  String.raw`^(\S+) (\S+) \S+ (\S+) ${TIME} \([^)]*\) ${QUOTED} ${STATUS_BYTES} ${QUOTED} ${QUOTED}${END}`,
);
const OVH = new RegExp(
  String.raw`^(\S+) ([^\s.]*\.\S*) (\S+) ${TIME} ${QUOTED} ${STATUS_BYTES} ${QUOTED} ${QUOTED}${END}`,
);

const HOST_FIRST: ClfLayout = {
  host: 1,
  ip: 2,
  user: 3,
  time: 4,
  request: 5,
  status: 6,
  bytes: 7,
  referrer: 8,
  agent: 9,
};
const OVH_LAYOUT: ClfLayout = { ...HOST_FIRST, ip: 1, host: 2 };

/** `www.example.com:80 1.2.3.4 - - [10/Feb/2012:16:42:07 -0500] "GET / HTTP/1.0" 301 368` */
export function parseVhost(line: string): AccessLogEntry | undefined {
  return entryFromMatch(VHOST.exec(line), HOST_FIRST);
}

/** `www.example.com 1.2.3.4 - - [10/Feb/2012:16:42:07 -0500] (0 s) "GET / HTTP/1.1" 301 368 "-" "UA"` */
export function parseGandi(line: string): AccessLogEntry | undefined {
  return entryFromMatch(GANDI.exec(line), HOST_FIRST);
}

/** `1.2.3.4 www.example.com user [10/Feb/2012:16:42:07 -0500] "GET / HTTP/1.1" 301 368 "-" "UA"` */
export function parseOvh(line: string): AccessLogEntry | undefined {
  return entryFromMatch(OVH.exec(line), OVH_LAYOUT);
}
