/**
 * Where the demo's visitors are: for each country, its time zones (with the share of people in
 * each), /16 blocks of addresses the bundled IP-to-country data gives to it, and its Google host.
 * A visitor's `ip` and `timezone` always agree (test/sample/demo-geo.test.ts checks both).
 *
 *   const place = placeVisitor(COUNTRIES.JP, random) // { country: 'JP', timezone: 'Asia/Tokyo', ip: '113.37.…' }
 */
import type { Random } from './random.ts';

export interface Country {
  readonly code: string;
  /** IANA zones of the country, each with its weight (roughly its share of people). */
  readonly zones: readonly (readonly [string, number])[];
  /** First two octets of /16 blocks that are wholly this country's in the bundled database. */
  readonly blocks: readonly string[];
  /** The Google host people of this country search from. */
  readonly google: string;
}

const country = (
  code: string,
  zones: readonly (readonly [string, number])[],
  blocks: readonly string[],
  google: string,
): Country => ({ code, zones, blocks, google });

export const COUNTRIES = {
  US: country(
    'US',
    [
      ['America/New_York', 47],
      ['America/Chicago', 29],
      ['America/Denver', 7],
      ['America/Phoenix', 2],
      ['America/Los_Angeles', 15],
    ],
    ['24.169', '68.141', '65.241'],
    'www.google.com',
  ),
  GB: country('GB', [['Europe/London', 1]], ['81.129', '82.17', '86.15'], 'www.google.co.uk'),
  DE: country('DE', [['Europe/Berlin', 1]], ['93.128', '87.132', '92.230'], 'www.google.de'),
  FR: country('FR', [['Europe/Paris', 1]], ['92.92', '86.216', '89.87'], 'www.google.fr'),
  NL: country('NL', [['Europe/Amsterdam', 1]], ['87.212', '77.170', '83.80'], 'www.google.nl'),
  ES: country('ES', [['Europe/Madrid', 1]], ['77.231', '85.48', '88.27'], 'www.google.es'),
  IT: country('IT', [['Europe/Rome', 1]], ['87.13', '151.85', '93.63'], 'www.google.it'),
  SE: country('SE', [['Europe/Stockholm', 1]], ['84.218', '83.250', '85.226'], 'www.google.se'),
  PL: country('PL', [['Europe/Warsaw', 1]], ['83.13', '37.108', '79.191'], 'www.google.pl'),
  CH: country('CH', [['Europe/Zurich', 1]], ['178.198', '194.230', '195.141'], 'www.google.ch'),
  IE: country('IE', [['Europe/Dublin', 1]], ['83.70', '87.37', '86.43'], 'www.google.ie'),
  CA: country(
    'CA',
    [
      ['America/Toronto', 62],
      ['America/Vancouver', 22],
      ['America/Edmonton', 16],
    ],
    ['174.91', '142.176', '70.51'],
    'www.google.ca',
  ),
  BR: country('BR', [['America/Sao_Paulo', 1]], ['179.137', '201.85', '187.56'], 'www.google.com.br'),
  MX: country('MX', [['America/Mexico_City', 1]], ['189.213', '201.143', '187.233'], 'www.google.com.mx'),
  IN: country('IN', [['Asia/Kolkata', 1]], ['117.212', '59.88', '106.78'], 'www.google.co.in'),
  JP: country('JP', [['Asia/Tokyo', 1]], ['113.37', '60.118', '122.253'], 'www.google.co.jp'),
  KR: country('KR', [['Asia/Seoul', 1]], ['110.47', '121.152', '125.132'], 'www.google.co.kr'),
  SG: country('SG', [['Asia/Singapore', 1]], ['116.15', '43.50', '61.13'], 'www.google.com.sg'),
  AU: country(
    'AU',
    [
      ['Australia/Sydney', 40],
      ['Australia/Melbourne', 37],
      ['Australia/Brisbane', 13],
      ['Australia/Perth', 10],
    ],
    ['121.220', '58.7', '110.147'],
    'www.google.com.au',
  ),
  ZA: country('ZA', [['Africa/Johannesburg', 1]], ['105.208', '41.150', '197.79'], 'www.google.co.za'),
} as const satisfies Record<string, Country>;

export type CountryCode = keyof typeof COUNTRIES;

/** Hosting providers' blocks (Hetzner, AWS, OVH): where fraud-like traffic comes from. */
export const DATA_CENTERS: readonly { readonly block: string; readonly country: string }[] = [
  { block: '88.198', country: 'DE' },
  { block: '78.46', country: 'DE' },
  { block: '3.80', country: 'US' },
  { block: '51.158', country: 'FR' },
];

export interface Place {
  readonly country: string;
  readonly timezone: string;
  readonly ip: string;
}

/** An address in one of the country's blocks (never .0 or .255 in the last octet). */
export function addressIn(block: string, random: Random): string {
  return `${block}.${random.int(256)}.${random.between(1, 254)}`;
}

export function placeVisitor(c: Country, random: Random): Place {
  return {
    country: c.code,
    timezone: random.weighted(c.zones),
    ip: addressIn(random.pick(c.blocks), random),
  };
}
