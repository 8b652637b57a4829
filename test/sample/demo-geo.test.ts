/**
 * Every visitor's country, time zone and address agree: the zone is one of the country's
 * (countries-and-timezones, which knows the zones browsers report, links included), the bundled IP-to-country data gives the address that country,
 * and the zone alone gives it too (the collector's fallback when there is no address).
 */
import { getCountriesForTimezone } from 'countries-and-timezones';
import { expect, it } from 'vitest';
import { countryOfZone } from '../../src/core/attribution/country.ts';
import { openIpCountry } from '../../src/io/ip-country.ts';
import { COUNTRIES, DATA_CENTERS } from '../../src/sample/geo.ts';
import { demo } from './demo-fixture.ts';

const ipCountry = openIpCountry();

it('gives every visitor a zone of their country and an address the database places there', () => {
  const countries = new Set<string>();
  const wrong: string[] = [];
  for (const s of demo().sessions) {
    if (s.kind !== 'visitor') continue;
    countries.add(s.country);
    for (const e of s.events) {
      // By the zone's countries: a browser reports Europe/Amsterdam, a link in today's zone data.
      const countriesOfZone: string[] = getCountriesForTimezone(e.timezone).map((c) => c.id);
      if (!countriesOfZone.includes(s.country) || countryOfZone(e.timezone) !== s.country)
        wrong.push(`${s.country}: zone ${e.timezone}`);
      if (ipCountry(e.ip) !== s.country) wrong.push(`${s.country}: address ${e.ip}`);
    }
  }
  expect(wrong.slice(0, 10)).toEqual([]);
  expect(countries.size).toBeGreaterThanOrEqual(15);
});

it('holds whole /16 blocks of each country and of the hosting providers', () => {
  for (const c of Object.values(COUNTRIES))
    for (const block of c.blocks)
      for (let third = 0; third < 256; third += 5)
        expect(ipCountry(`${block}.${third}.77`), block).toBe(c.code);
  for (const { block, country } of DATA_CENTERS)
    for (let third = 0; third < 256; third += 5)
      expect(ipCountry(`${block}.${third}.77`), block).toBe(country);
});
