/**
 * nginx JSON access logs (`nginx-json`, a `log_format … escape=json`): one object a line with the
 * client address, the request target, the status and a time. Keys follow Matomo's documented
 * convention (`ip`, `path`, `status`, `date`, …) or nginx's own variable names (`remote_addr`,
 * `request_uri`, `time_iso8601`, `time_local`, `msec`, `request`).
 */
import { parseTimestamp } from '../../core/timestamp.ts';
import type { AccessLogEntry } from './entry.ts';
import { countOf, orEmpty, splitRequest, withoutPort } from './fields.ts';
import { type JsonObject, parseJsonObject, textOf } from './json-fields.ts';
import { clfTimeToMs } from './log-time.ts';

export function parseNginxJson(line: string): AccessLogEntry | undefined {
  const o = parseJsonObject(line);
  if (o === undefined) return undefined;
  const clientIp = textOf(o.ip ?? o.remote_addr);
  const status = textOf(o.status);
  const tsMs = timeOf(o);
  if (clientIp === '' || status === '' || tsMs === undefined) return undefined;
  const entry: AccessLogEntry = {
    tsMs,
    clientIp,
    method: '',
    path: '',
    protocol: '',
    status: countOf(status),
    bytes: countOf(textOf(o.length ?? o.body_bytes_sent ?? o.bytes_sent)),
    referrer: orEmpty(textOf(o.referrer ?? o.http_referer)),
    userAgent: orEmpty(textOf(o.user_agent ?? o.http_user_agent)),
    host: withoutPort(orEmpty(textOf(o.host ?? o.server_name))),
    user: orEmpty(textOf(o.userid ?? o.remote_user)),
  };
  const request = textOf(o.request);
  if (request !== '') splitRequest(entry, request);
  const path = textOf(o.path ?? o.request_uri ?? o.uri);
  if (path !== '') entry.path = path;
  const method = textOf(o.method ?? o.request_method);
  if (method !== '') entry.method = method;
  const protocol = textOf(o.protocol ?? o.server_protocol);
  if (protocol !== '') entry.protocol = protocol;
  return entry.path === '' ? undefined : entry;
}

function timeOf(o: JsonObject): number | undefined {
  const iso = o.date ?? o.time_iso8601 ?? o.timestamp ?? o['@timestamp'] ?? o.time;
  if (iso !== undefined) return parseTimestamp(iso);
  const local = textOf(o.time_local);
  if (local !== '') return clfTimeToMs(local);
  return o.msec === undefined ? undefined : parseTimestamp(Number(textOf(o.msec)));
}
