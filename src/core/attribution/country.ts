/**
 * A visit's country (ISO 3166-1 alpha-2): from the client IP where the collector or an access
 * log gives one, else from the event's IANA time zone (the zone's main country, from
 * `countries-and-timezones`), else '' (shown as unknown).
 *
 *   countryOf('', 'Europe/Berlin') // 'DE'
 *   countryOf('GB', 'Asia/Tokyo')  // 'GB': the IP's country wins
 */
import { getCountryForTimezone } from 'countries-and-timezones';

/** The main country of an IANA zone; '' for UTC, Etc/* and names the zone data does not know. */
export function countryOfZone(zone: string): string {
  if (zone === '') return '';
  return getCountryForTimezone(zone)?.id ?? '';
}

/** `ipCountry` (from the IP, '' when unknown) if known, else the zone's country. */
export function countryOf(ipCountry: string, zone: string): string {
  return ipCountry !== '' ? ipCountry : countryOfZone(zone);
}
