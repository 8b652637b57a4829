/**
 * An access-log entry as a canonical stint record: identity `ip|user_agent` (just the ip when the
 * line has no agent), the path as `url`, the client address's country (io/ip-country.ts), and
 * method/status/bytes/host as properties; empty fields are omitted. The client address is not
 * stored separately: the identity already carries it. `identify`, when given,
 * replaces that identity (`stint import` keeps a keyed hash of it, store/identity-key.ts).
 *
 *   entryToRecord(entry, 'pageview') // { timestamp: 807249601000, anonymous_id: '1.2.3.4|Mozilla…', event: 'pageview', url: '/', … }
 */
import { countryOfIp } from '../ip-country.ts';
import type { RawRecord } from '../record.ts';
import type { AccessLogEntry } from './entry.ts';

export function entryToRecord(
  entry: AccessLogEntry,
  event: 'pageview' | 'request',
  identify?: (identity: string) => string,
): RawRecord {
  const identity = entry.userAgent === '' ? entry.clientIp : `${entry.clientIp}|${entry.userAgent}`;
  const record: RawRecord = {
    timestamp: entry.tsMs,
    anonymous_id: identify === undefined ? identity : identify(identity),
    event,
    method: entry.method,
    status: entry.status,
    bytes: entry.bytes,
  };
  if (entry.path !== '') record.url = entry.path;
  if (entry.referrer !== '' && entry.referrer !== '-') record.referrer = entry.referrer;
  if (entry.userAgent !== '') record.user_agent = entry.userAgent;
  if (entry.host !== '') record.host = entry.host;
  // The address gives the country; it is kept nowhere else (only in the identity, which import hashes).
  const country = countryOfIp(entry.clientIp);
  if (country !== '') record.country = country;
  return record;
}
