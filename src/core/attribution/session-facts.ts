/**
 * What the batch driver needs, per dictionary code, to find a session's source and country
 * without a string per event: whether a referrer is the site itself (one of `siteHosts`, or
 * compared with each event's own host), and each time zone's country.
 *
 *   const facts = new SessionFacts(dicts, ['shop.example']);
 *   facts.isExternal(referrerCode, hostCode) // false for https://www.shop.example/cart
 */
import type { EventDictionaries } from '../columns.ts';
import { countryOfZone } from './country.ts';
import { bareHost, siteHostOf } from './url-facts.ts';

/** A referrer code's host that no event's host code equals: it has none, or no event has it. */
const NO_HOST = -1;

export class SessionFacts {
  /** Per referrer code: its host's code among the events' hosts, or NO_HOST. */
  readonly #referrerHost: Int32Array;
  /** Per referrer code: 1 when its host is one of the site's. */
  readonly #referrerOwn: Uint8Array;
  /** Per zone code: the code of its country in `countries` (0: none). */
  readonly zoneCountry: Int32Array;

  constructor(dicts: EventDictionaries, siteHosts: readonly string[]) {
    const own = new Set(siteHosts.map(bareHost).filter((h) => h !== ''));
    const referrers = dicts.referrers.values;
    this.#referrerHost = new Int32Array(referrers.length);
    this.#referrerOwn = new Uint8Array(referrers.length);
    for (let r = 0; r < referrers.length; r++) {
      const host = siteHostOf(referrers[r]!);
      this.#referrerHost[r] = host === '' ? NO_HOST : dicts.hosts.find(host);
      this.#referrerOwn[r] = own.has(host) ? 1 : 0;
    }
    this.zoneCountry = Int32Array.from(dicts.zones.values, (zone) =>
      dicts.countries.code(countryOfZone(zone)),
    );
  }

  /** Whether a referrer (code) of an event on the host `hostCode` comes from outside the site. */
  isExternal(referrerCode: number, hostCode: number): boolean {
    if (referrerCode === 0 || this.#referrerOwn[referrerCode] === 1) return false;
    const host = this.#referrerHost[referrerCode]!;
    return host === NO_HOST || host !== hostCode;
  }
}
