/**
 * The bundled IP-to-country database answers public IPv4 and IPv6 addresses, and gives '' for
 * private, loopback and unreadable ones, never an error (the data has a country for 192.168/16).
 */
import { describe, expect, it } from 'vitest';
import { openIpCountry } from '../../src/io/ip-country.ts';

const countryOfIp = openIpCountry();

describe('countryOfIp', () => {
  it.each([
    ['8.8.8.8', 'US'],
    ['81.2.69.160', 'GB'],
    ['2001:4860:4860::8888', 'US'],
    ['::ffff:8.8.8.8', 'US'],
  ])('%s is in %s', (ip, country) => {
    expect(countryOfIp(ip)).toBe(country);
  });

  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.5.4',
    '192.168.0.1',
    '100.64.0.1',
    '::1',
    'fe80::1',
    'fd00::1',
    '',
    'not an ip',
    '999.1.1.1',
    '-',
  ])('%j has no country', (ip) => {
    expect(countryOfIp(ip)).toBe('');
  });
});
