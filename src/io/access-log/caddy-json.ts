/**
 * Caddy v2 access logs (`caddy-json`, logger `http.log.access`): `ts` (epoch seconds, or a time
 * string when configured), `status`, `size`, and a `request` object with `client_ip`/`remote_ip`,
 * `method`, `uri`, `proto`, `host` and `headers` (arrays of values).
 */
import { parseTimestamp } from '../../core/timestamp.ts';
import type { AccessLogEntry } from './entry.ts';
import { countOf, orEmpty, withoutPort } from './fields.ts';
import { headerOf, objectOf, parseJsonObject, textOf } from './json-fields.ts';

export function parseCaddyJson(line: string): AccessLogEntry | undefined {
  const o = parseJsonObject(line);
  const request = objectOf(o?.request);
  if (o === undefined || request === undefined) return undefined;
  const tsMs = parseTimestamp(o.ts);
  const clientIp = withoutPort(
    textOf(request.client_ip) || textOf(request.remote_ip) || textOf(request.remote_addr),
  );
  const path = textOf(request.uri);
  if (tsMs === undefined || clientIp === '' || path === '' || o.status === undefined) return undefined;
  const headers = objectOf(request.headers);
  return {
    tsMs,
    clientIp,
    method: textOf(request.method),
    path,
    protocol: textOf(request.proto),
    status: countOf(textOf(o.status)),
    bytes: countOf(textOf(o.size)),
    referrer: orEmpty(headerOf(headers, 'Referer')),
    userAgent: orEmpty(headerOf(headers, 'User-Agent')),
    host: withoutPort(textOf(request.host)),
    user: textOf(o.user_id),
  };
}
