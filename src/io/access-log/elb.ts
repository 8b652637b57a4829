/**
 * AWS load balancer logs: classic ELB (`elb`, starts with the ISO time) and ALB (`alb`, starts with
 * the request type). The request target is an absolute URL; it is kept as logged and its host becomes
 * `host`. TCP listener lines (`"- - - "`) parse with method `-`, so they are left out by method.
 */
import { parseTimestamp } from '../../core/timestamp.ts';
import type { AccessLogEntry } from './entry.ts';
import { countOf, hostOfUrl, orEmpty, splitRequest, withoutPort } from './fields.ts';
import { isoUtcToMs } from './log-time.ts';

const TAIL = String.raw`(\S+) \S+ \S+ (\S+) "(.*?)" "(.*?)"(?:\s.*)?$`;
const ELB = new RegExp(String.raw`^(\d{4}-\d\d-\d\dT\S+) \S+ (\S+) \S+ \S+ \S+ \S+ ${TAIL}`);
const ALB = new RegExp(
  String.raw`^(?:https?|h2|wss?|grpcs?) (\d{4}-\d\d-\d\dT\S+) \S+ (\S+) \S+ \S+ \S+ \S+ ${TAIL}`,
);

/** `2015-05-13T23:39:43.945958Z my-lb 1.2.3.4:2817 10.0.0.1:80 0.0 0.0 0.0 200 200 0 57 "GET https://… HTTP/1.1" "UA" …` */
export function parseElb(line: string): AccessLogEntry | undefined {
  return entryFromLbMatch(ELB.exec(line));
}

/** `https 2020-01-01T00:55:04.127531Z app/my-alb/abc 1.2.3.4:2817 10.0.0.1:80 0.001 0.1 0.0 200 200 225 24950 "GET …" "UA" …` */
export function parseAlb(line: string): AccessLogEntry | undefined {
  return entryFromLbMatch(ALB.exec(line));
}

function entryFromLbMatch(m: RegExpExecArray | null): AccessLogEntry | undefined {
  if (m === null) return undefined;
  const tsMs = isoUtcToMs(m[1] ?? '') ?? parseTimestamp(m[1]);
  const clientIp = withoutPort(m[2] ?? '');
  if (tsMs === undefined || clientIp === '') return undefined;
  const entry: AccessLogEntry = {
    tsMs,
    clientIp,
    method: '',
    path: '',
    protocol: '',
    status: countOf(m[3]),
    bytes: countOf(m[4]),
    referrer: '',
    userAgent: orEmpty(m[6]),
    host: '',
    user: '',
  };
  splitRequest(entry, m[5] ?? '');
  entry.host = hostOfUrl(entry.path);
  return entry;
}
