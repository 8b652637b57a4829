/**
 * Traefik access logs in JSON (`traefik-json`): `ClientHost`, `RequestMethod`, `RequestPath`,
 * `DownstreamStatus` (what the client got), `DownstreamContentSize`, `StartUTC`, and the headers
 * Traefik was told to keep as `request_User-Agent` / `request_Referer`.
 */
import { parseTimestamp } from '../../core/timestamp.ts';
import type { AccessLogEntry } from './entry.ts';
import { countOf, orEmpty, withoutPort } from './fields.ts';
import { parseJsonObject, textOf } from './json-fields.ts';

export function parseTraefikJson(line: string): AccessLogEntry | undefined {
  const o = parseJsonObject(line);
  if (o === undefined) return undefined;
  const clientIp = textOf(o.ClientHost) || withoutPort(textOf(o.ClientAddr));
  const path = textOf(o.RequestPath);
  const tsMs = parseTimestamp(o.StartUTC ?? o.StartLocal ?? o.time);
  if (clientIp === '' || path === '' || tsMs === undefined) return undefined;
  return {
    tsMs,
    clientIp,
    method: textOf(o.RequestMethod),
    path,
    protocol: textOf(o.RequestProtocol),
    status: countOf(textOf(o.DownstreamStatus ?? o.OriginStatus)),
    bytes: countOf(textOf(o.DownstreamContentSize)),
    referrer: orEmpty(textOf(o.request_Referer)),
    userAgent: orEmpty(textOf(o['request_User-Agent'])),
    host: withoutPort(orEmpty(textOf(o.RequestHost))),
    user: orEmpty(textOf(o.ClientUsername)),
  };
}
