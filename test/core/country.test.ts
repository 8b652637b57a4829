/**
 * Country from the time zone when no IP gives one: the zone's main country; UTC and unknown
 * names give none.
 */
import { describe, expect, it } from 'vitest';
import { countryOf, countryOfZone } from '../../src/core/attribution/country.ts';

describe('countryOfZone', () => {
  it.each([
    ['Europe/Berlin', 'DE'],
    ['Asia/Tokyo', 'JP'],
    ['America/New_York', 'US'],
    ['Asia/Kolkata', 'IN'],
    ['Asia/Calcutta', 'IN'], // an old name of the same zone
    ['Australia/Sydney', 'AU'],
  ])('%s is in %s', (zone, country) => {
    expect(countryOfZone(zone)).toBe(country);
  });

  it.each(['UTC', 'Etc/GMT+5', '', 'Mars/Olympus', 'europe/berlin'])('%j gives no country', (zone) => {
    expect(countryOfZone(zone)).toBe('');
  });
});

describe('countryOf', () => {
  it('takes the IP country first, then the zone, else none', () => {
    expect(countryOf('GB', 'Asia/Tokyo')).toBe('GB');
    expect(countryOf('', 'Asia/Tokyo')).toBe('JP');
    expect(countryOf('', 'UTC')).toBe('');
  });
});
