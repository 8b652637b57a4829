/**
 * How a demo visit arrives: its referrer and the query string of its landing URL, for each kind
 * of arrival a site's mix names. Referrers are written as browsers send them (origin only, under
 * the default referrer policy), in the visitor's country's form (www.google.co.uk); paid visits
 * carry UTM tags and a click id; a tab left open past the timeout comes back with the site's own
 * page as referrer, which must count as Direct, not as a source.
 *
 *   arrive('cpc', site, 'GB', random) // { referrer: 'https://www.google.co.uk/', query: '?utm_source=google&utm_medium=cpc&…&gclid=…' }
 */
import { COUNTRIES, type CountryCode } from './geo.ts';
import type { Random } from './random.ts';

export type ArrivalKind =
  | 'direct'
  | 'organic'
  | 'social'
  | 'referral'
  | 'email'
  | 'cpc'
  | 'paid_social'
  /** A tab left open: the next click after the timeout starts a session with an internal referrer. */
  | 'resumed';

export interface Arrival {
  readonly kind: ArrivalKind;
  readonly referrer: string;
  /** '' or a query string starting with '?', added to the landing URL. */
  readonly query: string;
  /** The utm_campaign, when tagged. */
  readonly campaign: string;
}

/** What a site's campaigns are called and where its social and referral visits come from. */
export interface Campaigns {
  /** utm_campaign of newsletter mails, by ISO week (the number is filled in). */
  readonly newsletter: string;
  /** Search ad campaigns (Google, sometimes Bing). */
  readonly search: readonly string[];
  /** Paid social: [utm_source, campaign, referrer host]. */
  readonly paidSocial: readonly (readonly [string, string, string])[];
  /** Organic social referrers (full URLs as sent), with weights. */
  readonly social: readonly (readonly [string, number])[];
  /** Other sites linking here, with weights. */
  readonly referral: readonly (readonly [string, number])[];
}

const SEARCH_ENGINES: readonly (readonly [string, number])[] = [
  ['google', 86],
  ['https://www.bing.com/', 6],
  ['https://duckduckgo.com/', 4],
  ['https://www.ecosia.org/', 1.5],
  ['https://search.brave.com/', 1.5],
  ['https://search.yahoo.com/', 1],
];

/** Organic social referrers most sites see; a site adds its own. */
export const COMMON_SOCIAL: readonly (readonly [string, number])[] = [
  ['https://t.co/', 10],
  ['https://www.reddit.com/', 8],
  ['https://out.reddit.com/', 2],
  ['https://www.linkedin.com/', 6],
  ['https://lnkd.in/', 1],
  ['https://m.facebook.com/', 5],
  ['https://l.facebook.com/', 3],
  ['https://l.instagram.com/', 3],
  ['https://news.ycombinator.com/', 4],
];

export function arrive(
  kind: ArrivalKind,
  campaigns: Campaigns,
  country: CountryCode,
  weekOfYear: number,
  origin: string,
  internalPath: string,
  random: Random,
): Arrival {
  const google = `https://${COUNTRIES[country].google}/`;
  switch (kind) {
    case 'direct':
      return { kind, referrer: '', query: '', campaign: '' };
    case 'resumed':
      return { kind, referrer: `${origin}${internalPath}`, query: '', campaign: '' };
    case 'organic': {
      const engine = random.weighted(SEARCH_ENGINES);
      return { kind, referrer: engine === 'google' ? google : engine, query: '', campaign: '' };
    }
    case 'social':
      return { kind, referrer: random.weighted(campaigns.social), query: '', campaign: '' };
    case 'referral':
      return { kind, referrer: random.weighted(campaigns.referral), query: '', campaign: '' };
    case 'email': {
      const campaign = campaigns.newsletter.replace('#', String(weekOfYear).padStart(2, '0'));
      // Web mail sends its own origin as referrer now and then; desktop clients send none.
      const referrer = random.chance(0.15) ? 'https://mail.google.com/' : '';
      return {
        kind,
        referrer,
        query: `?utm_source=newsletter&utm_medium=email&utm_campaign=${campaign}`,
        campaign,
      };
    }
    case 'cpc': {
      const campaign = random.pick(campaigns.search);
      if (random.chance(0.12))
        return {
          kind,
          referrer: 'https://www.bing.com/',
          query: `?utm_source=bing&utm_medium=cpc&utm_campaign=${campaign}&msclkid=${random.hex(32)}`,
          campaign,
        };
      return {
        kind,
        referrer: google,
        query: `?utm_source=google&utm_medium=cpc&utm_campaign=${campaign}&gclid=${clickId(random)}`,
        campaign,
      };
    }
    case 'paid_social': {
      const [source, campaign, host] = random.pick(campaigns.paidSocial);
      const id = source === 'facebook' || source === 'instagram' ? `&fbclid=IwAR${clickId(random)}` : '';
      return {
        kind,
        referrer: `https://${host}/`,
        query: `?utm_source=${source}&utm_medium=paid_social&utm_campaign=${campaign}${id}`,
        campaign,
      };
    }
  }
}

/** A Google-style click id: base64url text of about 90 characters. */
function clickId(random: Random): string {
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let s = 'Cj0KCQ';
  for (let i = 0; i < 60; i++) s += ALPHABET[random.int(64)];
  return s;
}

/** The ISO week number of a date, for newsletter campaign names. */
export function isoWeek(year: number, month: number, day: number): number {
  const d = new Date(Date.UTC(year, month, day));
  const weekday = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  return Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
}
