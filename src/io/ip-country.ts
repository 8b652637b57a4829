/**
 * The country of a client IP address (ISO 3166-1 alpha-2), from the bundled IP-to-country
 * database of `@ip-location-db/geo-whois-asn-country-mmdb`: registry, GeoFeed and ASN data of
 * the Number Resource Organization (nro.net), under CC BY 4.0. It is read with `mmdb-lib`.
 * The IP is only looked up, never stored.
 *
 *   const countryOfIp = openIpCountry();
 *   countryOfIp('81.2.69.160') // 'GB'; a private, loopback or unreadable address gives ''
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BlockList, isIP } from 'node:net';
import { Reader } from 'mmdb-lib';

interface CountryRecord {
  readonly country_code?: string;
}

const DATABASE = '@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb';

/** Private, loopback, link-local and shared ranges: no country (the database has some, wrongly). */
const LOCAL = new BlockList();
for (const [net, bits] of [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['100.64.0.0', 10],
  ['0.0.0.0', 8],
] as const) {
  LOCAL.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['fc00::', 7],
  ['fe80::', 10],
  ['::1', 128],
  ['::', 128],
] as const) {
  LOCAL.addSubnet(net, bits, 'ipv6');
}

/** A lookup over the bundled database (about 8 MB, read once here). */
export function openIpCountry(): (ip: string) => string {
  const path = createRequire(import.meta.url).resolve(DATABASE);
  const reader = new Reader(readFileSync(path));
  return (ip) => {
    // An IPv4 client of a dual-stack socket arrives as ::ffff:a.b.c.d.
    const address = ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
    const family = isIP(address);
    if (family === 0 || LOCAL.check(address, family === 4 ? 'ipv4' : 'ipv6')) return '';
    return (reader.get(address) as CountryRecord | null)?.country_code ?? '';
  };
}

let shared: ((ip: string) => string) | undefined;
const recent = new Map<string, string>();

/**
 * The country of a client IP through one lookup shared by the process, opened on first use;
 * the addresses of the last lines are remembered (a log repeats its visitors' addresses).
 */
export function countryOfIp(ip: string): string {
  let country = recent.get(ip);
  if (country === undefined) {
    shared ??= openIpCountry();
    country = shared(ip);
    if (recent.size >= 65_536) recent.clear();
    recent.set(ip, country);
  }
  return country;
}
